/**
 * Per-GPU memory arithmetic of one replica, exactly as DESIGN.md 5.1 pins it. GiB = 2^30 bytes.
 */
import { headDimOf } from "../catalog/index.js";
import type { ArchitectureNumbers, Quantization } from "../config/index.js";
import type { MemoryEstimate } from "./types.js";

/** Bytes in one GiB. */
export const GIB = 2 ** 30;
/** Overhead per GPU (activations, CUDA graphs, CUDA context), GiB (DESIGN.md 5.1). */
export const DEFAULT_OVERHEAD_GIB = 1.5;
/** Extra overhead per GPU for NCCL buffers when TP > 1, GiB (DESIGN.md 5.1). */
export const TENSOR_PARALLEL_OVERHEAD_GIB = 0.5;
/** Bytes of one KV cache element: the cache stays in bf16/fp16 whatever the weights (DESIGN.md 5.1). */
export const KV_ELEMENT_BYTES = 2;
/** Extra bytes of 4-bit checkpoints for scales and zero points, as a fraction of the packed weights (DESIGN.md 5.1 "~3 %"). */
export const FOUR_BIT_SCALES_FRACTION = 0.03;

/** What the estimate needs: the architecture, the model's memory settings and the shape being tried. */
export interface ReplicaMemoryInput {
  readonly architecture: ArchitectureNumbers;
  readonly quantization: Quantization;
  /** Tokens. */
  readonly maxModelLen: number;
  /** Sequences of maxModelLen that must fit in the KV cache at once. */
  readonly minConcurrency: number;
  /** Fraction of the device memory vLLM may use (`--gpu-memory-utilization`). */
  readonly gpuMemoryUtilization: number;
  /** GiB per GPU; null → 1.5, +0.5 when TP > 1. */
  readonly overheadGiB: number | null;
  /** Usable memory of the device or MIG profile, GiB (lib/catalog). */
  readonly deviceMemoryGiB: number;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize: number;
}

/** Bytes per parameter of the bulk of the weights: bf16/fp16 2, fp8/int8 1, AWQ/GPTQ 4-bit 0.5 (DESIGN.md 5.1). */
export function bytesPerParameter(quantization: Quantization): number {
  switch (quantization) {
    case "none":
      return 2;
    case "fp8":
    case "int8":
      return 1;
    case "awq":
    case "gptq":
      return 0.5;
  }
}

/**
 * Bytes of the whole model's weights. For 4-bit checkpoints the embeddings and lm_head (vocab × hidden
 * each) stay bf16 and the packed rest carries ~3 % scales; without `vocabSize` those two matrices are
 * counted as 4-bit (an underestimate — add vocabSize to an inline architecture to avoid it).
 */
export function weightBytesOf(architecture: ArchitectureNumbers, quantization: Quantization): number {
  const perParameter = bytesPerParameter(quantization);
  if (perParameter !== 0.5) return architecture.parameters * perParameter;
  const embeddingParameters = architecture.vocabSize === undefined ? 0 : 2 * architecture.vocabSize * architecture.hiddenSize;
  const packed = (architecture.parameters - embeddingParameters) * perParameter * (1 + FOUR_BIT_SCALES_FRACTION);
  return packed + embeddingParameters * 2;
}

/**
 * KV cache bytes one token takes on one GPU: 2 (K and V) × layers of this pipeline stage
 * (ceil(layers ÷ PP)) × max(1, kvHeads ÷ TP) × head_dim × 2 bytes (DESIGN.md 5.1; KV heads are
 * replicated when TP > kvHeads, field report #21).
 */
export function kvBytesPerTokenOf(architecture: ArchitectureNumbers, tensorParallelSize: number, pipelineParallelSize: number): number {
  const layers = Math.ceil(architecture.layers / pipelineParallelSize);
  const kvHeadsPerGpu = Math.max(1, architecture.kvHeads / tensorParallelSize);
  return 2 * layers * kvHeadsPerGpu * headDimOf(architecture) * KV_ELEMENT_BYTES;
}

/** Overhead per GPU, GiB: the model's `overheadGiB`, else 1.5 (+0.5 when TP > 1). */
export function overheadGiBOf(overheadGiB: number | null, tensorParallelSize: number): number {
  if (overheadGiB !== null) return overheadGiB;
  return DEFAULT_OVERHEAD_GIB + (tensorParallelSize > 1 ? TENSOR_PARALLEL_OVERHEAD_GIB : 0);
}

/**
 * The memory of one replica on one GPU: budget = gpuMemoryUtilization × device memory; weights ÷ TP ÷ PP;
 * KV cache = budget − weights − overhead; it fits when the KV cache holds maxModelLen × minConcurrency
 * tokens (DESIGN.md 5.1). All GiB figures are unrounded.
 */
export function estimateReplicaMemory(input: ReplicaMemoryInput): MemoryEstimate {
  const tp = input.tensorParallelSize;
  const pp = input.pipelineParallelSize;
  const budgetGiB = input.gpuMemoryUtilization * input.deviceMemoryGiB;
  const weightsGiB = weightBytesOf(input.architecture, input.quantization) / tp / pp / GIB;
  const overheadGiB = overheadGiBOf(input.overheadGiB, tp);
  const kvCacheGiB = budgetGiB - weightsGiB - overheadGiB;
  const kvBytesPerToken = kvBytesPerTokenOf(input.architecture, tp, pp);
  const kvTokens = kvCacheGiB > 0 ? Math.floor((kvCacheGiB * GIB) / kvBytesPerToken) : 0;
  const requiredKvTokens = input.maxModelLen * input.minConcurrency;
  return {
    deviceMemoryGiB: input.deviceMemoryGiB,
    gpuMemoryUtilization: input.gpuMemoryUtilization,
    budgetGiB,
    weightsGiB,
    overheadGiB,
    kvCacheGiB,
    kvBytesPerToken,
    kvTokens,
    requiredKvTokens,
    maxConcurrentSequences: Math.floor(kvTokens / input.maxModelLen),
    fits: kvTokens >= requiredKvTokens && kvTokens > 0,
  };
}

/** "12,345": an integer with thousands separators, independent of the runtime's locale data. */
export function formatCount(n: number): string {
  const sign = n < 0 ? "-" : "";
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A GiB figure with one decimal ("4.3 GiB"). */
export function formatGiB(gib: number): string {
  return `${gib.toFixed(1)} GiB`;
}

/** KiB figure of a byte count ("320 KiB"), one decimal when fractional. */
export function formatKiB(bytes: number): string {
  const kib = bytes / 1024;
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
}

/**
 * One line of arithmetic for a plan or a refusal, e.g. "budget 72.0 GiB (0.9 × 80 GiB) − weights 65.7 GiB −
 * overhead 2.0 GiB = KV 4.3 GiB = 28,180 tokens ≥ 8,192 required"; when nothing is left for the KV cache,
 * "… = -7.9 GiB: no room for KV cache (needs 1.0 GiB for 8,192 tokens)" (GiB against GiB, tokens against tokens).
 */
export function describeMemory(m: MemoryEstimate): string {
  const budget = `budget ${formatGiB(m.budgetGiB)} (${m.gpuMemoryUtilization} × ${m.deviceMemoryGiB} GiB) − weights ${formatGiB(m.weightsGiB)} − overhead ${formatGiB(m.overheadGiB)}`;
  if (m.kvCacheGiB <= 0) {
    const needed = (m.requiredKvTokens * m.kvBytesPerToken) / GIB;
    return `${budget} = ${formatGiB(m.kvCacheGiB)}: no room for KV cache (needs ${formatGiB(needed)} for ${formatCount(m.requiredKvTokens)} tokens)`;
  }
  return `${budget} = KV ${formatGiB(m.kvCacheGiB)} = ${formatCount(m.kvTokens)} tokens ${m.fits ? "≥" : "<"} ${formatCount(m.requiredKvTokens)} required`;
}
