/**
 * The fleet plan (DESIGN.md 5.3): a shape per model, every model's reserved replicas allocated by
 * first-fit decreasing (priority, then proportional shares under shortage; allocate-replicas.ts), then —
 * when a solver is injected — every MIG pool re-packed exactly with HiGHS (mig-packing.ts), keeping the
 * current placement where it is still valid.
 */
import { initialReservedReplicas, type FleetConfig } from "../config/index.js";
import type { ModelShapeSummary } from "../state/types.js";
import { allocateReplicas, allocationOrder, placeOne, type ModelWork } from "./allocate-replicas.js";
import { applyMigPacking } from "./apply-mig-packing.js";
import { describeUnmet } from "./describe-unmet.js";
import { diffAgainstCurrent } from "./diff-plan.js";
import type { MigSolver } from "./highs-solver.js";
import { groupKeyOf, solveMigPacking, type MigPackingSolution } from "./mig-packing.js";
import { preSliceChangedGpus, type PlacedReplica } from "./pack.js";
import { createPoolState, layoutKey, releaseIdleLayouts, restorePool, snapshotPool, usedGpuCount, type PoolState } from "./pool-state.js";
import { chooseReplicaShape } from "./shape.js";
import type { FleetPlacement, FleetPlan, ModelPlan, PlanObjective, PoolPlacement, PoolSummary, ReplicaShape, UnmetDemand } from "./types.js";

/** What `planFleet` plans from. */
export interface PlanFleetInput {
  readonly config: FleetConfig;
  /** Reserve wanted per model, already within [replicas.min, replicas.max]; missing → `initialReservedReplicas`. */
  readonly desiredReplicas: Readonly<Record<string, number>>;
  /** The placement and shapes of the last render; null on the first plan. */
  readonly current: {
    readonly placement: FleetPlacement;
    readonly shapes: Readonly<Record<string, ModelShapeSummary | null>>;
  } | null;
  /** Exact MIG packing (HiGHS, loaded by the shell: lib/solver); absent or null → first-fit decreasing only. */
  readonly solver?: MigSolver | null;
  /**
   * Time limit of each HiGHS solve, ms (default 1000). Plans normally take a few solves of a few ms per
   * MIG pool; a pool whose MILP is not proven in time keeps the LP-rounded answer when HiGHS found one,
   * else first-fit decreasing (either way the plan's notes say so).
   */
  readonly solverBudgetMs?: number;
}

/** The packer this module implements without a solver (FleetPlan.solver). */
export const FIRST_FIT_DECREASING = "first-fit-decreasing";
const DEFAULT_SOLVER_BUDGET_MS = 1000;

/** The `ModelShapeSummary` of a shape (what state.json keeps). */
export function summarizeShape(shape: ReplicaShape): ModelShapeSummary {
  return {
    kind: shape.kind,
    migProfile: shape.kind === "mig" ? shape.migProfile : null,
    tensorParallelSize: shape.tensorParallelSize,
    pipelineParallelSize: shape.pipelineParallelSize,
  };
}

function sameShape(a: ModelShapeSummary, b: ModelShapeSummary): boolean {
  return a.kind === b.kind && a.migProfile === b.migProfile && a.tensorParallelSize === b.tensorParallelSize && a.pipelineParallelSize === b.pipelineParallelSize;
}

function sizeOf(shape: ReplicaShape, state: PoolState): number {
  if (shape.kind !== "mig") return shape.tensorParallelSize * shape.pipelineParallelSize;
  const profile = state.gpu.migProfiles.find((p) => p.name === shape.migProfile)!;
  return profile.computeSlices / state.gpu.computeSlices;
}

function toPoolPlacement(state: PoolState): PoolPlacement {
  return {
    pool: state.config.name,
    gpuModel: state.config.gpu,
    migEnabled: state.config.mig.enabled,
    nodes: state.gpus.map((gpus, i) => ({
      name: state.nodeNames[i]!,
      gpus: gpus.map((g) => ({
        index: g.index,
        migInstances: g.layout === null ? null : g.layout.map((inst) => ({ profile: inst.profile, start: inst.start, model: inst.model })),
        model: g.wholeModel,
      })),
    })),
  };
}

/** GPUs the placed replicas need at least: MIG slices ÷ slices per GPU (compute or memory, whichever binds), rounded up, plus whole GPUs. */
function sliceBoundOf(state: PoolState, placed: readonly PlacedReplica[]): number {
  let compute = 0;
  let memory = 0;
  let whole = 0;
  for (const r of placed) {
    if (r.instance === null) whole += r.gpus.length;
    else {
      const spec = state.profiles.get(r.instance.profile)!;
      compute += spec.computeSlices;
      memory += spec.memorySlices;
    }
  }
  return whole + Math.ceil(Math.max(compute / state.gpu.computeSlices, memory / state.gpu.memorySlices));
}

const migProfileOf = (w: ModelWork): string | null => (w.shape?.ok && w.shape.shape.kind === "mig" ? w.shape.shape.migProfile : null);

/**
 * Re-packs the MIG models of one pool with the solver and applies the answer; false (state untouched)
 * when the solver fails, is out of time without an answer, or its answer does not cover the demand.
 */
function packPoolExactly(state: PoolState, members: readonly ModelWork[], solver: MigSolver, budgetMs: number, notes: string[]): MigPackingSolution | null {
  const demands = members.map((w) => ({ model: w.model.name, priority: w.model.priority, profile: migProfileOf(w)!, desired: w.desired, placed: w.placed.length, minPlaced: w.minPlaced }));
  const result = solveMigPacking(state, demands, solver, budgetMs / 1000);
  if (!result.ok) {
    notes.push(`pool ${state.config.name}: HiGHS gave no answer (${result.reason}); first-fit decreasing kept`);
    return null;
  }
  const { solution } = result;
  // Each demand group's replicas go to its models in proportion to demand, never below what replicas.min got.
  const replicas = new Map(members.map((w) => [w.model.name, w.minPlaced]));
  for (const [key, total] of solution.groupReplicas) {
    const group = members.filter((w) => groupKeyOf(w.model.priority, migProfileOf(w)!) === key);
    let left = total - group.reduce((n, w) => n + replicas.get(w.model.name)!, 0);
    while (left > 0) {
      let next: ModelWork | null = null;
      for (const w of group) {
        const r = replicas.get(w.model.name)!;
        if (r >= w.desired) continue;
        const diff = next === null ? -1 : r * next.desired - replicas.get(next.model.name)! * w.desired;
        if (next === null || diff < 0 || (diff === 0 && allocationOrder(w, next) < 0)) next = w;
      }
      if (next === null) break;
      replicas.set(next.model.name, replicas.get(next.model.name)! + 1);
      left--;
    }
  }
  const snapshot = snapshotPool(state);
  const placed = applyMigPacking(
    state,
    solution,
    members.map((w) => ({ model: w.model.name, priority: w.model.priority, profile: migProfileOf(w)!, replicas: replicas.get(w.model.name)! })),
  );
  if (placed === null) {
    restorePool(state, snapshot);
    notes.push(`pool ${state.config.name}: HiGHS layout does not hold every replica; first-fit decreasing kept`);
    return null;
  }
  for (const w of members) w.placed.splice(0, w.placed.length, ...placed.get(w.model.name)!);
  notes.push(
    `pool ${state.config.name}: HiGHS ${solution.proven ? "proven optimal" : "best found, not proven optimal"} in ${solution.solves} solve${solution.solves === 1 ? "" : "s"}; ` +
      `MIG GPUs ≥ ${solution.lowerBoundGpus} (LP bound)${solution.notes.length > 0 ? `; ${solution.notes.join("; ")}` : ""}`,
  );
  return solution;
}

function objectiveOf(work: readonly ModelWork[], states: readonly PoolState[], gpusUsed: number): PlanObjective {
  const unmet = new Map<number, number>();
  for (const w of work) if (w.placed.length < w.desired) unmet.set(w.model.priority, (unmet.get(w.model.priority) ?? 0) + w.desired - w.placed.length);
  const disrupted = states.flatMap((s) => s.flat.filter((g) => g.inUseNow && g.currentLayoutKey !== undefined && layoutKey(g.layout) !== g.currentLayoutKey).map((g) => `${s.config.name}/${g.node}`));
  return {
    unmetByPriority: [...unmet].sort((a, b) => b[0] - a[0]).map(([priority, replicas]) => ({ priority, replicas })),
    gpusDisrupted: disrupted.length,
    nodesDisrupted: new Set(disrupted).size,
    gpusUsed,
  };
}

/**
 * Plans the fleet: each model's shape on its pool, then its `desiredReplicas` allocated (see
 * `allocateReplicas`), then with a solver each MIG pool re-packed exactly (fewest GPUs disrupted, then
 * fewest GPUs, never fewer replicas; replicas first-fit left out are added when the exact packing finds
 * room, by priority) and whole-GPU replicas still unmet retried on the GPUs that frees. The current
 * placement is kept where valid: a GPU whose layout is kept keeps its replicas on their instances.
 * Never oversubscribes a GPU, node, pool or quota — counting, for the quota, every GPU left sliced
 * (idle layouts beyond it are emptied, see `releaseIdleLayouts`); a model without a shape, or whose
 * pool is missing, goes to `unmet` with the reason.
 */
export function planFleet(input: PlanFleetInput): FleetPlan {
  const { config, current } = input;
  const currentPools = new Map((current?.placement ?? []).map((p) => [p.pool, p]));
  const states = new Map(config.pools.map((p) => [p.name, createPoolState(p, currentPools.get(p.name))]));

  const work: ModelWork[] = config.models.map((model) => {
    const state = states.get(model.pool);
    const desired = Math.max(0, Math.floor(input.desiredReplicas[model.name] ?? initialReservedReplicas(model)));
    const shape = state ? chooseReplicaShape(model, state.config) : null;
    const shapeError = !state ? `pool ${model.pool} is not defined in fleet.yaml` : shape && !shape.ok ? shape.reason : null;
    const size = shape?.ok && state ? sizeOf(shape.shape, state) : 0;
    const was = current?.shapes[model.name];
    const sticky = shape?.ok === true && (was == null || sameShape(was, summarizeShape(shape.shape)));
    return { model, desired, shape, shapeError, state, placed: [], size, sticky, minPlaced: 0 };
  });
  allocateReplicas(work);

  const notes: string[] = [];
  const exact = new Map<PoolState, MigPackingSolution>();
  for (const state of states.values()) {
    const members = work.filter((w) => w.state === state && migProfileOf(w) !== null && w.desired > 0);
    if (!input.solver || !state.config.mig.enabled || members.length === 0) continue;
    const solution = packPoolExactly(state, members, input.solver, input.solverBudgetMs ?? DEFAULT_SOLVER_BUDGET_MS, notes);
    if (solution === null) continue;
    exact.set(state, solution);
    for (const w of work.filter((x) => x.state === state && migProfileOf(x) === null).sort(allocationOrder)) while (w.placed.length < w.desired && placeOne(w));
  }
  for (const state of states.values()) {
    preSliceChangedGpus(state);
    releaseIdleLayouts(state);
  }

  const unmet: UnmetDemand[] = work
    .filter((w) => w.placed.length < w.desired)
    .map((w) => ({ model: w.model.name, replicas: w.desired - w.placed.length, reason: describeUnmet(w.model, w.shape, w.shapeError, w.state, { desired: w.desired, placed: w.placed.length }) }));

  const models: ModelPlan[] = work.map((w) => ({
    model: w.model.name,
    pool: w.model.pool,
    requestedReplicas: w.desired,
    reservedReplicas: w.placed.length,
    shape: w.shape?.ok ? w.shape.shape : null,
    shapeError: w.shapeError,
    considered: w.shape?.considered ?? [],
    gpusUsed: new Set(w.placed.flatMap((r) => r.gpus)).size,
  }));

  const placedByPool = (s: PoolState): PlacedReplica[] => work.flatMap((w) => w.placed).filter((r) => r.pool === s.config.name);
  const pools: PoolSummary[] = [...states.values()].map((s) => {
    const gpusUsed = usedGpuCount(s);
    const solution = exact.get(s);
    const whole = s.flat.filter((g) => g.wholeModel !== null).length;
    return {
      pool: s.config.name,
      gpuModel: s.config.gpu,
      gpusTotal: s.config.nodes * s.config.gpusPerNode,
      gpusAllowed: s.allowedGpus,
      gpusUsed,
      gpusFree: Math.max(0, s.allowedGpus - gpusUsed),
      solver: solution ? "highs" : FIRST_FIT_DECREASING,
      lowerBoundGpus: solution ? whole + solution.lowerBoundGpus : sliceBoundOf(s, placedByPool(s)),
    };
  });

  const placement = [...states.values()].map(toPoolPlacement);
  const newShapes = Object.fromEntries(models.map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
  const { churn, disruptive } = diffAgainstCurrent(current, placement, newShapes, [...states.values()]);
  const gpusUsed = pools.reduce((sum, p) => sum + p.gpusUsed, 0);
  const migPoolsWithDemand = [...states.values()].filter((s) => s.config.mig.enabled && work.some((w) => w.state === s && migProfileOf(w) !== null && w.desired > 0));

  return {
    models,
    pools,
    placement,
    unmet,
    solver: input.solver && migPoolsWithDemand.length > 0 && migPoolsWithDemand.every((s) => exact.has(s)) ? input.solver.name : FIRST_FIT_DECREASING,
    solverNotes: notes,
    lowerBoundGpus: pools.reduce((sum, p) => sum + p.lowerBoundGpus, 0),
    objective: objectiveOf(work, [...states.values()], gpusUsed),
    gpusUsed,
    gpusTotal: pools.reduce((sum, p) => sum + p.gpusTotal, 0),
    churn,
    disruptive,
  };
}
