// Builders of validated fleet.yaml objects for planner tests: the real schema applies the defaults.
import { fleetConfigSchema, type FleetConfig, type ModelConfig, type PoolConfig } from "../../../lib/config/index.js";

export type ModelInput = Partial<Omit<ModelConfig, "replicas">> & { name: string; replicas?: Partial<ModelConfig["replicas"]> };
export type PoolInput = Partial<PoolConfig> & { name: string };

export function fleetOf(pools: readonly PoolInput[], models: readonly ModelInput[]): FleetConfig {
  return fleetConfigSchema.parse({
    apiVersion: "vllm-gitops/v1",
    cluster: { name: "test" },
    pools: pools.map((p) => ({ gpu: "H100-80GB", nodes: 1, gpusPerNode: 8, ...p })),
    models: models.map((m) => ({
      source: `org/${m.name}`,
      image: "vllm/vllm-openai:v0.11.0",
      architecture: "llama-3-8b",
      maxModelLen: 8192,
      pool: pools[0]!.name,
      ...m,
      replicas: { min: 1, max: 16, ...m.replicas },
    })),
    policy: {},
  });
}

/** One model on one pool, both with schema defaults. */
export function modelOnPool(model: Omit<ModelInput, "name"> & { name?: string }, pool: Omit<PoolInput, "name"> & { name?: string }): { model: ModelConfig; pool: PoolConfig } {
  const fleet = fleetOf([{ name: "p", ...pool }], [{ name: "m", ...model, pool: pool.name ?? "p" }]);
  return { model: fleet.models[0]!, pool: fleet.pools[0]! };
}
