/**
 * Churn of a new placement against the current one (DESIGN.md 5.3, 5.5): GPUs re-sliced, replicas
 * moved, and whether the change drains running pods (disruptive).
 */
import type { ModelShapeSummary } from "../state/types.js";
import { layoutKey, type PoolState } from "./pool-state.js";
import type { FleetPlacement, FleetPlan } from "./types.js";

interface Current {
  readonly placement: FleetPlacement;
  readonly shapes: Readonly<Record<string, ModelShapeSummary | null>>;
}

/** model → slot keys it holds: one per MIG instance (`pool/node/gpu/start/profile`) or whole GPU (`pool/node/gpu`). */
function slotsByModel(placement: FleetPlacement): Map<string, Set<string>> {
  const slots = new Map<string, Set<string>>();
  const add = (model: string, key: string): void => {
    const set = slots.get(model) ?? new Set<string>();
    set.add(key);
    slots.set(model, set);
  };
  for (const pool of placement) {
    for (const node of pool.nodes) {
      for (const gpu of node.gpus) {
        if (gpu.model !== null) add(gpu.model, `${pool.pool}/${node.name}/${gpu.index}`);
        for (const inst of gpu.migInstances ?? []) if (inst.model !== null) add(inst.model, `${pool.pool}/${node.name}/${gpu.index}/${inst.start}/${inst.profile}`);
      }
    }
  }
  return slots;
}

function gpusPerReplica(shape: ModelShapeSummary | null | undefined): number {
  if (!shape || shape.kind === "mig") return 1;
  return shape.tensorParallelSize * shape.pipelineParallelSize;
}

function shapeChanged(was: ModelShapeSummary, now: ModelShapeSummary | null): boolean {
  return (
    now === null ||
    was.kind !== now.kind ||
    was.migProfile !== now.migProfile ||
    was.tensorParallelSize !== now.tensorParallelSize ||
    was.pipelineParallelSize !== now.pipelineParallelSize
  );
}

/**
 * Compares the new placement with the current one. `gpusResliced` counts GPUs present in both whose
 * MIG layout differs (a GPU switching between sliced and whole counts). `replicasMoved` counts, per
 * model, replicas that left a spot while another replica of the same model took a new one
 * (min(lost, gained) slots ÷ GPUs per replica, rounded up; pure scale-ups and scale-downs are not moves).
 * `disruptive`: a GPU that held a replica is re-sliced, or a model's kind, MIG profile, TP or PP changed
 * (or it lost its shape). No current plan: no churn, not disruptive.
 */
export function diffAgainstCurrent(
  current: Current | null,
  placement: FleetPlacement,
  newShapes: Readonly<Record<string, ModelShapeSummary | null>>,
  states: readonly PoolState[],
): Pick<FleetPlan, "churn" | "disruptive"> {
  if (current === null) return { churn: { gpusResliced: 0, replicasMoved: 0 }, disruptive: false };
  let gpusResliced = 0;
  let disruptive = false;
  for (const g of states.flatMap((s) => s.gpus.flat())) {
    if (g.currentLayoutKey === undefined || layoutKey(g.layout) === g.currentLayoutKey) continue;
    gpusResliced++;
    if (g.inUseNow) disruptive = true;
  }
  const before = slotsByModel(current.placement);
  const after = slotsByModel(placement);
  let replicasMoved = 0;
  for (const [model, was] of before) {
    const now = after.get(model) ?? new Set<string>();
    const lost = [...was].filter((k) => !now.has(k)).length;
    const gained = [...now].filter((k) => !was.has(k)).length;
    replicasMoved += Math.ceil(Math.min(lost, gained) / gpusPerReplica(newShapes[model] ?? current.shapes[model]));
  }
  for (const [model, was] of Object.entries(current.shapes)) {
    if (was !== null && model in newShapes && shapeChanged(was, newShapes[model] ?? null)) disruptive = true;
  }
  return { churn: { gpusResliced, replicasMoved }, disruptive };
}
