import { describe, expect, it } from "@jest/globals";
import { formatPlan, planFleet, type FleetPlan } from "../../../lib/planner/index.js";
import { fleetOf } from "./fleet-builders.js";

const mig = { enabled: true, labelMode: "nodePool" } as const;

function examplePlan(): FleetPlan {
  const config = fleetOf(
    [
      { name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 2, mig, nodeNames: ["gpu-a100-0"] },
      { name: "h100", gpu: "H100-80GB", nodes: 1, gpusPerNode: 8 },
    ],
    [
      { name: "llama-3-8b-awq", quantization: "awq", maxModelLen: 4096, minConcurrency: 2, pool: "a100" },
      { name: "mistral", architecture: "mistral-7b", maxModelLen: 32768, pool: "a100", placement: "mig", minConcurrency: 2 },
      { name: "llama-3-70b", architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8, pool: "h100" },
      { name: "grok", architecture: "grok-1", pool: "h100" },
    ],
  );
  return planFleet({ config, desiredReplicas: { "llama-3-8b-awq": 3, mistral: 1, "llama-3-70b": 3 }, current: null });
}

describe("formatPlan", () => {
  const text = formatPlan(examplePlan());
  const lines = text.split("\n");

  it("opens with the GPUs used, the lower bound and the solver", () => {
    expect(lines[0]).toBe("Fleet plan: 9 of 10 GPUs used (lower bound 9); solver first-fit-decreasing");
    expect(lines[1]).toBe("Changes: 0 GPUs re-sliced, 0 replicas moved; not disruptive");
  });

  it("gives each model its shape and its memory arithmetic with units", () => {
    // 1g.10gb on A100-80GB: 0.9 × 9.5 = 8.55 GiB − 5.30 GiB (4-bit weights) − 1.5 GiB = 1.75 GiB; 1.75 GiB ÷ 128 KiB = 14,298 tokens.
    expect(text).toContain(
      [
        "  llama-3-8b-awq  (pool a100)  MIG 1g.10gb, TP 1 (nvidia.com/mig-1g.10gb: 1)",
        "    replicas: 3 reserved of 3 requested; GPUs held: 1",
        "    memory per GPU: budget 8.6 GiB (0.9 × 9.5 GiB) − weights 5.3 GiB − overhead 1.5 GiB = KV cache 1.7 GiB",
        "    KV cache: 128 KiB per token → 14,298 tokens ≥ 8,192 required; 3 full-length sequences at once",
      ].join("\n"),
    );
    expect(text).toContain("  llama-3-70b  (pool h100)  TP 4 on one node (nvidia.com/gpu: 4)");
    expect(text).toContain("    replicas: 2 reserved of 3 requested; GPUs held: 8");
  });

  it("explains a model without a shape, with the candidates it tried", () => {
    expect(text).toContain("  grok  (pool h100)  NO SHAPE");
    expect(text).toContain("      TP 8: budget 72.0 GiB (0.9 × 80 GiB) − weights 73.1 GiB − overhead 2.0 GiB = KV -3.1 GiB (no room) < 8,192 required");
  });

  it("draws every MIG GPU as one row of 7 compute-slice columns, labelled with model and profile", () => {
    // Mistral-7B bf16 with 2 × 32,768 tokens needs 3g.40gb (2 × 32,768 × 128 KiB = 8 GiB of KV) and is placed first (bigger):
    // 3g at memory slices 0-3 (compute columns 0-2); the three 1g.10gb go to starts 4, 5, 6; compute column 3 stays unused.
    const gpuRows = lines.filter((l) => l.startsWith("    gpu-a100-0/") || l.startsWith("                 |"));

    expect(gpuRows).toEqual([
      "    gpu-a100-0/0 | mistral                                       | ·             | llama-3-8b-awq| llama-3-8b-awq| llama-3-8b-awq|",
      "                 | 3g.40gb                                       |               | 1g.10gb       | 1g.10gb       | 1g.10gb       |",
      "    gpu-a100-0/1 | ·             | ·             | ·             | ·             | ·             | ·             | ·             |",
      "                 |               |               |               |               |               |               |               |",
    ]);
  });

  it("lists whole GPUs per node, the unmet demand with reasons, and the totals", () => {
    expect(text).toContain("  h100  H100-80GB: 8 of 8 GPUs used, 0 free");
    expect(text).toContain("    h100-0: 0:llama-3-70b  1:llama-3-70b");
    expect(text).toContain("Unmet demand: 2 replicas");
    expect(text).toContain("  llama-3-70b: 1 replica not placed: llama-3-70b (priority 0): one replica needs 4 free GPUs on one node");
    expect(lines.at(-2)).toBe("Totals: 6 replicas reserved of 8 requested; 9 GPUs used, 1 free of 10");
  });

  it("is safe inside a fenced block: no fences, no trailing spaces, ends with a newline", () => {
    expect(text).not.toContain("```");
    expect(lines.filter((l) => l !== l.trimEnd())).toEqual([]);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("gives the same bytes for the same plan", () => {
    expect(formatPlan(examplePlan())).toBe(text);
  });
});
