import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { MODEL_CATALOG, architectureById, architectureOf, headDimOf } from "../../../lib/catalog/index.js";
import { ARCHITECTURE_IDS, type ArchitectureId } from "../../../lib/config/index.js";

type HfConfig = Record<string, number>;
const readConfig = (file: string): HfConfig =>
  JSON.parse(readFileSync(new URL(`../../fixtures/models/${file}`, import.meta.url), "utf8")) as HfConfig;

describe("model catalogue", () => {
  it("has an entry for every architecture id fleet.yaml accepts", () => {
    expect(MODEL_CATALOG.map((m) => m.id)).toEqual([...ARCHITECTURE_IDS]);
  });

  it.each<[ArchitectureId, string]>([
    ["llama-3-8b", "meta-llama__Meta-Llama-3-8B.config.json"],
    ["mistral-7b", "mistralai__Mistral-7B-v0.1.config.json"],
    ["mixtral-8x7b", "mistralai__Mixtral-8x7B-v0.1.config.json"],
    ["llama-3-70b", "meta-llama__Meta-Llama-3-70B.config.RECONSTRUCTED.json"],
    ["qwen2.5-72b", "Qwen__Qwen2.5-72B-Instruct.config.json"],
  ])("matches the config.json numbers of %s (%s)", (id, file) => {
    const config = readConfig(file);

    const arch = architectureById(id);

    expect(arch).toMatchObject({
      layers: config["num_hidden_layers"],
      hiddenSize: config["hidden_size"],
      attentionHeads: config["num_attention_heads"],
      kvHeads: config["num_key_value_heads"],
      intermediateSize: config["intermediate_size"],
      vocabSize: config["vocab_size"],
    });
    expect(headDimOf(arch)).toBe(config["hidden_size"]! / config["num_attention_heads"]!);
  });

  it("matches Grok-1's run.py numbers (48 q heads, 8 KV heads, 64 layers, key size 128, widening 8 × 4096)", () => {
    const numbers = readConfig("xai-org__grok-1.NUMBERS.json");

    const arch = architectureById("grok-1");

    expect(arch).toMatchObject({
      layers: numbers["num_layers"],
      hiddenSize: numbers["emb_size"],
      attentionHeads: numbers["num_q_heads"],
      kvHeads: numbers["num_kv_heads"],
      headDim: numbers["key_size"],
      vocabSize: numbers["vocab_size"],
      intermediateSize: 32768,
    });
  });

  it.each<[ArchitectureId, number]>([
    ["llama-3-8b", 8.03e9],
    ["mistral-7b", 7.24e9],
    ["mixtral-8x7b", 46.7e9],
    ["llama-3-70b", 70.55e9],
    ["qwen2.5-72b", 72.7e9],
    ["llama-3.1-405b", 404.65e9],
    ["grok-1", 314e9],
  ])("uses DESIGN.md 6.4's parameter count for %s", (id, parameters) => {
    expect(architectureById(id).parameters).toBe(parameters);
  });
});

describe("architectureOf", () => {
  it("resolves a catalogue id", () => {
    const arch = architectureOf({ architecture: "llama-3.1-405b" });

    expect(arch).toMatchObject({ layers: 126, attentionHeads: 128, kvHeads: 8, supportsPipelineParallel: true });
  });

  it("returns an inline object as written, deriving head_dim from hidden ÷ heads when absent", () => {
    const inline = {
      parameters: 13e9,
      layers: 40,
      hiddenSize: 5120,
      attentionHeads: 40,
      kvHeads: 40,
      intermediateSize: 13824,
      supportsPipelineParallel: false,
    };

    const arch = architectureOf({ architecture: inline });

    expect(arch).toBe(inline);
    expect(headDimOf(arch)).toBe(128); // 5120 / 40
  });
});
