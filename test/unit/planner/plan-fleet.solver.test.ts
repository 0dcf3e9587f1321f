import { beforeAll, describe, expect, it } from "@jest/globals";
import { planFleet, summarizeShape, type FleetPlan, type MigSolver } from "../../../lib/planner/index.js";
import { fleetOf, type ModelInput, type PoolInput } from "./fleet-builders.js";
import { testSolver } from "./solver.js";

const mig = { enabled: true, labelMode: "nodePool" } as const;
// Shapes on A100-80GB (arithmetic in shape.test.ts): 4-bit Llama-3-8B at 4096 × 2 → 1g.10gb; Mistral-7B bf16 at 8192 × 4 → 3g.40gb
// (weights 13.5 GiB + 1.5 overhead + 4 GiB of KV exceed 1g.20gb's 0.9 × 19.5 = 17.55 GiB).
const ONE_G: Omit<ModelInput, "name"> = { architecture: "llama-3-8b", quantization: "awq", maxModelLen: 4096, minConcurrency: 2, replicas: { min: 0 } };
const THREE_G: Omit<ModelInput, "name"> = { architecture: "mistral-7b", maxModelLen: 8192, minConcurrency: 4, replicas: { min: 0 } };
const WHOLE_8B: Omit<ModelInput, "name"> = { architecture: "llama-3-8b", maxModelLen: 8192, placement: "gpu", replicas: { min: 0 } };

function layouts(plan: FleetPlan, pool: string): string[] {
  const p = plan.placement.find((x) => x.pool === pool)!;
  return p.nodes.flatMap((n) =>
    n.gpus.map((g) => (g.migInstances === null ? `whole:${g.model ?? "-"}` : g.migInstances.map((i) => `${i.profile}@${i.start}:${i.model ?? "-"}`).join(" "))),
  );
}

function reserved(plan: FleetPlan): Record<string, number> {
  return Object.fromEntries(plan.models.map((m) => [m.model, m.reservedReplicas]));
}

describe("planFleet with HiGHS", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  const a100 = (gpus: number, extra: Partial<PoolInput> = {}): PoolInput[] => [{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: gpus, mig, ...extra }];
  const models: ModelInput[] = [{ name: "small", ...ONE_G }, { name: "mid", ...THREE_G }];
  const plan = (pools: PoolInput[], ms: ModelInput[], desired: Record<string, number>, current: FleetPlan | null = null, withSolver: MigSolver | null = solver): FleetPlan =>
    planFleet({
      config: fleetOf(pools, ms),
      desiredReplicas: desired,
      current: current && { placement: current.placement, shapes: Object.fromEntries(current.models.map((m) => [m.model, m.shape && summarizeShape(m.shape)])) },
      solver: withSolver,
    });

  it("puts a 3g.40gb beside 4 × 1g.10gb on one A100-80GB where first-fit decreasing needs two (its 3g at start 0 leaves 1g starts 4, 5, 6)", () => {
    const ffd = plan(a100(2), models, { small: 4, mid: 1 }, null, null);

    const exact = plan(a100(2), models, { small: 4, mid: 1 });

    expect(ffd.gpusUsed).toBe(2);
    expect(exact.gpusUsed).toBe(1);
    expect(layouts(exact, "a100")[0]).toBe("1g.10gb@0:small 1g.10gb@1:small 1g.10gb@2:small 1g.10gb@3:small 3g.40gb@4:mid");
    expect(exact).toMatchObject({ solver: "highs", lowerBoundGpus: 1, unmet: [] });
    expect(exact.pools[0]).toMatchObject({ solver: "highs", lowerBoundGpus: 1, gpusUsed: 1 });
    expect(exact.solverNotes[0]).toMatch(/^pool a100: HiGHS proven optimal in \d solves?; MIG GPUs ≥ 1 \(LP bound\)$/);
    expect(exact.objective).toEqual({ unmetByPriority: [], gpusDisrupted: 0, nodesDisrupted: 0, gpusUsed: 1 });
  });

  it("counts one solver call as 1 solve", () => {
    const result = plan(a100(1), [{ name: "small", ...ONE_G }], { small: 7 });

    expect(result.solverNotes).toEqual(["pool a100: HiGHS proven optimal in 1 solve; MIG GPUs ≥ 1 (LP bound)"]);
  });

  it("places the replica first-fit decreasing leaves unmet on a full pool (1 GPU: 3g + 4 × 1g fit, first fit holds 3g + 3 × 1g)", () => {
    const ffd = plan(a100(1), models, { small: 4, mid: 1 }, null, null);

    const exact = plan(a100(1), models, { small: 4, mid: 1 });

    expect(reserved(ffd)).toEqual({ small: 3, mid: 1 });
    expect(ffd.objective.unmetByPriority).toEqual([{ priority: 0, replicas: 1 }]);
    expect(reserved(exact)).toEqual({ small: 4, mid: 1 });
    expect(exact.unmet).toEqual([]);
  });

  it("gives the GPU the exact packing frees to an unmet whole-GPU replica of the same pool", () => {
    const ms: ModelInput[] = [...models.map((m) => ({ ...m, priority: 5 })), { name: "whole", ...WHOLE_8B }];

    const ffd = plan(a100(2), ms, { small: 4, mid: 1, whole: 1 }, null, null);
    const exact = plan(a100(2), ms, { small: 4, mid: 1, whole: 1 });

    expect(reserved(ffd)).toEqual({ small: 4, mid: 1, whole: 0 });
    expect(reserved(exact)).toEqual({ small: 4, mid: 1, whole: 1 });
    expect(layouts(exact, "a100")[1]).toBe("whole:whole");
  });

  it("serves the higher priority first under shortage: 1 GPU, hi wants 2 × 3g.40gb, lo 7 × 1g.10gb → hi 2, lo 0", () => {
    const ms: ModelInput[] = [{ name: "lo", ...ONE_G }, { name: "hi", ...THREE_G, priority: 10 }];

    const result = plan(a100(1), ms, { lo: 7, hi: 2 });

    expect(reserved(result)).toEqual({ lo: 0, hi: 2 });
    expect(result.objective.unmetByPriority).toEqual([{ priority: 0, replicas: 7 }]);
    expect(result.unmet[0]!.reason).toContain("placed 0 of 7 requested (higher priorities are served first");
  });

  it("never goes beyond quotaGpus: 2 GPUs allowed of 4, 14 × 1g.10gb fit, the 15th and 16th are unmet", () => {
    const result = plan(a100(4, { quotaGpus: 2 }), [{ name: "small", ...ONE_G }], { small: 16 });

    expect(reserved(result)).toEqual({ small: 14 });
    expect(result.pools[0]).toMatchObject({ gpusUsed: 2, gpusAllowed: 2, solver: "highs" });
  });

  describe("stability", () => {
    it("plans the same placement again with no churn when nothing changed", () => {
      const first = plan(a100(4), models, { small: 9, mid: 3 });

      const second = plan(a100(4), models, { small: 9, mid: 3 }, first);

      expect(second.placement).toEqual(first.placement);
      expect(second.churn).toEqual({ gpusResliced: 0, replicasMoved: 0 });
      expect(second.disruptive).toBe(false);
      expect(second.solver).toBe("highs");
    });

    it("adds a replica without re-slicing a GPU in use", () => {
      const first = plan(a100(4), models, { small: 9, mid: 3 });

      const second = plan(a100(4), models, { small: 10, mid: 4 }, first);

      expect(reserved(second)).toEqual({ small: 10, mid: 4 });
      expect(second.objective.gpusDisrupted).toBe(0);
      expect(second.disruptive).toBe(false);
      expect(second.churn.replicasMoved).toBe(0);
    });

    it("does not re-slice GPUs in use just to use one GPU fewer (disruption comes before GPUs used)", () => {
      const current = plan(a100(2), models, { small: 4, mid: 1 }, null, null); // first fit: 2 GPUs

      const next = plan(a100(2), models, { small: 4, mid: 1 }, current);

      expect(next.gpusUsed).toBe(2);
      expect(layouts(next, "a100")).toEqual(layouts(current, "a100"));
      expect(next.disruptive).toBe(false);
    });

    it("re-slices a GPU in use when that is the only way to place a replica, and says so", () => {
      const current = plan(a100(1), [{ name: "small", ...ONE_G }], { small: 5 });

      const next = plan(a100(1), models, { small: 4, mid: 1 }, current);

      expect(reserved(next)).toEqual({ small: 4, mid: 1 });
      expect(next.objective).toMatchObject({ gpusDisrupted: 1, nodesDisrupted: 1 });
      expect(next.disruptive).toBe(true);
    });
  });

  it("uses each GPU model's own profiles: on H100-NVL-94GB the same models take 1g.12gb and 1g.24gb (0.9 × 21.62 − 13.49 − 1.5 = 4.47 GiB ≥ 4 GiB of KV)", () => {
    const result = plan([{ name: "nvl", gpu: "H100-NVL-94GB", nodes: 1, gpusPerNode: 1, mig }], models, { small: 4, mid: 1 });

    expect(layouts(result, "nvl")[0]).toBe("1g.12gb@0:small 1g.12gb@1:small 1g.12gb@2:small 1g.12gb@3:small 1g.12gb@4:- 1g.12gb@5:- 1g.24gb@6:mid");
    expect(result.gpusUsed).toBe(1);
  });

  it("keeps first-fit decreasing, and says why, when the solver gives no answer", () => {
    const broken: MigSolver = { name: "highs", solve: () => ({ status: "error", objective: NaN, values: {}, detail: "Solve error" }) };

    const result = plan(a100(2), models, { small: 4, mid: 1 }, null, broken);

    expect(result.solver).toBe("first-fit-decreasing");
    expect(result.placement).toEqual(plan(a100(2), models, { small: 4, mid: 1 }, null, null).placement);
    expect(result.solverNotes).toEqual(["pool a100: HiGHS gave no answer (layout: LP relaxation: Solve error); first-fit decreasing kept"]);
  });

  it("reports first-fit decreasing when no pool has MIG demand, even with a solver", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 8 }], [{ name: "w", ...WHOLE_8B }], { w: 2 });

    expect(result.solver).toBe("first-fit-decreasing");
    expect(result.lowerBoundGpus).toBe(2);
  });
});
