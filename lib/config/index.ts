export { loadFleetConfig, formatPath } from "./load-fleet-config.js";
export {
  ARCHITECTURE_IDS,
  DNS1123_LABEL,
  GPU_MODELS,
  QUANTIZATIONS,
  fleetConfigSchema,
  type ArchitectureId,
  type ArchitectureNumbers,
  type ClusterConfig,
  type FleetConfig,
  type GpuModelId,
  type ModelConfig,
  type PoolConfig,
  type PolicyConfig,
  type Quantization,
} from "./schema.js";
export { servedModelNameOf, namespaceOf, initialReservedReplicas } from "./accessors.js";
