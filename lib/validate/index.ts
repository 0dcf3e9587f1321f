/** Public surface of lib/validate: validation of rendered manifests before they are committed. */
export { validateManifests } from "./validate-manifests.js";
export { formatFieldPath, type ManifestProblem } from "./types.js";
export { CRD_KINDS, type CrdKind } from "./crd-kinds.js";
export { coreKindKeys } from "./core-objects.js";
export { KUSTOMIZATION_API_VERSION } from "./kustomization.js";
