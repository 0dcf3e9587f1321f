/**
 * The pure core of one decision: desired reserves → plan → next state → render. No I/O, no clock
 * (time is an argument).
 */
import type { AuditChange } from "../audit/port.js";
import { initialReservedReplicas, type FleetConfig } from "../config/index.js";
import { planFleet, type FleetPlacement, type FleetPlan, type MigSolver, type ReplicaShape } from "../planner/index.js";
import { renderFleet } from "../render/index.js";
import { MAX_APPLIED_KEYS, type ControllerState, type ModelShapeSummary, type ModelState } from "../state/index.js";

/** What was read from the repositories for one decision. */
export interface Snapshot {
  readonly config: FleetConfig;
  readonly configCommit: string;
  readonly state: ControllerState;
  /** Head of the rendered branch (null before the first render). */
  readonly renderedHead: string | null;
  /** Files under `clusters/` on the rendered branch (path → text). */
  readonly existing: ReadonlyMap<string, string>;
}

/** What the signals contribute: newest signal time per model, alert keys to remember. */
export interface SignalContext {
  readonly signalTimes: Readonly<Record<string, string>>;
  readonly keysToRecord: readonly string[];
}

export interface DecisionDraft {
  readonly plan: FleetPlan;
  readonly nextState: ControllerState;
  /** path → body (no header). */
  readonly rendered: Map<string, string>;
  /** Per-model field changes versus the current state. */
  readonly changes: readonly AuditChange[];
  readonly gpusBefore: number;
  readonly gpusAfter: number;
}

/** Current reserve of every model in the config: from state, or its initial reserve when new. */
export function currentReserves(config: FleetConfig, state: ControllerState): Record<string, number> {
  return Object.fromEntries(config.models.map((m) => [m.name, state.models[m.name]?.reservedReplicas ?? initialReservedReplicas(m)]));
}

/** Whole GPUs holding at least one replica or used MIG instance in a placement. */
export function countGpusUsed(placement: FleetPlacement): number {
  let used = 0;
  for (const pool of placement) {
    for (const node of pool.nodes) {
      for (const gpu of node.gpus) {
        if (gpu.model !== null || (gpu.migInstances ?? []).some((i) => i.model !== null)) used += 1;
      }
    }
  }
  return used;
}

/** The shape of every model in the state (what the last render ran). */
export function currentShapes(state: ControllerState): Record<string, ModelShapeSummary | null> {
  return Object.fromEntries(Object.entries(state.models).map(([name, m]) => [name, m.shape]));
}

export function summarizeShape(shape: ReplicaShape | null): ModelShapeSummary | null {
  if (shape === null) return null;
  return {
    kind: shape.kind,
    migProfile: shape.kind === "mig" ? shape.migProfile : null,
    tensorParallelSize: shape.tensorParallelSize,
    pipelineParallelSize: shape.pipelineParallelSize,
  };
}

export function shapeLabel(shape: ModelShapeSummary | null): string {
  if (shape === null) return "none";
  if (shape.kind === "mig") return `MIG ${shape.migProfile}`;
  if (shape.kind === "gpu") return `TP ${shape.tensorParallelSize}`;
  return `TP ${shape.tensorParallelSize} × PP ${shape.pipelineParallelSize}`;
}

/**
 * Plan, next state and render for the desired reserves.
 * @param desiredReplicas - reserve wanted per model (clamped to the model's [min, max] by the caller)
 * @param signal - signal times and alert keys to record; null for config-driven renders
 * @param now - decision time (stored as lastChangeTime of changed models)
 * @param solver - exact MIG packing (HiGHS, loaded by the shell); null → first-fit decreasing
 */
export function draftDecision(
  snapshot: Snapshot,
  desiredReplicas: Readonly<Record<string, number>>,
  signal: SignalContext | null,
  now: Date,
  solver: MigSolver | null = null,
): DecisionDraft {
  const { config, state } = snapshot;
  const shapes = currentShapes(state);
  const plan = planFleet({
    config,
    desiredReplicas,
    current: state.plan.length > 0 ? { placement: state.plan, shapes } : null,
    solver,
  });

  const changes: AuditChange[] = [];
  const models: Record<string, ModelState> = {};
  for (const modelPlan of plan.models) {
    const previous = state.models[modelPlan.model];
    const shape = summarizeShape(modelPlan.shape);
    const reserveChanged = previous?.reservedReplicas !== modelPlan.reservedReplicas;
    const shapeChanged = shapeLabel(previous?.shape ?? null) !== shapeLabel(shape);
    if (reserveChanged) changes.push({ model: modelPlan.model, field: "reservedReplicas", from: previous?.reservedReplicas ?? null, to: modelPlan.reservedReplicas });
    if (shapeChanged && previous !== undefined) changes.push({ model: modelPlan.model, field: "shape", from: shapeLabel(previous.shape), to: shapeLabel(shape) });
    models[modelPlan.model] = {
      reservedReplicas: modelPlan.reservedReplicas,
      // A model's first render is not a change of its reserve: the step window and cooldown start with the first real change.
      lastChangeTime: previous !== undefined && (reserveChanged || shapeChanged) ? now.toISOString() : (previous?.lastChangeTime ?? null),
      lastSignalTime: signal?.signalTimes[modelPlan.model] ?? previous?.lastSignalTime ?? null,
      shape,
    };
  }
  const nextState: ControllerState = {
    version: 1,
    configCommit: snapshot.configCommit,
    models,
    plan: plan.placement,
    appliedKeys: [...state.appliedKeys, ...(signal?.keysToRecord ?? [])].slice(-MAX_APPLIED_KEYS),
  };
  return {
    plan,
    nextState,
    rendered: renderFleet({ config, plan }),
    changes,
    gpusBefore: countGpusUsed(state.plan),
    gpusAfter: plan.gpusUsed,
  };
}
