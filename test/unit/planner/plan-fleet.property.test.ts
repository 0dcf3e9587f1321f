import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isValidMigLayout } from "../../../lib/catalog/index.js";
import type { FleetConfig, GpuModelId } from "../../../lib/config/index.js";
import { planFleet, summarizeShape, type FleetPlan, type MigSolver } from "../../../lib/planner/index.js";
import { clampedDemand, generatedFleet, type ModelInput } from "./fleet-builders.js";
import { testSolver } from "./solver.js";

const poolArb = fc.record({
  gpu: fc.constantFrom<GpuModelId>("A100-80GB", "H100-80GB", "A30-24GB", "H200-141GB", "A100-40GB"),
  nodes: fc.integer({ min: 1, max: 3 }),
  gpusPerNode: fc.integer({ min: 1, max: 8 }),
  migEnabled: fc.boolean(),
  quota: fc.option(fc.integer({ min: 0, max: 24 }), { nil: null }),
});

const modelArb = fc.record({
  architecture: fc.constantFrom("llama-3-8b", "mistral-7b", "llama-3-70b", "qwen2.5-72b", "mixtral-8x7b") as fc.Arbitrary<ModelInput["architecture"]>,
  quantization: fc.constantFrom("none", "awq", "fp8") as fc.Arbitrary<ModelInput["quantization"]>,
  maxModelLen: fc.constantFrom(2048, 4096, 8192),
  minConcurrency: fc.integer({ min: 1, max: 3 }),
  placement: fc.constantFrom("auto", "auto", "gpu", "mig") as fc.Arbitrary<ModelInput["placement"]>,
  priority: fc.integer({ min: 0, max: 3 }),
  min: fc.integer({ min: 0, max: 2 }),
  extra: fc.integer({ min: 0, max: 5 }),
  pool: fc.nat(),
  desired: fc.array(fc.nat({ max: 8 }), { minLength: 2, maxLength: 2 }),
});

const fleetArb = fc.record({ pools: fc.array(poolArb, { minLength: 1, maxLength: 2 }), models: fc.array(modelArb, { minLength: 1, maxLength: 5 }) });
type Fleet = typeof fleetArb extends fc.Arbitrary<infer T> ? T : never;

function build(f: Fleet): { config: FleetConfig; desired: Record<string, number>[] } {
  const config = generatedFleet(f.pools, f.models);
  const desired = [0, 1].map((k) => Object.fromEntries(f.models.map((m, i) => [`m${i}`, clampedDemand(m, m.desired[k]!)])));
  return { config, desired };
}

/** Every invariant a plan must keep whatever the demand (DESIGN.md 7: never more GPUs, slices or quota than the inventory). */
function checkInvariants(config: FleetConfig, desired: Record<string, number>, plan: FleetPlan): void {
  for (const pool of plan.placement) {
    const cfg = config.pools.find((p) => p.name === pool.pool)!;
    let used = 0;
    for (const node of pool.nodes) {
      for (const gpu of node.gpus) {
        if (!cfg.mig.enabled) expect(gpu.migInstances).toBeNull();
        if (gpu.migInstances !== null) {
          expect(isValidMigLayout(cfg.gpu, gpu.migInstances)).toBe(true);
          expect(gpu.model).toBeNull(); // a sliced GPU is never also held whole
        }
        if (gpu.model !== null || gpu.migInstances?.some((i) => i.model !== null)) used++;
      }
    }
    const summary = plan.pools.find((p) => p.pool === pool.pool)!;
    expect(summary.gpusUsed).toBe(used);
    expect(used).toBeLessThanOrEqual(cfg.quotaGpus ?? Infinity);
    expect(used).toBeLessThanOrEqual(cfg.nodes * cfg.gpusPerNode);
  }
  for (const m of plan.models) {
    expect(m.reservedReplicas).toBeLessThanOrEqual(desired[m.model]!);
    const unmet = plan.unmet.find((u) => u.model === m.model);
    expect(unmet?.replicas ?? 0).toBe(m.requestedReplicas - m.reservedReplicas);
    const pool = plan.placement.find((p) => p.pool === m.pool)!;
    const others = plan.placement.filter((p) => p.pool !== m.pool);
    expect(others.flatMap((p) => p.nodes.flatMap((n) => n.gpus)).some((g) => g.model === m.model || g.migInstances?.some((i) => i.model === m.model))).toBe(false);
    const instances = pool.nodes.flatMap((n) => n.gpus.flatMap((g) => g.migInstances ?? [])).filter((i) => i.model === m.model);
    const wholePerNode = pool.nodes.map((n) => n.gpus.filter((g) => g.model === m.model).length);
    const whole = wholePerNode.reduce((a, b) => a + b, 0);
    if (m.shape === null) {
      expect(m.reservedReplicas).toBe(0);
    } else if (m.shape.kind === "mig") {
      expect(instances).toHaveLength(m.reservedReplicas);
      expect(instances.every((i) => i.profile === (m.shape as { migProfile: string }).migProfile)).toBe(true);
    } else if (m.shape.kind === "gpu") {
      expect(whole).toBe(m.reservedReplicas * m.shape.tensorParallelSize);
      expect(wholePerNode.every((n) => n % m.shape!.tensorParallelSize === 0)).toBe(true); // TP stays inside a node
    } else {
      expect(whole).toBe(m.reservedReplicas * m.shape.tensorParallelSize * m.shape.pipelineParallelSize);
      expect(wholePerNode.every((n) => n === 0 || n === m.shape!.tensorParallelSize)).toBe(true); // whole nodes only
    }
  }
}

describe("planFleet properties", () => {
  it("never oversubscribes a GPU, node, pool or quota, and never places more than desired, with or without a current plan", () => {
    fc.assert(
      fc.property(fleetArb, (f) => {
        const { config, desired } = build(f);

        const first = planFleet({ config, desiredReplicas: desired[0]!, current: null });
        const shapes = Object.fromEntries(first.models.map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
        const second = planFleet({ config, desiredReplicas: desired[1]!, current: { placement: first.placement, shapes } });

        checkInvariants(config, desired[0]!, first);
        checkInvariants(config, desired[1]!, second);
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it("never oversubscribes anything with HiGHS either, and uses no more GPUs than first-fit decreasing when that meets all demand", async () => {
    const solver: MigSolver = await testSolver();
    fc.assert(
      fc.property(fleetArb, (f) => {
        const { config, desired } = build(f);

        const ffd = planFleet({ config, desiredReplicas: desired[0]!, current: null });
        const first = planFleet({ config, desiredReplicas: desired[0]!, current: null, solver });
        const shapes = Object.fromEntries(first.models.map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
        const second = planFleet({ config, desiredReplicas: desired[1]!, current: { placement: first.placement, shapes }, solver });

        checkInvariants(config, desired[0]!, first);
        checkInvariants(config, desired[1]!, second);
        if (ffd.unmet.length === 0) {
          expect(first.unmet).toEqual([]);
          expect(first.gpusUsed).toBeLessThanOrEqual(ffd.gpusUsed);
        }
        expect(first.lowerBoundGpus).toBeLessThanOrEqual(first.gpusUsed);
      }),
      { numRuns: 150, seed: 20240602 },
    );
  });

  it("gives the same plan twice for the same input", () => {
    fc.assert(
      fc.property(fleetArb, (f) => {
        const { config, desired } = build(f);

        const a = planFleet({ config, desiredReplicas: desired[0]!, current: null });
        const b = planFleet({ config, desiredReplicas: desired[0]!, current: null });

        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it("gives the same plan twice for the same input with HiGHS", async () => {
    const solver = await testSolver();
    fc.assert(
      fc.property(fleetArb, (f) => {
        const { config, desired } = build(f);

        const a = planFleet({ config, desiredReplicas: desired[0]!, current: null, solver });
        const b = planFleet({ config, desiredReplicas: desired[0]!, current: null, solver });

        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 40, seed: 8 },
    );
  });
});
