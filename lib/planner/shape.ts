/**
 * The shape of one replica of a model on a pool (DESIGN.md 5.2): a MIG slice, whole GPUs on one node
 * (tensor parallel), or several whole nodes (tensor × pipeline parallel).
 */
import { architectureOf, gpuSpecOf, type GpuSpec } from "../catalog/index.js";
import type { ArchitectureNumbers, ModelConfig, PoolConfig } from "../config/index.js";
import { describeMemory, estimateReplicaMemory, formatCount } from "./memory.js";
import type { MemoryEstimate, ReplicaShape, ShapeCandidate, ShapeResult } from "./types.js";

/**
 * Why `tensorParallelSize` cannot shard this model, or null when it can (DESIGN.md 5.2, field reports
 * #21, #22): TP must divide the attention heads, the hidden size and the intermediate size; divide the
 * KV heads or be a multiple of them (vLLM replicates KV heads past that); and for AWQ/GPTQ weights
 * divide the quantization groups of the intermediate and hidden dimensions (`size ÷ groupSize`).
 */
export function tensorParallelProblem(
  arch: ArchitectureNumbers,
  model: Pick<ModelConfig, "quantization" | "quantizationGroupSize">,
  tensorParallelSize: number,
): string | null {
  const tp = tensorParallelSize;
  if (tp === 1) return null;
  const problems: string[] = [];
  const mustDivide = (what: string, n: number): void => {
    if (n % tp !== 0) problems.push(`${what} ${n} % ${tp} = ${n % tp}`);
  };
  mustDivide("attention heads", arch.attentionHeads);
  if (arch.kvHeads % tp !== 0 && tp % arch.kvHeads !== 0) {
    problems.push(`${arch.kvHeads} KV heads: ${tp} neither divides them nor is a multiple of them`);
  }
  mustDivide("hidden size", arch.hiddenSize);
  mustDivide("intermediate size", arch.intermediateSize);
  if (model.quantization === "awq" || model.quantization === "gptq") {
    const group = model.quantizationGroupSize;
    for (const [what, size] of [["intermediate", arch.intermediateSize], ["hidden", arch.hiddenSize]] as const) {
      const groups = size / group;
      if (!Number.isInteger(groups) || groups % tp !== 0) {
        problems.push(`${model.quantization} groups: ${what} ${size} ÷ group ${group} = ${Number.isInteger(groups) ? groups : groups.toFixed(2)} groups, not divisible by ${tp}`);
      }
    }
  }
  return problems.length === 0 ? null : problems.join("; ");
}

interface Context {
  readonly model: ModelConfig;
  readonly pool: PoolConfig;
  readonly arch: ArchitectureNumbers;
  readonly gpu: GpuSpec;
  readonly considered: ShapeCandidate[];
}

function estimate(ctx: Context, deviceMemoryGiB: number, tp: number, pp: number): MemoryEstimate {
  const { model } = ctx;
  return estimateReplicaMemory({
    architecture: ctx.arch,
    quantization: model.quantization,
    maxModelLen: model.maxModelLen,
    minConcurrency: model.minConcurrency,
    gpuMemoryUtilization: model.gpuMemoryUtilization,
    overheadGiB: model.overheadGiB,
    deviceMemoryGiB,
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
  });
}

const refuse = (ctx: Context, reason: string): ShapeResult => ({ ok: false, reason, considered: ctx.considered });
const accept = (ctx: Context, shape: ReplicaShape): ShapeResult => ({ ok: true, shape, considered: ctx.considered });

/** "needs 65,536 KV tokens (8,192 × 8)". */
function needs(model: ModelConfig): string {
  return `needs ${formatCount(model.maxModelLen * model.minConcurrency)} KV tokens (maxModelLen ${formatCount(model.maxModelLen)} × minConcurrency ${model.minConcurrency})`;
}

function chooseMigShape(ctx: Context, pinnedTp: number | null, pinnedPp: number | null): ShapeResult {
  const { model, pool, gpu } = ctx;
  if ((pinnedTp ?? 1) > 1 || (pinnedPp ?? 1) > 1) {
    // Field report #27: a MIG instance is one CUDA device without peer-to-peer; TP across slices is not viable.
    return refuse(ctx, `${model.name}: pinned TP ${pinnedTp ?? 1} × PP ${pinnedPp ?? 1} cannot run on MIG slices of pool ${pool.name} (one engine per MIG instance, TP 1: MIG has no peer-to-peer); use placement: gpu or a pool without MIG`);
  }
  let last: { label: string; memory: MemoryEstimate } | null = null;
  for (const profile of gpu.migProfiles) {
    const memory = estimate(ctx, profile.memoryGiB, 1, 1);
    const label = `mig ${profile.name}`;
    ctx.considered.push({ label, accepted: memory.fits, reason: describeMemory(memory) });
    last = { label, memory };
    if (memory.fits) {
      return accept(ctx, { kind: "mig", migProfile: profile.name, tensorParallelSize: 1, pipelineParallelSize: 1, resourceName: `nvidia.com/mig-${profile.name}`, memory });
    }
  }
  const offer = last ? `; the largest, ${last.label}, offers ${describeMemory(last.memory)}` : "";
  return refuse(ctx, `${model.name} fits no MIG profile of ${gpu.id} on pool ${pool.name}: it ${needs(model)}${offer}. Whole-GPU tensor parallelism needs placement: gpu (MIG disabled on those GPUs) or a pool without MIG`);
}

function tryTensorParallel(ctx: Context, tp: number): MemoryEstimate | null {
  const problem = tensorParallelProblem(ctx.arch, ctx.model, tp);
  if (problem !== null) {
    ctx.considered.push({ label: `TP ${tp}`, accepted: false, reason: `invalid: ${problem}` });
    return null;
  }
  const memory = estimate(ctx, ctx.gpu.memoryGiB, tp, 1);
  ctx.considered.push({ label: `TP ${tp}`, accepted: memory.fits, reason: describeMemory(memory) });
  return memory;
}

function chooseMultiNodeShape(ctx: Context, pinnedTp: number | null, pinnedPp: number | null): ShapeResult | string {
  const { arch, pool, model } = ctx;
  const tp = pool.gpusPerNode;
  const label = (pp: number | string): string => `TP ${tp} × PP ${pp}`;
  if (pinnedTp !== null && pinnedTp !== tp) {
    return `pinned TP ${pinnedTp} with PP > 1: each pipeline stage holds all ${tp} GPUs of its node, so TP must be ${tp}`;
  }
  if (!arch.supportsPipelineParallel) {
    ctx.considered.push({ label: label("n"), accepted: false, reason: "this architecture does not support pipeline parallelism in vLLM" });
    return "this architecture does not support pipeline parallelism, so it cannot span nodes";
  }
  const problem = tensorParallelProblem(arch, model, tp);
  if (problem !== null) {
    ctx.considered.push({ label: label("n"), accepted: false, reason: `invalid TP ${tp} (= GPUs per node): ${problem}` });
    return `TP ${tp} (all GPUs of a node) is invalid: ${problem}`;
  }
  const pps = pinnedPp !== null ? [pinnedPp] : Array.from({ length: Math.max(0, pool.nodes - 1) }, (_, i) => i + 2);
  if (pps.length === 0) return `pool ${pool.name} has 1 node, so no pipeline across nodes`;
  for (const pp of pps) {
    if (pp > pool.nodes) {
      ctx.considered.push({ label: label(pp), accepted: false, reason: `PP ${pp} > ${pool.nodes} nodes in pool ${pool.name}` });
      continue;
    }
    if (arch.layers % pp !== 0) {
      ctx.considered.push({ label: label(pp), accepted: false, reason: `invalid: ${arch.layers} layers % ${pp} = ${arch.layers % pp}` });
      continue;
    }
    const memory = estimate(ctx, ctx.gpu.memoryGiB, tp, pp);
    ctx.considered.push({ label: label(pp), accepted: memory.fits, reason: describeMemory(memory) });
    if (memory.fits) return accept(ctx, { kind: "multi-node", tensorParallelSize: tp, pipelineParallelSize: pp, resourceName: "nvidia.com/gpu", memory });
  }
  const last = [...ctx.considered].reverse().find((c) => c.label.startsWith(`TP ${tp} × PP`));
  return `no pipeline of up to ${pool.nodes} nodes fits${last ? ` (largest tried, ${last.label}: ${last.reason})` : ""}`;
}

function chooseGpuShape(ctx: Context, pinnedTp: number | null, pinnedPp: number | null): ShapeResult {
  const { pool, model, gpu } = ctx;
  const where = `pool ${pool.name} (${gpu.id}, ${pool.nodes} node${pool.nodes === 1 ? "" : "s"} × ${pool.gpusPerNode} GPUs)`;
  if (pinnedTp !== null && pinnedTp > pool.gpusPerNode) {
    ctx.considered.push({ label: `TP ${pinnedTp}`, accepted: false, reason: `TP ${pinnedTp} > ${pool.gpusPerNode} GPUs per node; tensor parallelism stays inside one node (field report #23)` });
    return refuse(ctx, `${model.name}: pinned TP ${pinnedTp} > ${pool.gpusPerNode} GPUs per node of ${where}; use TP ≤ ${pool.gpusPerNode} and pipeline parallelism across nodes`);
  }
  let largest: { tp: number; memory: MemoryEstimate } | null = null;
  if (pinnedPp === null || pinnedPp === 1) {
    const tps = pinnedTp !== null ? [pinnedTp] : Array.from({ length: pool.gpusPerNode }, (_, i) => i + 1);
    for (const tp of tps) {
      const memory = tryTensorParallel(ctx, tp);
      if (memory === null) continue;
      largest = { tp, memory };
      if (memory.fits) return accept(ctx, { kind: "gpu", tensorParallelSize: tp, pipelineParallelSize: 1, resourceName: "nvidia.com/gpu", memory });
    }
    // A pinned TP gets a second chance across nodes only when it is valid and equals gpusPerNode.
    if (pinnedTp !== null && (pinnedTp !== pool.gpusPerNode || largest === null || pinnedPp === 1)) {
      const last = ctx.considered[ctx.considered.length - 1]!;
      return refuse(ctx, `${model.name}: pinned TP ${pinnedTp} cannot work on ${where}: ${last.reason}`);
    }
  }
  const multi = pinnedPp === 1 ? "pinned PP 1" : chooseMultiNodeShape(ctx, pinnedTp, pinnedPp);
  if (typeof multi !== "string") return multi;
  const single = largest ? `the largest one-node option, TP ${largest.tp}, offers ${describeMemory(largest.memory)}` : `no TP ≤ ${pool.gpusPerNode} is valid`;
  return refuse(ctx, `no shape fits ${model.name} on ${where}: it ${needs(model)}; ${single}; across nodes: ${multi}`);
}

/**
 * The replica shape of `model` on `pool` (DESIGN.md 5.2), with every candidate and its arithmetic in
 * `considered`.
 * - MIG pool (`mig.enabled`) and placement auto or mig: the smallest profile of the pool's GPU model
 *   that fits (profiles ordered by memory, then compute slices, so 1g.20gb is tried before 2g.20gb),
 *   TP 1. Decision: the largest profile (7g) counts as a MIG slice like any other; when even it does
 *   not fit, the model is refused on that pool — auto never falls back to whole GPUs on a MIG pool;
 *   `placement: gpu` asks for whole GPUs explicitly (MIG disabled on the GPUs it gets).
 * - Otherwise whole GPUs on one node: the smallest valid TP ≤ gpusPerNode that fits; else several
 *   nodes with TP = gpusPerNode and the fewest nodes (PP) that fit, when layers split evenly and the
 *   architecture supports pipeline parallelism.
 * - `placement: mig` on a pool without MIG, or a pinned TP/PP that cannot work, is refused with the
 *   arithmetic.
 */
export function chooseReplicaShape(model: ModelConfig, pool: PoolConfig): ShapeResult {
  const ctx: Context = { model, pool, arch: architectureOf(model), gpu: gpuSpecOf(pool.gpu), considered: [] };
  const pinnedTp = model.tensorParallelSize === "auto" ? null : model.tensorParallelSize;
  const pinnedPp = model.pipelineParallelSize === "auto" ? null : model.pipelineParallelSize;
  if (model.placement === "mig" && !pool.mig.enabled) {
    return refuse(ctx, `${model.name}: placement mig, but pool ${pool.name} has MIG disabled (mig.enabled: false)`);
  }
  if (pool.mig.enabled && model.placement !== "gpu") return chooseMigShape(ctx, pinnedTp, pinnedPp);
  return chooseGpuShape(ctx, pinnedTp, pinnedPp);
}
