import type { FleetConfig, ModelConfig } from "./schema.js";

/** The `model_name` label vLLM exports for this model (`--served-model-name`); defaults to `name`. */
export function servedModelNameOf(model: ModelConfig): string {
  return model.servedModelName ?? model.name;
}

/** The Kubernetes namespace of a model: its own, else the cluster default. */
export function namespaceOf(model: ModelConfig, config: FleetConfig): string {
  return model.namespace ?? config.cluster.namespace;
}

/** `replicas.initial`, else `replicas.min`, and at least 1 (DESIGN.md 2). */
export function initialReservedReplicas(model: ModelConfig): number {
  return Math.max(1, model.replicas.initial ?? model.replicas.min);
}
