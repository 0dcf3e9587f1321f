/**
 * First-fit-decreasing packing of replicas onto the GPUs of one pool (DESIGN.md 5.3), keeping what the
 * current placement already has: MIG layouts stay as they are unless a replica cannot be placed
 * otherwise, and replicas go back where they sat. Mutates the pool state (see pool-state.ts).
 */
import {
  assignInstance,
  freeStartFor,
  holdWhole,
  isUsed,
  layoutKey,
  setLayout,
  type PlannedGpu,
  type PlannedInstance,
  type PoolState,
} from "./pool-state.js";

/** Where one placed replica sits: MIG instance, whole GPUs, or whole nodes. */
export interface PlacedReplica {
  readonly model: string;
  readonly pool: string;
  readonly gpus: readonly PlannedGpu[];
  /** MIG instance (kind mig only). */
  readonly instance: PlannedInstance | null;
}

function quotaAllows(state: PoolState, newlyUsed: number): boolean {
  return state.usedGpus + newlyUsed <= state.allowedGpus;
}

/** A MIG GPU not held whole: it can take MIG instances. */
const isMigOpen = (g: PlannedGpu): boolean => g.layout !== null && g.wholeModel === null;

/**
 * Places one MIG replica of `model` on a `profile` instance, in this order: the instance it held in
 * the current placement; any free instance of that profile; a new instance on a GPU nobody uses now
 * (a layout change that drains nothing), first without and then after dropping free instances;
 * last, the same on GPUs in use now (disruptive). Within each step: GPUs already used by the plan
 * first (dense), then by node and index. Returns null when no GPU has room or the quota is reached.
 * Each step is one pass over the pool that remembers the first unused candidate and returns at the
 * first used one (thousands of replicas × a thousand GPUs: no closures, no sorting, no strings).
 */
export function placeMigReplica(state: PoolState, model: string, profile: string, allowSticky: boolean): PlacedReplica | null {
  const spec = state.profiles.get(profile);
  if (!spec) return null;
  const canOpen = quotaAllows(state, 1); // may a GPU the plan does not use yet take it
  const take = (g: PlannedGpu, inst: PlannedInstance): PlacedReplica => {
    assignInstance(state, g, inst, model);
    return { model, pool: state.config.name, gpus: [g], instance: inst };
  };
  if ((state.freeByProfile.get(profile) ?? 0) > 0) {
    let firstUnused: [PlannedGpu, PlannedInstance] | null = null;
    if (allowSticky) {
      for (const spot of state.stickySpots.get(model) ?? []) {
        if (spot.profile !== profile || !isMigOpen(spot.g)) continue;
        const inst = spot.g.layout!.find((i) => i.start === spot.start && i.profile === profile && i.model === null);
        if (inst === undefined) continue;
        if (isUsed(spot.g)) return take(spot.g, inst);
        firstUnused ??= [spot.g, inst];
      }
      if (firstUnused !== null && canOpen) return take(...firstUnused);
      firstUnused = null;
    }
    for (const g of state.flat) {
      if (!isMigOpen(g) || g.usedInstances === g.layout!.length) continue;
      const inst = g.layout!.find((i) => i.model === null && i.profile === profile);
      if (inst === undefined) continue;
      if (isUsed(g)) return take(g, inst);
      firstUnused ??= [g, inst];
    }
    if (firstUnused !== null && canOpen) return take(...firstUnused);
  }
  const room = state.gpu.computeSlices - spec.computeSlices;
  while (state.roomFrom < state.flat.length && state.flat[state.roomFrom]!.layoutFull) state.roomFrom++;
  for (const disruptive of [false, true]) {
    for (const dropFree of [false, true]) {
      let firstUnused: [PlannedGpu, PlannedInstance[], number] | null = null;
      // Without dropping free instances only GPUs with room can take a new one: start where they start.
      for (let k = dropFree ? 0 : state.roomFrom; k < state.flat.length; k++) {
        const g = state.flat[k]!;
        if (!isMigOpen(g) || g.inUseNow !== disruptive) continue;
        // Without dropping, a GPU short of compute slices cannot take it; with nothing free to drop, the first pass saw this layout.
        if (dropFree ? g.usedInstances === g.layout!.length : g.layoutFull || g.layoutComputeSlices > room) continue;
        const used = isUsed(g);
        if (!used && (firstUnused !== null || !canOpen)) continue;
        const kept = dropFree ? g.layout!.filter((i) => i.model !== null) : g.layout!;
        const start = freeStartFor(state, kept, profile);
        if (start === null) continue;
        if (used) return slice(state, g, kept, start, profile, take);
        firstUnused = [g, kept, start];
      }
      if (firstUnused !== null) return slice(state, ...firstUnused, profile, take);
    }
  }
  return null;
}

/** Adds a `profile` instance at `start` to the `kept` part of g's layout and places the replica on it. */
function slice(state: PoolState, g: PlannedGpu, kept: PlannedInstance[], start: number, profile: string, take: (g: PlannedGpu, inst: PlannedInstance) => PlacedReplica): PlacedReplica {
  const inst: PlannedInstance = { profile, start, model: null };
  setLayout(state, g, [...kept, inst].sort((a, b) => a.start - b.start));
  return take(g, inst);
}

/** Preference among free GPUs of a node: held by this model now, then nobody's now, then without a layout, then index. */
function wholeRank(g: PlannedGpu, model: string): number[] {
  return [g.sticky.get("whole") === model ? 0 : 1, g.inUseNow ? 1 : 0, g.layout && g.layout.length > 0 ? 1 : 0, g.index];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Places one whole-GPU replica: `tensorParallelSize` free GPUs on one node, preferring the node where
 * the model already held GPUs, then node order (first fit). Returns null when no node has enough free
 * GPUs or the quota is reached.
 */
export function placeWholeGpuReplica(state: PoolState, model: string, tensorParallelSize: number): PlacedReplica | null {
  if (!quotaAllows(state, tensorParallelSize)) return null;
  const nodes = state.gpus
    .map((gpus, node) => ({ node, free: gpus.filter((g) => !isUsed(g)) }))
    .filter((n) => n.free.length >= tensorParallelSize)
    .map((n) => ({ ...n, free: n.free.sort((a, b) => compareRanks(wholeRank(a, model), wholeRank(b, model))) }))
    .sort((a, b) => stickyCount(b.free, model) - stickyCount(a.free, model) || heldByOthers(a.free, tensorParallelSize, model) - heldByOthers(b.free, tensorParallelSize, model) || a.node - b.node);
  const chosen = nodes[0]?.free.slice(0, tensorParallelSize);
  if (!chosen) return null;
  holdWhole(state, chosen, model);
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
    .filter((gpus) => gpus.every((g) => !isUsed(g)))
    .sort((a, b) => stickyCount(b, model) - stickyCount(a, model) || heldByOthers(a, a.length, model) - heldByOthers(b, b.length, model) || a[0]!.node - b[0]!.node)
    .slice(0, pipelineParallelSize);
  if (nodes.length < pipelineParallelSize) return null;
  const gpus = nodes.flat();
  holdWhole(state, gpus, model);
  return { model, pool: state.config.name, gpus, instance: null };
}

/**
 * Fills the unused room of every GPU whose layout this plan changed with free instances of the profiles
 * already on it (most common first), so the next replica of those models finds a free instance instead
 * of re-slicing a GPU in use. GPUs whose layout is unchanged are left alone.
 */
export function preSliceChangedGpus(state: PoolState): void {
  for (const g of state.flat) {
    if (g.layout === null || !isUsed(g) || layoutKey(g.layout) === g.currentLayoutKey) continue;
    const counts = new Map<string, number>();
    for (const i of g.layout) counts.set(i.profile, (counts.get(i.profile) ?? 0) + 1);
    const profiles = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
    let layout = g.layout;
    for (const profile of profiles) {
      for (let start = freeStartFor(state, layout, profile); start !== null; start = freeStartFor(state, layout, profile)) {
        layout = [...layout, { profile, start, model: null }].sort((a, b) => a.start - b.start);
      }
    }
    if (layout !== g.layout) setLayout(state, g, layout);
  }
}
