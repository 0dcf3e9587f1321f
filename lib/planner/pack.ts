/**
 * First-fit-decreasing packing of replicas onto the GPUs of one pool (DESIGN.md 5.3), keeping what the
 * current placement already has: MIG layouts stay as they are unless a replica cannot be placed
 * otherwise, and replicas go back where they sat. Mutable state, private to the planner.
 */
import { gpuSpecOf, isValidMigLayout, type GpuSpec, type MigPlacementSpec } from "../catalog/index.js";
import type { PoolConfig } from "../config/index.js";
import type { PoolPlacement } from "./types.js";

/** One MIG instance being planned; `model` null = free. */
export interface PlannedInstance {
  readonly profile: string;
  readonly start: number;
  model: string | null;
}

/** One GPU being planned. */
export interface PlannedGpu {
  readonly node: number;
  readonly index: number;
  /** MIG layout; null = MIG disabled on this GPU (whole-GPU use, or a pool without MIG). */
  layout: PlannedInstance[] | null;
  /** Model holding the whole GPU. */
  wholeModel: string | null;
  /** Layout in the current placement, as a key (see `layoutKey`); undefined = GPU not in the current placement. */
  readonly currentLayoutKey: string | null | undefined;
  /** A replica ran on this GPU in the current placement: changing its layout drains pods. */
  readonly inUseNow: boolean;
  /** `start/profile` → model of the current placement's instances; the whole-GPU model under "whole". */
  readonly sticky: ReadonlyMap<string, string>;
}

/** The packing state of one pool: its config, GPU model, node names and every GPU. */
export interface PoolState {
  readonly config: PoolConfig;
  readonly gpu: GpuSpec;
  readonly nodeNames: readonly string[];
  /** gpus[node][index]. */
  readonly gpus: readonly (readonly PlannedGpu[])[];
  /** quotaGpus, else every GPU of the pool. */
  readonly allowedGpus: number;
}

/** Where one placed replica sits: MIG instance, whole GPUs, or whole nodes. */
export interface PlacedReplica {
  readonly model: string;
  readonly pool: string;
  readonly gpus: readonly PlannedGpu[];
  /** MIG instance (kind mig only). */
  readonly instance: PlannedInstance | null;
}

/** "1g.10gb@0,3g.40gb@4": a layout as a comparable key, sorted by start; null for no layout. */
export function layoutKey(instances: readonly MigPlacementSpec[] | null): string | null {
  if (instances === null) return null;
  return [...instances].sort((a, b) => a.start - b.start).map((i) => `${i.profile}@${i.start}`).join(",");
}

/** Node name: `nodeNames[i]` from fleet.yaml, else `<pool>-<i>`. */
export function nodeNameOf(pool: PoolConfig, i: number): string {
  return pool.nodeNames?.[i] ?? `${pool.name}-${i}`;
}

/** The packing state of a pool, seeded with the current placement's layouts (when still valid) and sticky spots. */
export function createPoolState(pool: PoolConfig, current: PoolPlacement | undefined): PoolState {
  const gpu = gpuSpecOf(pool.gpu);
  const comparable = current !== undefined && current.gpuModel === pool.gpu;
  const currentNodes = new Map((comparable ? current.nodes : []).map((n) => [n.name, n]));
  const nodeNames = Array.from({ length: pool.nodes }, (_, i) => nodeNameOf(pool, i));
  const gpus = nodeNames.map((name, node) =>
    Array.from({ length: pool.gpusPerNode }, (_, index): PlannedGpu => {
      const cur = currentNodes.get(name)?.gpus.find((g) => g.index === index);
      const sticky = new Map<string, string>();
      for (const inst of cur?.migInstances ?? []) if (inst.model !== null) sticky.set(`${inst.start}/${inst.profile}`, inst.model);
      if (cur?.model) sticky.set("whole", cur.model);
      const keep = pool.mig.enabled && cur?.migInstances != null && isValidMigLayout(pool.gpu, cur.migInstances);
      return {
        node,
        index,
        layout: keep ? cur!.migInstances!.map((i) => ({ profile: i.profile, start: i.start, model: null })) : pool.mig.enabled ? [] : null,
        wholeModel: null,
        currentLayoutKey: cur === undefined ? undefined : layoutKey(cur.migInstances),
        inUseNow: sticky.size > 0,
        sticky,
      };
    }),
  );
  return { config: pool, gpu, nodeNames, gpus, allowedGpus: Math.min(pool.quotaGpus ?? Infinity, pool.nodes * pool.gpusPerNode) };
}

/** The GPU holds a replica in the plan being built. */
export function isUsed(g: PlannedGpu): boolean {
  return g.wholeModel !== null || (g.layout?.some((i) => i.model !== null) ?? false);
}

/** GPUs of the pool holding at least one replica in the plan being built. */
export function usedGpuCount(state: PoolState): number {
  return state.gpus.flat().filter(isUsed).length;
}

function quotaAllows(state: PoolState, newlyUsed: number): boolean {
  return usedGpuCount(state) + newlyUsed <= state.allowedGpus;
}

/** A start where `profile` fits next to `layout`, or null. */
function freeStartFor(state: PoolState, layout: readonly MigPlacementSpec[], profile: string): number | null {
  const spec = state.gpu.migProfiles.find((p) => p.name === profile);
  for (const start of spec?.starts ?? []) if (isValidMigLayout(state.gpu.id, [...layout, { profile, start }])) return start;
  return null;
}

/**
 * Places one MIG replica of `model` on a `profile` instance, in this order: the instance it held in
 * the current placement; any free instance of that profile; a new instance on a GPU nobody uses now
 * (a layout change that drains nothing), first without and then after dropping free instances;
 * last, the same on GPUs in use now (disruptive). Within each step: GPUs already used by the plan
 * first (dense), then by node and index. Returns null when no GPU has room or the quota is reached.
 */
export function placeMigReplica(state: PoolState, model: string, profile: string, allowSticky: boolean): PlacedReplica | null {
  const all = state.gpus.flat().filter((g) => g.layout !== null && g.wholeModel === null);
  const byDensity = [...all].sort((a, b) => Number(isUsed(b)) - Number(isUsed(a)) || a.node - b.node || a.index - b.index);
  const take = (g: PlannedGpu, inst: PlannedInstance): PlacedReplica | null => {
    if (!isUsed(g) && !quotaAllows(state, 1)) return null;
    inst.model = model;
    return { model, pool: state.config.name, gpus: [g], instance: inst };
  };
  const free = (g: PlannedGpu, sticky: boolean): PlannedInstance | undefined =>
    g.layout!.find((i) => i.model === null && i.profile === profile && (!sticky || g.sticky.get(`${i.start}/${i.profile}`) === model));
  for (const sticky of allowSticky ? [true, false] : [false]) {
    for (const g of byDensity) {
      const inst = free(g, sticky);
      const placed = inst && take(g, inst);
      if (placed) return placed;
    }
  }
  for (const disruptive of [false, true]) {
    for (const dropFree of [false, true]) {
      for (const g of byDensity) {
        if (g.inUseNow !== disruptive) continue;
        const kept = dropFree ? g.layout!.filter((i) => i.model !== null) : g.layout!;
        const start = freeStartFor(state, kept, profile);
        if (start === null || (!isUsed(g) && !quotaAllows(state, 1))) continue;
        const inst: PlannedInstance = { profile, start, model: null };
        g.layout = [...kept, inst].sort((a, b) => a.start - b.start);
        return take(g, inst);
      }
    }
  }
  return null;
}

/** A GPU a whole-GPU replica may take: nothing placed on it. */
function isWholeFree(g: PlannedGpu): boolean {
  return !isUsed(g);
}

/** Preference among free GPUs of a node: held by this model now, then nobody's now, then without a layout, then index. */
function wholeRank(g: PlannedGpu, model: string): number[] {
  return [g.sticky.get("whole") === model ? 0 : 1, g.inUseNow ? 1 : 0, g.layout && g.layout.length > 0 ? 1 : 0, g.index];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function holdWhole(gpus: readonly PlannedGpu[], model: string): void {
  for (const g of gpus) {
    g.wholeModel = model;
    g.layout = null; // MIG disabled on a GPU held whole
  }
}

/**
 * Places one whole-GPU replica: `tensorParallelSize` free GPUs on one node, preferring the node where
 * the model already held GPUs, then node order (first fit). Returns null when no node has enough free
 * GPUs or the quota is reached.
 */
export function placeWholeGpuReplica(state: PoolState, model: string, tensorParallelSize: number): PlacedReplica | null {
  if (!quotaAllows(state, tensorParallelSize)) return null;
  const nodes = state.gpus
    .map((gpus, node) => ({ node, free: gpus.filter(isWholeFree).sort((a, b) => compareRanks(wholeRank(a, model), wholeRank(b, model))) }))
    .filter((n) => n.free.length >= tensorParallelSize)
    .sort((a, b) => stickyCount(b.free, model) - stickyCount(a.free, model) || heldByOthers(a.free, tensorParallelSize, model) - heldByOthers(b.free, tensorParallelSize, model) || a.node - b.node);
  const chosen = nodes[0]?.free.slice(0, tensorParallelSize);
  if (!chosen) return null;
  holdWhole(chosen, model);
  return { model, pool: state.config.name, gpus: chosen, instance: null };
}

function stickyCount(gpus: readonly PlannedGpu[], model: string): number {
  return gpus.filter((g) => g.sticky.get("whole") === model).length;
}

/** Of the `n` GPUs a replica would take (best-ranked first), how many another model holds now: taking them moves its replica. */
function heldByOthers(ranked: readonly PlannedGpu[], n: number, model: string): number {
  return ranked.slice(0, n).filter((g) => g.inUseNow && g.sticky.get("whole") !== model).length;
}

/** Places one multi-node replica on `pipelineParallelSize` entirely free nodes (sticky nodes first). */
export function placeMultiNodeReplica(state: PoolState, model: string, pipelineParallelSize: number): PlacedReplica | null {
  if (!quotaAllows(state, pipelineParallelSize * state.config.gpusPerNode)) return null;
  const nodes = state.gpus
    .filter((gpus) => gpus.every(isWholeFree))
    .sort((a, b) => stickyCount(b, model) - stickyCount(a, model) || heldByOthers(a, a.length, model) - heldByOthers(b, b.length, model) || a[0]!.node - b[0]!.node)
    .slice(0, pipelineParallelSize);
  if (nodes.length < pipelineParallelSize) return null;
  const gpus = nodes.flat();
  holdWhole(gpus, model);
  return { model, pool: state.config.name, gpus, instance: null };
}

/**
 * Fills the unused room of every GPU whose layout this plan changed with free instances of the profiles
 * already on it (most common first), so the next replica of those models finds a free instance instead
 * of re-slicing a GPU in use. GPUs whose layout is unchanged are left alone.
 */
export function preSliceChangedGpus(state: PoolState): void {
  for (const g of state.gpus.flat()) {
    if (g.layout === null || !isUsed(g) || layoutKey(g.layout) === g.currentLayoutKey) continue;
    const counts = new Map<string, number>();
    for (const i of g.layout) counts.set(i.profile, (counts.get(i.profile) ?? 0) + 1);
    const profiles = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
    for (const profile of profiles) {
      for (let start = freeStartFor(state, g.layout, profile); start !== null; start = freeStartFor(state, g.layout, profile)) {
        g.layout = [...g.layout, { profile, start, model: null }].sort((a, b) => a.start - b.start);
      }
    }
  }
}
