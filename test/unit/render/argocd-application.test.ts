import { describe, expect, it } from "@jest/globals";
import { renderFleet } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf } from "./fleet-fixtures.js";
import { CLUSTER, modelFile, parseOne, type Parsed } from "./parse.js";

function render(raw: Record<string, unknown> = baseRawConfig()): Map<string, string> {
  return renderFleet({ config: configOf(raw), plan: basePlan() });
}

function applicationOf(files: ReadonlyMap<string, string>): Parsed {
  return parseOne(files.get(`${CLUSTER}/argocd/application.yaml`));
}

function withModel(model: string, change: Record<string, unknown>): Record<string, unknown> {
  const raw = baseRawConfig();
  return { ...raw, models: (raw.models as Record<string, unknown>[]).map((m) => (m.name === model ? { ...m, ...change } : m)) };
}

describe("Argo CD and KEDA sharing spec.replicas (FIELD-REPORTS #8–#11)", () => {
  it("renders KEDA-managed Deployments without spec.replicas (#8, #11)", () => {
    const files = render();

    for (const model of ["llama-3-8b-awq", "llama-3-70b", "qwen-coder"]) {
      const deployment = parseOne(modelFile(files, model, "deployment.yaml"));
      expect(deployment.spec).not.toHaveProperty("replicas");
    }
  });

  it("renders an autoscaler: none Deployment with replicas = the reserve, and no ScaledObject (#10)", () => {
    const files = render();

    const deployment = parseOne(modelFile(files, "mistral-7b", "deployment.yaml"));

    expect(deployment.spec.replicas).toBe(3);
    expect(modelFile(files, "mistral-7b", "scaledobject.yaml")).toBeUndefined();
  });

  it("ignores /spec/replicas per KEDA-managed Deployment, with group apps, and respects it on sync (#9)", () => {
    const application = applicationOf(render());

    expect(application.spec.ignoreDifferences).toEqual([
      { group: "apps", kind: "Deployment", name: "llama-3-70b", namespace: "llm", jsonPointers: ["/spec/replicas"] },
      { group: "apps", kind: "Deployment", name: "llama-3-8b-awq", namespace: "llm", jsonPointers: ["/spec/replicas"] },
      { group: "apps", kind: "Deployment", name: "qwen-coder", namespace: "llm", jsonPointers: ["/spec/replicas"] },
    ]);
    expect(application.spec.syncPolicy.syncOptions).toContain("RespectIgnoreDifferences=true");
  });

  it("never renders an Application-wide ignore rule, which would freeze autoscaler: none replicas", () => {
    const application = applicationOf(render());

    for (const entry of application.spec.ignoreDifferences) {
      expect(typeof entry.name).toBe("string");
      expect(typeof entry.namespace).toBe("string");
    }
    expect(application.spec.ignoreDifferences.map((e: Parsed) => e.name)).not.toContain("mistral-7b");
  });

  it("moves a model from KEDA to autoscaler: none in one render: ScaledObject and ignore rule gone, replicas explicit (#10)", () => {
    const before = render();

    const after = render(withModel("llama-3-70b", { autoscaler: "none" }));

    expect(modelFile(before, "llama-3-70b", "scaledobject.yaml")).toBeDefined();
    expect(modelFile(after, "llama-3-70b", "scaledobject.yaml")).toBeUndefined();
    expect(parseOne(modelFile(after, "llama-3-70b", "deployment.yaml")).spec.replicas).toBe(2);
    expect(applicationOf(after).spec.ignoreDifferences.map((e: Parsed) => e.name)).toEqual(["llama-3-8b-awq", "qwen-coder"]);
    expect(parseOne(after.get(`${CLUSTER}/kustomization.yaml`)).resources).not.toContain("llm/llama-3-70b/scaledobject.yaml");
  });

  it("renders an empty ignore list when no model uses KEDA", () => {
    const raw = baseRawConfig();
    const models = (raw.models as Record<string, unknown>[]).map((m) => ({ ...m, autoscaler: "none", replicas: { min: 1, max: 4 }, wakeUp: null }));

    const application = applicationOf(render({ ...raw, models }));

    expect(application.spec.ignoreDifferences).toEqual([]);
  });

  it("points the Application at the rendered branch's cluster folder, in-cluster, with automated sync", () => {
    const application = applicationOf(render());

    expect(application.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(application.kind).toBe("Application");
    expect(application.metadata).toMatchObject({ name: "vllm-gitops-prod-us-east-1", namespace: "argocd" });
    expect(application.metadata.finalizers).toBeUndefined();
    expect(application.spec.project).toBe("default");
    expect(application.spec.source).toEqual({ repoURL: "https://github.com/acme/llm-fleet.git", targetRevision: "rendered", path: "clusters/prod-us-east-1" });
    expect(application.spec.destination).toEqual({ server: "https://kubernetes.default.svc" });
    expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it("keeps the Application out of the kustomization it syncs", () => {
    const files = render();

    const resources: string[] = parseOne(files.get(`${CLUSTER}/kustomization.yaml`)).resources;

    expect(resources.some((r) => r.startsWith("argocd/"))).toBe(false);
  });
});
