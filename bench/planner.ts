/**
 * `npm run bench:planner`: the planner on generated fleets of 8, 64, 256 and 1,000 GPUs with 5 to 200
 * models (bench/planner-fleets.ts). HiGHS is loaded once, before any timing. Per size: the median time of
 * a whole plan (shapes, allocation, exact MIG packing, placement) with HiGHS, GPUs used, the lower bound
 * (LP relaxation rounded up), the gap, which solver answered and whether every MIG pool was proven
 * optimal, the same plan by plain first-fit decreasing, and a re-plan against the current placement with
 * 10 % more demand (stability: GPUs disrupted). Prints whether the goal holds: 1,000 GPUs / 200 models in
 * ≤ 250 ms median, within 1 % of the lower bound. Exit code 1 when it does not.
 */
import { performance } from "node:perf_hooks";
import { planFleet, summarizeShape, type FleetPlan, type PlanFleetInput } from "../lib/planner/index.js";
import { loadMigSolver } from "../lib/solver/index.js";
import { benchFleet } from "./planner-fleets.js";

const SIZES: readonly (readonly [gpus: number, models: number])[] = [
  [8, 5],
  [64, 20],
  [256, 60],
  [1000, 200],
];
const GOAL = { gpus: 1000, models: 200, medianMs: 250, gap: 0.01 } as const;
const WARMUP = 3;
const RUNS = 15;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timed(input: PlanFleetInput): { plan: FleetPlan; medianMs: number } {
  let plan = planFleet(input);
  for (let i = 1; i < WARMUP; i++) planFleet(input);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    plan = planFleet(input);
    times.push(performance.now() - start);
  }
  return { plan, medianMs: median(times) };
}

const pad = (text: string | number, width: number): string => String(text).padStart(width);

const solverStart = performance.now();
const solver = await loadMigSolver();
const loadMs = performance.now() - solverStart;

console.log(`HiGHS loaded and warmed up in ${loadMs.toFixed(0)} ms (once, outside every timing); ${RUNS} timed runs per row after ${WARMUP} warm-up runs; Node ${process.version}`);
console.log("");
const header = ["GPUs", "models", "replicas", "median ms", "GPUs used", "lower bound", "gap", "solver", "proven", "FFD GPUs", "FFD ms", "vs FFD", "unmet", "replan ms", "disrupted"];
const widths = [6, 7, 9, 10, 10, 12, 7, 8, 7, 9, 7, 7, 6, 10, 10];
console.log(header.map((h, i) => pad(h, widths[i]!)).join(" "));

let goalMet: boolean | null = null;
for (const [gpus, models] of SIZES) {
  const fleet = benchFleet(gpus, models);
  const base = { config: fleet.config, desiredReplicas: fleet.desiredReplicas, current: null };
  const exact = timed({ ...base, solver });
  const ffd = timed(base);
  const grown = Object.fromEntries(Object.entries(fleet.desiredReplicas).map(([m, n], i) => [m, i % 3 === 0 ? Math.ceil(n * 1.1) : n]));
  const current = { placement: exact.plan.placement, shapes: Object.fromEntries(exact.plan.models.map((m) => [m.model, m.shape && summarizeShape(m.shape)])) };
  const replan = timed({ config: fleet.config, desiredReplicas: grown, current, solver });

  const { plan } = exact;
  const lowerBound = plan.lowerBoundGpus ?? plan.gpusUsed;
  const gap = lowerBound === 0 ? 0 : (plan.gpusUsed - lowerBound) / lowerBound;
  const proven = plan.solverNotes.length > 0 && plan.solverNotes.every((n) => n.includes("proven optimal"));
  const replicas = plan.models.reduce((n, m) => n + m.reservedReplicas, 0);
  const unmet = plan.unmet.reduce((n, u) => n + u.replicas, 0);
  const row = [
    gpus,
    models,
    replicas,
    exact.medianMs.toFixed(1),
    plan.gpusUsed,
    lowerBound,
    `${(gap * 100).toFixed(1)}%`,
    plan.solver === "highs" ? "highs" : "ffd",
    proven ? "yes" : "no",
    ffd.plan.gpusUsed,
    ffd.medianMs.toFixed(1),
    (plan.gpusUsed / ffd.plan.gpusUsed).toFixed(3),
    unmet,
    replan.medianMs.toFixed(1),
    replan.plan.objective.gpusDisrupted,
  ];
  console.log(row.map((c, i) => pad(c, widths[i]!)).join(" "));
  if (gpus === GOAL.gpus && models === GOAL.models) goalMet = exact.medianMs <= GOAL.medianMs && gap <= GOAL.gap && plan.solver === "highs";
}

console.log("");
console.log("gap = (GPUs used − lower bound) ÷ lower bound; vs FFD = GPUs used ÷ GPUs of plain first-fit decreasing;");
console.log("proven = every MIG pool's packing proven optimal by HiGHS; replan = +10 % demand on every third model against the plan above.");

// Shortage: demand at 115 % of every pool; higher priorities first, the rest in proportion (allocate-replicas.ts, mig-packing.ts).
console.log("");
console.log("Shortage (desired replicas ≈ 115 % of every pool): unmet replicas by priority, HiGHS vs plain first-fit decreasing");
const unmetText = (plan: FleetPlan): string => plan.objective.unmetByPriority.map((u) => `${u.replicas}@p${u.priority}`).join(" ") || "none";
for (const [gpus, models] of SIZES.slice(1)) {
  const fleet = benchFleet(gpus, models, { load: 1.15 });
  const base = { config: fleet.config, desiredReplicas: fleet.desiredReplicas, current: null };
  const exact = timed({ ...base, solver });
  const ffd = timed(base);
  const requested = Object.values(fleet.desiredReplicas).reduce((a, b) => a + b, 0);
  console.log(
    `${pad(gpus, 6)} GPUs ${pad(models, 4)} models ${pad(requested, 5)} requested: HiGHS ${exact.medianMs.toFixed(1)} ms, unmet ${unmetText(exact.plan)}; ` +
      `first-fit ${ffd.medianMs.toFixed(1)} ms, unmet ${unmetText(ffd.plan)}`,
  );
}
console.log(
  `Goal: ${GOAL.gpus} GPUs / ${GOAL.models} models in ≤ ${GOAL.medianMs} ms median, within ${GOAL.gap * 100} % of the lower bound: ${goalMet ? "MET" : "NOT MET"}`,
);
if (!goalMet) process.exitCode = 1;
