/**
 * The fleet plan (DESIGN.md 5.3): a shape per model, then every model's reserved replicas packed into
 * its pool by first-fit decreasing, keeping the current placement where it is still valid.
 */
import { initialReservedReplicas, type FleetConfig, type ModelConfig } from "../config/index.js";
import type { ModelShapeSummary } from "../state/types.js";
import { describeUnmet } from "./describe-unmet.js";
import { diffAgainstCurrent } from "./diff-plan.js";
import {
  createPoolState,
  placeMigReplica,
  placeMultiNodeReplica,
  placeWholeGpuReplica,
  preSliceChangedGpus,
  usedGpuCount,
  type PlacedReplica,
  type PoolState,
} from "./pack.js";
import { chooseReplicaShape } from "./shape.js";
import type { FleetPlacement, FleetPlan, ModelPlan, PoolPlacement, PoolSummary, ReplicaShape, ShapeResult, UnmetDemand } from "./types.js";

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
}

/** The packer this module implements (FleetPlan.solver). */
export const FIRST_FIT_DECREASING = "first-fit-decreasing";

interface ModelWork {
  readonly model: ModelConfig;
  readonly desired: number;
  readonly shape: ShapeResult | null;
  readonly shapeError: string | null;
  readonly state: PoolState | undefined;
  readonly placed: PlacedReplica[];
  /** GPUs one replica takes, as a fraction of whole GPUs (the FFD size). */
  readonly size: number;
}

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

function placeOne(work: ModelWork, allowSticky: boolean): boolean {
  const { state, shape } = work;
  if (!state || !shape?.ok) return false;
  const s = shape.shape;
  const name = work.model.name;
  const placed =
    s.kind === "mig"
      ? placeMigReplica(state, name, s.migProfile, allowSticky)
      : s.kind === "gpu"
        ? placeWholeGpuReplica(state, name, s.tensorParallelSize)
        : placeMultiNodeReplica(state, name, s.pipelineParallelSize);
  if (placed) work.placed.push(placed);
  return placed !== null;
}

/** Higher priority first; within a priority, bigger replicas first (FFD); ties by name. */
function allocationOrder(a: ModelWork, b: ModelWork): number {
  return b.model.priority - a.model.priority || b.size - a.size || (a.model.name < b.model.name ? -1 : a.model.name > b.model.name ? 1 : 0);
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
function lowerBoundOf(state: PoolState, placed: readonly PlacedReplica[]): number {
  let compute = 0;
  let memory = 0;
  let whole = 0;
  for (const r of placed) {
    if (r.instance === null) whole += r.gpus.length;
    else {
      const spec = state.gpu.migProfiles.find((p) => p.name === r.instance!.profile)!;
      compute += spec.computeSlices;
      memory += spec.memorySlices;
    }
  }
  return whole + Math.ceil(Math.max(compute / state.gpu.computeSlices, memory / state.gpu.memorySlices));
}

/**
 * Plans the fleet: each model's shape on its pool, then its `desiredReplicas` packed with first-fit
 * decreasing. Under shortage every model first gets up to `replicas.min` in priority order (higher
 * number first), then the rest of the demand in the same order; ties by replica size, then name.
 * The current placement is kept where valid (MIG layouts reused before any re-slicing; replicas go
 * back to the spots they held when their shape is unchanged). Never oversubscribes a GPU, node, pool
 * or quota; a model without a shape, or whose pool is missing, goes to `unmet`.
 * `lowerBoundGpus`: per pool, ceil(max(MIG compute slices ÷ compute slices per GPU, memory slices ÷
 * memory slices per GPU)) over the placed MIG replicas, plus the whole GPUs of whole-GPU and multi-node
 * replicas; summed over pools.
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
    return { model, desired, shape, shapeError, state, placed: [], size };
  });

  const stickyOk = (w: ModelWork): boolean => {
    const was = current?.shapes[w.model.name];
    return w.shape?.ok === true && (was == null || sameShape(was, summarizeShape(w.shape.shape)));
  };
  const ordered = [...work].sort(allocationOrder);
  for (const phase of ["min", "rest"] as const) {
    for (const w of ordered) {
      const target = phase === "min" ? Math.min(w.model.replicas.min, w.desired) : w.desired;
      while (w.placed.length < target && placeOne(w, stickyOk(w)));
    }
  }
  for (const state of states.values()) preSliceChangedGpus(state);

  const unmet: UnmetDemand[] = work
    .filter((w) => w.placed.length < w.desired)
    .map((w) => ({ model: w.model.name, replicas: w.desired - w.placed.length, reason: describeUnmet(w.model, w.shape, w.shapeError, w.state) }));

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

  const pools: PoolSummary[] = [...states.values()].map((s) => {
    const gpusUsed = usedGpuCount(s);
    return {
      pool: s.config.name,
      gpuModel: s.config.gpu,
      gpusTotal: s.config.nodes * s.config.gpusPerNode,
      gpusAllowed: s.allowedGpus,
      gpusUsed,
      gpusFree: Math.max(0, s.allowedGpus - gpusUsed),
    };
  });

  const placement = [...states.values()].map(toPoolPlacement);
  const newShapes = Object.fromEntries(models.map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
  const { churn, disruptive } = diffAgainstCurrent(current, placement, newShapes, [...states.values()]);
  const placedByPool = (s: PoolState): PlacedReplica[] => work.flatMap((w) => w.placed).filter((r) => r.pool === s.config.name);

  return {
    models,
    pools,
    placement,
    unmet,
    solver: FIRST_FIT_DECREASING,
    lowerBoundGpus: [...states.values()].reduce((sum, s) => sum + lowerBoundOf(s, placedByPool(s)), 0),
    gpusUsed: pools.reduce((sum, p) => sum + p.gpusUsed, 0),
    gpusTotal: pools.reduce((sum, p) => sum + p.gpusTotal, 0),
    churn,
    disruptive,
  };
}

