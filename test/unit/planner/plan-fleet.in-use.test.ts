// GPUs that run replicas now (DESIGN.md 5.3, 5.5): a kept layout keeps its replicas on their instances; not
// keeping the layout of a GPU in use is a disruption; nothing sliced beyond quotaGpus or the inventory.
// The quick start of README on manifests/fleet.yaml (pool a100: 2 nodes × 8 A100-80GB, MIG) is the case.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { loadFleetConfig, type FleetConfig } from "../../../lib/config/index.js";
import { planFleet, summarizeShape, type FleetPlan, type MigSolver, type PoolPlacement } from "../../../lib/planner/index.js";
import { testSolver } from "./solver.js";

const FLEET = readFileSync(new URL("../../../manifests/fleet.yaml", import.meta.url), "utf8");
const INITIAL = { "llama-3-8b-awq": 2, "llama-3-8b": 1, "llama-3-70b": 1 };
const RAISED = { ...INITIAL, "llama-3-8b-awq": 6 };

/** "profile@start:model" per GPU of a pool ("" for a GPU without instances). */
function layouts(pool: PoolPlacement): string[] {
  return pool.nodes.flatMap((n) => n.gpus.map((g) => (g.migInstances === null ? `whole:${g.model ?? "-"}` : g.migInstances.map((i) => `${i.profile}@${i.start}:${i.model ?? "-"}`).join(" "))));
}

/** GPUs of a pool that have MIG instances or hold a replica: what the rendered mig-parted config and the scheduler see. */
function slicedOrHolding(pool: PoolPlacement): number {
  return pool.nodes.flatMap((n) => n.gpus).filter((g) => g.model !== null || (g.migInstances?.length ?? 0) > 0).length;
}

function next(config: FleetConfig, desired: Record<string, number>, current: FleetPlan, solver: MigSolver | null): FleetPlan {
  const shapes = Object.fromEntries(current.models.map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
  return planFleet({ config, desiredReplicas: desired, current: { placement: current.placement, shapes }, solver });
}

const a100 = (plan: FleetPlan): PoolPlacement => plan.placement.find((p) => p.pool === "a100")!;

describe("GPUs in use: the quick start on manifests/fleet.yaml", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  describe.each([
    ["HiGHS", true],
    ["first-fit decreasing", false],
  ] as const)("with %s", (_, withSolver) => {
    it("keeps the replicas of GPU 0 on their instances when llama-3-8b-awq goes 2 → 6, and counts the GPU it adds", () => {
      const config = loadFleetConfig(FLEET);
      const first = planFleet({ config, desiredReplicas: INITIAL, current: null, solver: withSolver ? solver : null });

      const raised = next(config, RAISED, first, withSolver ? solver : null);

      const before = a100(first).nodes[0]!.gpus[0]!.migInstances!;
      const after = a100(raised).nodes[0]!.gpus[0]!.migInstances!;
      expect(before.filter((i) => i.model !== null).map((i) => i.model)).toEqual(["llama-3-8b-awq", "llama-3-8b-awq", "llama-3-8b"]);
      for (const inst of before.filter((i) => i.model !== null)) expect(after).toContainEqual(inst);
      expect(raised.models.map((m) => [m.model, m.reservedReplicas])).toEqual([["llama-3-8b-awq", 6], ["llama-3-8b", 1], ["llama-3-70b", 1]]);
      expect(raised.churn.replicasMoved).toBe(0);
      expect(raised.disruptive).toBe(false);
      expect(raised.pools.find((p) => p.pool === "a100")!.gpusUsed).toBe(2);
      expect(raised.gpusUsed).toBe(first.gpusUsed + 1);
      expect(slicedOrHolding(a100(raised))).toBe(2);
    });
  });

  it("with HiGHS keeps GPU 0's layout exactly and puts the 4 new replicas on GPU 1", () => {
    const config = loadFleetConfig(FLEET);
    const first = planFleet({ config, desiredReplicas: INITIAL, current: null, solver });

    const raised = next(config, RAISED, first, solver);

    expect(layouts(a100(first))[0]).toBe("1g.10gb@0:llama-3-8b-awq 1g.10gb@1:llama-3-8b-awq 1g.20gb@2:llama-3-8b 1g.20gb@4:- 1g.20gb@6:-");
    expect(layouts(a100(raised))[0]).toBe(layouts(a100(first))[0]);
    expect(layouts(a100(raised))[1]).toMatch(/^(1g\.10gb@\d:llama-3-8b-awq ){4}/);
    expect(layouts(a100(raised)).slice(2).every((l) => l === "")).toBe(true);
    expect(raised.churn.gpusResliced).toBe(1);
  });

  it("with HiGHS and quotaGpus: 1, re-slices GPU 0 in place (disruptive) and slices no second GPU", () => {
    const config = loadFleetConfig(FLEET.replace("quotaGpus: null", "quotaGpus: 1"));
    const first = planFleet({ config, desiredReplicas: INITIAL, current: null, solver });

    const raised = next(config, RAISED, first, solver);

    expect(slicedOrHolding(a100(raised))).toBe(1);
    expect(layouts(a100(raised)).slice(1).every((l) => l === "")).toBe(true);
    expect(raised.disruptive).toBe(true);
    expect(raised.objective).toMatchObject({ unmetByPriority: [], gpusDisrupted: 1, nodesDisrupted: 1 });
    expect(raised.pools.find((p) => p.pool === "a100")!.gpusUsed).toBe(1);
    // The running replicas go back to the instances they held where the new layout has them.
    expect(layouts(a100(raised))[0]).toMatch(/^1g\.10gb@0:llama-3-8b-awq 1g\.10gb@1:llama-3-8b-awq /);
  });
});
