/**
 * A fleet plan as plain text for a terminal or a GitHub comment (the caller wraps it in a fenced
 * block): per model its shape and memory arithmetic, per pool its GPUs and a picture of every MIG GPU,
 * the unmet demand with reasons, and the totals. Deterministic: the same plan gives the same bytes.
 */
import { gpuSpecOf } from "../catalog/index.js";
import type { GpuModelId } from "../config/index.js";
import { formatCount, formatGiB, formatKiB } from "./memory.js";
import type { FleetPlan, GpuPlacement, ModelPlan, PoolPlacement, ReplicaShape } from "./types.js";

/** Characters per compute slice in the MIG picture. */
const CELL = 15;

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function shapeLine(shape: ReplicaShape): string {
  switch (shape.kind) {
    case "mig":
      return `MIG ${shape.migProfile}, TP 1 (${shape.resourceName}: 1)`;
    case "gpu":
      return `TP ${shape.tensorParallelSize} on one node (${shape.resourceName}: ${shape.tensorParallelSize})`;
    case "multi-node":
      return `TP ${shape.tensorParallelSize} × PP ${shape.pipelineParallelSize} across ${shape.pipelineParallelSize} nodes (Ray; ${shape.resourceName}: ${shape.tensorParallelSize} per node)`;
  }
}

function formatModel(m: ModelPlan): string[] {
  const head = `  ${m.model}  (pool ${m.pool})`;
  const replicas = `    replicas: ${m.reservedReplicas} reserved of ${m.requestedReplicas} requested; GPUs held: ${m.gpusUsed}`;
  if (m.shape === null) {
    const tried = m.considered.map((c) => `      ${c.label}: ${c.reason}`);
    return [`${head}  NO SHAPE`, replicas, `    ${m.shapeError ?? "no shape"}`, ...(tried.length > 0 ? ["    considered:", ...tried] : [])];
  }
  const mem = m.shape.memory;
  const sequencesLen = mem.maxConcurrentSequences;
  return [
    `${head}  ${shapeLine(m.shape)}`,
    replicas,
    `    memory per GPU: budget ${formatGiB(mem.budgetGiB)} (${mem.gpuMemoryUtilization} × ${mem.deviceMemoryGiB} GiB) − weights ${formatGiB(mem.weightsGiB)} − overhead ${formatGiB(mem.overheadGiB)} = KV cache ${formatGiB(mem.kvCacheGiB)}`,
    `    KV cache: ${formatKiB(mem.kvBytesPerToken)} per token → ${formatCount(mem.kvTokens)} tokens ≥ ${formatCount(mem.requiredKvTokens)} required; ${plural(sequencesLen, "full-length sequence")} at once`,
  ];
}

/** Two text rows for one MIG GPU: models on top, profiles below, one column per compute slice. */
function migRows(label: string, gpu: GpuPlacement, gpuModel: GpuModelId): string[] {
  const spec = gpuSpecOf(gpuModel);
  const top: string[] = [];
  const bottom: string[] = [];
  // Each instance is drawn from its memory start over as many columns as it has compute slices.
  const byStart = new Map((gpu.migInstances ?? []).map((i) => [i.start, i]));
  for (let c = 0; c < spec.computeSlices; ) {
    const inst = byStart.get(c);
    const profile = inst && spec.migProfiles.find((p) => p.name === inst.profile);
    const span = profile ? Math.min(profile.computeSlices, spec.computeSlices - c) : 1;
    const width = span * CELL + (span - 1);
    top.push(fit(inst ? ` ${inst.model ?? "(free)"}` : " ·", width));
    bottom.push(fit(inst ? ` ${inst.profile}` : "", width));
    c += span;
  }
  return [`    ${label} |${top.join("|")}|`, `    ${" ".repeat(label.length)} |${bottom.join("|")}|`];
}

function formatPool(pool: PoolPlacement, plan: FleetPlan): string[] {
  const summary = plan.pools.find((p) => p.pool === pool.pool);
  const quota = summary && summary.gpusAllowed < summary.gpusTotal ? `, quota ${summary.gpusAllowed}` : "";
  const lines = [
    `  ${pool.pool}  ${pool.gpuModel}${pool.migEnabled ? ", MIG" : ""}: ${summary?.gpusUsed ?? 0} of ${summary?.gpusTotal ?? 0} GPUs used, ${summary?.gpusFree ?? 0} free${quota}`,
  ];
  const width = Math.max(...pool.nodes.map((n) => `${n.name}/${n.gpus.length - 1}`.length));
  for (const node of pool.nodes) {
    if (!pool.migEnabled) {
      lines.push(`    ${node.name}: ${node.gpus.map((g) => `${g.index}:${g.model ?? "·"}`).join("  ")}`);
      continue;
    }
    for (const gpu of node.gpus) {
      const label = `${node.name}/${gpu.index}`.padEnd(width);
      const slices = gpuSpecOf(pool.gpuModel as GpuModelId).computeSlices;
      if (gpu.migInstances === null) lines.push(`    ${label} |${fit(` ${gpu.model ?? "·"} (whole GPU, MIG disabled)`, slices * CELL + slices - 1)}|`);
      else lines.push(...migRows(label, gpu, pool.gpuModel as GpuModelId));
    }
  }
  return lines;
}

/** The plan as text; lines end with "\n". */
export function formatPlan(plan: FleetPlan): string {
  const lowerBound = plan.lowerBoundGpus === null ? "" : ` (lower bound ${plan.lowerBoundGpus})`;
  const unmetReplicas = plan.unmet.reduce((sum, u) => sum + u.replicas, 0);
  const lines: string[] = [
    `Fleet plan: ${plan.gpusUsed} of ${plan.gpusTotal} GPUs used${lowerBound}; solver ${plan.solver}`,
    `Changes: ${plural(plan.churn.gpusResliced, "GPU")} re-sliced, ${plural(plan.churn.replicasMoved, "replica")} moved; ${plan.disruptive ? "DISRUPTIVE (drains running pods)" : "not disruptive"}`,
    "",
    "Models",
    ...plan.models.flatMap(formatModel),
    "",
    "Pools (MIG GPUs: one row per GPU, one column per compute slice; · = no instance)",
    ...plan.placement.flatMap((p) => formatPool(p, plan)),
    "",
    unmetReplicas === 0 ? "Unmet demand: none" : `Unmet demand: ${plural(unmetReplicas, "replica")}`,
    ...plan.unmet.map((u) => `  ${u.model}: ${plural(u.replicas, "replica")} not placed: ${u.reason}`),
    "",
    `Totals: ${plan.models.reduce((s, m) => s + m.reservedReplicas, 0)} replicas reserved of ${plan.models.reduce((s, m) => s + m.requestedReplicas, 0)} requested; ` +
      `${plan.gpusUsed} GPUs used, ${plan.gpusTotal - plan.gpusUsed} free of ${plan.gpusTotal}`,
  ];
  return lines.map((l) => l.trimEnd()).join("\n") + "\n";
}
