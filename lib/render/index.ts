/**
 * lib/render — pure, deterministic rendering of Kubernetes manifests from a FleetConfig and a FleetPlan
 * (DESIGN.md 2, 4, 5.4, 5.5). No I/O, no clock, no environment.
 */
export { renderFleet, type RenderFleetInput } from "./render-fleet.js";
export { checkRenderable, MIN_KEDA_VERSION } from "./check-renderable.js";
export { withGeneratedHeader, stripGeneratedHeader } from "./generated-header.js";
export { migConfigName, migPartedEntries, nodeMigConfigs, MIG_CONFIG_LABEL, type MigPartedEntry, type NodeMigConfig } from "./mig-parted.js";
export { VLLM_ENGINE_METRICS, promqlProblems, type VllmEngineMetric } from "./promql.js";
export { fnv1a32Hex } from "./fnv1a.js";
export { MODEL_LABEL, ROLE_LABEL, multiNodeReplicaName } from "./names.js";
export { startupBudgetSeconds } from "./vllm-pod.js";
