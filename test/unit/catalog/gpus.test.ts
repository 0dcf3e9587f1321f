import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import {
  GPU_CATALOG,
  enumerateMigInstanceSets,
  gpuModelOfPciDeviceId,
  gpuSpecOf,
  isValidMigLayout,
  migProfileOf,
  type MigPlacementSpec,
} from "../../../lib/catalog/index.js";
import { GPU_MODELS, type GpuModelId } from "../../../lib/config/index.js";

const p = (profile: string, start: number): MigPlacementSpec => ({ profile, start });

describe("isValidMigLayout", () => {
  it.each<[string, GpuModelId, MigPlacementSpec[], boolean]>([
    ["3g+3g fills an A100 (starts 0 and 4, 4+4 memory slices, 6 compute)", "A100-80GB", [p("3g.40gb", 0), p("3g.40gb", 4)], true],
    ["4g+3g is valid (4g at 0 uses slices 0-3, 3g at 4 uses 4-7, 7 compute)", "A100-80GB", [p("4g.40gb", 0), p("3g.40gb", 4)], true],
    ["4g+4g is invalid (4g may only start at 0)", "A100-80GB", [p("4g.40gb", 0), p("4g.40gb", 4)], false],
    ["4g+4g is invalid even as two instances at 0", "A100-80GB", [p("4g.40gb", 0), p("4g.40gb", 0)], false],
    ["7×1g.10gb fills the 7 compute slices of an A100-80GB", "A100-80GB", [0, 1, 2, 3, 4, 5, 6].map((s) => p("1g.10gb", s)), true],
    ["an 8th 1g instance has no allowed start (slice 7 is not a 1g start)", "A100-80GB", [0, 1, 2, 3, 4, 5, 6, 7].map((s) => p("1g.10gb", s)), false],
    ["3g at 4 overlaps a 1g at 6", "H100-80GB", [p("3g.40gb", 4), p("1g.10gb", 6)], false],
    ["2g+2g+3g uses 2+2+3 = 7 compute and slices 0-1, 2-3, 4-7", "A100-40GB", [p("2g.10gb", 0), p("2g.10gb", 2), p("3g.20gb", 4)], true],
    ["4g+2g+1g uses 7 compute slices", "A100-80GB", [p("4g.40gb", 0), p("2g.20gb", 4), p("1g.10gb", 6)], true],
    ["a 2g may not start at an odd slice", "A100-80GB", [p("2g.20gb", 1)], false],
    ["a 40GB-only profile is not offered on A100-80GB (field report #29)", "A100-80GB", [p("2g.10gb", 0)], false],
    ["A30: 4 × 1g.6gb fill its 4 compute slices", "A30-24GB", [0, 1, 2, 3].map((s) => p("1g.6gb", s)), true],
    ["A30: 2g at 0 and 2 fill it", "A30-24GB", [p("2g.12gb", 0), p("2g.12gb", 2)], true],
    ["A30: a 2g cannot start at 1", "A30-24GB", [p("2g.12gb", 1)], false],
    ["A30: 4g plus anything overlaps", "A30-24GB", [p("4g.24gb", 0), p("1g.6gb", 3)], false],
    ["A30 has no 7-slice profile", "A30-24GB", [p("7g.80gb", 0)], false],
    ["1g.20gb (2 memory slices) ×4 at 0,2,4,6", "H100-80GB", [0, 2, 4, 6].map((s) => p("1g.20gb", s)), true],
    ["the empty layout is valid", "H200-141GB", [], true],
  ])("%s", (_name, gpu, instances, expected) => {
    const valid = isValidMigLayout(gpu, instances);

    expect(valid).toBe(expected);
  });
});

describe("gpuSpecOf", () => {
  it("has an entry for every GPU model fleet.yaml accepts", () => {
    const ids = GPU_CATALOG.map((g) => g.id);

    expect(ids).toEqual([...GPU_MODELS]);
  });

  it.each<[GpuModelId, number, number]>([
    ["A100-80GB", 7, 8],
    ["H200-141GB", 7, 8],
    ["B200", 7, 8],
    ["A30-24GB", 4, 4],
  ])("gives %s %i compute and %i memory slices", (gpu, compute, memory) => {
    const spec = gpuSpecOf(gpu);

    expect([spec.computeSlices, spec.memorySlices]).toEqual([compute, memory]);
  });

  it.each<[GpuModelId, string]>([
    ["A100-40GB", "1g.5gb"],
    ["A100-80GB", "1g.10gb"],
    ["H100-80GB", "1g.10gb"],
    ["H100-NVL-94GB", "1g.12gb"],
    ["H100-96GB", "1g.12gb"],
    ["H200-141GB", "1g.18gb"],
    ["B200", "1g.23gb"],
    ["A30-24GB", "1g.6gb"],
  ])("names the smallest 1g profile of %s %s (names differ per GPU model)", (gpu, name) => {
    const smallest = gpuSpecOf(gpu).migProfiles[0]!;

    expect(smallest.name).toBe(name);
    expect(smallest.computeSlices).toBe(1);
    expect(smallest.memorySlices).toBe(1);
  });

  it.each<[GpuModelId, string, number]>([
    ["H100-80GB", "1g.10gb", 9.75], // DESIGN.md 6.1
    ["A100-80GB", "1g.10gb", 9.5], // DESIGN.md 6.1 "about 9.5 GiB"
    ["H200-141GB", "1g.18gb", 16], // nvidia-smi mig -lgip, NVIDIA/mig-parted#120
  ])("keeps usable memory below the name: %s %s = %f GiB", (gpu, profile, memoryGiB) => {
    const spec = migProfileOf(gpu, profile);

    expect(spec?.memoryGiB).toBe(memoryGiB);
  });

  it("keeps every profile's usable memory at or below its name and its GPU's memory", () => {
    const problems = GPU_CATALOG.flatMap((gpu) =>
      gpu.migProfiles
        .filter((m) => m.memoryGiB > Number(/\.(\d+)gb$/.exec(m.name)![1]) || m.memoryGiB > gpu.memoryGiB)
        .map((m) => `${gpu.id} ${m.name}`),
    );

    expect(problems).toEqual([]);
  });

  it("answers null for a profile the GPU model does not offer (field report #29: 2g.10gb on A100-80GB)", () => {
    expect(migProfileOf("A100-80GB", "2g.10gb")).toBeNull();
    expect(migProfileOf("A100-80GB", "2g.20gb")?.memorySlices).toBe(2);
  });
});

describe("gpuModelOfPciDeviceId", () => {
  it.each<[string, GpuModelId | null]>([
    ["0x233510DE", "H200-141GB"], // field report #28
    ["0x20b210de", "A100-80GB"],
    ["0x233010DE", "H100-80GB"],
    ["0x20B710DE", "A30-24GB"],
    ["0xFFFF10DE", null],
  ])("maps %s to %s", (id, expected) => {
    expect(gpuModelOfPciDeviceId(id)).toBe(expected);
  });
});

describe("enumerateMigInstanceSets", () => {
  it.each<GpuModelId>([...GPU_MODELS])("gives %s only valid, distinct instance sets", (gpu) => {
    const sets = enumerateMigInstanceSets(gpu);

    const keys = sets.map((s) => JSON.stringify(s.counts));
    expect(new Set(keys).size).toBe(sets.length);
    expect(sets.every((s) => isValidMigLayout(gpu, s.placements))).toBe(true);
  });

  it("finds a few dozen sets on an A100-80GB, including 7×1g, 3g+3g, 4g+3g and 7g", () => {
    const sets = enumerateMigInstanceSets("A100-80GB");

    const keys = sets.map((s) => JSON.stringify(s.counts));
    expect(sets.length).toBeGreaterThanOrEqual(24);
    expect(sets.length).toBeLessThanOrEqual(100);
    expect(keys).toEqual(
      expect.arrayContaining([
        JSON.stringify({ "1g.10gb": 7 }),
        JSON.stringify({ "3g.40gb": 2 }),
        JSON.stringify({ "3g.40gb": 1, "4g.40gb": 1 }),
        JSON.stringify({ "7g.80gb": 1 }),
      ]),
    );
    expect(keys).not.toContain(JSON.stringify({ "4g.40gb": 2 }));
  });

  it("lists the 4 one-profile-or-mixed sets of an A30 that use all 4 compute slices", () => {
    const full = enumerateMigInstanceSets("A30-24GB").filter((s) => s.computeSlices === 4);

    expect(full.map((s) => s.counts)).toEqual(
      expect.arrayContaining([{ "1g.6gb": 4 }, { "2g.12gb": 2 }, { "1g.6gb": 2, "2g.12gb": 1 }, { "4g.24gb": 1 }]),
    );
    expect(full).toHaveLength(4);
  });
});

describe("catalogue against NVIDIA's mig-parted config-default.yaml", () => {
  const migParted = readFileSync(new URL("../../fixtures/mig/mig-parted.config-default.yaml", import.meta.url), "utf8");

  it.each(GPU_CATALOG.map((g) => [g.id, g] as const))("uses only profile names mig-parted knows for %s", (_id, gpu) => {
    const unknown = gpu.migProfiles.map((p) => p.name).filter((name) => !migParted.includes(`"${name}":`));

    expect(unknown).toEqual([]);
  });

  it.each(GPU_CATALOG.map((g) => [g.id, g] as const))("uses only PCI device ids that appear in a device-filter for %s", (_id, gpu) => {
    const unknown = gpu.pciDeviceIds.filter((id) => !migParted.includes(`"${id}"`));

    expect(unknown).toEqual([]);
  });

  it("keeps H200 quarter slices as 1g.35gb, not the H100 name 1g.20gb (field report #28)", () => {
    expect(migProfileOf("H200-141GB", "1g.35gb")).toMatchObject({ computeSlices: 1, memorySlices: 2, maxInstances: 4 });
    expect(migProfileOf("H200-141GB", "1g.20gb")).toBeNull();
  });
});
