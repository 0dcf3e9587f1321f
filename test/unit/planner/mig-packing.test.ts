import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { enumerateMigInstanceSets, gpuSpecOf } from "../../../lib/catalog/index.js";
import type { GpuModelId } from "../../../lib/config/index.js";
import type { MigSolver } from "../../../lib/planner/index.js";
import { maximalInstanceSets, solveMigPacking, type MigModelDemand } from "../../../lib/planner/mig-packing.js";
import { createPoolState } from "../../../lib/planner/pool-state.js";
import { fleetOf } from "./fleet-builders.js";
import { testSolver } from "./solver.js";

const GPUS: readonly GpuModelId[] = ["A100-80GB", "A100-40GB", "H100-NVL-94GB", "H200-141GB", "A30-24GB"];

function poolState(gpu: GpuModelId, gpusPerNode: number) {
  const config = fleetOf([{ name: "p", gpu, nodes: 1, gpusPerNode, mig: { enabled: true, labelMode: "nodePool" } }], []);
  return createPoolState(config.pools[0]!, undefined);
}

/** Instances of each profile that `combination` (instance sets, one per GPU) holds. */
function countsOf(gpu: GpuModelId, combination: readonly number[]): Map<string, number> {
  const sets = enumerateMigInstanceSets(gpu);
  const counts = new Map<string, number>();
  for (const i of combination) for (const [p, n] of Object.entries(sets[i]!.counts)) counts.set(p, (counts.get(p) ?? 0) + n);
  return counts;
}

/** Every multiset of `k` indices below `count`. */
function* combinations(count: number, k: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (k === 0) return yield chosen;
  for (let i = from; i < count; i++) yield* combinations(count, k - 1, i, [...chosen, i]);
}

/**
 * Fewest GPUs whose layouts hold `demand` (profile → instances), trying every combination of every valid
 * instance set of the GPU model (not only the maximal ones the solver uses); null above `maxGpus`. Sets
 * are compared by the demanded profiles they hold (others do not matter), so equal ones are tried once.
 */
function fewestGpusByBruteForce(gpu: GpuModelId, demand: Readonly<Record<string, number>>, maxGpus: number): number | null {
  const profiles = Object.keys(demand);
  const vectors = [...new Set(enumerateMigInstanceSets(gpu).map((s) => profiles.map((p) => s.counts[p] ?? 0).join(",")))].map((v) => v.split(",").map(Number));
  for (let k = 0; k <= maxGpus; k++) {
    for (const combination of combinations(vectors.length, k)) {
      if (profiles.every((p, i) => combination.reduce((n, j) => n + vectors[j]![i]!, 0) >= demand[p]!)) return k;
    }
  }
  return null;
}

/** Best (higher tier's compute slices, then lower tier's) placeable on `gpus` GPUs, by trying every combination. */
function bestSlicesByBruteForce(gpu: GpuModelId, demands: readonly MigModelDemand[], gpus: number): [number, number] {
  const spec = gpuSpecOf(gpu);
  const slices = (p: string): number => spec.migProfiles.find((x) => x.name === p)!.computeSlices;
  const setCount = enumerateMigInstanceSets(gpu).length;
  let best: [number, number] = [0, 0];
  for (let k = 0; k <= gpus; k++) {
    for (const combination of combinations(setCount, k)) {
      const counts = countsOf(gpu, combination);
      const score: [number, number] = [0, 0];
      for (const [tier, priority] of [[0, 1], [1, 0]] as const) {
        for (const d of demands.filter((x) => x.priority === priority)) {
          const take = Math.min(d.desired, counts.get(d.profile) ?? 0);
          counts.set(d.profile, (counts.get(d.profile) ?? 0) - take);
          score[tier] += take * slices(d.profile);
        }
      }
      if (score[0] > best[0] || (score[0] === best[0] && score[1] > best[1])) best = score;
    }
  }
  return best;
}

const demandArb = fc.constantFrom(...GPUS).chain((gpu) =>
  fc.record({
    gpu: fc.constant(gpu),
    counts: fc.array(fc.nat({ max: 3 }), { minLength: gpuSpecOf(gpu).migProfiles.length, maxLength: gpuSpecOf(gpu).migProfiles.length }),
    priorities: fc.array(fc.constantFrom(0, 1), { minLength: gpuSpecOf(gpu).migProfiles.length, maxLength: gpuSpecOf(gpu).migProfiles.length }),
  }),
);

function demandsOf(gpu: GpuModelId, counts: readonly number[], priorities: readonly number[], placed: "all" | "none"): MigModelDemand[] {
  return gpuSpecOf(gpu)
    .migProfiles.map((p, i) => ({ model: `m${i}`, priority: priorities[i]!, profile: p.name, desired: counts[i]!, placed: placed === "all" ? counts[i]! : 0, minPlaced: 0 }))
    .filter((d) => d.desired > 0);
}

describe("maximalInstanceSets", () => {
  it.each([
    ["A100-80GB", 28],
    ["A30-24GB", 4],
  ] as const)("keeps the %s instance sets no other valid set contains (%i of them)", (gpu, expected) => {
    const state = poolState(gpu, 1);
    const profiles = gpuSpecOf(gpu).migProfiles.map((p) => p.name);

    const sets = maximalInstanceSets(state, profiles);

    expect(sets).toHaveLength(expected);
    for (const s of enumerateMigInstanceSets(gpu)) expect(sets.some((m) => profiles.every((p) => (s.counts[p] ?? 0) <= (m.counts[p] ?? 0)))).toBe(true);
  });

  it("restricted to 1g.10gb and 3g.40gb on an A100-80GB: 7 × 1g, 4 × 1g + 3g, 2 × 3g", () => {
    const sets = maximalInstanceSets(poolState("A100-80GB", 1), ["1g.10gb", "3g.40gb"]);

    expect(sets.map((s) => s.counts)).toEqual(expect.arrayContaining([{ "1g.10gb": 7 }, { "1g.10gb": 4, "3g.40gb": 1 }, { "3g.40gb": 2 }]));
    expect(sets).toHaveLength(3);
  });
});

describe("solveMigPacking against brute force", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  it("uses as few GPUs as the best combination of valid instance sets (every set, not only maximal ones), on 3 GPUs", () => {
    fc.assert(
      fc.property(demandArb, ({ gpu, counts, priorities }) => {
        const demands = demandsOf(gpu, counts, priorities, "all");
        const demand = Object.fromEntries(demands.map((d) => [d.profile, d.desired]));
        const fewest = fewestGpusByBruteForce(gpu, demand, 3);
        fc.pre(demands.length > 0 && fewest !== null);

        const result = solveMigPacking(poolState(gpu, 3), demands, solver, 5);

        if (!result.ok) throw new Error(result.reason);
        const { solution } = result;
        expect(solution.slice.reduce((n, s) => n + s.gpus, 0)).toBe(fewest);
        expect(solution.proven).toBe(true);
        expect(solution.lowerBoundGpus).toBeLessThanOrEqual(fewest!);
        for (const d of demands) {
          const held = solution.slice.reduce((n, s) => n + s.gpus * (s.set.counts[d.profile] ?? 0), 0);
          expect(held).toBeGreaterThanOrEqual(d.desired);
        }
      }),
      { numRuns: 80, seed: 31 },
    );
  });

  it("places as many compute slices of the higher tier, then of the lower, as the best combination on 2 GPUs when demand exceeds them", () => {
    fc.assert(
      fc.property(demandArb, ({ gpu, counts, priorities }) => {
        const demands = demandsOf(gpu, counts, priorities, "none");
        fc.pre(demands.length > 0);
        const spec = gpuSpecOf(gpu);
        const slices = (p: string): number => spec.migProfiles.find((x) => x.name === p)!.computeSlices;

        const result = solveMigPacking(poolState(gpu, 2), demands, solver, 5);

        if (!result.ok) throw new Error(result.reason);
        const placedSlices = [1, 0].map((priority) =>
          [...result.solution.groupReplicas].filter(([key]) => key.startsWith(`${priority}/`)).reduce((n, [key, r]) => n + r * slices(key.split("/")[1]!), 0),
        );
        expect(placedSlices).toEqual(bestSlicesByBruteForce(gpu, demands, 2));
        expect(result.solution.slice.reduce((n, s) => n + s.gpus, 0)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 40, seed: 32 },
    );
  });
});
