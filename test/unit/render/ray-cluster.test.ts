import { describe, expect, it } from "@jest/globals";
import { renderFleet } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf, withModelPlan } from "./fleet-fixtures.js";
import { modelFile, parseDocuments, parseOne, type Parsed } from "./parse.js";

function render(plan = basePlan()): Map<string, string> {
  return renderFleet({ config: configOf(baseRawConfig()), plan });
}

function rayClustersOf(files: ReadonlyMap<string, string>): Parsed[] {
  return parseDocuments(modelFile(files, "llama-405b", "raycluster.yaml") ?? "");
}

function podTemplates(cluster: Parsed): Parsed[] {
  return [cluster.spec.headGroupSpec.template, ...cluster.spec.workerGroupSpecs.map((g: Parsed) => g.template)];
}

describe("a multi-node replica (DESIGN.md 5.4; FIELD-REPORTS #23)", () => {
  it("renders Llama-3.1-405B TP 8 × PP 2 as a head and one worker, each holding all 8 GPUs of its node", () => {
    const [cluster] = rayClustersOf(render());

    expect(cluster.apiVersion).toBe("ray.io/v1");
    expect(cluster.kind).toBe("RayCluster");
    expect(cluster.metadata.name).toBe("llama-405b-0");
    expect(cluster.spec.enableInTreeAutoscaling).toBe(false);
    expect(cluster.spec.workerGroupSpecs).toHaveLength(1);
    const workers = cluster.spec.workerGroupSpecs[0];
    expect([workers.replicas, workers.minReplicas, workers.maxReplicas, workers.numOfHosts]).toEqual([1, 1, 1, 1]);
    for (const template of podTemplates(cluster)) {
      expect(template.spec.containers[0].resources.limits).toEqual({ "nvidia.com/gpu": 8 });
    }
  });

  it("sets VLLM_HOST_IP from status.podIP on head and workers", () => {
    const [cluster] = rayClustersOf(render());

    for (const template of podTemplates(cluster)) {
      expect(template.spec.containers[0].env).toContainEqual({ name: "VLLM_HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } });
    }
  });

  it("gang-schedules every pod of the replica through one PodGroup with minMember = PP", () => {
    const files = render();

    const [cluster] = rayClustersOf(files);
    const [podGroup] = parseDocuments(modelFile(files, "llama-405b", "podgroup.yaml") ?? "");

    expect(podGroup.apiVersion).toBe("scheduling.x-k8s.io/v1alpha1");
    expect(podGroup.kind).toBe("PodGroup");
    expect(podGroup.metadata).toMatchObject({ name: "llama-405b-0", namespace: "llm" });
    expect(podGroup.spec.minMember).toBe(2);
    for (const template of podTemplates(cluster)) {
      expect(template.metadata.labels["scheduling.x-k8s.io/pod-group"]).toBe("llama-405b-0");
      expect(template.spec.schedulerName).toBe("scheduler-plugins-scheduler");
    }
  });

  it("does not also enable KubeRay's own gang scheduling", () => {
    const text = modelFile(render(), "llama-405b", "raycluster.yaml") ?? "";

    expect(text).not.toMatch(/ray\.io\/gang-scheduling-enabled|ray\.io\/scheduler-name/);
  });

  it("starts vllm serve on the head once all workers joined, with TP, PP and the ray executor", () => {
    const [cluster] = rayClustersOf(render());

    const head = cluster.spec.headGroupSpec.template.spec.containers[0];
    const script: string = head.args[0];
    expect(cluster.metadata.annotations).toEqual({ "ray.io/overwrite-container-cmd": "true" });
    expect(script).toMatch(/ray start --head/);
    expect(script).toMatch(/>= 2 else 1/);
    const serve = script.split("\n").find((line) => line.startsWith("exec vllm serve "));
    expect(serve).toBe(
      "exec vllm serve meta-llama/Llama-3.1-405B-Instruct --served-model-name meta-llama/Llama-3.1-405B-Instruct --port 8000 --dtype bfloat16 --max-model-len 8192 --gpu-memory-utilization 0.9 --tensor-parallel-size 8 --pipeline-parallel-size 2 --distributed-executor-backend ray",
    );
    expect(script.indexOf("until ")).toBeLessThan(script.indexOf("exec vllm serve"));
  });

  it("probes the engine on the head, so losing a worker restarts the head", () => {
    const [cluster] = rayClustersOf(render());

    const head = cluster.spec.headGroupSpec.template.spec.containers[0];
    expect(head.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(head.startupProbe.failureThreshold * head.startupProbe.periodSeconds).toBeGreaterThanOrEqual(20 * 60);
  });

  it("renders one RayCluster and one PodGroup per reserved replica", () => {
    const files = render(withModelPlan(basePlan(), "llama-405b", { reservedReplicas: 3 }));

    expect(rayClustersOf(files).map((c) => c.metadata.name)).toEqual(["llama-405b-0", "llama-405b-1", "llama-405b-2"]);
    expect(parseDocuments(modelFile(files, "llama-405b", "podgroup.yaml") ?? "").map((g) => g.metadata.name)).toEqual(["llama-405b-0", "llama-405b-1", "llama-405b-2"]);
  });

  it("renders no RayCluster, PodGroup, ScaledObject or ignore rule for a multi-node model at 0 replicas, but keeps its Service", () => {
    const files = render(withModelPlan(basePlan(), "llama-405b", { reservedReplicas: 0 }));

    expect(modelFile(files, "llama-405b", "raycluster.yaml")).toBeUndefined();
    expect(modelFile(files, "llama-405b", "podgroup.yaml")).toBeUndefined();
    expect(modelFile(files, "llama-405b", "scaledobject.yaml")).toBeUndefined();
    expect(modelFile(files, "llama-405b", "service.yaml")).toBeDefined();
  });

  it("fronts the replicas with a Service selecting the Ray heads only", () => {
    const service = parseOne(modelFile(render(), "llama-405b", "service.yaml"));

    expect(service.spec.selector).toEqual({ "vllm-gitops/model": "llama-405b", "vllm-gitops/role": "head" });
  });
});
