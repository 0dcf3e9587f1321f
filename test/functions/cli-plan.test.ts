// `vllm-gitops plan` on examples/reference-cases.yaml: every reference case of DESIGN.md 6.4 with its arithmetic.
import { beforeEach, describe, expect, it } from "@jest/globals";
import { run } from "../../lib/cli/main.js";
import { captureCliOutput } from "../fakes/capture-cli-output.js";

const { out, err } = captureCliOutput();

describe("vllm-gitops plan on the reference cases", () => {
  let text = "";
  beforeEach(async () => {
    await run(["plan", "--config", "examples/reference-cases.yaml"]);
    text = out.join("\n");
  });

  it("packs with HiGHS and exits 0", () => {
    expect(process.exitCode).toBe(0);
    expect(text).toMatch(/^Fleet plan: \d+ of 51 GPUs used \(lower bound \d+\); solver highs$/m);
  });

  it.each([
    ["Llama-3-70B at minConcurrency 1 is TP 2 (4.3 GiB of KV = 28,148 tokens ≥ 8,192)", "llama-3-70b-c1  (pool h100-70b)  TP 2 on one node", "KV cache: 160 KiB per token → 28,148 tokens ≥ 8,192 required"],
    ["Llama-3-70B at minConcurrency 8 refuses TP 2 and takes TP 4", "llama-3-70b-c8  (pool h100-70b)  TP 4 on one node", "TP 2 refused: budget 72.0 GiB (0.9 × 80 GiB) − weights 65.7 GiB − overhead 2.0 GiB = KV 4.3 GiB = 28,148 tokens < 65,536 required"],
    ["Qwen2.5-72B at 32,768 refuses TP 2 (2.3 GiB ≈ 15k tokens) and takes TP 4", "qwen2-5-72b  (pool h100-qwen)  TP 4 on one node", "TP 2 refused: budget 72.0 GiB (0.9 × 80 GiB) − weights 67.7 GiB − overhead 2.0 GiB = KV 2.3 GiB = 15,026 tokens < 32,768 required"],
    ["the AWQ Qwen2.5-72B cannot split its quantization groups at TP 2", "qwen2-5-72b-awq-tp2  (pool h100-qwen)  NO SHAPE", "awq groups: intermediate 29568 ÷ group 128 = 231 groups, not divisible by 2"],
    ["Llama-3.1-405B is TP 8 × PP 2 (94.2 GiB per GPU at TP 8 alone)", "llama-3-1-405b  (pool h100-405b)  TP 8 × PP 2 across 2 nodes", "TP 8 refused: budget 72.0 GiB (0.9 × 80 GiB) − weights 94.2 GiB"],
    ["Grok-1 bf16 does not fit one 8 × 80 GB node", "grok-1-bf16  (pool h100-grok)  NO SHAPE", "TP 8: budget 72.0 GiB (0.9 × 80 GiB) − weights 73.1 GiB − overhead 2.0 GiB = -3.1 GiB: no room for KV cache (needs 0.3 GiB for 8,192 tokens)"],
    ["Grok-1 int8 fits it at TP 8", "grok-1-int8  (pool h100-grok)  TP 8 on one node", "budget 72.0 GiB (0.9 × 80 GiB) − weights 36.6 GiB − overhead 2.0 GiB = KV cache 33.4 GiB"],
    ["Grok-1 bf16 fits 8 × H200", "grok-1-h200  (pool h200-grok)  TP 8 on one node", "budget 126.0 GiB (0.9 × 140 GiB) − weights 73.1 GiB − overhead 2.0 GiB = KV cache 50.9 GiB"],
    ["Grok-1 TP 6 is invalid with 48 heads and 8 KV heads", "grok-1-tp6  (pool h100-grok)  NO SHAPE", "8 KV heads: 6 neither divides them nor is a multiple of them"],
    ["the 4-bit Llama-3-8B takes 1g.10gb, 7 replicas on one A100-80GB", "llama-3-8b-awq  (pool a100-mig)  MIG 1g.10gb", "replicas: 7 reserved of 7 requested; GPUs held: 1 (one replica per whole GPU: 7)"],
    ["the same model is 1g.18gb on H200", "llama-3-8b-awq-h200  (pool h200-mig)  MIG 1g.18gb", "KV cache: 128 KiB per token → 62,222 tokens"],
    ["bf16 Llama-3-8B does not fit 1g.10gb", "llama-3-8b  (pool a100-mig-bf16)  MIG 1g.20gb", "mig 1g.10gb refused: budget 8.6 GiB (0.9 × 9.5 GiB) − weights 15.0 GiB − overhead 1.5 GiB = -7.9 GiB: no room for KV cache"],
  ])("shows that %s", (_case, heading, arithmetic) => {
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith(`  ${heading}`));

    expect(at).toBeGreaterThan(0);
    const end = lines.findIndex((l, i) => i > at && !l.startsWith("    "));
    expect(lines.slice(at, end).join("\n")).toContain(arithmetic);
  });

  it("draws the A100-80GB with 7 × 1g.10gb of the 4-bit model", () => {
    expect(text).toMatch(/a100-mig-0\/0 \| A 1g\.10gb \| A 1g\.10gb \| A 1g\.10gb \| A 1g\.10gb \| A 1g\.10gb \| A 1g\.10gb \| A 1g\.10gb \|/);
  });
});

describe("vllm-gitops plan --format", () => {
  it("prints Markdown for a GitHub comment", async () => {
    await run(["plan", "--format", "markdown"]);

    expect(process.exitCode).toBe(0);
    expect(out.join("\n")).toMatch(/^### Fleet plan\n/);
  });

  it("refuses a format it does not know with exit code 2", async () => {
    await run(["plan", "--format", "html"]);

    expect(process.exitCode).toBe(2);
    expect(err.join("\n")).toContain("--format must be text or markdown, not 'html'");
  });
});
