/**
 * A fleet plan for people: plain text for a terminal or a GitHub comment (the caller wraps it in a
 * fenced block), or Markdown. Per model its shape and memory arithmetic; per pool a picture of every MIG
 * GPU (format-mig-picture.ts) or the whole GPUs per node; the unmet demand with reasons; the solver, its
 * objective and lower bound; the totals and the cost against one replica per whole GPU. Deterministic:
 * the same plan gives the same bytes.
 */
import { formatCount, formatGiB, formatKiB } from "./memory.js";
import { migPicture, modelKey } from "./format-mig-picture.js";
import type { FleetPlan, ModelPlan, PoolPlacement, ReplicaShape } from "./types.js";

export type PlanFormat = "text" | "markdown";

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

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

/** GPUs one replica would take if every replica had whole GPUs of its own: 1 for a MIG slice, TP × PP otherwise. */
function wholeGpusPerReplica(shape: ReplicaShape): number {
  return shape.kind === "mig" ? 1 : shape.tensorParallelSize * shape.pipelineParallelSize;
}

function memoryLines(shape: ReplicaShape): string[] {
  const mem = shape.memory;
  return [
    `memory per GPU: budget ${formatGiB(mem.budgetGiB)} (${mem.gpuMemoryUtilization} × ${mem.deviceMemoryGiB} GiB) − weights ${formatGiB(mem.weightsGiB)} − overhead ${formatGiB(mem.overheadGiB)} = KV cache ${formatGiB(mem.kvCacheGiB)}`,
    `KV cache: ${formatKiB(mem.kvBytesPerToken)} per token → ${formatCount(mem.kvTokens)} tokens ≥ ${formatCount(mem.requiredKvTokens)} required; ${plural(mem.maxConcurrentSequences, "full-length sequence")} at once`,
  ];
}

function formatModel(m: ModelPlan): string[] {
  const head = `  ${m.model}  (pool ${m.pool})`;
  const replicas = `    replicas: ${m.reservedReplicas} reserved of ${m.requestedReplicas} requested; GPUs held: ${m.gpusUsed}`;
  if (m.shape === null) {
    const tried = m.considered.map((c) => `      ${c.label}: ${c.reason}`);
    return [`${head}  NO SHAPE`, replicas, `    ${m.shapeError ?? "no shape"}`, ...(tried.length > 0 ? ["    considered:", ...tried] : [])];
  }
  const alone = m.shape.kind === "mig" ? ` (one replica per whole GPU: ${m.reservedReplicas * wholeGpusPerReplica(m.shape)})` : "";
  const refused = m.considered.filter((c) => !c.accepted).map((c) => `    ${c.label} refused: ${c.reason}`);
  return [`${head}  ${shapeLine(m.shape)}`, ...refused, `${replicas}${alone}`, ...memoryLines(m.shape).map((l) => `    ${l}`)];
}

/** Model → its key in the MIG pictures ("A", "B", …), in plan order. */
function keysOf(plan: FleetPlan): Map<string, string> {
  return new Map(plan.models.map((m, i) => [m.model, modelKey(i)]));
}

function poolHeading(pool: PoolPlacement, plan: FleetPlan): string {
  const s = plan.pools.find((p) => p.pool === pool.pool);
  const quota = s && s.gpusAllowed < s.gpusTotal ? `, quota ${s.gpusAllowed}` : "";
  const solver = s ? `; lower bound ${s.lowerBoundGpus}; solver ${s.solver}` : "";
  return `${pool.pool}  ${pool.gpuModel}${pool.migEnabled ? ", MIG" : ""}: ${s?.gpusUsed ?? 0} of ${s?.gpusTotal ?? 0} GPUs used, ${s?.gpusFree ?? 0} free${quota}${solver}`;
}

function poolBody(pool: PoolPlacement, keys: ReadonlyMap<string, string>): string[] {
  if (pool.migEnabled) return migPicture(pool, keys);
  return pool.nodes.map((node) => `${node.name}: ${node.gpus.map((g) => `${g.index}:${g.model ?? "·"}`).join("  ")}`);
}

/** Replicas placed, the GPUs they hold, and what one replica per whole GPU would take. */
function cost(plan: FleetPlan): { replicas: number; alone: number; line: string } {
  const replicas = plan.models.reduce((s, m) => s + m.reservedReplicas, 0);
  const alone = plan.models.reduce((s, m) => s + (m.shape ? m.reservedReplicas * wholeGpusPerReplica(m.shape) : 0), 0);
  const ratio = alone === 0 ? 1 : plan.gpusUsed / alone;
  const line =
    alone === 0
      ? "Cost: no replicas placed"
      : `Cost: ${plural(replicas, "replica")} on ${plural(plan.gpusUsed, "GPU")}; one replica per whole GPU (TP × PP GPUs each) would take ${plural(alone, "GPU")}: ` +
        `${ratio.toFixed(2)}× the GPUs (${Math.round((1 - ratio) * 100)} % ${ratio <= 1 ? "fewer" : "more"})`;
  return { replicas, alone, line };
}

function summaryLines(plan: FleetPlan): string[] {
  const o = plan.objective;
  const unmet = o.unmetByPriority.length === 0 ? "none" : o.unmetByPriority.map((u) => `${plural(u.replicas, "replica")} at priority ${u.priority}`).join(", ");
  return [
    `Fleet plan: ${plan.gpusUsed} of ${plan.gpusTotal} GPUs used${plan.lowerBoundGpus === null ? "" : ` (lower bound ${plan.lowerBoundGpus})`}; solver ${plan.solver}`,
    `Objective, in order: unmet demand ${unmet}; ${plural(o.gpusDisrupted, "GPU")} disrupted on ${plural(o.nodesDisrupted, "node")}; ${plural(o.gpusUsed, "GPU")} used`,
    `Changes: ${plural(plan.churn.gpusResliced, "GPU")} re-sliced, ${plural(plan.churn.replicasMoved, "replica")} moved; ${plan.disruptive ? "DISRUPTIVE (drains running pods)" : "not disruptive"}`,
    ...plan.solverNotes.map((n) => `Solver: ${n}`),
  ];
}

function unmetLines(plan: FleetPlan): string[] {
  const replicas = plan.unmet.reduce((sum, u) => sum + u.replicas, 0);
  return [replicas === 0 ? "Unmet demand: none" : `Unmet demand: ${plural(replicas, "replica")}`, ...plan.unmet.map((u) => `  ${u.model}: ${plural(u.replicas, "replica")} not placed: ${u.reason}`)];
}

function totalsLine(plan: FleetPlan): string {
  return (
    `Totals: ${plan.models.reduce((s, m) => s + m.reservedReplicas, 0)} replicas reserved of ${plan.models.reduce((s, m) => s + m.requestedReplicas, 0)} requested; ` +
    `${plan.gpusUsed} GPUs used, ${plan.gpusTotal - plan.gpusUsed} free of ${plan.gpusTotal}`
  );
}

function formatText(plan: FleetPlan): string {
  const keys = keysOf(plan);
  const lines: string[] = [
    ...summaryLines(plan),
    "",
    "Models",
    ...plan.models.flatMap(formatModel),
    "",
    "Pools (MIG GPUs: one row per GPU, one column per compute slice)",
    ...plan.placement.flatMap((p) => [`  ${poolHeading(p, plan)}`, ...poolBody(p, keys).map((l) => `    ${l}`)]),
    "",
    ...unmetLines(plan),
    "",
    totalsLine(plan),
    cost(plan).line,
  ];
  return lines.map((l) => l.trimEnd()).join("\n") + "\n";
}

const cellOf = (text: string): string => text.replace(/\|/g, "\\|");

/** One bullet per option the shape search refused (per model, in the order tried; the chosen shape is in the table), as the text view lists them. */
function refusedBullets(plan: FleetPlan): string[] {
  const bullets = plan.models.flatMap((m) =>
    m.shape === null
      ? m.considered.map((c) => `- **${m.model}** (no shape): ${c.label}: ${c.reason}`)
      : m.considered.filter((c) => !c.accepted).map((c) => `- **${m.model}**: ${c.label} refused: ${c.reason}`),
  );
  return bullets.length > 0 ? bullets : ["None: every model took the first option it tried."];
}

function formatMarkdown(plan: FleetPlan): string {
  const keys = keysOf(plan);
  const row = (m: ModelPlan): string => {
    const shape = m.shape === null ? `no shape: ${m.shapeError ?? "?"}` : shapeLine(m.shape);
    const memory = m.shape === null ? "" : memoryLines(m.shape).map((l) => l.replace(/^memory per GPU: /, "")).join("<br>");
    return `| ${[m.model, m.pool, shape, `${m.reservedReplicas} of ${m.requestedReplicas}`, String(m.gpusUsed), memory].map(cellOf).join(" | ")} |`;
  };
  const lines: string[] = [
    "### Fleet plan",
    "",
    ...summaryLines(plan).map((l) => `- ${l}`),
    "",
    "#### Models",
    "",
    "| model | pool | shape | replicas reserved | GPUs held | memory per GPU |",
    "|---|---|---|---|---|---|",
    ...plan.models.map(row),
    "",
    "#### Options refused",
    "",
    ...refusedBullets(plan),
    "",
    "#### Pools",
    ...plan.placement.flatMap((p) => ["", `**${poolHeading(p, plan)}**`, "", "```text", ...poolBody(p, keys), "```"]),
    "",
    "#### Unmet demand",
    "",
    ...(plan.unmet.length === 0 ? ["None."] : plan.unmet.map((u) => `- **${u.model}**: ${plural(u.replicas, "replica")} not placed: ${u.reason}`)),
    "",
    `**${totalsLine(plan)}**`,
    "",
    cost(plan).line,
  ];
  return lines.map((l) => l.trimEnd()).join("\n") + "\n";
}

/** The plan as text (default) or Markdown; lines end with "\n", none with trailing spaces. */
export function formatPlan(plan: FleetPlan, format: PlanFormat = "text"): string {
  return format === "markdown" ? formatMarkdown(plan) : formatText(plan);
}
