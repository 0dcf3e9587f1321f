import { describe, expect, it } from "@jest/globals";
import { describeMigChanges } from "../../../lib/controller/describe-mig-changes.js";
import type { FleetPlacement, GpuPlacement } from "../../../lib/planner/index.js";

const slices = (index: number, ...profiles: string[]): GpuPlacement => ({
  index,
  model: null,
  migInstances: profiles.map((profile, i) => ({ profile, start: i, model: "m" })),
});

const pool = (...gpus: GpuPlacement[]): FleetPlacement => [{ pool: "a100", gpuModel: "A100-80GB", migEnabled: true, nodes: [{ name: "gpu-a100-0", gpus }] }];

describe("describeMigChanges", () => {
  it("names each re-sliced GPU with its layout before and after", () => {
    const before = pool(slices(0, "3g.40gb", "4g.40gb"), slices(1));
    const after = pool(slices(0, "3g.40gb", "4g.40gb"), slices(1, ...Array<string>(7).fill("1g.10gb")));

    expect(describeMigChanges(before, after)).toEqual(["a100/gpu-a100-0 GPU 1: no instances → 7 × 1g.10gb"]);
  });

  it("says nothing when only the models on the instances change", () => {
    const before = pool(slices(0, "3g.40gb", "3g.40gb"));
    const after = pool({ ...slices(0, "3g.40gb", "3g.40gb"), migInstances: [{ profile: "3g.40gb", start: 0, model: null }, { profile: "3g.40gb", start: 4, model: "other" }] });

    expect(describeMigChanges(before, after)).toEqual([]);
  });

  it("says nothing on the first render, when there is no layout to compare with", () => {
    expect(describeMigChanges([], pool(slices(0, "7g.80gb")))).toEqual([]);
  });

  it("reports MIG switched off for a whole-GPU replica", () => {
    const after = pool({ index: 0, model: "llama-3-70b", migInstances: null });

    expect(describeMigChanges(pool(slices(0, "7g.80gb")), after)).toEqual(["a100/gpu-a100-0 GPU 0: 7g.80gb → MIG disabled"]);
  });
});
