import { describe, expect, it } from "@jest/globals";
import { buildResliceRunbook } from "../../../lib/controller/reslice-runbook.js";
import { buildShapeRunbook } from "../../../lib/controller/shape-runbook.js";
import { planFleet, summarizeShape, type FleetPlacement, type GpuPlacement } from "../../../lib/planner/index.js";
import { fleetOf, type ModelInput } from "../planner/fleet-builders.js";

const gpu = (index: number, ...profiles: string[]): GpuPlacement => ({ index, model: null, migInstances: profiles.map((profile, i) => ({ profile, start: i, model: i === 0 ? "m" : null })) });
const placement = (node: string, ...gpus: GpuPlacement[]): FleetPlacement => [{ pool: "a100", gpuModel: "A100-80GB", migEnabled: true, nodes: [{ name: node, gpus }] }];
const SEVEN = Array<string>(7).fill("1g.10gb");

/** Positions of `steps` in `text`; all found, in order. */
function expectInOrder(text: string, steps: readonly string[]): void {
  const positions = steps.map((s) => text.indexOf(s));
  expect(steps.filter((_, i) => positions[i]! < 0)).toEqual([]);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

describe("re-slice runbook, labelMode nodeLabels", () => {
  const config = fleetOf([{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 2, mig: { enabled: true, labelMode: "nodeLabels" }, nodeNames: ["gpu-a100-0"] }], []);
  const before = placement("gpu-a100-0", gpu(0, "3g.40gb", "4g.40gb"), gpu(1));
  const after = placement("gpu-a100-0", gpu(0, ...SEVEN), gpu(1, "1g.20gb"));

  it("clears the state label the previous config left before relabelling, so waiting for success cannot pass on it, then checks the new counts", () => {
    const runbook = buildResliceRunbook(config, before, after).join("\n");

    expectInOrder(runbook, [
      "kubectl cordon gpu-a100-0",
      "kubectl drain gpu-a100-0 --ignore-daemonsets --delete-emptydir-data",
      "kubectl label node gpu-a100-0 nvidia.com/mig.config.state-",
      "mig-node-labels.yaml",
      "kubectl wait node/gpu-a100-0 --for=jsonpath='{.metadata.labels.nvidia\\.com/mig\\.config\\.state}'=success --timeout=15m",
      "kubectl wait node/gpu-a100-0 --for=jsonpath='{.metadata.labels.nvidia\\.com/mig-1g\\.10gb\\.count}'=7 --timeout=5m",
      "kubectl wait node/gpu-a100-0 --for=jsonpath='{.metadata.labels.nvidia\\.com/mig-1g\\.20gb\\.count}'=1 --timeout=5m",
      "kubectl uncordon gpu-a100-0",
    ]);
    expect(runbook).toMatch(/kubectl label node gpu-a100-0 nvidia\.com\/mig\.config=vllm-[0-9a-f]{8} --overwrite/);
  });
});

describe("re-slice runbook, labelMode nodePool", () => {
  const config = fleetOf([{ name: "a100", gpu: "A100-80GB", nodes: 2, gpusPerNode: 1, mig: { enabled: true, labelMode: "nodePool" } }], []);
  const before: FleetPlacement = [{ pool: "a100", gpuModel: "A100-80GB", migEnabled: true, nodes: [{ name: "a100-0", gpus: [gpu(0, ...SEVEN)] }, { name: "a100-1", gpus: [gpu(0, "3g.40gb", "4g.40gb")] }] }];
  const after: FleetPlacement = [{ pool: "a100", gpuModel: "A100-80GB", migEnabled: true, nodes: [{ name: "a100-0", gpus: [gpu(0, ...SEVEN)] }, { name: "a100-1", gpus: [gpu(0, ...SEVEN)] }] }];

  it("names no node of its own (the plan's a100-0, a100-1 are not cluster nodes) and describes the node-pool procedure", () => {
    const runbook = buildResliceRunbook(config, before, after);
    const text = runbook.join("\n");

    expect(runbook.filter((l) => /kubectl .*a100-\d/.test(l))).toEqual([]);
    expect(text).toContain("ConfigMap gpu-operator/vllm-gitops-mig-node-pools-a100");
    expect(text).toMatch(/nvidia\.com\/mig\.config=vllm-[0-9a-f]{8}: 2 nodes \(has 1\)/);
    expect(text).toMatch(/nvidia\.com\/mig\.config=vllm-[0-9a-f]{8}: 0 nodes \(has 1\)/);
    expectInOrder(text, ["node pool", "kubectl get nodes -l nvidia.com/mig.config=vllm-", "kubectl cordon <node>", "kubectl drain <node>", "kubectl delete node <node>", "nvidia.com/mig-1g.10gb.count"]);
  });
});

describe("shape runbook", () => {
  const h100 = { name: "h100", gpu: "H100-80GB" as const, nodes: 2, gpusPerNode: 8 };
  const model = (minConcurrency: number, extra: Partial<ModelInput> = {}): ModelInput => ({ name: "big", architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency, ...extra });
  const runbookFor = (from: ModelInput, to: ModelInput, replicas: number): string => {
    const was = planFleet({ config: fleetOf([h100], [from]), desiredReplicas: { big: replicas }, current: null });
    const now = planFleet({ config: fleetOf([h100], [to]), desiredReplicas: { big: replicas }, current: null });
    return buildShapeRunbook(fleetOf([h100], [to]), { big: summarizeShape(was.models[0]!.shape!) }, now).join("\n");
  };

  it("TP 4 → TP 2: the GPUs each new pod needs, the replica maxSurge 0 takes away during the rollout, and how to watch it", () => {
    const text = runbookFor(model(8), model(1), 2);

    expect(text).toContain("llm/big: TP 4 → TP 2");
    expect(text).toContain("each new pod needs 2 free nvidia.com/gpu on one node of pool h100");
    expect(text).toContain("maxSurge 0");
    expect(text).toContain("1 replica fewer than the 2 reserved");
    expectInOrder(text, ["kubectl -n llm rollout status deployment/big --timeout=", "kubectl -n llm get pods -l vllm-gitops/model=big"]);
  });

  it("with one replica says the model serves nothing until the new pod is ready", () => {
    expect(runbookFor(model(8), model(1), 1)).toContain("with 1 replica, big serves nothing until its new pod is Ready");
  });

  it("TP 8 → TP 8 × PP 2: RayClusters, whole nodes, and the pods to recreate one replica at a time", () => {
    const text = runbookFor(model(1, { architecture: "llama-3.1-405b", quantization: "fp8", maxModelLen: 4096, tensorParallelSize: 8 }), model(1, { architecture: "llama-3.1-405b", maxModelLen: 4096 }), 1);

    expect(text).toMatch(/llm\/big: TP 8 → TP 8 × PP 2/);
    expect(text).toContain("2 whole free nodes of pool h100");
    expect(text).toContain("kubectl -n llm wait pod -l ray.io/cluster=big-0,vllm-gitops/role=head --for=condition=Ready");
  });

  it("is empty when no shape changes", () => {
    const plan = planFleet({ config: fleetOf([h100], [model(8)]), desiredReplicas: { big: 1 }, current: null });

    expect(buildShapeRunbook(fleetOf([h100], [model(8)]), { big: summarizeShape(plan.models[0]!.shape!) }, plan)).toEqual([]);
  });
});
