/**
 * The zod schema of fleet.yaml (shape: ../shared/fleet.example.yaml). Keys are camelCase; units are in
 * the names. Defaults are applied here so the rest of the code sees complete, readonly data.
 */
import { z } from "zod";

/** DNS-1123 label: lower-case alphanumerics and '-', starts and ends alphanumeric, ≤ 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (DNS-1123 label)")
  .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");

/** GPU catalogue ids accepted in `pools[].gpu` (DESIGN.md 6.1). */
export const GPU_MODELS = [
  "A100-40GB",
  "A100-80GB",
  "H100-80GB",
  "H100-NVL-94GB",
  "H100-96GB",
  "H200-141GB",
  "B200",
  "A30-24GB",
] as const;
export type GpuModelId = (typeof GPU_MODELS)[number];

/** Model catalogue ids accepted in `models[].architecture` (DESIGN.md 6.4). */
export const ARCHITECTURE_IDS = [
  "llama-3-8b",
  "mistral-7b",
  "mixtral-8x7b",
  "llama-3-70b",
  "qwen2.5-72b",
  "llama-3.1-405b",
  "grok-1",
] as const;
export type ArchitectureId = (typeof ARCHITECTURE_IDS)[number];

export const QUANTIZATIONS = ["none", "fp8", "int8", "awq", "gptq"] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** config.json numbers of a model, for architectures outside the catalogue. */
export const architectureNumbersSchema = z.strictObject({
  /** Parameter count, e.g. 8.03e9. */
  parameters: z.number().positive(),
  layers: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  attentionHeads: z.number().int().positive(),
  kvHeads: z.number().int().positive(),
  headDim: z.number().int().positive().optional(),
  intermediateSize: z.number().int().positive(),
  /** Vocabulary size (for the 4-bit embedding/lm_head estimate); optional. */
  vocabSize: z.number().int().positive().optional(),
  supportsPipelineParallel: z.boolean().default(true),
}).superRefine((a, ctx) => {
  // vLLM's attention layers shard query heads in groups over KV heads (grouped-query attention).
  if (a.attentionHeads % a.kvHeads !== 0) {
    ctx.addIssue({ code: "custom", path: ["kvHeads"], message: `attentionHeads (${a.attentionHeads}) must be a multiple of kvHeads (${a.kvHeads})` });
  }
  if (a.headDim === undefined && a.hiddenSize % a.attentionHeads !== 0) {
    ctx.addIssue({ code: "custom", path: ["headDim"], message: `required: hiddenSize (${a.hiddenSize}) is not a multiple of attentionHeads (${a.attentionHeads}), so the head dimension cannot be derived` });
  }
});
export type ArchitectureNumbers = z.infer<typeof architectureNumbersSchema>;

const tpSize = z.union([z.literal("auto"), z.number().int().positive()]);

const replicasSchema = z
  .strictObject({
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    initial: z.number().int().min(0).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.max < r.min) ctx.addIssue({ code: "custom", message: `max (${r.max}) must be ≥ min (${r.min})`, path: ["max"] });
    if (r.initial !== undefined && (r.initial < r.min || r.initial > r.max)) {
      ctx.addIssue({ code: "custom", message: `initial (${r.initial}) must be within [min, max] = [${r.min}, ${r.max}]`, path: ["initial"] });
    }
  });

const wakeUpSchema = z.strictObject({
  /** PromQL that exists with zero model pods, e.g. a router's request rate. */
  query: z.string().min(1),
  threshold: z.number().positive(),
});

export const modelSchema = z.strictObject({
  name: dnsLabel,
  servedModelName: z.string().min(1).optional(),
  source: z.string().min(1),
  architecture: z.union([z.enum(ARCHITECTURE_IDS), architectureNumbersSchema]),
  dtype: z.enum(["bfloat16", "float16"]).default("bfloat16"),
  quantization: z.enum(QUANTIZATIONS).default("none"),
  quantizationGroupSize: z.number().int().positive().default(128),
  /** Tokens. */
  maxModelLen: z.number().int().positive(),
  /** Sequences of maxModelLen that must fit in the KV cache. */
  minConcurrency: z.number().int().positive().default(1),
  gpuMemoryUtilization: z.number().gt(0).max(0.98).default(0.9),
  /** GiB per GPU; null → 1.5 (+0.5 when TP > 1). */
  overheadGiB: z.number().min(0).nullable().default(null),
  image: z
    .string()
    .regex(/^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?$/, "must be an image reference")
    .refine((s) => /:[A-Za-z0-9_][A-Za-z0-9_.-]*$|@sha256:/.test(s) && !/:latest$/.test(s), "must be pinned to a tag (not latest) or a digest"),
  namespace: dnsLabel.optional(),
  pool: dnsLabel,
  placement: z.enum(["auto", "mig", "gpu"]).default("auto"),
  tensorParallelSize: tpSize.default("auto"),
  pipelineParallelSize: tpSize.default("auto"),
  autoscaler: z.enum(["keda", "none"]).default("keda"),
  replicas: replicasSchema,
  targetWaitingPerReplica: z.number().positive().default(5),
  /** Fraction of the planner's concurrent sequences per replica used as the concurrency trigger's threshold. */
  targetConcurrencyFraction: z.number().gt(0).max(1).default(0.8),
  wakeUp: wakeUpSchema.nullable().default(null),
  priority: z.number().int().min(0).max(1_000_000_000).default(0),
  paused: z.boolean().default(false),
  huggingFaceTokenSecret: dnsLabel.nullable().default(null),
});
export type ModelConfig = z.infer<typeof modelSchema>;

export const poolSchema = z.strictObject({
  name: dnsLabel,
  gpu: z.enum(GPU_MODELS),
  nodes: z.number().int().positive().max(10_000),
  gpusPerNode: z.number().int().positive().max(16),
  mig: z
    .strictObject({
      enabled: z.boolean().default(false),
      labelMode: z.enum(["nodeLabels", "nodePool"]).default("nodePool"),
    })
    .default({ enabled: false, labelMode: "nodePool" }),
  nodeNames: z.array(dnsLabel).optional(),
  quotaGpus: z.number().int().min(0).nullable().default(null),
});
export type PoolConfig = z.infer<typeof poolSchema>;

export const policySchema = z
  .strictObject({
    scaleUpStep: z.number().int().positive().default(4),
    scaleUpWindowSeconds: z.number().int().min(0).default(60),
    scaleDownCooldownSeconds: z.number().int().min(0).default(600),
    tolerance: z.number().min(0).max(1).default(0.1),
    approval: z.enum(["auto", "pr"]).default("auto"),
    advisory: z.boolean().default(false),
    freeze: z.boolean().default(false),
  })
  .default({ scaleUpStep: 4, scaleUpWindowSeconds: 60, scaleDownCooldownSeconds: 600, tolerance: 0.1, approval: "auto", advisory: false, freeze: false });
export type PolicyConfig = z.infer<typeof policySchema>;

export const clusterSchema = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.default("llm"),
  prometheus: z
    .strictObject({
      serverAddress: z.url().optional(),
      authenticationRef: dnsLabel.nullable().default(null),
    })
    .default({ authenticationRef: null }),
  argocd: z
    .strictObject({
      namespace: dnsLabel.default("argocd"),
      project: z.string().min(1).default("default"),
      repoURL: z.string().min(1).optional(),
      targetRevision: z.string().min(1).default("rendered"),
    })
    .default({ namespace: "argocd", project: "default", targetRevision: "rendered" }),
  keda: z.strictObject({ version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "must be a version like 2.18") }).default({ version: "2.18" }),
  priorityClasses: z.boolean().default(true),
});
export type ClusterConfig = z.infer<typeof clusterSchema>;

export const fleetConfigSchema = z.strictObject({
  apiVersion: z.literal("vllm-gitops/v1"),
  cluster: clusterSchema,
  pools: z.array(poolSchema).min(1),
  models: z.array(modelSchema).default([]),
  policy: policySchema,
});

/** A validated fleet.yaml with every default applied (see `loadFleetConfig`). */
export type FleetConfig = z.infer<typeof fleetConfigSchema>;
