// Invariants over sequences of plans (DESIGN.md 5.3, 5.5, 7): each plan's placement is fed back as the
// current one while the demand changes, as the controller does, with HiGHS and with first-fit decreasing.
import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isValidMigLayout } from "../../../lib/catalog/index.js";
import type { FleetConfig, GpuModelId } from "../../../lib/config/index.js";
import { planFleet, summarizeShape, type FleetPlan, type GpuPlacement, type MigSolver } from "../../../lib/planner/index.js";
import { clampedDemand, generatedFleet, type ModelInput } from "./fleet-builders.js";
import { testSolver } from "./solver.js";

const poolArb = fc.record({
  gpu: fc.constantFrom<GpuModelId>("A100-80GB", "A100-80GB", "H100-80GB", "A30-24GB", "A100-40GB"),
  nodes: fc.integer({ min: 1, max: 2 }),
  gpusPerNode: fc.integer({ min: 1, max: 4 }),
  migEnabled: fc.constantFrom(true, true, true, false),
  quota: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
});

const modelArb = fc.record({
  architecture: fc.constantFrom("llama-3-8b", "llama-3-8b", "mistral-7b", "llama-3-70b") as fc.Arbitrary<ModelInput["architecture"]>,
  quantization: fc.constantFrom("none", "awq", "awq", "fp8") as fc.Arbitrary<ModelInput["quantization"]>,
  maxModelLen: fc.constantFrom(2048, 4096, 8192),
  minConcurrency: fc.integer({ min: 1, max: 4 }),
  placement: fc.constantFrom("auto", "auto", "auto", "gpu") as fc.Arbitrary<ModelInput["placement"]>,
  priority: fc.integer({ min: 0, max: 2 }),
  min: fc.integer({ min: 0, max: 1 }),
  extra: fc.integer({ min: 0, max: 9 }),
  pool: fc.nat(),
});

const caseArb = fc
  .record({ pools: fc.array(poolArb, { minLength: 1, maxLength: 2 }), models: fc.array(modelArb, { minLength: 1, maxLength: 4 }) })
  .chain((fleet) =>
    fc.record({
      fleet: fc.constant(fleet),
      steps: fc.array(
        fc.record({
          demand: fc.array(fc.nat({ max: 10 }), { minLength: fleet.models.length, maxLength: fleet.models.length }),
          // fleet.yaml edited between decisions: a pool's quotaGpus set, changed or dropped (undefined: unchanged).
          quotas: fc.array(fc.option(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }), { nil: undefined, freq: 3 }), { minLength: fleet.pools.length, maxLength: fleet.pools.length }),
        }),
        { minLength: 2, maxLength: 5 },
      ),
    }),
  );
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** The config and the desired reserves of every step. */
function build(c: Case): { config: FleetConfig; desired: Record<string, number> }[] {
  const quotas = c.fleet.pools.map((p) => p.quota);
  return c.steps.map((step) => {
    step.quotas.forEach((q, i) => q !== undefined && (quotas[i] = q));
    return { config: generatedFleet(c.fleet.pools, c.fleet.models, quotas), desired: Object.fromEntries(c.fleet.models.map((m, i) => [`m${i}`, clampedDemand(m, step.demand[i]!)])) };
  });
}

const holds = (g: GpuPlacement): boolean => g.model !== null || (g.migInstances ?? []).some((i) => i.model !== null);
const sliced = (g: GpuPlacement): boolean => (g.migInstances?.length ?? 0) > 0;
const layoutOf = (g: GpuPlacement): string => (g.migInstances === null ? "whole" : g.migInstances.map((i) => `${i.profile}@${i.start}`).sort().join(","));

/** GPUs of the placement by "pool/node/index". */
function gpusOf(plan: FleetPlan): Map<string, GpuPlacement> {
  return new Map(plan.placement.flatMap((p) => p.nodes.flatMap((n) => n.gpus.map((g) => [`${p.pool}/${n.name}/${g.index}`, g] as const))));
}

function countByModel(plan: FleetPlan): Map<string, number> {
  return new Map(plan.models.map((m) => [m.model, m.reservedReplicas]));
}

/** The invariants of one plan `next` made from `previous` (null: the first plan). */
function checkStep(config: FleetConfig, previous: FleetPlan | null, next: FleetPlan, strictStay: boolean): void {
  // (a) What is rendered — GPUs with MIG instances, or holding a replica — stays within quotaGpus and the inventory.
  for (const pool of next.placement) {
    const cfg = config.pools.find((p) => p.name === pool.pool)!;
    const gpus = pool.nodes.flatMap((n) => n.gpus);
    for (const g of gpus) if (g.migInstances !== null) expect(isValidMigLayout(cfg.gpu, g.migInstances)).toBe(true);
    expect(gpus.filter((g) => sliced(g) || holds(g)).length).toBeLessThanOrEqual(Math.min(cfg.quotaGpus ?? Infinity, cfg.nodes * cfg.gpusPerNode));
    // (c) gpusUsed is the GPUs that hold replicas.
    expect(next.pools.find((p) => p.pool === pool.pool)!.gpusUsed).toBe(gpus.filter(holds).length);
  }
  const holding = [...gpusOf(next).values()].filter(holds).length;
  expect(next.gpusUsed).toBe(holding);
  expect(next.objective.gpusUsed).toBe(holding);
  if (previous === null) return;

  const before = gpusOf(previous);
  const after = gpusOf(next);
  const was = countByModel(previous);
  const now = countByModel(next);
  const sameShape = (model: string): boolean => {
    const a = previous.models.find((m) => m.model === model)?.shape;
    const b = next.models.find((m) => m.model === model)?.shape;
    return a != null && b != null && JSON.stringify(summarizeShape(a)) === JSON.stringify(summarizeShape(b));
  };
  const lostOnKept = new Map<string, number>();
  let changedInUse = 0;
  for (const [key, old] of before) {
    const g = after.get(key)!;
    if (layoutOf(old) !== layoutOf(g)) {
      if (holds(old)) changedInUse++;
      continue;
    }
    if (g.migInstances === null) continue;
    for (const inst of old.migInstances!) {
      if (inst.model === null) continue;
      const same = g.migInstances.find((i) => i.start === inst.start && i.profile === inst.profile)!;
      if (same.model !== inst.model) lostOnKept.set(inst.model, (lostOnKept.get(inst.model) ?? 0) + 1);
    }
  }
  // (b) Replicas on a GPU whose layout is kept stay on their instances, unless the model shrank (or changed shape),
  // or — first-fit decreasing under a quota — the plan counts them as moved.
  for (const [model, lost] of lostOnKept) {
    if (!sameShape(model)) continue;
    const shrank = Math.max(0, (was.get(model) ?? 0) - (now.get(model) ?? 0));
    if (lost > shrank) {
      if (strictStay) throw new Error(`${model}: ${lost} replicas left GPUs whose layout is kept; it shrank by ${shrank}`);
      expect(next.churn.replicasMoved).toBeGreaterThanOrEqual(lost - shrank);
    }
  }
  // (d) Changing the layout of a GPU that held a replica is disruptive, and counted.
  if (changedInUse > 0) expect(next.disruptive).toBe(true);
  expect(next.objective.gpusDisrupted).toBe(changedInUse);
}

function runSequence(steps: readonly { config: FleetConfig; desired: Record<string, number> }[], solver: MigSolver | null): void {
  let current: FleetPlan | null = null;
  for (const { config, desired } of steps) {
    const shapes: Record<string, ReturnType<typeof summarizeShape> | null> = Object.fromEntries((current?.models ?? []).map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
    const plan: FleetPlan = planFleet({ config, desiredReplicas: desired, current: current && { placement: current.placement, shapes }, solver });
    checkStep(config, current, plan, solver !== null);
    current = plan;
  }
}

describe("planFleet over sequences of demand", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  it("with HiGHS: nothing sliced beyond quota or inventory, kept GPUs keep their replicas, gpusUsed = GPUs holding replicas, re-slicing a GPU in use is disruptive", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        runSequence(build(c), solver);
      }),
      { numRuns: 200, seed: 20261129 },
    );
  });

  it("with first-fit decreasing: the same, moves off kept GPUs only when counted", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        runSequence(build(c), null);
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
