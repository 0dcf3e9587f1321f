/**
 * Names, labels and paths shared by the renderers. Every object a model owns is named after the model
 * (a DNS-1123 label checked by the config schema), so names are stable across renders.
 */

/** Value of `app.kubernetes.io/managed-by` on everything rendered. */
export const MANAGED_BY = "vllm-gitops";
/** Label on every object and pod of a model: the model's name from fleet.yaml. */
export const MODEL_LABEL = "vllm-gitops/model";
/** Node label the pods of a pool select (nodes of the pool carry it; see infra/). */
export const POOL_LABEL = "vllm-gitops/pool";
/** Pod label that marks the Ray head of a multi-node replica (the pod that serves HTTP). */
export const ROLE_LABEL = "vllm-gitops/role";
/** The vLLM OpenAI server's port (`--port`). */
export const HTTP_PORT = 8000;

/** `app.kubernetes.io/*` labels plus the model label, for one model's objects and pods. */
export function modelLabels(model: string): Record<string, string> {
  return {
    "app.kubernetes.io/instance": model,
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "app.kubernetes.io/name": "vllm",
    [MODEL_LABEL]: model,
  };
}

/** Labels for cluster-level objects (PriorityClass, ConfigMaps, Application). */
export function fleetLabels(): Record<string, string> {
  return { "app.kubernetes.io/managed-by": MANAGED_BY };
}

/** PriorityClass name of a priority tier, e.g. `vllm-priority-100`. */
export function priorityClassName(priority: number): string {
  return `vllm-priority-${priority}`;
}

/** Folder of a model's files: `clusters/<cluster>/<namespace>/<model>`. */
export function modelDir(cluster: string, namespace: string, model: string): string {
  return `clusters/${cluster}/${namespace}/${model}`;
}

/** Folder of a cluster's files: `clusters/<cluster>`. */
export function clusterDir(cluster: string): string {
  return `clusters/${cluster}`;
}

/** Name of replica `index` (0-based) of a multi-node model: its RayCluster and PodGroup, `<model>-<index>`. */
export function multiNodeReplicaName(model: string, index: number): string {
  return `${model}-${index}`;
}
