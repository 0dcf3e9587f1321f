/**
 * Allocation of replicas under shortage, by first-fit decreasing (DESIGN.md 2, 5.3): first every model's
 * `replicas.min` in priority order; then, tier by tier (higher priority first), the rest of the demand —
 * in first-fit-decreasing order when the whole tier fits its pool, otherwise in proportion to demand
 * within the tier (the model with the smallest placed ÷ desired share gets the next replica).
 */
import type { ModelConfig } from "../config/index.js";
import { placeMigReplica, placeMultiNodeReplica, placeWholeGpuReplica, type PlacedReplica } from "./pack.js";
import { restorePool, snapshotPool, type PoolState } from "./pool-state.js";
import type { ShapeResult } from "./types.js";

/** One model while the plan is built. */
export interface ModelWork {
  readonly model: ModelConfig;
  readonly desired: number;
  readonly shape: ShapeResult | null;
  readonly shapeError: string | null;
  readonly state: PoolState | undefined;
  readonly placed: PlacedReplica[];
  /** GPUs one replica takes, as a fraction of whole GPUs (the first-fit-decreasing size). */
  readonly size: number;
  /** Its shape is the current one, so replicas may go back to the spots they held. */
  readonly sticky: boolean;
  /** Replicas placed while every model's `replicas.min` was served (a floor an exact re-pack keeps). */
  minPlaced: number;
}

/** Places one more replica of the model; false when it has no shape or no room is left. */
export function placeOne(work: ModelWork): boolean {
  const { state, shape } = work;
  if (!state || !shape?.ok) return false;
  const s = shape.shape;
  const name = work.model.name;
  const placed =
    s.kind === "mig"
      ? placeMigReplica(state, name, s.migProfile, work.sticky)
      : s.kind === "gpu"
        ? placeWholeGpuReplica(state, name, s.tensorParallelSize)
        : placeMultiNodeReplica(state, name, s.pipelineParallelSize);
  if (placed) work.placed.push(placed);
  return placed !== null;
}

/** Higher priority first; within a priority, bigger replicas first (FFD); ties by name. */
export function allocationOrder(a: ModelWork, b: ModelWork): number {
  return b.model.priority - a.model.priority || b.size - a.size || (a.model.name < b.model.name ? -1 : a.model.name > b.model.name ? 1 : 0);
}

/** a has the smaller share placed ÷ desired (ties in allocation order). */
function servedLess(a: ModelWork, b: ModelWork): boolean {
  const diff = a.placed.length * b.desired - b.placed.length * a.desired;
  return diff < 0 || (diff === 0 && allocationOrder(a, b) < 0);
}

/** Replicas one at a time to the model with the smallest share, until every model is served or out of room. */
function shareInProportion(members: readonly ModelWork[]): void {
  const active = new Set(members.filter((w) => w.placed.length < w.desired));
  while (active.size > 0) {
    let next: ModelWork | null = null;
    for (const w of active) if (next === null || servedLess(w, next)) next = w;
    if (!placeOne(next!) || next!.placed.length >= next!.desired) active.delete(next!);
  }
}

/**
 * Places the replicas of every model (mutating the pool states and `placed`): `replicas.min` first for
 * all, then per priority tier and pool the rest of the demand; a tier that does not fit a pool whole is
 * undone there and shared in proportion to demand instead. Sets `minPlaced`.
 */
export function allocateReplicas(work: readonly ModelWork[]): void {
  const ordered = [...work].filter((w) => w.state !== undefined && w.shape?.ok === true).sort(allocationOrder);
  for (const w of ordered) {
    const target = Math.min(w.model.replicas.min, w.desired);
    while (w.placed.length < target && placeOne(w));
    w.minPlaced = w.placed.length;
  }
  const tiers = [...new Set(ordered.map((w) => w.model.priority))];
  for (const priority of tiers) {
    const pools = new Map<PoolState, ModelWork[]>();
    for (const w of ordered) if (w.model.priority === priority && w.placed.length < w.desired) pools.set(w.state!, [...(pools.get(w.state!) ?? []), w]);
    for (const [state, members] of pools) {
      const snapshot = snapshotPool(state);
      const before = members.map((w) => w.placed.length);
      for (const w of members) while (w.placed.length < w.desired && placeOne(w));
      if (members.every((w) => w.placed.length >= w.desired)) continue;
      restorePool(state, snapshot);
      members.forEach((w, i) => (w.placed.length = before[i]!));
      shareInProportion(members);
    }
  }
}
