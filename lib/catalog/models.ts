/**
 * The model catalogue: config.json numbers of the architectures fleet.yaml may name by id
 * (DESIGN.md 6.4). Sources are the files in ../shared/fixtures/real/models (cited per entry);
 * parameter counts are the published totals of DESIGN.md 6.4.
 */
import type { ArchitectureId, ArchitectureNumbers, ModelConfig } from "../config/index.js";
import { ARCHITECTURE_IDS } from "../config/index.js";

/** One catalogue entry: the numbers and where they come from. */
export interface CatalogModel {
  readonly id: ArchitectureId;
  readonly numbers: ArchitectureNumbers;
  readonly source: string;
}

const MODELS: Readonly<Record<ArchitectureId, CatalogModel>> = {
  "llama-3-8b": {
    id: "llama-3-8b",
    source: "fixtures/real/models/meta-llama__Meta-Llama-3-8B.config.json; 8.03B parameters (DESIGN.md 6.4)",
    numbers: {
      parameters: 8.03e9,
      layers: 32,
      hiddenSize: 4096,
      attentionHeads: 32,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 14336,
      vocabSize: 128256,
      supportsPipelineParallel: true,
    },
  },
  "mistral-7b": {
    id: "mistral-7b",
    source: "fixtures/real/models/mistralai__Mistral-7B-v0.1.config.json; 7.24B parameters (DESIGN.md 6.4)",
    numbers: {
      parameters: 7.24e9,
      layers: 32,
      hiddenSize: 4096,
      attentionHeads: 32,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 14336,
      vocabSize: 32000,
      supportsPipelineParallel: true,
    },
  },
  "mixtral-8x7b": {
    id: "mixtral-8x7b",
    source: "fixtures/real/models/mistralai__Mixtral-8x7B-v0.1.config.json; 46.7B parameters (DESIGN.md 6.4)",
    numbers: {
      parameters: 46.7e9,
      layers: 32,
      hiddenSize: 4096,
      attentionHeads: 32,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 14336,
      vocabSize: 32000,
      supportsPipelineParallel: true,
    },
  },
  "llama-3-70b": {
    id: "llama-3-70b",
    source: "fixtures/real/models/meta-llama__Meta-Llama-3-70B.config.RECONSTRUCTED.json; 70.55B parameters (DESIGN.md 6.4)",
    numbers: {
      parameters: 70.55e9,
      layers: 80,
      hiddenSize: 8192,
      attentionHeads: 64,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 28672,
      vocabSize: 128256,
      supportsPipelineParallel: true,
    },
  },
  "qwen2.5-72b": {
    id: "qwen2.5-72b",
    source: "fixtures/real/models/Qwen__Qwen2.5-72B-Instruct.config.json; 72.7B parameters (DESIGN.md 6.4)",
    numbers: {
      parameters: 72.7e9,
      layers: 80,
      hiddenSize: 8192,
      attentionHeads: 64,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 29568,
      vocabSize: 152064,
      supportsPipelineParallel: true,
    },
  },
  "llama-3.1-405b": {
    id: "llama-3.1-405b",
    // No config.json in the fixtures: layers/heads/intermediate from DESIGN.md 6.4 and FIELD-REPORTS #23;
    // hidden size 16384 = 128 heads × head_dim 128; vocab as the Llama 3 tokenizer (128256).
    source: "DESIGN.md 6.4 and FIELD-REPORTS.md #23; 404.65B parameters",
    numbers: {
      parameters: 404.65e9,
      layers: 126,
      hiddenSize: 16384,
      attentionHeads: 128,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 53248,
      vocabSize: 128256,
      supportsPipelineParallel: true,
    },
  },
  "grok-1": {
    id: "grok-1",
    // vLLM's Grok1ForCausalLM implements SupportsPP (vllm/model_executor/models/grok1.py).
    source: "fixtures/real/models/xai-org__grok-1.NUMBERS.json (xai-org/grok-1 run.py); 314B parameters",
    numbers: {
      parameters: 314e9,
      layers: 64,
      hiddenSize: 6144,
      attentionHeads: 48,
      kvHeads: 8,
      headDim: 128,
      intermediateSize: 32768,
      vocabSize: 131072,
      supportsPipelineParallel: true,
    },
  },
};

/** Every catalogued model, in `ARCHITECTURE_IDS` order. */
export const MODEL_CATALOG: readonly CatalogModel[] = ARCHITECTURE_IDS.map((id) => MODELS[id]);

/** The numbers of a catalogue id (with `supportsPipelineParallel`). */
export function architectureById(id: ArchitectureId): ArchitectureNumbers {
  return MODELS[id].numbers;
}

/** The architecture numbers of a model: its catalogue id resolved, or its inline object as written. */
export function architectureOf(model: Pick<ModelConfig, "architecture">): ArchitectureNumbers {
  return typeof model.architecture === "string" ? architectureById(model.architecture) : model.architecture;
}

/** head_dim, or hidden_size ÷ attention heads when config.json has none (DESIGN.md 5.1). */
export function headDimOf(arch: ArchitectureNumbers): number {
  return arch.headDim ?? arch.hiddenSize / arch.attentionHeads;
}
