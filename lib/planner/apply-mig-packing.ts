/**
 * Turns a solved MIG packing (mig-packing.ts) into layouts on concrete GPUs and replicas on concrete
 * instances, keeping the current placement where the solution allows: kept layouts go to the GPUs that
 * have them (in use now first), and every replica goes back to the instance it held first, so a GPU
 * whose layout is kept keeps its replicas. New layouts go first to GPUs in use now whose layout is not
 * kept (the solution counts them as disrupted: re-slicing them drains nothing more), then to GPUs
 * nobody uses now (without a layout first), each in node then index order (so whole nodes stay free at
 * the end of the pool). A GPU in use now that gets neither is emptied (no instances): a layout left
 * there would hold none of its replicas, which moved, yet keep the GPU sliced. Idle GPUs keep their
 * layout (pool-state.ts `releaseIdleLayouts` empties those beyond quotaGpus).
 */
import type { PlacedReplica } from "./pack.js";
import { assignInstance, setLayout, type PlannedGpu, type PlannedInstance, type PoolState } from "./pool-state.js";
import { migGpusOf, type MigPackingSolution } from "./mig-packing.js";

/** One MIG model to place: its replicas (from the solution's group totals), profile and priority. */
export interface MigAssignment {
  readonly model: string;
  readonly priority: number;
  readonly profile: string;
  readonly replicas: number;
}

const instancesOf = (layout: readonly { profile: string; start: number }[]): PlannedInstance[] => layout.map((i) => ({ profile: i.profile, start: i.start, model: null }));

/**
 * Applies `solution` to the MIG GPUs of `state` and returns the placed replicas per model, or null when
 * the instances cannot hold every replica (a solver answer that does not cover the demand; the caller
 * restores its snapshot and keeps first-fit). Mutates `state`.
 */
export function applyMigPacking(state: PoolState, solution: MigPackingSolution, assignments: readonly MigAssignment[]): Map<string, PlacedReplica[]> | null {
  const gpus = migGpusOf(state);
  const chosen = new Map<PlannedGpu, readonly { profile: string; start: number }[]>();
  const keptLater: PlannedGpu[] = [];
  for (const c of solution.classes) {
    const keep = solution.keep.get(c.key) ?? { inUse: 0, idle: 0 };
    for (const g of c.inUse.slice(0, keep.inUse)) chosen.set(g, c.layout);
    for (const g of c.idle.slice(0, keep.idle)) chosen.set(g, c.layout);
  }
  for (const g of gpus) if (!chosen.has(g)) keptLater.push(g);
  // GPUs to slice: those in use now whose layout is not kept (disrupted anyway), then nobody's now without a layout, then idle ones with one.
  const rank = (g: PlannedGpu): number => (g.inUseNow ? 0 : g.currentLayout !== null && g.currentLayout.length > 0 ? 2 : 1);
  const toSlice = [...keptLater].sort((a, b) => rank(a) - rank(b) || a.node - b.node || a.index - b.index);
  let next = 0;
  for (const { set, gpus: count } of solution.slice) {
    for (let i = 0; i < count; i++) {
      const g = toSlice[next++];
      if (g === undefined) return null;
      chosen.set(g, set.placements);
    }
  }
  for (const g of gpus) setLayout(state, g, instancesOf(chosen.get(g) ?? (g.inUseNow ? [] : (g.currentLayout ?? []))));

  const ordered = [...assignments].sort((a, b) => b.priority - a.priority || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const remaining = new Map(ordered.map((a) => [a.model, a.replicas]));
  const placed = new Map<string, PlacedReplica[]>(ordered.map((a) => [a.model, []]));
  const profileOf = new Map(ordered.map((a) => [a.model, a.profile]));
  // Free instances per profile, in GPU order.
  const slots = new Map<string, { g: PlannedGpu; inst: PlannedInstance }[]>();
  for (const g of gpus) {
    if (!chosen.has(g)) continue;
    for (const inst of g.layout!) {
      const list = slots.get(inst.profile) ?? [];
      list.push({ g, inst });
      slots.set(inst.profile, list);
    }
  }
  const put = (g: PlannedGpu, inst: PlannedInstance, model: string): void => {
    assignInstance(state, g, inst, model);
    placed.get(model)!.push({ model, pool: state.config.name, gpus: [g], instance: inst });
    remaining.set(model, remaining.get(model)! - 1);
  };
  // Replicas go back to the instance they held first; each instance had one model, so the order does not matter.
  for (const [profile, list] of slots) {
    for (const { g, inst } of list) {
      const model = g.sticky.get(`${inst.start}/${profile}`);
      if (model !== undefined && profileOf.get(model) === profile && remaining.get(model)! > 0) put(g, inst, model);
    }
  }
  const cursor = new Map<string, number>();
  for (const a of ordered) {
    const list = slots.get(a.profile) ?? [];
    let k = cursor.get(a.profile) ?? 0;
    for (; k < list.length && remaining.get(a.model)! > 0; k++) if (list[k]!.inst.model === null) put(list[k]!.g, list[k]!.inst, a.model);
    cursor.set(a.profile, k);
  }
  return [...remaining.values()].every((n) => n === 0) ? placed : null;
}
