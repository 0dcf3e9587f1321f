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

/** A pool as the property tests generate it. */
export interface GeneratedPool {
  readonly gpu: PoolConfig["gpu"];
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly migEnabled: boolean;
  readonly quota: number | null;
}

/** A model as the property tests generate it: `replicas.max` = min + extra + 1; `pool` indexes the pools modulo their count. */
export interface GeneratedModel {
  readonly architecture: ModelInput["architecture"];
  readonly quantization: ModelInput["quantization"];
  readonly maxModelLen: number;
  readonly minConcurrency: number;
  readonly placement: ModelInput["placement"];
  readonly priority: number;
  readonly min: number;
  readonly extra: number;
  readonly pool: number;
}

/** The fleet of generated pools (`p<i>`) and models (`m<i>`); `quotas` overrides each pool's quota. */
export function generatedFleet(pools: readonly GeneratedPool[], models: readonly GeneratedModel[], quotas: readonly (number | null)[] = pools.map((p) => p.quota)): FleetConfig {
  return fleetOf(
    pools.map((p, i) => ({ name: `p${i}`, gpu: p.gpu, nodes: p.nodes, gpusPerNode: p.gpusPerNode, mig: { enabled: p.migEnabled, labelMode: "nodePool" }, quotaGpus: quotas[i] ?? null })),
    models.map((m, i) => ({
      name: `m${i}`,
      architecture: m.architecture,
      quantization: m.quantization,
      maxModelLen: m.maxModelLen,
      minConcurrency: m.minConcurrency,
      placement: m.placement,
      priority: m.priority,
      pool: `p${m.pool % pools.length}`,
      replicas: { min: m.min, max: m.min + m.extra + 1 },
    })),
  );
}

/** A generated demand clamped to the generated model's [min, max], as the signals would. */
export function clampedDemand(model: GeneratedModel, demand: number): number {
  return Math.min(model.min + model.extra + 1, Math.max(model.min, demand));
}
