/**
 * How a MIG pool's layout reaches its nodes (DESIGN.md 5.5): a mig-parted config in a ConfigMap for the
 * GPU operator's MIG manager, and each node's `nvidia.com/mig.config=<name>` label. Config names are
 * content-addressed, because the MIG manager does not re-apply a config edited in place under the same name.
 */
import type { PoolConfig } from "../config/index.js";
import type { GpuPlacement, NodePlacement, PoolPlacement } from "../planner/types.js";
import { fnv1a32Hex } from "./fnv1a.js";
import { fleetLabels } from "./names.js";
import { toYaml, type Manifest, type YamlValue } from "./yaml-text.js";

/** Namespace of the GPU operator, where the MIG manager reads its ConfigMap. */
export const GPU_OPERATOR_NAMESPACE = "gpu-operator";
/** Node label the MIG manager watches (gpu-operator / mig-parted). */
export const MIG_CONFIG_LABEL = "nvidia.com/mig.config";
/** Argo CD sync options for partial Node objects: apply only our label, never prune or delete the Node. */
export const NODE_SYNC_OPTIONS = "ServerSideApply=true,Prune=false,Delete=false";

/** One mig-parted device entry (`devices` always a list: FIELD-REPORTS #32). */
export type MigPartedEntry = {
  readonly devices: readonly number[];
  readonly "mig-enabled": boolean;
  /** Instances per profile, e.g. `{"1g.10gb": 7}`; absent when MIG is disabled on these devices. */
  readonly "mig-devices"?: Readonly<Record<string, number>>;
};

/** A node's layout as mig-parted entries and its content-addressed config name. */
export interface NodeMigConfig {
  readonly node: string;
  readonly configName: string;
  readonly entries: readonly MigPartedEntry[];
}

/**
 * The mig-parted entries of one node: GPUs with the same instance counts share an entry whose `devices`
 * lists their indices (ascending); entries are ordered by their first index. mig-parted takes counts per
 * profile and places the instances itself, so the planner's start slices do not appear.
 */
export function migPartedEntries(node: NodePlacement): MigPartedEntry[] {
  const byLayout = new Map<string, { indices: number[]; counts: Record<string, number> | null }>();
  for (const gpu of [...node.gpus].sort((a, b) => a.index - b.index)) {
    const counts = profileCounts(gpu);
    const key = JSON.stringify(counts);
    const group = byLayout.get(key);
    if (group === undefined) byLayout.set(key, { indices: [gpu.index], counts });
    else group.indices.push(gpu.index);
  }
  return [...byLayout.values()].map(({ indices, counts }) =>
    counts === null ? { devices: indices, "mig-enabled": false } : { devices: indices, "mig-enabled": true, "mig-devices": counts },
  );
}

/**
 * The content-addressed config name of a layout: `vllm-<FNV-1a 32 of the canonical entries>`, e.g.
 * `vllm-3f2a9c01`. Equal layouts get equal names; any change of devices or counts gives a new name.
 */
export function migConfigName(entries: readonly MigPartedEntry[]): string {
  return `vllm-${fnv1a32Hex(JSON.stringify(entries))}`;
}

/** Every node of a MIG pool with its entries and config name, sorted by node name. */
export function nodeMigConfigs(placement: PoolPlacement): NodeMigConfig[] {
  return [...placement.nodes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((node) => {
      const entries = migPartedEntries(node);
      return { node: node.name, configName: migConfigName(entries), entries };
    });
}

/**
 * The ConfigMap `vllm-gitops-mig-<pool>` (namespace gpu-operator) whose `config.yaml` is a mig-parted
 * `version: v1` config with one named config per distinct node layout of the pool.
 */
export function renderMigPartedConfigMap(pool: PoolConfig, nodes: readonly NodeMigConfig[]): Manifest {
  const configs: Record<string, YamlValue> = {};
  for (const { configName, entries } of nodes) configs[configName] = entries;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `vllm-gitops-mig-${pool.name}`, namespace: GPU_OPERATOR_NAMESPACE, labels: fleetLabels() },
    data: { "config.yaml": toYaml({ version: "v1", "mig-configs": configs }, ["devices"]) },
  };
}

/**
 * How each node gets its `nvidia.com/mig.config` label, per `pool.mig.labelMode`:
 * - `nodeLabels`: one partial Node per node (v1 Node, name + label only), applied server-side with
 *   `Prune=false,Delete=false` so Argo CD never deletes or prunes a Node (needs real node names).
 * - `nodePool`: the nodes come from a node-pool provisioner (e.g. one Karpenter NodePool per layout), which
 *   this renderer cannot write without cloud-specific fields. So it renders the contract instead: a
 *   ConfigMap `vllm-gitops-mig-node-pools-<pool>` (namespace gpu-operator) whose `layouts.yaml` lists each
 *   distinct config name, the node labels its nodes must carry and how many nodes need it.
 */
export function renderMigNodeLabels(pool: PoolConfig, nodes: readonly NodeMigConfig[]): Manifest[] {
  if (pool.mig.labelMode === "nodeLabels") {
    return nodes.map(({ node, configName }) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: node,
        labels: { [MIG_CONFIG_LABEL]: configName },
        annotations: { "argocd.argoproj.io/sync-options": NODE_SYNC_OPTIONS },
      },
    }));
  }
  const counts = new Map<string, number>();
  for (const { configName } of nodes) counts.set(configName, (counts.get(configName) ?? 0) + 1);
  const layouts = [...counts.keys()].sort().map((configName) => ({
    migConfig: configName,
    nodeCount: counts.get(configName) ?? 0,
    nodeLabels: { [MIG_CONFIG_LABEL]: configName },
  }));
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `vllm-gitops-mig-node-pools-${pool.name}`, namespace: GPU_OPERATOR_NAMESPACE, labels: fleetLabels() },
      data: { "layouts.yaml": toYaml({ pool: pool.name, gpu: pool.gpu, layouts }) },
    },
  ];
}

function profileCounts(gpu: GpuPlacement): Record<string, number> | null {
  if (gpu.migInstances === null) return null;
  const counts = new Map<string, number>();
  for (const instance of gpu.migInstances) counts.set(instance.profile, (counts.get(instance.profile) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
