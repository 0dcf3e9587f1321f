export {
  GPU_CATALOG,
  enumerateMigInstanceSets,
  gpuModelOfPciDeviceId,
  gpuSpecOf,
  isValidMigLayout,
  migProfileOf,
  type GpuSpec,
  type MigInstanceSet,
  type MigPlacementSpec,
  type MigProfileSpec,
} from "./gpus.js";
export { MODEL_CATALOG, architectureById, architectureOf, headDimOf, type CatalogModel } from "./models.js";
