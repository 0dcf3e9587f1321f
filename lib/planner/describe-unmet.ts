/**
 * The sentence a plan gives for replicas it could not place: what one replica needs, what is left.
 */
import { isValidMigLayout } from "../catalog/index.js";
import type { ModelConfig } from "../config/index.js";
import { isUsed, usedGpuCount, type PoolState } from "./pool-state.js";
import type { ShapeResult } from "./types.js";

/** "1 GPU", "2 GPUs". */
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

function quotaNote(state: PoolState): string {
  const used = usedGpuCount(state);
  const total = state.config.nodes * state.config.gpusPerNode;
  if (state.allowedGpus < total) {
    return used >= state.allowedGpus
      ? `; quota ${plural(state.allowedGpus, "GPU")} reached (${used} used)`
      : `; quota ${plural(state.allowedGpus, "GPU")}, ${used} used`;
  }
  return `; ${used} of ${plural(total, "GPU")} used`;
}

/** Compute slices still free on a GPU (no instance over them), ignoring placement constraints. */
function freeComputeSlices(state: PoolState, layout: readonly { profile: string }[]): number {
  const used = layout.reduce((sum, i) => sum + (state.gpu.migProfiles.find((p) => p.name === i.profile)?.computeSlices ?? 0), 0);
  return state.gpu.computeSlices - used;
}

function describeMigShortage(state: PoolState, profile: string): string {
  const spec = state.gpu.migProfiles.find((p) => p.name === profile)!;
  const gpus = state.gpus.flat().filter((g) => g.layout !== null && g.wholeModel === null);
  const mostFree = Math.max(0, ...gpus.map((g) => freeComputeSlices(state, g.layout!.filter((i) => i.model !== null))));
  const roomAfterReslice = gpus.filter((g) =>
    spec.starts.some((start) => isValidMigLayout(state.gpu.id, [...g.layout!.filter((i) => i.model !== null), { profile, start }])),
  ).length;
  return (
    `one replica needs a ${profile} instance (${spec.computeSlices} compute + ${spec.memorySlices} memory slices, ${spec.memoryGiB} GiB) on ${state.gpu.id}; ` +
    `pool ${state.config.name} has no free ${profile} instance, ${plural(roomAfterReslice, "GPU")} with room for one even after re-slicing, ` +
    `at most ${mostFree} of ${state.gpu.computeSlices} compute slices unused on any GPU${quotaNote(state)}`
  );
}

function describeWholeShortage(state: PoolState, tensorParallelSize: number): string {
  const freePerNode = state.gpus.map((gpus) => gpus.filter((g) => !isUsed(g)).length);
  const most = Math.max(0, ...freePerNode);
  const where = most > 0 ? ` (${state.nodeNames[freePerNode.indexOf(most)]})` : "";
  const totalFree = freePerNode.reduce((a, b) => a + b, 0);
  return (
    `one replica needs ${plural(tensorParallelSize, "free GPU")} on one node; pool ${state.config.name} has at most ${most} free on one node${where}, ` +
    `${totalFree} free in all${quotaNote(state)}`
  );
}

function describeMultiNodeShortage(state: PoolState, pipelineParallelSize: number): string {
  const freeNodes = state.gpus.filter((gpus) => gpus.every((g) => !isUsed(g))).length;
  return (
    `one replica needs ${plural(pipelineParallelSize, "entirely free node")} of ${plural(state.config.gpusPerNode, "GPU")}; ` +
    `pool ${state.config.name} has ${plural(freeNodes, "free node")}${quotaNote(state)}`
  );
}

/**
 * Why the remaining replicas of `model` were not placed: what one replica needs, what is left, and how
 * many it got (`allocation`) under the rule that decided it.
 */
export function describeUnmet(
  model: ModelConfig,
  shape: ShapeResult | null,
  shapeError: string | null,
  state: PoolState | undefined,
  allocation: { readonly desired: number; readonly placed: number },
): string {
  if (shapeError !== null || !shape?.ok || !state) return `no replica shape: ${shapeError ?? "unknown"}`;
  const s = shape.shape;
  const need =
    s.kind === "mig"
      ? describeMigShortage(state, s.migProfile)
      : s.kind === "gpu"
        ? describeWholeShortage(state, s.tensorParallelSize)
        : describeMultiNodeShortage(state, s.pipelineParallelSize);
  const rule = `higher priorities are served first, models of priority ${model.priority} in proportion to demand, after every model's replicas.min`;
  return `${model.name} (priority ${model.priority}): ${need}; placed ${allocation.placed} of ${allocation.desired} requested (${rule})`;
}
