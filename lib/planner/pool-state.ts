/**
 * The mutable packing state of one pool while a plan is built: every GPU with its MIG layout (or whole
 * use), what the current placement had there, and counters kept in step by the mutation helpers below so
 * the packers never rescan the pool (a 1,000-GPU plan places thousands of replicas). Private to the planner.
 */
import { gpuSpecOf, isValidMigLayout, type GpuSpec, type MigPlacementSpec, type MigProfileSpec } from "../catalog/index.js";
import type { PoolConfig } from "../config/index.js";
import type { PoolPlacement } from "./types.js";

/** One MIG instance being planned; `model` null = free. */
export interface PlannedInstance {
  readonly profile: string;
  readonly start: number;
  model: string | null;
}

/** One GPU being planned. Change it only through `setLayout`, `assignInstance` and `holdWhole`. */
export interface PlannedGpu {
  readonly node: number;
  readonly index: number;
  /**
   * MIG layout; null = MIG disabled on this GPU (whole-GPU use, or a pool without MIG). A layout array is
   * never changed in place (only replaced), so facts about it can be cached by identity.
   */
  layout: PlannedInstance[] | null;
  /** Model holding the whole GPU. */
  wholeModel: string | null;
  /** Layout in the current placement, as a key (see `layoutKey`); undefined = GPU not in the current placement. */
  readonly currentLayoutKey: string | null | undefined;
  /** The current placement's layout when it is still valid here (keeping it re-slices nothing); else null. */
  readonly currentLayout: readonly MigPlacementSpec[] | null;
  /** A replica ran on this GPU in the current placement: changing its layout drains pods. */
  readonly inUseNow: boolean;
  /** `start/profile` → model of the current placement's instances; the whole-GPU model under "whole". */
  readonly sticky: ReadonlyMap<string, string>;
  /** MIG instances holding a replica, or 1 when held whole. */
  usedInstances: number;
  /** Compute slices the layout's instances take (0 without a layout). */
  layoutComputeSlices: number;
  /** No instance can be added to the layout (every compute or every memory slice taken), or there is no layout. */
  layoutFull: boolean;
}

/** The packing state of one pool: its config, GPU model, node names and every GPU. */
export interface PoolState {
  readonly config: PoolConfig;
  readonly gpu: GpuSpec;
  readonly profiles: ReadonlyMap<string, MigProfileSpec>;
  readonly nodeNames: readonly string[];
  /** gpus[node][index]. */
  readonly gpus: readonly (readonly PlannedGpu[])[];
  /** Every GPU in node, then index order. */
  readonly flat: readonly PlannedGpu[];
  /** quotaGpus, else every GPU of the pool. */
  readonly allowedGpus: number;
  /** GPUs holding at least one replica. */
  usedGpus: number;
  /** Free MIG instances per profile over the pool. */
  readonly freeByProfile: Map<string, number>;
  /** Every GPU of `flat` before this position is full (`layoutFull`) or held whole: new instances go at or after it. */
  roomFrom: number;
  /** Model → the MIG instances it held in the current placement, by GPU (node, index) then start. */
  readonly stickySpots: ReadonlyMap<string, readonly { readonly g: PlannedGpu; readonly start: number; readonly profile: string }[]>;
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
  const freeByProfile = new Map<string, number>();
  const gpus = nodeNames.map((name, node) =>
    Array.from({ length: pool.gpusPerNode }, (_, index): PlannedGpu => {
      const cur = currentNodes.get(name)?.gpus.find((g) => g.index === index);
      const sticky = new Map<string, string>();
      for (const inst of cur?.migInstances ?? []) if (inst.model !== null) sticky.set(`${inst.start}/${inst.profile}`, inst.model);
      if (cur?.model) sticky.set("whole", cur.model);
      const keep = pool.mig.enabled && cur?.migInstances != null && isValidMigLayout(pool.gpu, cur.migInstances);
      const currentLayout = keep ? [...cur!.migInstances!].sort((a, b) => a.start - b.start).map((i) => ({ profile: i.profile, start: i.start })) : null;
      for (const inst of currentLayout ?? []) freeByProfile.set(inst.profile, (freeByProfile.get(inst.profile) ?? 0) + 1);
      return {
        node,
        index,
        layout: currentLayout ? currentLayout.map((i) => ({ ...i, model: null })) : pool.mig.enabled ? [] : null,
        wholeModel: null,
        currentLayoutKey: cur === undefined ? undefined : layoutKey(cur.migInstances),
        currentLayout,
        inUseNow: sticky.size > 0,
        sticky,
        usedInstances: 0,
        layoutComputeSlices: 0,
        layoutFull: false,
      };
    }),
  );
  const stickySpots = new Map<string, { g: PlannedGpu; start: number; profile: string }[]>();
  for (const g of gpus.flat()) {
    for (const [key, model] of [...g.sticky].sort(([a], [b]) => parseInt(a, 10) - parseInt(b, 10))) {
      if (key === "whole") continue;
      const [start, profile] = key.split("/") as [string, string];
      const spots = stickySpots.get(model) ?? [];
      spots.push({ g, start: Number(start), profile });
      stickySpots.set(model, spots);
    }
  }
  const state: PoolState = {
    config: pool,
    gpu,
    profiles: new Map(gpu.migProfiles.map((p) => [p.name, p])),
    nodeNames,
    gpus,
    flat: gpus.flat(),
    allowedGpus: Math.min(pool.quotaGpus ?? Infinity, pool.nodes * pool.gpusPerNode),
    usedGpus: 0,
    freeByProfile,
    roomFrom: 0,
    stickySpots,
  };
  for (const g of state.flat) updateRoom(state, g);
  return state;
}

/** Recomputes `layoutComputeSlices` and `layoutFull` of `g` after its layout changed, and moves `roomFrom` back when it has room again. */
function updateRoom(state: PoolState, g: PlannedGpu): void {
  const occ = g.layout === null ? null : occupancyOf(state, g.layout);
  g.layoutComputeSlices = occ?.computeSlices ?? 0;
  g.layoutFull = occ === null || occ.computeSlices >= state.gpu.computeSlices || occ.memoryMask === (1 << state.gpu.memorySlices) - 1;
  const position = g.node * state.config.gpusPerNode + g.index;
  if (!g.layoutFull && position < state.roomFrom) state.roomFrom = position;
}

/** The GPU holds a replica in the plan being built. */
export function isUsed(g: PlannedGpu): boolean {
  return g.usedInstances > 0;
}

/** GPUs of the pool holding at least one replica in the plan being built. */
export function usedGpuCount(state: PoolState): number {
  return state.usedGpus;
}

function addFree(state: PoolState, layout: readonly PlannedInstance[] | null, sign: 1 | -1): void {
  for (const i of layout ?? []) if (i.model === null) state.freeByProfile.set(i.profile, (state.freeByProfile.get(i.profile) ?? 0) + sign);
}

/** Replaces a GPU's layout (a new array, never one shared with another GPU), keeping the pool's counters. */
export function setLayout(state: PoolState, g: PlannedGpu, layout: PlannedInstance[] | null): void {
  const wasUsed = isUsed(g);
  addFree(state, g.layout, -1);
  g.layout = layout;
  updateRoom(state, g);
  addFree(state, layout, 1);
  g.usedInstances = (g.wholeModel !== null ? 1 : 0) + (layout?.reduce((n, i) => n + (i.model !== null ? 1 : 0), 0) ?? 0);
  state.usedGpus += Number(isUsed(g)) - Number(wasUsed);
}

/** Puts a replica of `model` on a free instance of `g`'s layout. */
export function assignInstance(state: PoolState, g: PlannedGpu, inst: PlannedInstance, model: string): void {
  inst.model = model;
  state.freeByProfile.set(inst.profile, (state.freeByProfile.get(inst.profile) ?? 0) - 1);
  if (g.usedInstances++ === 0) state.usedGpus++;
}

/** Gives free GPUs to one replica of `model` whole: MIG disabled on them. */
export function holdWhole(state: PoolState, gpus: readonly PlannedGpu[], model: string): void {
  for (const g of gpus) {
    setLayout(state, g, null);
    g.wholeModel = model;
    g.usedInstances = 1;
    state.usedGpus++;
  }
}

/**
 * Empties (no instances) the MIG layouts of GPUs that hold no replica beyond the room quotaGpus leaves
 * next to the GPUs that do, so what is rendered — every GPU with instances, or held — never exceeds
 * quotaGpus or the inventory. Decision: an idle sliced GPU counts against the quota like a used one
 * (its instances are rendered and schedulable), and it keeps its layout while the quota has room, so a
 * replica coming back finds its instance without a re-slice. Those kept are, in order: GPUs that held
 * a replica in the current placement (emptying one drains pods: disruptive), then by node and index.
 */
export function releaseIdleLayouts(state: PoolState): void {
  const idle = state.flat.filter((g) => g.wholeModel === null && g.layout !== null && g.layout.length > 0 && !isUsed(g));
  let room = Math.max(0, state.allowedGpus - state.usedGpus);
  for (const g of [...idle].sort((a, b) => Number(b.inUseNow) - Number(a.inUseNow))) {
    if (room > 0) room--;
    else setLayout(state, g, []);
  }
}

/** Occupied memory slices (bit mask), compute slices and instances per profile of a layout. */
interface Occupancy {
  readonly memoryMask: number;
  readonly computeSlices: number;
  readonly counts: ReadonlyMap<string, number>;
}

const OCCUPANCY = new WeakMap<readonly MigPlacementSpec[], Occupancy>();

function occupancyOf(state: PoolState, layout: readonly MigPlacementSpec[]): Occupancy {
  const cached = OCCUPANCY.get(layout);
  if (cached) return cached;
  let memoryMask = 0;
  let computeSlices = 0;
  const counts = new Map<string, number>();
  for (const i of layout) {
    const spec = state.profiles.get(i.profile)!;
    memoryMask |= ((1 << spec.memorySlices) - 1) << i.start;
    computeSlices += spec.computeSlices;
    counts.set(i.profile, (counts.get(i.profile) ?? 0) + 1);
  }
  const occupancy = { memoryMask, computeSlices, counts };
  OCCUPANCY.set(layout, occupancy);
  return occupancy;
}

/**
 * The first allowed start where `profile` fits beside the (valid) `layout`, or null: the same answer as
 * `isValidMigLayout([...layout, {profile, start}])` over the profile's starts, in constant time.
 */
export function freeStartFor(state: PoolState, layout: readonly MigPlacementSpec[], profile: string): number | null {
  const spec = state.profiles.get(profile);
  if (!spec) return null;
  const occ = occupancyOf(state, layout);
  if (occ.computeSlices + spec.computeSlices > state.gpu.computeSlices || (occ.counts.get(profile) ?? 0) >= spec.maxInstances) return null;
  for (const start of spec.starts) {
    if (start + spec.memorySlices > state.gpu.memorySlices) continue;
    if ((occ.memoryMask & (((1 << spec.memorySlices) - 1) << start)) === 0) return start;
  }
  return null;
}

/** What `restorePool` needs to undo every change made to a pool since `snapshotPool`. */
export interface PoolSnapshot {
  readonly gpus: readonly { layout: PlannedInstance[] | null; models: (string | null)[]; wholeModel: string | null; usedInstances: number }[];
  readonly usedGpus: number;
  readonly freeByProfile: ReadonlyMap<string, number>;
}

/** What the pool looks like now (layouts, instance owners, whole holders, counters), for `restorePool`. O(GPUs). */
export function snapshotPool(state: PoolState): PoolSnapshot {
  return {
    gpus: state.flat.map((g) => ({ layout: g.layout, models: g.layout?.map((i) => i.model) ?? [], wholeModel: g.wholeModel, usedInstances: g.usedInstances })),
    usedGpus: state.usedGpus,
    freeByProfile: new Map(state.freeByProfile),
  };
}

/** Puts the pool back as it was at `snapshotPool`, undoing every placement made since. */
export function restorePool(state: PoolState, snapshot: PoolSnapshot): void {
  state.flat.forEach((g, k) => {
    const saved = snapshot.gpus[k]!;
    g.layout = saved.layout;
    saved.layout?.forEach((inst, i) => (inst.model = saved.models[i]!));
    g.wholeModel = saved.wholeModel;
    g.usedInstances = saved.usedInstances;
    updateRoom(state, g);
  });
  state.usedGpus = snapshot.usedGpus;
  state.freeByProfile.clear();
  for (const [p, n] of snapshot.freeByProfile) state.freeByProfile.set(p, n);
}
