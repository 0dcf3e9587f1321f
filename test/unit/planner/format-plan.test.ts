import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { loadFleetConfig } from "../../../lib/config/index.js";
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

  it("opens with the GPUs used, the lower bound, the solver and the objective in its order", () => {
    expect(lines[0]).toBe("Fleet plan: 9 of 10 GPUs used (lower bound 9); solver first-fit-decreasing");
    expect(lines[1]).toBe("Objective, in order: unmet demand 2 replicas at priority 0; 0 GPUs disrupted on 0 nodes; 9 GPUs used");
    expect(lines[2]).toBe("Changes: 0 GPUs re-sliced, 0 replicas moved; not disruptive");
  });

  it("gives each model its shape and its memory arithmetic with units", () => {
    // 1g.10gb on A100-80GB: 0.9 × 9.5 = 8.55 GiB − 5.30 GiB (4-bit weights) − 1.5 GiB = 1.75 GiB; 1.75 GiB ÷ 128 KiB = 14,298 tokens.
    expect(text).toContain(
      [
        "  llama-3-8b-awq  (pool a100)  MIG 1g.10gb, TP 1 (nvidia.com/mig-1g.10gb: 1)",
        "    replicas: 3 reserved of 3 requested; GPUs held: 1 (one replica per whole GPU: 3)",
        "    memory per GPU: budget 8.6 GiB (0.9 × 9.5 GiB) − weights 5.3 GiB − overhead 1.5 GiB = KV cache 1.7 GiB",
        "    KV cache: 128 KiB per token → 14,298 tokens ≥ 8,192 required; 3 full-length sequences at once",
      ].join("\n"),
    );
    expect(text).toContain("  llama-3-70b  (pool h100)  TP 4 on one node (nvidia.com/gpu: 4)");
    expect(text).toContain("    replicas: 2 reserved of 3 requested; GPUs held: 8");
  });

  it("shows why each smaller option was refused before the one chosen (DESIGN.md 6.4: Llama-3-70B at 8,192 × 8 is TP 4, not TP 2)", () => {
    const at = lines.indexOf("  llama-3-70b  (pool h100)  TP 4 on one node (nvidia.com/gpu: 4)");

    expect(lines.slice(at + 1, at + 4)).toEqual([
      "    TP 1 refused: budget 72.0 GiB (0.9 × 80 GiB) − weights 131.4 GiB − overhead 1.5 GiB = -60.9 GiB: no room for KV cache (needs 20.0 GiB for 65,536 tokens)",
      "    TP 2 refused: budget 72.0 GiB (0.9 × 80 GiB) − weights 65.7 GiB − overhead 2.0 GiB = KV 4.3 GiB = 28,148 tokens < 65,536 required",
      "    TP 3 refused: invalid: attention heads 64 % 3 = 1; 8 KV heads: 3 neither divides them nor is a multiple of them; hidden size 8192 % 3 = 2; intermediate size 28672 % 3 = 1",
    ]);
  });

  it("explains a model without a shape, with the candidates it tried", () => {
    expect(text).toContain("  grok  (pool h100)  NO SHAPE");
    expect(text).toContain("      TP 8: budget 72.0 GiB (0.9 × 80 GiB) − weights 73.1 GiB − overhead 2.0 GiB = -3.1 GiB: no room for KV cache (needs 0.3 GiB for 8,192 tokens)");
  });

  it("draws every MIG GPU as one row of 7 compute-slice columns, each instance labelled with its model's key and profile", () => {
    // Mistral-7B bf16 with 2 × 32,768 tokens needs 3g.40gb (2 × 32,768 × 128 KiB = 8 GiB of KV) and is placed first (bigger):
    // 3g at memory slices 0-3 (compute columns 0-2); the three 1g.10gb go to starts 4, 5, 6; compute column 3 has no memory left: "x", not free "·".
    const picture = lines.slice(lines.indexOf("  a100  A100-80GB, MIG: 1 of 2 GPUs used, 1 free; lower bound 1; solver first-fit-decreasing") + 1).slice(0, 3);

    expect(picture).toEqual([
      "    models: A llama-3-8b-awq, B mistral; - free instance; · free slice; x compute slice whose memory an instance holds (unusable)",
      "    gpu-a100-0/0 | B 3g.40gb                         | x         | A 1g.10gb | A 1g.10gb | A 1g.10gb |",
      "    gpu-a100-0/1 | ·         | ·         | ·         | ·         | ·         | ·         | ·         |",
    ]);
  });

  it("draws a run of identical GPUs once, with the range it covers", () => {
    const config = fleetOf([{ name: "a100", gpu: "A100-80GB", nodes: 2, gpusPerNode: 4, mig }], [{ name: "small", quantization: "awq", maxModelLen: 4096, minConcurrency: 2, pool: "a100" }]);

    const big = formatPlan(planFleet({ config, desiredReplicas: { small: 35 }, current: null }));

    expect(big).toContain("    a100-0/0 … a100-1/0 (5 GPUs) | A 1g.10gb | A 1g.10gb | A 1g.10gb | A 1g.10gb | A 1g.10gb | A 1g.10gb | A 1g.10gb |\n");
    expect(big).toContain("    a100-1/1 … a100-1/3 (3 GPUs) | ·         |");
  });

  it("prices the plan against one replica per whole GPU: 14 replicas of the 4-bit Llama-3-8B on 2 A100-80GB instead of 14 GPUs", () => {
    const config = fleetOf([{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 2, mig }], [{ name: "small", quantization: "awq", maxModelLen: 4096, minConcurrency: 2, pool: "a100" }]);

    const priced = formatPlan(planFleet({ config, desiredReplicas: { small: 14 }, current: null }));

    // 2 ÷ 14 = 0.14×: the seed's "7× throughput, 85 % lower cost", which holds for 4-bit weights only (DESIGN.md 6.4).
    expect(priced).toContain("Cost: 14 replicas on 2 GPUs; one replica per whole GPU (TP × PP GPUs each) would take 14 GPUs: 0.14× the GPUs (86 % fewer)\n");
    expect(lines.at(-2)).toBe("Cost: 6 replicas on 9 GPUs; one replica per whole GPU (TP × PP GPUs each) would take 12 GPUs: 0.75× the GPUs (25 % fewer)");
  });

  it("renders Markdown with a model table and each pool's picture in a text block", () => {
    const markdown = formatPlan(examplePlan(), "markdown");

    expect(markdown).toMatch(/^### Fleet plan\n\n- Fleet plan: 9 of 10 GPUs used/);
    expect(markdown).toContain("| llama-3-70b | h100 | TP 4 on one node (nvidia.com/gpu: 4) | 2 of 3 | 8 | budget 72.0 GiB (0.9 × 80 GiB) − weights 32.9 GiB − overhead 2.0 GiB = KV cache 37.1 GiB<br>KV cache: 80 KiB per token → 486,900 tokens ≥ 65,536 required; 59 full-length sequences at once |");
    expect(markdown).toContain("```text\nmodels: A llama-3-8b-awq, B mistral; - free instance; · free slice; x compute slice whose memory an instance holds (unusable)\ngpu-a100-0/0 | B 3g.40gb");
    expect(markdown.split("\n").filter((l) => l !== l.trimEnd())).toEqual([]);
  });

  it("lists whole GPUs per node, the unmet demand with reasons, and the totals", () => {
    expect(text).toContain("  h100  H100-80GB: 8 of 8 GPUs used, 0 free");
    expect(text).toContain("    h100-0: 0:llama-3-70b  1:llama-3-70b");
    expect(text).toContain("Unmet demand: 2 replicas");
    expect(text).toContain("  llama-3-70b: 1 replica not placed: llama-3-70b (priority 0): one replica needs 4 free GPUs on one node");
    expect(lines.at(-3)).toBe("Totals: 6 replicas reserved of 8 requested; 9 GPUs used, 1 free of 10");
  });

  it("is safe inside a fenced block: no fences, no trailing spaces, ends with a newline", () => {
    expect(text).not.toContain("```");
    expect(lines.filter((l) => l !== l.trimEnd())).toEqual([]);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("gives the same bytes for the same plan", () => {
    expect(formatPlan(examplePlan())).toBe(text);
  });

  it("carries in Markdown every refused option and every candidate a model without a shape tried, with the arithmetic of the text (examples/reference-cases.yaml)", () => {
    const config = loadFleetConfig(readFileSync(new URL("../../../examples/reference-cases.yaml", import.meta.url), "utf8"), "reference-cases.yaml");
    const plan = planFleet({ config, desiredReplicas: {}, current: null });
    const considered = plan.models.flatMap((m) => m.considered.filter((c) => m.shape === null || !c.accepted).map((c) => ({ model: m.model, line: `${c.label}${m.shape === null ? "" : " refused"}: ${c.reason}` })));

    const markdown = formatPlan(plan, "markdown");

    expect(considered.length).toBeGreaterThan(10);
    for (const { line } of considered) expect(formatPlan(plan)).toContain(line);
    const missing = considered.filter(({ model, line }) => !markdown.split("\n").some((l) => l.includes(model) && l.includes(line)));
    expect(missing).toEqual([]);
  });
});
