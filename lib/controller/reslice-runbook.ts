/**
 * The re-slice runbook of a plan (DESIGN.md 5.5): the MIG manager applies a node's new
 * `nvidia.com/mig.config` without draining its pods, so every node whose layout changes is taken out of
 * service first — one node at a time. Written into the commit message of disruptive commits and
 * proposals. Pure.
 *
 * - `labelMode: nodeLabels` (real node names): per node cordon, drain, clear the
 *   `nvidia.com/mig.config.state` the previous config left (it still says `success`, so waiting for
 *   success right after the relabel would pass at once), relabel, wait for `success`, wait for the
 *   `nvidia.com/mig-<profile>.count` labels of the new layout, uncordon.
 * - `labelMode: nodePool`: the plan's node names (`<pool>-<i>`) are positions, not cluster nodes; the
 *   node pools label their nodes. So per pool: how many nodes each config needs now and before (the
 *   rendered `vllm-gitops-mig-node-pools-<pool>` ConfigMap), then give the node pools those labels and
 *   counts, replace the nodes of configs that lose nodes one at a time, and check the new nodes' labels.
 */
import type { FleetConfig } from "../config/index.js";
import type { FleetPlacement, NodePlacement, PoolPlacement } from "../planner/index.js";
import { MIG_CONFIG_LABEL, nodeMigConfigs, type MigPartedEntry } from "../render/index.js";

/** Node label the MIG manager sets to pending|rebooting|success|failed (gpu-operator). */
export const MIG_CONFIG_STATE_LABEL = "nvidia.com/mig.config.state";
/** Minutes to wait for the MIG manager to apply a config (it may reboot the node). */
const APPLY_TIMEOUT = "15m";
/** Minutes to wait for gpu-feature-discovery to publish the new instance counts after `success`. */
const COUNT_TIMEOUT = "5m";

/** GFD's per-node label of a MIG profile's instance count (mixed strategy), e.g. `nvidia.com/mig-1g.10gb.count`. */
export function migCountLabel(profile: string): string {
  return `nvidia.com/mig-${profile}.count`;
}

/** A label key as a kubectl JSONPath member: dots escaped. */
function jsonPathLabel(label: string): string {
  return `{.metadata.labels.${label.replace(/\./g, "\\.")}}`;
}

function layoutOf(node: NodePlacement | undefined): string {
  return JSON.stringify(node?.gpus.map((g) => (g.migInstances === null ? null : g.migInstances.map((i) => `${i.profile}@${i.start}`).sort())) ?? null);
}

function holdsReplicas(node: NodePlacement | undefined): boolean {
  return node?.gpus.some((g) => g.model !== null || (g.migInstances ?? []).some((i) => i.model !== null)) ?? false;
}

/** Instances per profile over a node's GPUs, by profile name: what the count labels must say. */
function profileCounts(entries: readonly MigPartedEntry[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of entries) for (const [profile, n] of Object.entries(e["mig-devices"] ?? {})) counts.set(profile, (counts.get(profile) ?? 0) + n * e.devices.length);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "GPUs 0, 1: 7 × 1g.10gb; GPU 2: no instances; GPU 3: MIG disabled". */
function describeEntries(entries: readonly MigPartedEntry[]): string {
  return entries
    .map((e) => {
      const gpus = `GPU${e.devices.length === 1 ? "" : "s"} ${e.devices.join(", ")}`;
      if (!e["mig-enabled"]) return `${gpus}: MIG disabled`;
      const counts = Object.entries(e["mig-devices"] ?? {});
      return `${gpus}: ${counts.length === 0 ? "no instances" : counts.map(([p, n]) => (n === 1 ? p : `${n} × ${p}`)).join(" + ")}`;
    })
    .join("; ");
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

function nodeLabelSteps(pool: PoolPlacement, before: ReadonlyMap<string, NodePlacement>, step: () => number): string[] {
  const configs = new Map(nodeMigConfigs(pool).map((n) => [n.node, n]));
  const lines: string[] = [];
  for (const node of pool.nodes) {
    const old = before.get(node.name);
    if (layoutOf(old) === layoutOf(node)) continue;
    const { configName, entries } = configs.get(node.name)!;
    const name = node.name;
    const waitFor = (label: string, value: string | number, timeout: string): string => `   kubectl wait node/${name} --for=jsonpath='${jsonPathLabel(label)}'=${value} --timeout=${timeout}`;
    lines.push(
      `${step()}. ${pool.pool}/${name}${holdsReplicas(old) ? " (runs replicas now)" : " (idle now)"} → ${MIG_CONFIG_LABEL}=${configName} (${describeEntries(entries)})`,
      `   kubectl cordon ${name}`,
      `   kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`,
      `   kubectl label node ${name} ${MIG_CONFIG_STATE_LABEL}-   # the previous config's "success" must not satisfy the wait below`,
      `   sync gpu/${pool.pool}/mig-node-labels.yaml in Argo CD (or: kubectl label node ${name} ${MIG_CONFIG_LABEL}=${configName} --overwrite)`,
      waitFor(MIG_CONFIG_STATE_LABEL, "success", APPLY_TIMEOUT),
      ...profileCounts(entries).map(([profile, n]) => waitFor(migCountLabel(profile), n, COUNT_TIMEOUT)),
      `   kubectl uncordon ${name}`,
    );
  }
  return lines;
}

function nodePoolSteps(pool: PoolPlacement, previous: PoolPlacement | undefined, step: () => number): string[] {
  const now = nodeMigConfigs(pool);
  const was = previous === undefined ? [] : nodeMigConfigs(previous);
  if (JSON.stringify(now.map((n) => n.configName).sort()) === JSON.stringify(was.map((n) => n.configName).sort())) return [];
  const tally = (configs: readonly { configName: string }[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const { configName } of configs) counts.set(configName, (counts.get(configName) ?? 0) + 1);
    return counts;
  };
  const [countsNow, countsWas] = [tally(now), tally(was)];
  const entriesOf = new Map([...was, ...now].map((n) => [n.configName, n.entries]));
  const names = [...new Set([...countsNow.keys(), ...countsWas.keys()])].sort();
  const shrinking = names.filter((c) => (countsNow.get(c) ?? 0) < (countsWas.get(c) ?? 0));
  const growing = names.filter((c) => (countsNow.get(c) ?? 0) > (countsWas.get(c) ?? 0));
  const lines = [
    `${step()}. ${pool.pool}: its node pools must now provide (ConfigMap gpu-operator/vllm-gitops-mig-node-pools-${pool.pool}, layouts.yaml):`,
    ...names.map((c) => `   ${MIG_CONFIG_LABEL}=${c}: ${plural(countsNow.get(c) ?? 0, "node")} (has ${countsWas.get(c) ?? 0}) — ${describeEntries(entriesOf.get(c)!)}`),
    `${step()}. Give each config that gains nodes its node pool (node template labels ${MIG_CONFIG_LABEL}=<config> and the pool's vllm-gitops/pool label; e.g. one Karpenter NodePool per config) with the node count above: ${growing.join(", ") || "none"}`,
  ];
  if (shrinking.length > 0) {
    lines.push(`${step()}. Replace the nodes each config that loses nodes gives up, one node at a time (${shrinking.map((c) => `${c}: ${(countsWas.get(c) ?? 0) - (countsNow.get(c) ?? 0)}`).join(", ")}):`);
    for (const c of shrinking) lines.push(`   kubectl get nodes -l ${MIG_CONFIG_LABEL}=${c}`);
    lines.push(
      "   kubectl cordon <node>",
      "   kubectl drain <node> --ignore-daemonsets --delete-emptydir-data",
      "   kubectl delete node <node>   # and its machine (e.g. its Karpenter NodeClaim); its node pool does not bring it back if its count went down",
    );
  }
  lines.push(`${step()}. Check every new node: ${MIG_CONFIG_STATE_LABEL}=success and the instance counts of its config:`);
  for (const c of growing) {
    const counts = profileCounts(entriesOf.get(c)!);
    lines.push(
      `   kubectl get nodes -l ${MIG_CONFIG_LABEL}=${c} -L ${[MIG_CONFIG_STATE_LABEL, ...counts.map(([p]) => migCountLabel(p))].join(",")}   # expect success${counts.map(([p, n]) => `, ${p} ${n}`).join("")}`,
    );
  }
  return lines;
}

/**
 * The steps for every MIG node (nodeLabels) or node pool (nodePool) whose layout differs between
 * `before` and `after`, pool by pool; empty when nothing changes or on the first render (`before` empty:
 * nothing runs yet).
 */
export function buildResliceRunbook(config: FleetConfig, before: FleetPlacement, after: FleetPlacement): string[] {
  if (before.length === 0) return [];
  const lines: string[] = [];
  let n = 0;
  const step = (): number => ++n;
  const nodePools: string[] = [];
  for (const pool of after) {
    if (!pool.migEnabled) continue;
    const previous = before.find((p) => p.pool === pool.pool);
    const labelMode = config.pools.find((p) => p.name === pool.pool)?.mig.labelMode ?? "nodePool";
    const steps = labelMode === "nodeLabels" ? nodeLabelSteps(pool, new Map((previous?.nodes ?? []).map((x) => [x.name, x])), step) : nodePoolSteps(pool, previous, step);
    if (labelMode === "nodePool" && steps.length > 0) nodePools.push(pool.pool);
    lines.push(...steps);
  }
  if (lines.length === 0) return [];
  const nodePoolNote = nodePools.length > 0 ? `; pools ${nodePools.join(", ")} use labelMode nodePool: their nodes are labelled by node pools, so nodes are replaced, not relabelled` : "";
  return [
    `Re-slice runbook (the MIG manager does not drain pods; one node at a time; a node whose ${MIG_CONFIG_STATE_LABEL} is pending, rebooting or failed is left until it settles${nodePoolNote}):`,
    ...lines,
  ];
}
