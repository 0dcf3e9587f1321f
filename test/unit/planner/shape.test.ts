import { describe, expect, it } from "@jest/globals";
import { architectureById } from "../../../lib/catalog/index.js";
import { chooseReplicaShape, tensorParallelProblem } from "../../../lib/planner/shape.js";
import type { ShapeResult } from "../../../lib/planner/types.js";
import { modelOnPool, type ModelInput, type PoolInput } from "./fleet-builders.js";

// Field report #21: a Llama-2-13B-style config, 40 heads and 40 KV heads.
const LLAMA2_13B = { parameters: 13e9, layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, intermediateSize: 13824, supportsPipelineParallel: true };

type Pool = Omit<PoolInput, "name">;
type Model = Omit<ModelInput, "name">;
const H100_NODE: Pool = { gpu: "H100-80GB", nodes: 1, gpusPerNode: 8 };
const A100_MIG: Pool = { gpu: "A100-80GB", nodes: 1, gpusPerNode: 8, mig: { enabled: true, labelMode: "nodePool" } };
const H200_MIG: Pool = { gpu: "H200-141GB", nodes: 1, gpusPerNode: 8, mig: { enabled: true, labelMode: "nodePool" } };

function shapeOf(model: Model, pool: Pool): ShapeResult {
  const built = modelOnPool(model, pool);
  return chooseReplicaShape(built.model, built.pool);
}

function summary(result: ShapeResult): string {
  if (!result.ok) return "refused";
  const s = result.shape;
  if (s.kind === "mig") return `mig ${s.migProfile}`;
  return s.kind === "gpu" ? `gpu TP ${s.tensorParallelSize}` : `multi-node TP ${s.tensorParallelSize} × PP ${s.pipelineParallelSize}`;
}

describe("chooseReplicaShape: DESIGN.md 6.4 reference cases", () => {
  it.each<[string, Model, Pool, string]>([
    // TP 1: 70.55e9 × 2 B = 131.4 GiB > 72 GiB budget; TP 2: KV 72 − 65.7 − 2 = 4.3 GiB = 28,148 tokens ≥ 8,192.
    ["Llama-3-70B bf16, minConcurrency 1 → TP 2", { architecture: "llama-3-70b", maxModelLen: 8192 }, H100_NODE, "gpu TP 2"],
    // TP 2: 28,148 < 8 × 8,192 = 65,536; TP 3 invalid (64 heads); TP 4: 37.1 GiB = 486,900 tokens.
    ["Llama-3-70B bf16, minConcurrency 8 → TP 4", { architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8 }, H100_NODE, "gpu TP 4"],
    // TP 2: KV 72 − 67.7 − 2 = 2.3 GiB = 15,026 tokens < 32,768; TP 4: 36.1 GiB = 473,778 tokens.
    ["Qwen2.5-72B bf16, maxModelLen 32,768 on H100-80GB → TP 4", { architecture: "qwen2.5-72b", maxModelLen: 32768 }, H100_NODE, "gpu TP 4"],
    // 4-bit: 38.3 GiB of weights on one GPU; KV 72 − 38.3 − 1.5 = 32.2 GiB = 105,464 tokens (320 KiB each) ≥ 32,768.
    ["Qwen2.5-72B AWQ on 2×H100-80GB → TP 1", { architecture: "qwen2.5-72b", quantization: "awq", maxModelLen: 32768 }, { gpu: "H100-80GB", nodes: 1, gpusPerNode: 2 }, "gpu TP 1"],
    // One node: TP 8 holds 404.65e9 × 2 ÷ 8 = 94.2 GiB > 72; PP 2: 47.1 GiB weights, KV 22.9 GiB = 762,049 tokens.
    ["Llama-3.1-405B bf16 on 2 nodes × 8 H100-80GB → TP 8 × PP 2", { architecture: "llama-3.1-405b", maxModelLen: 8192 }, { ...H100_NODE, nodes: 2 }, "multi-node TP 8 × PP 2"],
    // TP 8: 314e9 × 2 ÷ 8 = 73.1 GiB > 72 GiB budget, and the pool has one node.
    ["Grok-1 bf16 does not fit one 8×80 GB node", { architecture: "grok-1", maxModelLen: 8192 }, H100_NODE, "refused"],
    // TP 8: 314e9 × 1 ÷ 8 = 36.6 GiB; KV 33.4 GiB.
    ["Grok-1 int8 fits one 8×80 GB node at TP 8", { architecture: "grok-1", quantization: "int8", maxModelLen: 8192 }, H100_NODE, "gpu TP 8"],
    // TP 4: 146.2 GiB > 126; TP 8: 73.1 GiB of 126 GiB budget (0.9 × 140), KV 50.9 GiB.
    ["Grok-1 bf16 fits 8×H200 at TP 8", { architecture: "grok-1", maxModelLen: 8192 }, { ...H100_NODE, gpu: "H200-141GB" }, "gpu TP 8"],
    // 1g.10gb on A100-80GB: 9.5 GiB × 0.9 − 5.3 − 1.5 = 1.7 GiB = 14,298 tokens ≥ 4,096 × 2.
    ["Llama-3-8B 4-bit, maxModelLen 4,096, minConcurrency 2 → 1g.10gb on A100-80GB", { quantization: "awq", maxModelLen: 4096, minConcurrency: 2 }, A100_MIG, "mig 1g.10gb"],
    // 1g.18gb on H200: 16 GiB × 0.9 − 5.3 − 1.5 = 7.6 GiB = 62,222 tokens.
    ["the same 4-bit Llama-3-8B → 1g.18gb on H200 (the profile names differ per GPU)", { quantization: "awq", maxModelLen: 4096, minConcurrency: 2 }, H200_MIG, "mig 1g.18gb"],
    // bf16 15.0 GiB > 8.55 GiB budget of 1g.10gb; 1g.20gb: 17.55 − 15.0 − 1.5 = 1.1 GiB = 8,953 tokens ≥ 8,192.
    ["Llama-3-8B bf16 skips 1g.10gb and takes 1g.20gb (same memory as 2g.20gb, fewer compute slices)", { maxModelLen: 8192 }, A100_MIG, "mig 1g.20gb"],
  ])("%s", (_name, model, pool, expected) => {
    const result = shapeOf(model, pool);

    expect(summary(result)).toBe(expected);
  });

  it("shows why TP 2 was refused for Llama-3-70B at minConcurrency 8", () => {
    const result = shapeOf({ architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8 }, H100_NODE);

    expect(result.considered.map((c) => [c.label, c.accepted])).toEqual([["TP 1", false], ["TP 2", false], ["TP 3", false], ["TP 4", true]]);
    expect(result.considered[1]!.reason).toContain("KV 4.3 GiB = 28,148 tokens < 65,536 required");
    expect(result.considered[2]!.reason).toContain("attention heads 64 % 3 = 1");
  });

  it("shows Qwen2.5-72B TP 2's ≈2.3 GiB = 15k tokens < 32,768", () => {
    const result = shapeOf({ architecture: "qwen2.5-72b", maxModelLen: 32768 }, H100_NODE);

    expect(result.considered.find((c) => c.label === "TP 2")?.reason).toContain("KV 2.3 GiB = 15,026 tokens < 32,768 required");
  });

  it("fits 7 replicas of the 4-bit Llama-3-8B on one A100-80GB: 1g.10gb uses 1 of 7 compute slices", () => {
    const result = shapeOf({ quantization: "awq", maxModelLen: 4096, minConcurrency: 2 }, A100_MIG);

    expect(result.ok && result.shape.kind === "mig" && result.shape.resourceName).toBe("nvidia.com/mig-1g.10gb");
  });
});

describe("tensorParallelProblem", () => {
  it.each<[string, number, string | null]>([
    ["grok-1", 3, "attention heads"], // 48 % 3 = 0, but 8 KV heads: 3 neither divides nor is a multiple
    ["grok-1", 6, "8 KV heads"],
    ["grok-1", 12, "8 KV heads"],
    ["grok-1", 8, null],
    ["grok-1", 16, null], // 48 % 16 = 0, 16 is a multiple of 8, 6144 % 16 = 0, 32768 % 16 = 0
    ["llama-3-70b", 16, null],
  ])("%s at TP %i: %s", (arch, tp, expected) => {
    const problem = tensorParallelProblem(architectureById(arch as "grok-1"), { quantization: "none", quantizationGroupSize: 128 }, tp);

    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected === "attention heads" ? "8 KV heads: 3 neither divides them nor is a multiple of them" : expected);
  });

  it.each([2, 4, 8])("refuses AWQ Qwen2.5-72B at TP %i: 29,568 ÷ 128 = 231 groups is odd", (tp) => {
    const problem = tensorParallelProblem(architectureById("qwen2.5-72b"), { quantization: "awq", quantizationGroupSize: 128 }, tp);

    expect(problem).toContain(`intermediate 29568 ÷ group 128 = 231 groups, not divisible by ${tp}`);
  });

  it("accepts a padded AWQ build (intermediate 29,696 = 232 × 128) at TP 2, 4 and 8", () => {
    const padded = { ...architectureById("qwen2.5-72b"), intermediateSize: 29696 };

    const problems = [2, 4, 8].map((tp) => tensorParallelProblem(padded, { quantization: "awq", quantizationGroupSize: 128 }, tp));

    expect(problems).toEqual([null, null, null]);
  });
});

describe("chooseReplicaShape: field reports and refusals", () => {
  const a30x6: Pool = { gpu: "A30-24GB", nodes: 1, gpusPerNode: 6 };
  const llama13b: Model = { architecture: LLAMA2_13B, maxModelLen: 4096, minConcurrency: 8 };

  it("chooses TP 4 on a 6-GPU node for 40 heads (#21): TP 3 and TP 5 and TP 6 do not divide the model", () => {
    // TP 1: 24.2 GiB > 21.6 budget; TP 2: KV 21.6 − 12.1 − 2 = 7.5 GiB = 19,641 tokens (400 KiB) < 32,768;
    // TP 3: 40 % 3 = 1; TP 4: KV 13.5 GiB = 71,022 tokens (200 KiB) ≥ 32,768.
    const result = shapeOf(llama13b, a30x6);

    expect(summary(result)).toBe("gpu TP 4");
    expect(result.considered.map((c) => c.label)).toEqual(["TP 1", "TP 2", "TP 3", "TP 4"]);
    expect(result.considered[2]!.reason).toContain("attention heads 40 % 3 = 1");
  });

  it.each<[number, string]>([
    [6, "attention heads 40 % 6 = 4"],
    [5, "intermediate size 13824 % 5 = 4"],
    [16, "TP 16 > 6 GPUs per node"],
  ])("refuses a pinned TP %i with the arithmetic (%s)", (tp, arithmetic) => {
    const result = shapeOf({ ...llama13b, tensorParallelSize: tp }, a30x6);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(arithmetic);
  });

  it("keeps Mistral-7B at 32,768 tokens on a whole A100-40GB (#24): KV 36 − 13.5 − 1.5 = 21.0 GiB = 172,150 tokens", () => {
    const result = shapeOf({ architecture: "mistral-7b", maxModelLen: 32768 }, { gpu: "A100-40GB", nodes: 1, gpusPerNode: 1 });

    expect(summary(result)).toBe("gpu TP 1");
    expect(result.ok && result.shape.memory.kvTokens).toBe(172_150);
  });

  it("refuses Mistral-7B on the A100-40GB 1g.10gb slice (#24): 13.5 GiB of weights exceed 0.9 × 9.6 GiB", () => {
    const result = shapeOf({ architecture: "mistral-7b", maxModelLen: 32768 }, { gpu: "A100-40GB", nodes: 1, gpusPerNode: 1, mig: { enabled: true, labelMode: "nodePool" } });

    const slice = result.considered.find((c) => c.label === "mig 1g.10gb");
    expect(slice).toMatchObject({ accepted: false });
    expect(slice!.reason).toContain("= -6.3 GiB: no room for KV cache (needs 4.0 GiB for 32,768 tokens)");
    expect(summary(result)).toBe("mig 7g.40gb");
  });

  it("refuses TP 2 across two MIG slices (#27) and points to TP 1", () => {
    const result = shapeOf({ placement: "mig", tensorParallelSize: 2 }, A100_MIG);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain("TP 1: MIG has no peer-to-peer");
  });

  it("refuses placement mig on a pool without MIG", () => {
    const result = shapeOf({ placement: "mig" }, H100_NODE);

    expect(!result.ok && result.reason).toContain("pool p has MIG disabled");
  });

  it("refuses a model too big for every MIG profile instead of silently taking whole GPUs", () => {
    const result = shapeOf({ architecture: "llama-3-70b" }, A100_MIG);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain("fits no MIG profile of A100-80GB");
    expect(!result.ok && result.reason).toContain("placement: gpu");
    expect(result.considered.map((c) => c.label)).toEqual(["mig 1g.10gb", "mig 1g.20gb", "mig 2g.20gb", "mig 3g.40gb", "mig 4g.40gb", "mig 7g.80gb"]);
  });

  it("gives placement gpu whole GPUs on a MIG pool", () => {
    const result = shapeOf({ architecture: "llama-3-70b", placement: "gpu" }, A100_MIG);

    expect(summary(result)).toBe("gpu TP 2");
  });

  it("refuses to span nodes for an architecture without pipeline parallelism", () => {
    const result = shapeOf({ architecture: { ...LLAMA2_13B, parameters: 400e9, supportsPipelineParallel: false } }, { ...H100_NODE, nodes: 4, gpusPerNode: 8 });

    expect(!result.ok && result.reason).toContain("does not support pipeline parallelism");
  });

  it("says what the model needs and what the largest option offers when nothing fits", () => {
    const result = shapeOf({ architecture: "grok-1", maxModelLen: 8192 }, H100_NODE);

    expect(!result.ok && result.reason).toContain("needs 8,192 KV tokens");
    expect(!result.ok && result.reason).toContain("the largest one-node option, TP 8, offers budget 72.0 GiB");
  });

  it("accepts a pinned TP 8 that needs a second node (405B: PP 2)", () => {
    const result = shapeOf({ architecture: "llama-3.1-405b", tensorParallelSize: 8 }, { ...H100_NODE, nodes: 2 });

    expect(summary(result)).toBe("multi-node TP 8 × PP 2");
  });

  it("refuses a pinned PP whose stages do not split the layers (126 % 4 = 2)", () => {
    const result = shapeOf({ architecture: "llama-3.1-405b", pipelineParallelSize: 4 }, { ...H100_NODE, nodes: 4 });

    expect(result.ok).toBe(false);
    expect(result.considered.at(-1)?.reason).toContain("126 layers % 4 = 2");
  });
});
