import { describe, expect, it } from "@jest/globals";
import { planFleet, summarizeShape, type FleetPlacement, type FleetPlan } from "../../../lib/planner/index.js";
import type { ModelShapeSummary } from "../../../lib/state/types.js";
import { fleetOf, type ModelInput, type PoolInput } from "./fleet-builders.js";

const mig = { enabled: true, labelMode: "nodePool" } as const;
const AWQ_8B: Omit<ModelInput, "name"> = { quantization: "awq", maxModelLen: 4096, minConcurrency: 2 }; // 1g.10gb on A100-80GB
const LLAMA_70B_C8: Omit<ModelInput, "name"> = { architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8 }; // TP 4 on 80 GiB
const TP1_8B: Omit<ModelInput, "name"> = { architecture: "llama-3-8b", maxModelLen: 8192 }; // TP 1 on 80 GiB (15 GiB of weights)

/** "profile@start:model" per GPU of a pool, e.g. ["1g.10gb@0:a 1g.10gb@1:-", "whole:b", ""]. */
function layouts(plan: FleetPlan, pool: string): string[] {
  const p = plan.placement.find((x) => x.pool === pool)!;
  return p.nodes.flatMap((n) =>
    n.gpus.map((g) => (g.migInstances === null ? `whole:${g.model ?? "-"}` : g.migInstances.map((i) => `${i.profile}@${i.start}:${i.model ?? "-"}`).join(" "))),
  );
}

function reserved(plan: FleetPlan): Record<string, number> {
  return Object.fromEntries(plan.models.map((m) => [m.model, m.reservedReplicas]));
}

function plan(pools: PoolInput[], models: ModelInput[], desired: Record<string, number> = {}, current: FleetPlan | null = null, shapes?: Record<string, ModelShapeSummary | null>): FleetPlan {
  const config = fleetOf(pools, models);
  const currentShapes = shapes ?? Object.fromEntries((current?.models ?? []).map((m) => [m.model, m.shape ? summarizeShape(m.shape) : null]));
  return planFleet({ config, desiredReplicas: desired, current: current ? { placement: current.placement, shapes: currentShapes } : null });
}

describe("planFleet: packing", () => {
  it("packs 7 replicas of the 4-bit Llama-3-8B onto each A100-80GB as 7 × 1g.10gb", () => {
    const result = plan([{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 2, mig }], [{ name: "small", ...AWQ_8B }], { small: 14 });

    expect(layouts(result, "a100")).toEqual([0, 1].map(() => [0, 1, 2, 3, 4, 5, 6].map((s) => `1g.10gb@${s}:small`).join(" ")));
    expect(result.unmet).toEqual([]);
    expect(result.lowerBoundGpus).toBe(2); // 14 compute slices ÷ 7 = 2
  });

  it("reports the 15th replica as unmet with what it needs and what is left", () => {
    const result = plan([{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 2, mig }], [{ name: "small", ...AWQ_8B }], { small: 15 });

    expect(reserved(result)).toEqual({ small: 14 });
    expect(result.unmet).toHaveLength(1);
    expect(result.unmet[0]).toMatchObject({ model: "small", replicas: 1 });
    expect(result.unmet[0]!.reason).toContain("needs a 1g.10gb instance (1 compute + 1 memory slices, 9.5 GiB) on A100-80GB");
    expect(result.unmet[0]!.reason).toContain("at most 0 of 7 compute slices unused");
  });

  it("fits 2 Llama-3-70B TP 4 replicas per 8-GPU node and says the third has no 4 free GPUs", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 8 }], [{ name: "big", ...LLAMA_70B_C8 }], { big: 3 });

    expect(reserved(result)).toEqual({ big: 2 });
    expect(layouts(result, "h100")).toEqual(Array(8).fill("whole:big"));
    expect(result.unmet[0]!.reason).toContain("needs 4 free GPUs on one node; pool h100 has at most 0 free on one node");
  });

  it("leaves 2 GPUs of a 6-GPU node idle with the reason when TP 4 is the valid shape (#21)", () => {
    const llama13b = { parameters: 13e9, layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40, intermediateSize: 13824, supportsPipelineParallel: true };

    const result = plan([{ name: "a30", gpu: "A30-24GB", nodes: 1, gpusPerNode: 6 }], [{ name: "m", architecture: llama13b, maxModelLen: 4096, minConcurrency: 8 }], { m: 2 });

    expect(reserved(result)).toEqual({ m: 1 });
    expect(result.pools[0]).toMatchObject({ gpusUsed: 4, gpusFree: 2 });
    expect(result.unmet[0]!.reason).toContain("needs 4 free GPUs on one node; pool a30 has at most 2 free on one node (a30-0)");
  });

  it("places Llama-3.1-405B on two whole nodes and names the nodes from fleet.yaml", () => {
    const result = plan([{ name: "h100", nodes: 3, gpusPerNode: 8, nodeNames: ["n-a", "n-b", "n-c"] }], [{ name: "huge", architecture: "llama-3.1-405b" }], { huge: 2 });

    expect(reserved(result)).toEqual({ huge: 1 });
    expect(result.placement[0]!.nodes.map((n) => n.name)).toEqual(["n-a", "n-b", "n-c"]);
    expect(layouts(result, "h100").filter((l) => l === "whole:huge")).toHaveLength(16);
    expect(result.unmet[0]!.reason).toContain("needs 2 entirely free nodes of 8 GPUs; pool h100 has 1 free node;");
  });

  it("says 1 free GPU, not 1 free GPUs, in an unmet reason", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 1 }], [{ name: "m", ...TP1_8B }], { m: 2 });

    expect(result.unmet[0]!.reason).toContain("one replica needs 1 free GPU on one node; pool h100 has at most 0 free on one node, 0 free in all; 1 of 1 GPU used");
  });

  it("names nodes <pool>-<i> without nodeNames", () => {
    const result = plan([{ name: "h100", nodes: 2, gpusPerNode: 1 }], [{ name: "m" }]);

    expect(result.placement[0]!.nodes.map((n) => n.name)).toEqual(["h100-0", "h100-1"]);
  });

  it("respects quotaGpus and says so", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 8, quotaGpus: 6 }], [{ name: "big", ...LLAMA_70B_C8 }], { big: 2 });

    expect(reserved(result)).toEqual({ big: 1 });
    expect(result.pools[0]).toMatchObject({ gpusAllowed: 6, gpusUsed: 4, gpusFree: 2 });
    expect(result.unmet[0]!.reason).toContain("quota 6 GPUs, 4 used");
  });

  it("puts a model without a shape, or without its pool, into unmet without crashing", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 8 }], [{ name: "grok", architecture: "grok-1" }, { name: "lost", pool: "nope" }, { name: "ok" }], { grok: 1, lost: 2 });

    expect(reserved(result)).toEqual({ grok: 0, lost: 0, ok: 1 });
    expect(result.models.find((m) => m.model === "grok")).toMatchObject({ shape: null, requestedReplicas: 1 });
    expect(result.unmet.map((u) => [u.model, u.replicas])).toEqual([["grok", 1], ["lost", 2]]);
    expect(result.unmet[0]!.reason).toMatch(/^no replica shape: no shape fits grok/);
    expect(result.unmet[1]!.reason).toBe("no replica shape: pool nope is not defined in fleet.yaml");
  });

  it("uses initialReservedReplicas for a model missing from desiredReplicas", () => {
    const result = plan([{ name: "h100", nodes: 1, gpusPerNode: 8 }], [{ name: "m", replicas: { min: 0, max: 8, initial: 3 } }, { name: "z", replicas: { min: 0, max: 8 } }]);

    expect(reserved(result)).toEqual({ m: 3, z: 1 });
  });
});

describe("planFleet: allocation under shortage", () => {
  const pool: PoolInput[] = [{ name: "h100", nodes: 1, gpusPerNode: 8 }];

  it.each<[string, ModelInput[], Record<string, number>, Record<string, number>]>([
    [
      "gives every model its replicas.min before any model's extra replicas",
      [{ name: "hi", ...LLAMA_70B_C8, priority: 100, replicas: { min: 1 } }, { name: "lo", ...LLAMA_70B_C8, priority: 10, replicas: { min: 1 } }],
      { hi: 2, lo: 1 },
      { hi: 1, lo: 1 },
    ],
    [
      "lets the higher priority take the rest when the lower one's min is 0",
      [{ name: "hi", ...LLAMA_70B_C8, priority: 100, replicas: { min: 1 } }, { name: "lo", ...LLAMA_70B_C8, priority: 10, replicas: { min: 0 } }],
      { hi: 2, lo: 1 },
      { hi: 2, lo: 0 },
    ],
    [
      "serves the higher priority's min first when not every min fits",
      [{ name: "a-lo", ...LLAMA_70B_C8, priority: 1, replicas: { min: 2 } }, { name: "b-hi", ...LLAMA_70B_C8, priority: 2, replicas: { min: 2 } }],
      { "a-lo": 2, "b-hi": 2 },
      { "a-lo": 0, "b-hi": 2 },
    ],
    [
      "shares a priority tier evenly when demand is equal (8 GPUs, 2 × TP 4 fit; 2 + 2 wanted)",
      [{ name: "b", ...LLAMA_70B_C8, replicas: { min: 0 } }, { name: "a", ...LLAMA_70B_C8, replicas: { min: 0 } }],
      { a: 2, b: 2 },
      { a: 1, b: 1 },
    ],
    [
      "shares a priority tier in proportion to demand (8 GPUs, TP 1; 12 + 4 wanted → 6 + 2)",
      [{ name: "big", ...TP1_8B, replicas: { min: 0 } }, { name: "small", ...TP1_8B, replicas: { min: 0 } }],
      { big: 12, small: 4 },
      { big: 6, small: 2 },
    ],
    [
      "breaks an equal share by name (7 GPUs left after c's min; 4 + 4 wanted → a 4, b 3)",
      [{ name: "b", ...TP1_8B, replicas: { min: 0 } }, { name: "a", ...TP1_8B, replicas: { min: 0 } }, { name: "c", ...TP1_8B, replicas: { min: 1 }, priority: 5 }],
      { a: 4, b: 4, c: 1 },
      { a: 4, b: 3, c: 1 },
    ],
    [
      "serves the higher tier whole before sharing what is left in proportion (8 GPUs; hi 5, lo 6 + 3 → 5, 2 + 1)",
      [{ name: "hi", ...TP1_8B, priority: 9, replicas: { min: 0 } }, { name: "lo-a", ...TP1_8B, replicas: { min: 0 } }, { name: "lo-b", ...TP1_8B, replicas: { min: 0 } }],
      { hi: 5, "lo-a": 6, "lo-b": 3 },
      { hi: 5, "lo-a": 2, "lo-b": 1 },
    ],
    [
      "shares in proportion to demand in replicas whatever the replica size (8 GPUs; TP 4 wants 2, TP 1 wants 8 → 1 and 4)",
      [{ name: "tp4", ...LLAMA_70B_C8, replicas: { min: 0 } }, { name: "tp1", ...TP1_8B, replicas: { min: 0 } }],
      { tp4: 2, tp1: 8 },
      { tp4: 1, tp1: 4 },
    ],
  ])("%s", (_name, models, desired, expected) => {
    const result = plan(pool, models, desired);

    expect(reserved(result)).toEqual(expected);
  });

  it("is deterministic: the same input gives the same plan", () => {
    const models: ModelInput[] = [{ name: "x", ...AWQ_8B }, { name: "y", maxModelLen: 8192 }, { name: "z", ...AWQ_8B, priority: 5 }];
    const pools: PoolInput[] = [{ name: "a100", gpu: "A100-80GB", nodes: 2, gpusPerNode: 2, mig }];

    const first = plan(pools, models, { x: 5, y: 4, z: 6 });
    const second = plan(pools, [...models].reverse(), { z: 6, y: 4, x: 5 });

    expect(layouts(second, "a100")).toEqual(layouts(first, "a100"));
  });
});

describe("planFleet: stability against the current placement", () => {
  const pools: PoolInput[] = [{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 4, mig }];
  const models: ModelInput[] = [{ name: "small", ...AWQ_8B }, { name: "mid", maxModelLen: 8192 }]; // 1g.10gb and 1g.20gb

  it("plans the same placement again with no churn when nothing changed", () => {
    const first = plan(pools, models, { small: 3, mid: 2 });

    const second = plan(pools, models, { small: 3, mid: 2 }, first);

    expect(second.placement).toEqual(first.placement);
    expect(second.churn).toEqual({ gpusResliced: 0, replicasMoved: 0 });
    expect(second.disruptive).toBe(false);
  });

  it.each([1, 4, 9])("raising one MIG model by one replica (from %i) re-slices no GPU: the new replica takes a pre-sliced free instance", (from) => {
    const first = plan(pools, models, { small: from, mid: 2 });

    const second = plan(pools, models, { small: from + 1, mid: 2 }, first);

    const changed = layouts(second, "a100").map((l, i) => [l.replace(/:[^ ]+/g, ""), layouts(first, "a100")[i]!.replace(/:[^ ]+/g, "")]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([]);
    expect(second.churn.gpusResliced).toBe(0);
    expect(second.disruptive).toBe(false);
    expect(second.churn.replicasMoved).toBe(0);
    expect(reserved(second)).toEqual({ small: from + 1, mid: 2 });
  });

  it("reuses a free instance of an existing layout before slicing an empty GPU", () => {
    const current: FleetPlacement = [
      {
        pool: "a100",
        gpuModel: "A100-80GB",
        migEnabled: true,
        nodes: [{ name: "a100-0", gpus: [{ index: 0, migInstances: [], model: null }, { index: 1, migInstances: [0, 1, 2, 3, 4, 5, 6].map((start) => ({ profile: "1g.10gb", start, model: null })), model: null }, { index: 2, migInstances: [], model: null }, { index: 3, migInstances: [], model: null }] }],
      },
    ];

    const result = planFleet({ config: fleetOf(pools, [{ name: "small", ...AWQ_8B }]), desiredReplicas: { small: 1 }, current: { placement: current, shapes: {} } });

    expect(layouts(result, "a100")[1]).toBe("1g.10gb@0:small " + [1, 2, 3, 4, 5, 6].map((s) => `1g.10gb@${s}:-`).join(" "));
    expect(result.churn.gpusResliced).toBe(0);
  });

  it("opens a GPU nobody uses rather than re-slicing GPUs that hold replicas", () => {
    const current: FleetPlacement = [
      {
        pool: "a100",
        gpuModel: "A100-80GB",
        migEnabled: true,
        nodes: [{ name: "a100-0", gpus: [
          { index: 0, migInstances: [{ profile: "1g.10gb", start: 0, model: "small" }, { profile: "1g.10gb", start: 1, model: "small" }], model: null },
          { index: 1, migInstances: [{ profile: "3g.40gb", start: 0, model: "other" }], model: null },
          { index: 2, migInstances: [], model: null },
          { index: 3, migInstances: [], model: null },
        ] }],
      },
    ];
    const config = fleetOf(pools, [{ name: "small", ...AWQ_8B }, { name: "other", maxModelLen: 8192, minConcurrency: 6, placement: "mig" }]);

    const result = planFleet({ config, desiredReplicas: { small: 3, other: 1 }, current: { placement: current, shapes: {} } });

    const gpus = layouts(result, "a100");
    expect(gpus[0]).toBe("1g.10gb@0:small 1g.10gb@1:small");
    expect(gpus[1]).toBe("3g.40gb@0:other");
    expect(gpus[2]).toMatch(/^1g\.10gb@0:small/);
    expect(result.disruptive).toBe(false);
    expect(result.churn).toEqual({ gpusResliced: 1, replicasMoved: 0 });
  });

  it("marks re-slicing a GPU that holds a replica as disruptive and counts the moved replica", () => {
    const onePool: PoolInput[] = [{ name: "a100", gpu: "A100-80GB", nodes: 1, gpusPerNode: 1, mig }];
    const current = plan(onePool, [{ name: "small", ...AWQ_8B }], { small: 1 });
    const nextModels: ModelInput[] = [{ name: "small", ...AWQ_8B }, { name: "wide", architecture: "llama-3-8b", quantization: "none", maxModelLen: 8192, minConcurrency: 8, priority: 10 }];

    const result = plan(onePool, nextModels, { small: 1, wide: 1 }, current);

    expect(result.churn.gpusResliced).toBe(1);
    expect(result.disruptive).toBe(true);
    expect(reserved(result)).toEqual({ small: 1, wide: 1 });
  });

  it("marks a changed TP as disruptive", () => {
    const pool: PoolInput[] = [{ name: "h100", nodes: 1, gpusPerNode: 8 }];
    const current = plan(pool, [{ name: "big", architecture: "llama-3-70b" }], { big: 1 }); // TP 2

    const result = plan(pool, [{ name: "big", ...LLAMA_70B_C8 }], { big: 1 }, current); // TP 4

    expect(result.models[0]!.shape?.tensorParallelSize).toBe(4);
    expect(result.disruptive).toBe(true);
  });

  it("keeps whole-GPU replicas on the node they held and puts a new replica beside them, not on them", () => {
    const pool: PoolInput[] = [{ name: "h100", nodes: 2, gpusPerNode: 8 }];
    const current = plan(pool, [{ name: "a", ...LLAMA_70B_C8 }], { a: 1 });

    const result = plan(pool, [{ name: "a", ...LLAMA_70B_C8 }, { name: "b", ...LLAMA_70B_C8, architecture: "llama-3-70b", tensorParallelSize: 8, priority: 10 }], { a: 1, b: 1 }, current);

    expect(layouts(result, "h100")).toEqual([...Array(4).fill("whole:a"), ...Array(4).fill("whole:-"), ...Array(8).fill("whole:b")]);
    expect(result.churn.replicasMoved).toBe(0);
  });
});
