/**
 * The re-slice runbook of a plan (DESIGN.md 5.5): the MIG manager applies a node's new
 * `nvidia.com/mig.config` without draining its pods, so every node whose layout changes is cordoned,
 * drained, relabelled, waited on until `nvidia.com/mig.config.state=success`, and uncordoned — one node
 * at a time. Written into the commit message of disruptive commits and proposals. Pure.
 */
import type { FleetConfig } from "../config/index.js";
import type { FleetPlacement, NodePlacement } from "../planner/index.js";
import { MIG_CONFIG_LABEL, nodeMigConfigs } from "../render/index.js";

/** Node label the MIG manager sets to pending|rebooting|success|failed (gpu-operator). */
export const MIG_CONFIG_STATE_LABEL = "nvidia.com/mig.config.state";

function layoutOf(node: NodePlacement | undefined): string {
  return JSON.stringify(node?.gpus.map((g) => (g.migInstances === null ? null : g.migInstances.map((i) => `${i.profile}@${i.start}`).sort())) ?? null);
}

function holdsReplicas(node: NodePlacement | undefined): boolean {
  return node?.gpus.some((g) => g.model !== null || (g.migInstances ?? []).some((i) => i.model !== null)) ?? false;
}

/**
 * One block of steps per MIG node whose layout differs between `before` and `after` (pool, then node
 * order), naming the node's new content-addressed config; empty when no node changes or on the first
 * render (`before` empty: nothing runs yet).
 */
export function buildResliceRunbook(config: FleetConfig, before: FleetPlacement, after: FleetPlacement): string[] {
  if (before.length === 0) return [];
  const lines: string[] = [];
  let step = 0;
  for (const pool of after) {
    if (!pool.migEnabled) continue;
    const previous = new Map((before.find((p) => p.pool === pool.pool)?.nodes ?? []).map((n) => [n.name, n]));
    const names = new Map(nodeMigConfigs(pool).map((n) => [n.node, n.configName]));
    const labelMode = config.pools.find((p) => p.name === pool.pool)?.mig.labelMode ?? "nodePool";
    for (const node of pool.nodes) {
      const old = previous.get(node.name);
      if (layoutOf(old) === layoutOf(node)) continue;
      const configName = names.get(node.name)!;
      const relabel =
        labelMode === "nodeLabels"
          ? `sync gpu/${pool.pool}/mig-node-labels.yaml in Argo CD (or: kubectl label node ${node.name} ${MIG_CONFIG_LABEL}=${configName} --overwrite)`
          : `kubectl label node ${node.name} ${MIG_CONFIG_LABEL}=${configName} --overwrite (node pools: give the node pool of this node that label)`;
      lines.push(
        `${++step}. ${pool.pool}/${node.name}${holdsReplicas(old) ? " (runs replicas now)" : " (idle now)"} → ${MIG_CONFIG_LABEL}=${configName}`,
        `   kubectl cordon ${node.name}`,
        `   kubectl drain ${node.name} --ignore-daemonsets --delete-emptydir-data`,
        `   ${relabel}`,
        `   kubectl wait node/${node.name} --for=jsonpath='{.metadata.labels.nvidia\\.com/mig\\.config\\.state}'=success --timeout=15m`,
        `   kubectl uncordon ${node.name}`,
      );
    }
  }
  if (lines.length === 0) return [];
  return [
    `Re-slice runbook (the MIG manager does not drain pods; one node at a time; a node whose ${MIG_CONFIG_STATE_LABEL} is pending, rebooting or failed is left until it settles):`,
    ...lines,
  ];
}
