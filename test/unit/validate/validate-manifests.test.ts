import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { parse, stringify } from "yaml";
import { validateManifests, type ManifestProblem } from "../../../lib/validate/index.js";
import { APPLICATION, CONFIG_MAP, DEPLOYMENT, NAMESPACE, NODE_PARTIAL, POD_GROUP, PRIORITY_CLASS, RAY_CLUSTER, SCALED_OBJECT, SERVICE } from "./manifests.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/k8s/${name}`, import.meta.url), "utf8");

function validate(files: Record<string, string>): ManifestProblem[] {
  return validateManifests(new Map(Object.entries(files)));
}

/** The YAML of `text` after `mutate` changed its parsed object. */
function edit(text: string, mutate: (object: any) => void): string {
  const object = parse(text);
  mutate(object);
  return stringify(object);
}

describe("validateManifests on real public manifests (test/fixtures/k8s)", () => {
  it.each([
    "keda-scaledobject.vllm.production-stack.tutorial.yaml",
    "keda-scaledobject.vllm.scale-to-zero.production-stack-tutorial-20.yaml",
    "argocd-application.operator-manual-example.yaml",
  ])("accepts %s", (name) => {
    const problems = validate({ [name]: fixture(name) });

    expect(problems).toEqual([]);
  });

  it("reports the Argo CD sync-options doc snippet as incomplete (it is a fragment, not an object)", () => {
    const name = "argocd-application.respect-ignore-differences.sync-options-doc.yaml";

    const problems = validate({ [name]: fixture(name) });

    expect(problems.map((p) => p.field)).toEqual(["metadata", "spec.destination", "spec.project"]);
  });

  it("reports the production-stack Helm template as invalid YAML, once per document, with a line", () => {
    const name = "keda-scaledobject.vllm.production-stack.helm-template.yaml";

    const problems = validate({ [name]: fixture(name) });

    expect(problems.map((p) => [p.document, p.line])).toEqual([
      [0, 1],
      [1, 71],
    ]);
    expect(problems[0]!.message).toMatch(/^invalid YAML: .* \(and \d+ more YAML errors\)$/);
  });

  it("keeps a copy of every shared real k8s fixture", () => {
    const shared = new URL("../../fixtures/k8s/", import.meta.url);

    const copied = readdirSync(shared);

    expect(copied).toEqual(expect.arrayContaining(["argocd-application.operator-manual-example.yaml", "keda-scaledobject.vllm.production-stack.tutorial.yaml"]));
  });
});

describe("validateManifests on rendered-style manifests", () => {
  it.each([
    ["ScaledObject", SCALED_OBJECT],
    ["Deployment", DEPLOYMENT],
    ["Service", SERVICE],
    ["RayCluster", RAY_CLUSTER],
    ["PodGroup", POD_GROUP],
    ["Application", APPLICATION],
    ["Node partial", NODE_PARTIAL],
    ["PriorityClass", PRIORITY_CLASS],
    ["Namespace", NAMESPACE],
    ["ConfigMap", CONFIG_MAP],
  ])("accepts a valid %s", (_, text) => {
    const problems = validate({ "clusters/prod/object.yaml": text });

    expect(problems).toEqual([]);
  });

  it("accepts the shipped app-of-apps Application", () => {
    const text = readFileSync(new URL("../../../infra/argocd/app-of-apps.yaml", import.meta.url), "utf8");

    const problems = validate({ "infra/argocd/app-of-apps.yaml": text });

    expect(problems).toEqual([]);
  });

  it("accepts several documents in one file and skips empty ones", () => {
    const problems = validate({ "clusters/prod/llm/m.yaml": `${DEPLOYMENT}---\n${SERVICE}---\n` });

    expect(problems).toEqual([]);
  });
});

describe("validateManifests finds broken objects and names the field", () => {
  it.each([
    // ScaledObject (KEDA CRD schema)
    ["a ScaledObject without scaleTargetRef", SCALED_OBJECT, (o: any) => delete o.spec.scaleTargetRef, "spec.scaleTargetRef", "required field is missing"],
    ["a ScaledObject with a string minReplicaCount", SCALED_OBJECT, (o: any) => (o.spec.minReplicaCount = "1"), "spec.minReplicaCount", "must be integer"],
    ["spec.maxReplicas (unknown) on a ScaledObject", SCALED_OBJECT, (o: any) => (o.spec.maxReplicas = 4), "spec.maxReplicas", "unknown field"],
    ["a numeric trigger threshold (KEDA wants strings)", SCALED_OBJECT, (o: any) => (o.spec.triggers[0].metadata.threshold = 5), "spec.triggers[0].metadata.threshold", "must be string"],
    ["a typo inside a trigger", SCALED_OBJECT, (o: any) => (o.spec.triggers[0].metricTyp = "Value"), "spec.triggers[0].metricTyp", "unknown field"],
    ["minReplicaCount above maxReplicaCount (the CRD's CEL rule)", SCALED_OBJECT, (o: any) => (o.spec.minReplicaCount = 5), "spec", "minReplicaCount must be less than or equal to maxReplicaCount"],
    ["a typo in ScaledObject metadata", SCALED_OBJECT, (o: any) => (o.metadata.lables = {}), "metadata.lables", "unknown field"],
    ["an unknown top-level field", SCALED_OBJECT, (o: any) => (o.specs = {}), "specs", "unknown field"],
    // Application (Argo CD CRD schema)
    ["`ignoreDifference` (typo) on an Application", APPLICATION, (o: any) => ((o.spec.ignoreDifference = o.spec.ignoreDifferences), delete o.spec.ignoreDifferences), "spec.ignoreDifference", "unknown field"],
    ["an ignoreDifferences entry without kind", APPLICATION, (o: any) => delete o.spec.ignoreDifferences[0].kind, "spec.ignoreDifferences[0].kind", "required field is missing"],
    ["syncOptions as a string", APPLICATION, (o: any) => (o.spec.syncPolicy.syncOptions = "RespectIgnoreDifferences=true"), "spec.syncPolicy.syncOptions", "must be array"],
    // RayCluster (KubeRay CRD schema) and PodGroup (scheduler-plugins CRD schema)
    ["a worker group without maxReplicas", RAY_CLUSTER, (o: any) => delete o.spec.workerGroupSpecs[0].maxReplicas, "spec.workerGroupSpecs[0].maxReplicas", "required field is missing"],
    ["an unknown field in a Ray pod's container", RAY_CLUSTER, (o: any) => (o.spec.headGroupSpec.template.spec.containers[0].gpus = 8), "spec.headGroupSpec.template.spec.containers[0].gpus", "unknown field"],
    [
      "two containers with the same name (x-kubernetes-list-type: map)",
      RAY_CLUSTER,
      (o: any) => o.spec.headGroupSpec.template.spec.containers.push({ name: "ray", image: "busybox:1.36" }),
      "spec.headGroupSpec.template.spec.containers",
      "duplicate entry [1]: the same name as item 0",
    ],
    ["a PodGroup with a string minMember", POD_GROUP, (o: any) => (o.spec.minMember = "2"), "spec.minMember", "must be integer"],
    ["a PodGroup with minMember 0", POD_GROUP, (o: any) => (o.spec.minMember = 0), "spec.minMember", "must be >= 1"],
    ["`minMembers` (typo) on a PodGroup", POD_GROUP, (o: any) => (o.spec.minMembers = 2), "spec.minMembers", "unknown field"],
    // Core objects (kubernetes-models)
    ["a Deployment without selector", DEPLOYMENT, (o: any) => delete o.spec.selector, "spec.selector", "required field is missing"],
    ["a Deployment with string replicas", DEPLOYMENT, (o: any) => (o.spec.replicas = "3"), "spec.replicas", "must be integer"],
    ["a misspelt container field", DEPLOYMENT, (o: any) => (o.spec.template.spec.containers[0].imagePullPolcy = "Always"), "spec.template.spec.containers[0].imagePullPolcy", "unknown field"],
    ["a container without a name", DEPLOYMENT, (o: any) => delete o.spec.template.spec.containers[0].name, "spec.template.spec.containers[0].name", "required field is missing"],
    ["a served model name with '/' as a label value", DEPLOYMENT, (o: any) => (o.spec.template.metadata.labels["vllm-gitops/served"] = "meta-llama/Llama-3-8B"), 'spec.template.metadata.labels["vllm-gitops/served"]', "label value must be"],
    ["a Service named with a leading digit (DNS-1035)", SERVICE, (o: any) => (o.metadata.name = "3b-model"), "metadata.name", "must be a DNS-1035 label"],
    ["a Service port as a string", SERVICE, (o: any) => (o.spec.ports[0].port = "8000"), "spec.ports[0].port", "must be integer"],
    ["a PriorityClass without value", PRIORITY_CLASS, (o: any) => delete o.value, "value", "required field is missing"],
    ["a PriorityClass with a numeric description (a field kubernetes-models lost)", PRIORITY_CLASS, (o: any) => (o.description = 7), "description", "must be string"],
    ["a Node partial with a namespace (cluster-scoped)", NODE_PARTIAL, (o: any) => (o.metadata.namespace = "llm"), "metadata.namespace", "must not be set: Node is cluster-scoped"],
    ["a ConfigMap with non-string data", CONFIG_MAP, (o: any) => (o.data.replicas = 3), "data.replicas", "must be string"],
    ["an object without a name", NAMESPACE, (o: any) => delete o.metadata.name, "metadata.name", "required field is missing"],
    ["a name with upper-case letters", DEPLOYMENT, (o: any) => (o.metadata.name = "Llama-3-8B"), "metadata.name", "must be a DNS-1123 subdomain"],
  ])("reports %s", (_, text, mutate, field, message) => {
    const problems = validate({ "clusters/prod/llm/object.yaml": edit(text, mutate) });

    expect(problems).toContainEqual(expect.objectContaining({ path: "clusters/prod/llm/object.yaml", field, message: expect.stringContaining(`${field}: ${message}`) }));
  });

  it("accepts any keys in a trigger's metadata map (it is a map of strings)", () => {
    const text = edit(SCALED_OBJECT, (o) => (o.spec.triggers[0].metadata.activationThreshold = "1"));

    expect(validate({ "so.yaml": text })).toEqual([]);
  });

  it("reports kind, name, document and line of the problem", () => {
    const text = `${NAMESPACE}---\n${SCALED_OBJECT.replace("  minReplicaCount: 1\n", "  minReplicaCount: 1\n  maxReplicas: 4\n")}`;

    const problems = validate({ "clusters/prod/llm/llama-3-8b.yaml": text });

    const line = text.split("\n").findIndex((l) => l.startsWith("  maxReplicas:")) + 1;
    expect(problems).toEqual([
      {
        path: "clusters/prod/llm/llama-3-8b.yaml",
        document: 1,
        kind: "ScaledObject",
        name: "llama-3-8b",
        field: "spec.maxReplicas",
        message: "spec.maxReplicas: unknown field",
        line,
      },
    ]);
  });

  it("collects every problem of an object, not only the first", () => {
    const text = edit(DEPLOYMENT, (o) => {
      o.spec.replicas = "3";
      o.spec.template.spec.containers[0].imagePullPolcy = "Always";
      delete o.spec.selector;
    });

    const fields = validate({ "d.yaml": text }).map((p) => p.field);

    expect(fields).toEqual(expect.arrayContaining(["spec.replicas", "spec.selector", "spec.template.spec.containers[0].imagePullPolcy"]));
  });
});

describe("validateManifests on what it does not know", () => {
  it("reports an unknown apiVersion/kind", () => {
    const problems = validate({ "s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n" });

    expect(problems).toEqual([expect.objectContaining({ kind: "Secret", field: "kind", message: expect.stringContaining("unknown apiVersion/kind v1 Secret") })]);
  });

  it("names the supported version when only the apiVersion is wrong", () => {
    const problems = validate({ "r.yaml": RAY_CLUSTER.replace("apiVersion: ray.io/v1", "apiVersion: ray.io/v1alpha1") });

    expect(problems).toEqual([expect.objectContaining({ field: "apiVersion", message: "apiVersion: unsupported apiVersion ray.io/v1alpha1 for kind RayCluster (supported: ray.io/v1)" })]);
  });

  it("reports a document without apiVersion", () => {
    const problems = validate({ "x.yaml": "kind: Deployment\nmetadata:\n  name: x\n" });

    expect(problems.map((p) => p.field)).toEqual(["apiVersion"]);
  });

  it("reports a document that is not a mapping", () => {
    const problems = validate({ "x.yaml": "- a\n- b\n" });

    expect(problems).toEqual([expect.objectContaining({ message: "a manifest document must be a mapping (a Kubernetes object)", line: 1 })]);
  });

  it("reports duplicate keys as invalid YAML", () => {
    const problems = validate({ "x.yaml": "apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata:\n  name: llm\n" });

    expect(problems).toEqual([expect.objectContaining({ message: expect.stringContaining("invalid YAML: Map keys must be unique"), line: 3 })]);
  });

  it("reports an alias bomb instead of expanding it", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");

    const problems = validate({ "bomb.yaml": bomb });

    expect(problems).toEqual([expect.objectContaining({ message: expect.stringContaining("invalid YAML") })]);
  });

  it("reports the same object defined twice", () => {
    const problems = validate({ "a/ns.yaml": NAMESPACE, "b/ns.yaml": NAMESPACE });

    expect(problems).toEqual([expect.objectContaining({ path: "b/ns.yaml", field: "metadata.name", message: "metadata.name: the same object is already defined in a/ns.yaml#0" })]);
  });

  it("ignores files that are not YAML", () => {
    const problems = validate({ ".vllm-gitops/state.json": "{not yaml: [" });

    expect(problems).toEqual([]);
  });
});

describe("validateManifests on kustomization.yaml", () => {
  const kustomization = (resources: string[], extra = "") =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${extra}resources:\n${resources.map((r) => `  - ${r}\n`).join("")}`;

  it("accepts resources that are among the files, including a directory with its own kustomization", () => {
    const problems = validate({
      "clusters/prod/kustomization.yaml": kustomization(["llm/llama/deployment.yaml", "gpu"]),
      "clusters/prod/llm/llama/deployment.yaml": DEPLOYMENT,
      "clusters/prod/gpu/kustomization.yaml": kustomization(["https://example.test/remote.yaml"]),
    });

    expect(problems).toEqual([]);
  });

  it.each([
    ["a resource that is not among the files", kustomization(["llm/missing.yaml"]), "resources[0]", "resource llm/missing.yaml is not among the files"],
    ["a misspelt field", kustomization([], "resource:\n  - a.yaml\n"), "resource", "unknown field"],
    ["a resource listed twice", kustomization(["d.yaml", "d.yaml"]), "resources", "must not list a resource twice"],
    ["an absolute resource path", kustomization(["/etc/passwd"]), "resources[0]", "must be a relative path"],
  ])("reports %s", (_, text, field, message) => {
    const problems = validate({ "clusters/prod/kustomization.yaml": text, "clusters/prod/d.yaml": NAMESPACE });

    expect(problems).toContainEqual(expect.objectContaining({ kind: "Kustomization", field, message: expect.stringContaining(message) }));
  });
});
