/**
 * Generated fleets for bench/planner.ts (and planner tests that want a big, realistic fleet): a MIG
 * pool of A100-80GB, a MIG pool of H100-80GB and a whole-GPU H100-80GB pool, with a catalogue of model
 * kinds that land on every MIG profile class, TP 2 / TP 4 on one node and (with enough nodes) TP 8 × PP 2
 * across nodes. Deterministic: a small linear congruential generator seeded by the caller.
 */
import { fleetConfigSchema, type FleetConfig } from "../lib/config/index.js";

/** One kind of model the generator draws from; `pool` is the pool kind it lands on. */
interface ModelKind {
  readonly label: string;
  readonly pool: "mig-a100" | "mig-h100" | "whole";
  readonly fields: Readonly<Record<string, unknown>>;
  /** Whole-GPU equivalents one replica takes (for sizing demand): max(compute ÷ 7, memory slices ÷ 8) on MIG. */
  readonly gpuShare: number;
}

// Shapes as chosen by the planner on 80 GiB GPUs (see test/unit/planner/shape.test.ts for the arithmetic).
const KINDS: readonly ModelKind[] = [
  { label: "8b-awq", pool: "mig-a100", gpuShare: 1 / 7, fields: { architecture: "llama-3-8b", quantization: "awq", maxModelLen: 4096, minConcurrency: 2 } }, // 1g.10gb
  { label: "8b", pool: "mig-a100", gpuShare: 1 / 4, fields: { architecture: "llama-3-8b", maxModelLen: 4096 } }, // 1g.20gb
  { label: "mistral", pool: "mig-a100", gpuShare: 1 / 2, fields: { architecture: "mistral-7b", maxModelLen: 8192, minConcurrency: 4 } }, // 3g.40gb
  { label: "8b-long", pool: "mig-h100", gpuShare: 1 / 2, fields: { architecture: "llama-3-8b", maxModelLen: 32768, minConcurrency: 2 } }, // 3g.40gb
  { label: "8b-awq", pool: "mig-h100", gpuShare: 1 / 7, fields: { architecture: "llama-3-8b", quantization: "awq", maxModelLen: 4096, minConcurrency: 2 } }, // 1g.10gb
  { label: "mixtral-awq", pool: "mig-h100", gpuShare: 1, fields: { architecture: "mixtral-8x7b", quantization: "awq", maxModelLen: 32768, minConcurrency: 4 } }, // 7g.80gb
  { label: "70b", pool: "whole", gpuShare: 2, fields: { architecture: "llama-3-70b", maxModelLen: 8192 } }, // TP 2
  { label: "70b-c8", pool: "whole", gpuShare: 4, fields: { architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8 } }, // TP 4
  { label: "8b-whole", pool: "whole", gpuShare: 1, fields: { architecture: "llama-3-8b", maxModelLen: 8192, minConcurrency: 16 } }, // TP 1
];
const KIND_405B: ModelKind = { label: "405b", pool: "whole", gpuShare: 16, fields: { architecture: "llama-3.1-405b", maxModelLen: 8192 } }; // TP 8 × PP 2

export interface BenchFleet {
  readonly config: FleetConfig;
  readonly desiredReplicas: Readonly<Record<string, number>>;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A fleet of about `gpus` GPUs (8 per node; the smallest fleets get one node per pool) and `models`
 * models whose desired replicas add up to about `load` × each pool's GPUs (1 = exactly full).
 */
export function benchFleet(gpus: number, models: number, options: { seed?: number; load?: number } = {}): BenchFleet {
  const random = lcg(options.seed ?? 1);
  const load = options.load ?? 0.85;
  const nodes = Math.max(3, Math.round(gpus / 8));
  const perNode = Math.max(1, Math.round(gpus / nodes));
  const migA100 = Math.max(1, Math.round(nodes * 0.45));
  const migH100 = Math.max(1, Math.round(nodes * 0.2));
  const whole = Math.max(1, nodes - migA100 - migH100);
  const poolNodes = { "mig-a100": migA100, "mig-h100": migH100, whole } as const;
  const pools = [
    { name: "mig-a100", gpu: "A100-80GB", nodes: migA100, gpusPerNode: perNode, mig: { enabled: true } },
    { name: "mig-h100", gpu: "H100-80GB", nodes: migH100, gpusPerNode: perNode, mig: { enabled: true } },
    { name: "whole", gpu: "H100-80GB", nodes: whole, gpusPerNode: perNode },
  ];
  // One 405B model at most (when the whole pool has room for it): each replica takes two whole nodes.
  const first = whole >= 6 && perNode === 8 ? [...KINDS, KIND_405B] : KINDS;
  const chosen = Array.from({ length: models }, (_, i) => (i < first.length ? first[i]! : KINDS[Math.floor(random() * KINDS.length)]!));
  const weights = chosen.map(() => 0.25 + random());
  const desiredReplicas: Record<string, number> = {};
  const modelConfigs = chosen.map((kind, i) => {
    const name = `m${String(i).padStart(3, "0")}-${kind.label}`;
    const sameKindWeight = chosen.reduce((sum, k, j) => (k.pool === kind.pool ? sum + weights[j]! : sum), 0);
    const poolGpus = poolNodes[kind.pool] * perNode;
    const replicas = Math.max(1, Math.floor((load * poolGpus * weights[i]!) / sameKindWeight / kind.gpuShare));
    desiredReplicas[name] = replicas;
    return {
      name,
      source: `org/${name}`,
      image: "vllm/vllm-openai:v0.11.0",
      pool: kind.pool,
      priority: [0, 10, 100][Math.floor(random() * 3)],
      replicas: { min: 0, max: replicas + 4 },
      wakeUp: { query: "sum(rate(router_requests_total[1m]))", threshold: 1 },
      ...kind.fields,
    };
  });
  const config = fleetConfigSchema.parse({
    apiVersion: "vllm-gitops/v1",
    cluster: { name: "bench", prometheus: { serverAddress: "http://prometheus:9090" }, argocd: { repoURL: "https://example.com/fleet.git" } },
    pools,
    models: modelConfigs,
    policy: {},
  });
  return { config, desiredReplicas };
}
