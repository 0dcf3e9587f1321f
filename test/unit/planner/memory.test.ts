import { describe, expect, it } from "@jest/globals";
import { architectureById } from "../../../lib/catalog/index.js";
import type { ArchitectureId, Quantization } from "../../../lib/config/index.js";
import { describeMemory, estimateReplicaMemory, formatCount, kvBytesPerTokenOf, weightBytesOf } from "../../../lib/planner/memory.js";

const GiB = 2 ** 30;

interface Case {
  readonly name: string;
  readonly arch: ArchitectureId;
  readonly quantization: Quantization;
  readonly deviceMemoryGiB: number;
  readonly tp: number;
  readonly pp: number;
  readonly maxModelLen: number;
  readonly minConcurrency: number;
  // Worked out by hand (arithmetic in the comment of each row):
  readonly weightsGiB: number;
  readonly overheadGiB: number;
  readonly kvBytesPerToken: number;
  readonly kvTokens: number;
  readonly fits: boolean;
}

// gpuMemoryUtilization 0.9 and the default overhead in every row.
const CASES: Case[] = [
  // 70.55e9 × 2 B ÷ 2 = 70.55e9 B = 65.705 GiB; budget 0.9 × 80 = 72; overhead 1.5 + 0.5 = 2; KV 4.295 GiB;
  // per token 2 × 80 × (8 ÷ 2) × 128 × 2 = 163,840 B; 4.295 × 2^30 ÷ 163,840 = 28,148 tokens ≥ 8,192.
  { name: "Llama-3-70B bf16 TP 2 on 80 GiB keeps ≈4.3 GiB ≈ 28k tokens of KV", arch: "llama-3-70b", quantization: "none", deviceMemoryGiB: 80, tp: 2, pp: 1, maxModelLen: 8192, minConcurrency: 1, weightsGiB: 65.705, overheadGiB: 2, kvBytesPerToken: 163_840, kvTokens: 28_148, fits: true },
  // Same TP 2, minConcurrency 8: 8 × 8,192 = 65,536 > 28,148 → does not fit.
  { name: "Llama-3-70B bf16 TP 2 does not hold 8 sequences of 8,192", arch: "llama-3-70b", quantization: "none", deviceMemoryGiB: 80, tp: 2, pp: 1, maxModelLen: 8192, minConcurrency: 8, weightsGiB: 65.705, overheadGiB: 2, kvBytesPerToken: 163_840, kvTokens: 28_148, fits: false },
  // 70.55e9 × 2 ÷ 4 = 32.852 GiB; KV 72 − 32.852 − 2 = 37.148 GiB; per token 2 × 80 × 2 × 128 × 2 = 81,920 B → 486,900 tokens.
  { name: "Llama-3-70B bf16 TP 4 keeps ≈37 GiB ≈ 480k tokens", arch: "llama-3-70b", quantization: "none", deviceMemoryGiB: 80, tp: 4, pp: 1, maxModelLen: 8192, minConcurrency: 8, weightsGiB: 32.852, overheadGiB: 2, kvBytesPerToken: 81_920, kvTokens: 486_900, fits: true },
  // 72.7e9 × 2 ÷ 2 = 67.707 GiB; KV 72 − 67.707 − 2 = 2.293 GiB → 2.293 × 2^30 ÷ 163,840 = 15,026 < 32,768.
  { name: "Qwen2.5-72B bf16 TP 2 keeps ≈2.3 GiB ≈ 15k tokens < 32,768", arch: "qwen2.5-72b", quantization: "none", deviceMemoryGiB: 80, tp: 2, pp: 1, maxModelLen: 32768, minConcurrency: 1, weightsGiB: 67.707, overheadGiB: 2, kvBytesPerToken: 163_840, kvTokens: 15_026, fits: false },
  // 4-bit: embeddings + lm_head = 2 × 128,256 × 4,096 = 1.0507e9 params in bf16 (2.1014e9 B);
  // rest (8.03e9 − 1.0507e9) × 0.5 × 1.03 = 3.5944e9 B; total 5.6958e9 B = 5.305 GiB.
  // 1g.10gb on A100-80GB = 9.5 GiB: budget 8.55 − 5.305 − 1.5 = 1.745 GiB; per token 2 × 32 × 8 × 128 × 2 = 131,072 B → 14,298 ≥ 4,096 × 2.
  { name: "Llama-3-8B 4-bit fits 1g.10gb with 2 sequences of 4,096", arch: "llama-3-8b", quantization: "awq", deviceMemoryGiB: 9.5, tp: 1, pp: 1, maxModelLen: 4096, minConcurrency: 2, weightsGiB: 5.305, overheadGiB: 1.5, kvBytesPerToken: 131_072, kvTokens: 14_298, fits: true },
  // bf16: 8.03e9 × 2 = 14.957 GiB > budget 8.55 → KV negative, 0 tokens.
  { name: "Llama-3-8B bf16 does not fit 1g.10gb", arch: "llama-3-8b", quantization: "none", deviceMemoryGiB: 9.5, tp: 1, pp: 1, maxModelLen: 4096, minConcurrency: 1, weightsGiB: 14.957, overheadGiB: 1.5, kvBytesPerToken: 131_072, kvTokens: 0, fits: false },
  // Field report #24: 7.24e9 × 2 = 13.486 GiB; 0.9 × 40 = 36; KV 36 − 13.486 − 1.5 = 21.014 GiB → 172,150 tokens ≥ 32,768.
  { name: "Mistral-7B on a whole A100-40GB keeps ≈21 GiB ≈ 170k tokens", arch: "mistral-7b", quantization: "none", deviceMemoryGiB: 40, tp: 1, pp: 1, maxModelLen: 32768, minConcurrency: 1, weightsGiB: 13.486, overheadGiB: 1.5, kvBytesPerToken: 131_072, kvTokens: 172_150, fits: true },
  // 404.65e9 × 2 ÷ 8 ÷ 2 = 47.108 GiB; KV 72 − 47.108 − 2 = 22.892 GiB; per token 2 × (126 ÷ 2 = 63) × max(1, 8 ÷ 8) × 128 × 2 = 32,256 B → 762,049.
  { name: "Llama-3.1-405B bf16 TP 8 × PP 2 splits layers and weights across two nodes", arch: "llama-3.1-405b", quantization: "none", deviceMemoryGiB: 80, tp: 8, pp: 2, maxModelLen: 8192, minConcurrency: 1, weightsGiB: 47.108, overheadGiB: 2, kvBytesPerToken: 32_256, kvTokens: 762_049, fits: true },
  // 314e9 × 2 ÷ 8 = 73.109 GiB > 72 budget.
  { name: "Grok-1 bf16 TP 8 does not fit 80 GiB GPUs", arch: "grok-1", quantization: "none", deviceMemoryGiB: 80, tp: 8, pp: 1, maxModelLen: 8192, minConcurrency: 1, weightsGiB: 73.109, overheadGiB: 2, kvBytesPerToken: 32_768, kvTokens: 0, fits: false },
  // 314e9 × 1 ÷ 8 = 36.554 GiB; KV 72 − 36.554 − 2 = 33.446 GiB; per token 2 × 64 × 1 × 128 × 2 = 32,768 B → 1,095,945.
  { name: "Grok-1 int8 TP 8 fits 80 GiB GPUs", arch: "grok-1", quantization: "int8", deviceMemoryGiB: 80, tp: 8, pp: 1, maxModelLen: 8192, minConcurrency: 1, weightsGiB: 36.554, overheadGiB: 2, kvBytesPerToken: 32_768, kvTokens: 1_095_945, fits: true },
  // 0.9 × 140 = 126 − 73.109 − 2 = 50.891 GiB → 1,667,602 tokens.
  { name: "Grok-1 bf16 TP 8 fits H200 (140 GiB usable)", arch: "grok-1", quantization: "none", deviceMemoryGiB: 140, tp: 8, pp: 1, maxModelLen: 8192, minConcurrency: 1, weightsGiB: 73.109, overheadGiB: 2, kvBytesPerToken: 32_768, kvTokens: 1_667_602, fits: true },
];

describe("estimateReplicaMemory", () => {
  it.each(CASES)("$name", (c) => {
    const input = {
      architecture: architectureById(c.arch),
      quantization: c.quantization,
      maxModelLen: c.maxModelLen,
      minConcurrency: c.minConcurrency,
      gpuMemoryUtilization: 0.9,
      overheadGiB: null,
      deviceMemoryGiB: c.deviceMemoryGiB,
      tensorParallelSize: c.tp,
      pipelineParallelSize: c.pp,
    };

    const m = estimateReplicaMemory(input);

    expect(m.budgetGiB).toBeCloseTo(0.9 * c.deviceMemoryGiB, 6);
    expect(m.weightsGiB).toBeCloseTo(c.weightsGiB, 2);
    expect(m.overheadGiB).toBe(c.overheadGiB);
    expect(m.kvCacheGiB).toBeCloseTo(0.9 * c.deviceMemoryGiB - c.weightsGiB - c.overheadGiB, 2);
    expect(m.kvBytesPerToken).toBe(c.kvBytesPerToken);
    expect(Math.abs(m.kvTokens - c.kvTokens)).toBeLessThanOrEqual(c.kvTokens / 1000 + 1);
    expect(m.requiredKvTokens).toBe(c.maxModelLen * c.minConcurrency);
    expect(m.maxConcurrentSequences).toBe(Math.floor(m.kvTokens / c.maxModelLen));
    expect(m.fits).toBe(c.fits);
  });

  it("uses a configured overheadGiB instead of 1.5 + 0.5", () => {
    const m = estimateReplicaMemory({
      architecture: architectureById("llama-3-70b"),
      quantization: "none",
      maxModelLen: 8192,
      minConcurrency: 1,
      gpuMemoryUtilization: 0.9,
      overheadGiB: 4,
      deviceMemoryGiB: 80,
      tensorParallelSize: 2,
      pipelineParallelSize: 1,
    });

    expect(m.overheadGiB).toBe(4);
    expect(m.kvCacheGiB).toBeCloseTo(72 - 65.705 - 4, 2); // 2.295 GiB
  });
});

describe("kvBytesPerTokenOf", () => {
  it.each<[ArchitectureId, number, number]>([
    // DESIGN.md 6.4 column "KV/token bf16" at TP 1: 2 × layers × kvHeads × 128 × 2 B.
    ["llama-3-8b", 1, 128 * 1024], // 2 × 32 × 8 × 128 × 2
    ["llama-3-70b", 1, 320 * 1024], // 2 × 80 × 8 × 128 × 2
    ["llama-3.1-405b", 1, 504 * 1024], // 2 × 126 × 8 × 128 × 2
    ["grok-1", 1, 256 * 1024], // 2 × 64 × 8 × 128 × 2
    // KV heads replicate past TP = kvHeads: TP 16 still holds one KV head per GPU.
    ["llama-3.1-405b", 16, 2 * 126 * 1 * 128 * 2],
  ])("gives %s at TP %i %i bytes per token per GPU", (arch, tp, bytes) => {
    expect(kvBytesPerTokenOf(architectureById(arch), tp, 1)).toBe(bytes);
  });
});

describe("weightBytesOf", () => {
  it.each<[ArchitectureId, Quantization, number]>([
    ["llama-3-8b", "none", 8.03e9 * 2],
    ["llama-3-8b", "fp8", 8.03e9],
    ["grok-1", "int8", 314e9],
    // (72.7e9 − 2 × 152,064 × 8,192) × 0.5 × 1.03 + 2 × 152,064 × 8,192 × 2 = 41.140e9 B ≈ 38.3 GiB (field report #22: "~40 GB").
    ["qwen2.5-72b", "awq", (72.7e9 - 2 * 152064 * 8192) * 0.5 * 1.03 + 2 * 152064 * 8192 * 2],
  ])("gives %s %s weights in bytes", (arch, quantization, bytes) => {
    expect(weightBytesOf(architectureById(arch), quantization)).toBeCloseTo(bytes, -3);
  });

  it("keeps a 4-bit Qwen2.5-72B near 38.3 GiB", () => {
    expect(weightBytesOf(architectureById("qwen2.5-72b"), "awq") / GiB).toBeCloseTo(38.31, 1);
  });
});

describe("describeMemory", () => {
  it("writes the arithmetic with units and grouped token counts", () => {
    const m = estimateReplicaMemory({
      architecture: architectureById("llama-3-70b"),
      quantization: "none",
      maxModelLen: 8192,
      minConcurrency: 1,
      gpuMemoryUtilization: 0.9,
      overheadGiB: null,
      deviceMemoryGiB: 80,
      tensorParallelSize: 2,
      pipelineParallelSize: 1,
    });

    const text = describeMemory(m);

    expect(text).toBe("budget 72.0 GiB (0.9 × 80 GiB) − weights 65.7 GiB − overhead 2.0 GiB = KV 4.3 GiB = 28,148 tokens ≥ 8,192 required");
  });

  it("says there is no room for the KV cache, in GiB, when the weights and overhead exceed the budget — never GiB against tokens", () => {
    const m = estimateReplicaMemory({
      architecture: architectureById("llama-3-8b"),
      quantization: "none",
      maxModelLen: 8192,
      minConcurrency: 1,
      gpuMemoryUtilization: 0.9,
      overheadGiB: null,
      deviceMemoryGiB: 9.5,
      tensorParallelSize: 1,
      pipelineParallelSize: 1,
    });

    const text = describeMemory(m);

    // 8,192 tokens × 128 KiB = 1.0 GiB of KV cache needed; 8.55 − 15.0 − 1.5 = −7.9 GiB left.
    expect(text).toBe("budget 8.6 GiB (0.9 × 9.5 GiB) − weights 15.0 GiB − overhead 1.5 GiB = -7.9 GiB: no room for KV cache (needs 1.0 GiB for 8,192 tokens)");
  });

  it.each<[number, string]>([
    [0, "0"],
    [999, "999"],
    [15026, "15,026"],
    [1095945, "1,095,945"],
  ])("groups %i as %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});
