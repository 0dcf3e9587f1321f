// Hand-built inputs for the renderer tests: a validated FleetConfig (defaults applied by the schema) and
// literal FleetPlan objects, with memory numbers from DESIGN.md 6.4 where they matter.
import { fleetConfigSchema, type FleetConfig } from "../../../lib/config/index.js";
import type { FleetPlan, GpuPlacement, MemoryEstimate, ModelPlan, NodePlacement, PoolPlacement, ReplicaShape } from "../../../lib/planner/types.js";

export function memory(overrides: Partial<MemoryEstimate> = {}): MemoryEstimate {
  return {
    deviceMemoryGiB: 80,
    gpuMemoryUtilization: 0.9,
    budgetGiB: 72,
    weightsGiB: 16,
    overheadGiB: 2,
    kvCacheGiB: 54,
    kvBytesPerToken: 131072,
    kvTokens: 442368,
    requiredKvTokens: 8192,
    maxConcurrentSequences: 54,
    fits: true,
    ...overrides,
  };
}

/** llama-3-8b AWQ on 1g.10gb: ≈5.3 GiB of weights, maxModelLen 4096, 7 sequences fit (DESIGN.md 6.4). */
export const MIG_SHAPE: ReplicaShape = {
  kind: "mig",
  migProfile: "1g.10gb",
  tensorParallelSize: 1,
  pipelineParallelSize: 1,
  resourceName: "nvidia.com/mig-1g.10gb",
  memory: memory({ deviceMemoryGiB: 9.5, budgetGiB: 8.55, weightsGiB: 5.3, overheadGiB: 1.5, kvCacheGiB: 1.75, kvTokens: 14336, requiredKvTokens: 8192, maxConcurrentSequences: 3 }),
};

/** Llama-3-70B bf16, maxModelLen 8192, minConcurrency 8 → TP 4 (≈37 GiB KV per GPU, ≈480k tokens; DESIGN.md 6.4). */
export const TP4_SHAPE: ReplicaShape = {
  kind: "gpu",
  tensorParallelSize: 4,
  pipelineParallelSize: 1,
  resourceName: "nvidia.com/gpu",
  memory: memory({ weightsGiB: 32.85, overheadGiB: 2, kvCacheGiB: 37.15, kvBytesPerToken: 81920, kvTokens: 486931, requiredKvTokens: 65536, maxConcurrentSequences: 59 }),
};

/** Mistral-7B bf16 on one whole GPU. */
export const TP1_SHAPE: ReplicaShape = {
  kind: "gpu",
  tensorParallelSize: 1,
  pipelineParallelSize: 1,
  resourceName: "nvidia.com/gpu",
  memory: memory({ weightsGiB: 13.5, overheadGiB: 1.5, kvCacheGiB: 57, kvTokens: 466944, requiredKvTokens: 8192, maxConcurrentSequences: 57 }),
};

/** Llama-3.1-405B bf16 on 8×H100-80GB nodes → TP 8 × PP 2 (FIELD-REPORTS #23). */
export const MULTI_NODE_SHAPE: ReplicaShape = {
  kind: "multi-node",
  tensorParallelSize: 8,
  pipelineParallelSize: 2,
  resourceName: "nvidia.com/gpu",
  memory: memory({ weightsGiB: 47.1, overheadGiB: 2, kvCacheGiB: 22.9, kvBytesPerToken: 32256, kvTokens: 762303, requiredKvTokens: 8192, maxConcurrentSequences: 93 }),
};

export function configOf(raw: Record<string, unknown>): FleetConfig {
  return fleetConfigSchema.parse(raw);
}

/** Two pools (A100 MIG with node names, H100 whole GPUs) and five models covering every shape. */
export function baseRawConfig(): Record<string, unknown> {
  return {
    apiVersion: "vllm-gitops/v1",
    cluster: {
      name: "prod-us-east-1",
      prometheus: { serverAddress: "http://prometheus-operated.monitoring:9090" },
      argocd: { repoURL: "https://github.com/acme/llm-fleet.git" },
    },
    pools: [
      { name: "a100", gpu: "A100-80GB", nodes: 2, gpusPerNode: 8, mig: { enabled: true, labelMode: "nodeLabels" }, nodeNames: ["gpu-a100-0", "gpu-a100-1"] },
      { name: "h100", gpu: "H100-80GB", nodes: 4, gpusPerNode: 8 },
    ],
    models: [
      {
        name: "llama-3-8b-awq",
        source: "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4",
        architecture: "llama-3-8b",
        quantization: "awq",
        maxModelLen: 4096,
        minConcurrency: 2,
        image: "vllm/vllm-openai:v0.11.0",
        pool: "a100",
        replicas: { min: 1, max: 14, initial: 2 },
        priority: 100,
      },
      {
        name: "llama-3-70b",
        source: "meta-llama/Meta-Llama-3-70B-Instruct",
        architecture: "llama-3-70b",
        maxModelLen: 8192,
        minConcurrency: 8,
        image: "vllm/vllm-openai:v0.11.0",
        pool: "h100",
        replicas: { min: 1, max: 4 },
        priority: 100,
        huggingFaceTokenSecret: "hf-token",
      },
      {
        name: "llama-405b",
        servedModelName: "meta-llama/Llama-3.1-405B-Instruct",
        source: "meta-llama/Llama-3.1-405B-Instruct",
        architecture: "llama-3.1-405b",
        maxModelLen: 8192,
        image: "vllm/vllm-openai:v0.11.0",
        pool: "h100",
        replicas: { min: 1, max: 1 },
        priority: 200,
      },
      {
        name: "mistral-7b",
        source: "mistralai/Mistral-7B-Instruct-v0.3",
        architecture: "mistral-7b",
        maxModelLen: 8192,
        image: "vllm/vllm-openai:v0.11.0",
        pool: "h100",
        autoscaler: "none",
        replicas: { min: 1, max: 4, initial: 3 },
        priority: 50,
      },
      {
        name: "qwen-coder",
        source: "Qwen/Qwen2.5-Coder-7B-Instruct",
        architecture: "mistral-7b",
        maxModelLen: 8192,
        image: "vllm/vllm-openai:v0.11.0",
        pool: "h100",
        replicas: { min: 0, max: 3 },
        wakeUp: { query: 'sum(rate(vllm:num_incoming_requests_total{model="qwen-coder"}[1m]))', threshold: 2 },
        priority: 10,
      },
    ],
    policy: {},
  };
}

function modelPlan(model: string, pool: string, shape: ReplicaShape | null, reservedReplicas: number): ModelPlan {
  return {
    model,
    pool,
    requestedReplicas: reservedReplicas,
    reservedReplicas,
    shape,
    shapeError: shape === null ? "no shape fits" : null,
    considered: [],
    gpusUsed: 0,
  };
}

function migGpu(index: number, profiles: readonly string[]): GpuPlacement {
  const slices: Record<string, number> = { "1g.10gb": 1, "2g.20gb": 2, "3g.40gb": 4, "7g.80gb": 8 };
  let start = 0;
  const migInstances = profiles.map((profile, i) => {
    const instance = { profile, start, model: i < 2 ? "llama-3-8b-awq" : null };
    start += slices[profile] ?? 1;
    return instance;
  });
  return { index, migInstances, model: null };
}

function a100Node(name: string, gpu7: readonly string[]): NodePlacement {
  const seven = Array.from({ length: 7 }, () => "1g.10gb");
  return { name, gpus: [...Array.from({ length: 7 }, (_, i) => migGpu(i, seven)), migGpu(7, gpu7)] };
}

function wholeGpuNode(name: string, owners: readonly (string | null)[]): NodePlacement {
  return { name, gpus: owners.map((model, index) => ({ index, migInstances: null, model })) };
}

/**
 * The plan for `baseRawConfig`. `gpu7OfFirstA100Node` is GPU 7's layout on gpu-a100-0 (to change one
 * node's layout in a test).
 */
export function basePlan(options: { gpu7OfFirstA100Node?: readonly string[] } = {}): FleetPlan {
  const a100: PoolPlacement = {
    pool: "a100",
    gpuModel: "A100-80GB",
    migEnabled: true,
    nodes: [a100Node("gpu-a100-0", options.gpu7OfFirstA100Node ?? ["3g.40gb", "3g.40gb"]), a100Node("gpu-a100-1", Array.from({ length: 7 }, () => "1g.10gb"))],
  };
  const h100: PoolPlacement = {
    pool: "h100",
    gpuModel: "H100-80GB",
    migEnabled: false,
    nodes: [
      wholeGpuNode("h100-0", ["llama-3-70b", "llama-3-70b", "llama-3-70b", "llama-3-70b", "llama-3-70b", "llama-3-70b", "llama-3-70b", "llama-3-70b"]),
      wholeGpuNode("h100-1", ["mistral-7b", "mistral-7b", "mistral-7b", "qwen-coder", null, null, null, null]),
      wholeGpuNode("h100-2", Array.from({ length: 8 }, () => "llama-405b")),
      wholeGpuNode("h100-3", Array.from({ length: 8 }, () => "llama-405b")),
    ],
  };
  return {
    models: [
      modelPlan("llama-3-8b-awq", "a100", MIG_SHAPE, 2),
      modelPlan("llama-3-70b", "h100", TP4_SHAPE, 2),
      modelPlan("llama-405b", "h100", MULTI_NODE_SHAPE, 1),
      modelPlan("mistral-7b", "h100", TP1_SHAPE, 3),
      modelPlan("qwen-coder", "h100", TP1_SHAPE, 1),
    ],
    pools: [],
    placement: [a100, h100],
    unmet: [],
    solver: "first-fit-decreasing",
    solverNotes: [],
    lowerBoundGpus: null,
    objective: { unmetByPriority: [], gpusDisrupted: 0, nodesDisrupted: 0, gpusUsed: 0 },
    gpusUsed: 0,
    gpusTotal: 48,
    churn: { gpusResliced: 0, replicasMoved: 0 },
    disruptive: false,
  };
}

/** The plan with one model's entry replaced. */
export function withModelPlan(plan: FleetPlan, model: string, change: Partial<ModelPlan>): FleetPlan {
  return { ...plan, models: plan.models.map((m) => (m.model === model ? { ...m, ...change } : m)) };
}
