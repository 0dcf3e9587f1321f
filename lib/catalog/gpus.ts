/**
 * The GPU catalogue: usable memory, MIG profiles and MIG placement geometry per GPU model
 * (DESIGN.md 6.1, 6.2). Pure data plus small pure functions; no I/O.
 *
 * Memory figures are GiB (2^30 bytes) as the driver reports them (`nvidia-smi mig -lgip`, column
 * "Memory GiB"), which is below the number in the profile name. Each table row names its source;
 * rows marked "estimate" have no driver output behind them and should be replaced by the GFD label
 * `nvidia.com/mig-<profile>.memory` when the cluster is read.
 *
 * `+me` (media extensions) variants of the 1g profiles exist on every model here; they have the
 * same memory and placement as the plain 1g profile, may appear once per GPU, and are not modelled
 * because an LLM engine has no use for the video decoders.
 */
import type { GpuModelId } from "../config/index.js";
import { GPU_MODELS } from "../config/index.js";

/** One MIG GPU-instance profile of one GPU model. */
export interface MigProfileSpec {
  /** Profile name as NVML and the GPU operator spell it on this GPU model, e.g. "1g.10gb". */
  readonly name: string;
  /** Compute slices (the "1g" in the name). */
  readonly computeSlices: number;
  /** Memory slices the instance occupies (DESIGN.md 6.2). */
  readonly memorySlices: number;
  /** Usable memory of one instance, GiB. */
  readonly memoryGiB: number;
  /** Where `memoryGiB` comes from. */
  readonly memorySource: string;
  /** Allowed start positions, in memory slices (DESIGN.md 6.2, NVML `nvmlGpuInstancePlacement_t.start`). */
  readonly starts: readonly number[];
  /** Most instances of this profile one GPU can hold (DESIGN.md 6.1). */
  readonly maxInstances: number;
}

/** One GPU model of the catalogue. */
export interface GpuSpec {
  readonly id: GpuModelId;
  /** Usable memory of the whole device (MIG disabled), GiB. */
  readonly memoryGiB: number;
  readonly memorySource: string;
  /** Compute slices of the whole GPU: 7, or 4 on the A30 (DESIGN.md 6.2). */
  readonly computeSlices: number;
  /** Memory slices of the whole GPU: 8, or 4 on the A30 (DESIGN.md 6.2). */
  readonly memorySlices: number;
  /** Profiles, smallest first (by memory, then compute slices). */
  readonly migProfiles: readonly MigProfileSpec[];
  /** PCI device ids (`0xDDDDVVVV`, as in mig-parted `device-filter`) this catalogue id covers. */
  readonly pciDeviceIds: readonly string[];
}

/** A MIG instance at a concrete position on one GPU. */
export interface MigPlacementSpec {
  readonly profile: string;
  /** Start, in memory slices. */
  readonly start: number;
}

// Placement geometry of the 7-compute / 8-memory-slice GPUs (A100, H100, H200, B200 class), DESIGN.md 6.2;
// the same starts are in NVIDIA/go-nvml pkg/nvml/mock/shared/gpus/a100.go `a100_GpuInstancePlacements`.
const G7 = {
  "1g": { computeSlices: 1, memorySlices: 1, starts: [0, 1, 2, 3, 4, 5, 6], maxInstances: 7 },
  "1g2m": { computeSlices: 1, memorySlices: 2, starts: [0, 2, 4, 6], maxInstances: 4 },
  "2g": { computeSlices: 2, memorySlices: 2, starts: [0, 2, 4], maxInstances: 3 },
  "3g": { computeSlices: 3, memorySlices: 4, starts: [0, 4], maxInstances: 2 },
  "4g": { computeSlices: 4, memorySlices: 4, starts: [0], maxInstances: 1 },
  "7g": { computeSlices: 7, memorySlices: 8, starts: [0], maxInstances: 1 },
} as const;
type G7Class = keyof typeof G7;

function g7(cls: G7Class, name: string, memoryGiB: number, memorySource: string): MigProfileSpec {
  return { name, memoryGiB, memorySource, ...G7[cls] };
}

/** Six profiles of a 7-slice GPU, in the order 1g, 1g (2 memory slices), 2g, 3g, 4g, 7g. */
function sevenSliceProfiles(
  names: readonly [string, string, string, string, string, string],
  memoryGiB: readonly [number, number, number, number, number, number],
  sources: readonly [string, string, string, string, string, string],
): MigProfileSpec[] {
  const classes: readonly G7Class[] = ["1g", "1g2m", "2g", "3g", "4g", "7g"];
  return classes.map((cls, i) => g7(cls, names[i]!, memoryGiB[i]!, sources[i]!));
}

const GO_NVML_A100 = "NVIDIA/go-nvml pkg/nvml/mock/shared/gpus/a100.go MemorySizeMB";
const LGIP_H100 = "nvidia-smi mig -lgip on H100 80GB (jbarrow.ai/field_notes/nvidia-mig)";
const LGIP_H100_NVL = "nvidia-smi mig -lgip on H100 NVL (NVIDIA/gpu-operator#900, NVIDIA/mig-parted#101)";
const LGIP_H200 = "nvidia-smi mig -lgip on H200 (NVIDIA/mig-parted#120)";
const LGIP_B200 = "nvidia-smi mig -lgip on B200 (NVIDIA/mig-parted#187; #166 showed 22.00 for 1g on an older driver)";
const ESTIMATE = "estimate: no driver output found; read the GFD label in a real cluster";

const SPECS: readonly GpuSpec[] = [
  {
    id: "A100-40GB",
    memoryGiB: 40,
    memorySource: "40960 MiB (NVIDIA/go-nvml mock A100_SXM4_40GB MemoryMB)",
    computeSlices: 7,
    memorySlices: 8,
    // 4864 / 9856 / 9856 / 19968 / 19968 / 40192 MiB.
    migProfiles: sevenSliceProfiles(
      ["1g.5gb", "1g.10gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb"],
      [4.75, 9.625, 9.625, 19.5, 19.5, 39.25],
      [GO_NVML_A100, GO_NVML_A100, GO_NVML_A100, GO_NVML_A100, GO_NVML_A100, GO_NVML_A100],
    ),
    // mig-parted config-default.yaml "A100-40GB, A800-40GB" device-filter.
    pciDeviceIds: ["0x20B010DE", "0x20B110DE", "0x20F110DE", "0x20F610DE"],
  },
  {
    id: "A100-80GB",
    memoryGiB: 80,
    memorySource: "81920 MiB (nvidia-smi on A100-SXM4-80GB, NVIDIA/mig-parted#31); DESIGN.md 6.4",
    computeSlices: 7,
    memorySlices: 8,
    // 1g.10gb per DESIGN.md 6.1 ("about 9.5 GiB on A100-80GB"); the rest 19968 / 40192 / 80384 MiB
    // (go-nvml); drivers 535/545 even named the 3g profile "3g.39gb" (NVIDIA/mig-parted#31).
    migProfiles: sevenSliceProfiles(
      ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"],
      [9.5, 19.5, 19.5, 39.25, 39.25, 78.5],
      ["DESIGN.md 6.1", GO_NVML_A100, GO_NVML_A100, GO_NVML_A100, GO_NVML_A100, GO_NVML_A100],
    ),
    // mig-parted groups A100-80GB with H100-80GB; these are the A100/A800 80GB ids (go-nvml mock
    // A100_SXM4_80GB 0x20B2, A100_PCIE_80GB 0x20B5; A800 0x20F3, 0x20F5).
    pciDeviceIds: ["0x20B210DE", "0x20B510DE", "0x20F310DE", "0x20F510DE"],
  },
  {
    id: "H100-80GB",
    memoryGiB: 80,
    memorySource: "DESIGN.md 6.4 (80 GiB device)",
    computeSlices: 7,
    memorySlices: 8,
    migProfiles: sevenSliceProfiles(
      ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"],
      [9.75, 19.62, 19.62, 39.5, 39.5, 79.25],
      [LGIP_H100, LGIP_H100, LGIP_H100, LGIP_H100, LGIP_H100, LGIP_H100],
    ),
    // H100 SXM5 / PCIe and H800 ids from the mig-parted "H100-80GB, H800-80GB" device-filter.
    pciDeviceIds: ["0x233010DE", "0x233110DE", "0x232210DE", "0x232410DE"],
  },
  {
    id: "H100-NVL-94GB",
    memoryGiB: 93.5,
    memorySource: ESTIMATE,
    computeSlices: 7,
    memorySlices: 8,
    // 3g.47gb = 46.38 GiB (mig-parted#101); 4g has the same memory as 3g on every 7-slice GPU; 7g ≈ 2 × 3g.
    migProfiles: sevenSliceProfiles(
      ["1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb", "7g.94gb"],
      [10.75, 21.62, 21.62, 46.38, 46.38, 92.75],
      [LGIP_H100_NVL, LGIP_H100_NVL, LGIP_H100_NVL, LGIP_H100_NVL, `${ESTIMATE} (= 3g)`, `${ESTIMATE} (≈ 2 × 3g)`],
    ),
    pciDeviceIds: ["0x232110DE", "0x233A10DE"],
  },
  {
    id: "H100-96GB",
    memoryGiB: 95,
    memorySource: ESTIMATE,
    computeSlices: 7,
    memorySlices: 8,
    // No driver output found: the H100 NVL figures are used as a floor (same slice classes, less memory).
    migProfiles: sevenSliceProfiles(
      ["1g.12gb", "1g.24gb", "2g.24gb", "3g.48gb", "4g.48gb", "7g.96gb"],
      [10.75, 21.62, 21.62, 46.38, 46.38, 92.75],
      [ESTIMATE, ESTIMATE, ESTIMATE, ESTIMATE, ESTIMATE, ESTIMATE],
    ),
    // mig-parted "H100-96GB, PG506-96GB, GH200, H20" device-filter (they share these names).
    pciDeviceIds: ["0x234210DE", "0x233D10DE", "0x20B610DE", "0x232910DE"],
  },
  {
    id: "H200-141GB",
    memoryGiB: 140,
    memorySource: `${ESTIMATE} (7g.141gb alone is 139.75 GiB)`,
    computeSlices: 7,
    memorySlices: 8,
    migProfiles: sevenSliceProfiles(
      ["1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb"],
      [16, 32.25, 32.25, 69.5, 69.5, 139.75],
      [LGIP_H200, LGIP_H200, LGIP_H200, LGIP_H200, LGIP_H200, LGIP_H200],
    ),
    // mig-parted "H200 141GB, H200 NVL" device-filter; 0x2335 is field report #28's H200.
    pciDeviceIds: ["0x233510DE", "0x233B10DE"],
  },
  {
    id: "B200",
    memoryGiB: 179,
    memorySource: `${ESTIMATE} (180 GB nominal, NVIDIA MIG user guide "Supported GPUs")`,
    computeSlices: 7,
    memorySlices: 8,
    migProfiles: sevenSliceProfiles(
      ["1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb"],
      [20.5, 44.25, 44.25, 88.5, 88.5, 177],
      [LGIP_B200, LGIP_B200, LGIP_B200, `${ESTIMATE} (≈ 2 × 2g)`, `${ESTIMATE} (= 3g)`, `${ESTIMATE} (≈ 4 × 2g)`],
    ),
    pciDeviceIds: ["0x290110DE"],
  },
  {
    id: "A30-24GB",
    memoryGiB: 24,
    memorySource: "24576 MiB (NVIDIA/go-nvml mock A30_PCIE_24GB MemoryMB)",
    computeSlices: 4,
    memorySlices: 4,
    // 5836 / 11672 / 23344 MiB (NVIDIA/go-nvml pkg/nvml/mock/shared/gpus/a30.go); geometry DESIGN.md 6.2.
    migProfiles: [
      { name: "1g.6gb", computeSlices: 1, memorySlices: 1, memoryGiB: 5.699, memorySource: "go-nvml a30.go", starts: [0, 1, 2, 3], maxInstances: 4 },
      { name: "2g.12gb", computeSlices: 2, memorySlices: 2, memoryGiB: 11.398, memorySource: "go-nvml a30.go", starts: [0, 2], maxInstances: 2 },
      { name: "4g.24gb", computeSlices: 4, memorySlices: 4, memoryGiB: 22.797, memorySource: "go-nvml a30.go", starts: [0], maxInstances: 1 },
    ],
    pciDeviceIds: ["0x20B710DE"],
  },
];

const BY_ID: ReadonlyMap<string, GpuSpec> = new Map(SPECS.map((s) => [s.id, s]));

/** Every catalogued GPU model, in `GPU_MODELS` order. */
export const GPU_CATALOG: readonly GpuSpec[] = GPU_MODELS.map((id) => BY_ID.get(id)!);

/**
 * The catalogue entry of a GPU model.
 * @throws RangeError for an id outside `GPU_MODELS` (fleet.yaml validation rejects those first).
 */
export function gpuSpecOf(id: GpuModelId): GpuSpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new RangeError(`unknown GPU model ${JSON.stringify(id)}`);
  return spec;
}

/** The profile of `gpuId` named `profile`, or null when that GPU model does not offer it (field report #29). */
export function migProfileOf(gpuId: GpuModelId, profile: string): MigProfileSpec | null {
  return gpuSpecOf(gpuId).migProfiles.find((p) => p.name === profile) ?? null;
}

/** The catalogue id of a PCI device id such as "0x233510DE" (case-insensitive); null = unknown, fail closed (field report #28). */
export function gpuModelOfPciDeviceId(pciDeviceId: string): GpuModelId | null {
  const wanted = pciDeviceId.toUpperCase().replace(/^0X/, "0x");
  return GPU_CATALOG.find((g) => g.pciDeviceIds.includes(wanted))?.id ?? null;
}

/**
 * Whether a set of MIG instances can coexist on one GPU of model `gpuId`: every profile exists on
 * that model, every start is allowed, no two instances share a memory slice, compute slices total
 * ≤ 7 (A30: 4), and no profile exceeds its instance limit (DESIGN.md 6.2).
 */
export function isValidMigLayout(gpuId: GpuModelId, instances: readonly MigPlacementSpec[]): boolean {
  const gpu = gpuSpecOf(gpuId);
  const used = new Array<boolean>(gpu.memorySlices).fill(false);
  const counts = new Map<string, number>();
  let compute = 0;
  for (const { profile, start } of instances) {
    const spec = gpu.migProfiles.find((p) => p.name === profile);
    if (!spec || !spec.starts.includes(start)) return false;
    for (let s = start; s < start + spec.memorySlices; s++) {
      if (s >= gpu.memorySlices || used[s]) return false;
      used[s] = true;
    }
    compute += spec.computeSlices;
    const n = (counts.get(profile) ?? 0) + 1;
    if (n > spec.maxInstances) return false;
    counts.set(profile, n);
  }
  return compute <= gpu.computeSlices;
}

/** A valid multiset of MIG profiles for one GPU, with one concrete placement (a "valid instance set", DESIGN.md 5.3). */
export interface MigInstanceSet {
  /** Instances sorted by start. */
  readonly placements: readonly MigPlacementSpec[];
  /** Profile name → instances; keys sorted. */
  readonly counts: Readonly<Record<string, number>>;
  readonly computeSlices: number;
  readonly memorySlices: number;
}

const SETS_CACHE = new Map<GpuModelId, readonly MigInstanceSet[]>();

/**
 * Every non-empty multiset of profiles that fits on one GPU of model `gpuId` (maximal or not), each with
 * a concrete valid placement; ordered by compute slices used (most first), then by the sorted profile list.
 * Computed once per GPU model by a depth-first search over (profile, start) pairs; deterministic.
 */
export function enumerateMigInstanceSets(gpuId: GpuModelId): readonly MigInstanceSet[] {
  const cached = SETS_CACHE.get(gpuId);
  if (cached) return cached;
  const gpu = gpuSpecOf(gpuId);
  const options: MigPlacementSpec[] = gpu.migProfiles.flatMap((p) => p.starts.map((start) => ({ profile: p.name, start })));
  const found = new Map<string, MigPlacementSpec[]>();
  const walk = (from: number, chosen: MigPlacementSpec[]): void => {
    if (chosen.length > 0) {
      const key = chosen.map((c) => c.profile).sort().join("+");
      if (!found.has(key)) found.set(key, [...chosen].sort((a, b) => a.start - b.start));
    }
    for (let i = from; i < options.length; i++) {
      const next = [...chosen, options[i]!];
      if (isValidMigLayout(gpuId, next)) walk(i + 1, next);
    }
  };
  walk(0, []);
  const sets = [...found.entries()].map(([key, placements]): MigInstanceSet & { key: string } => {
    const counts: Record<string, number> = {};
    let computeSlices = 0;
    let memorySlices = 0;
    for (const pl of placements) {
      const spec = gpu.migProfiles.find((p) => p.name === pl.profile)!;
      counts[pl.profile] = (counts[pl.profile] ?? 0) + 1;
      computeSlices += spec.computeSlices;
      memorySlices += spec.memorySlices;
    }
    const sortedCounts = Object.fromEntries(Object.keys(counts).sort().map((k) => [k, counts[k]!]));
    return { key, placements, counts: sortedCounts, computeSlices, memorySlices };
  });
  sets.sort((a, b) => b.computeSlices - a.computeSlices || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const result = sets.map(({ key: _key, ...set }) => set);
  SETS_CACHE.set(gpuId, result);
  return result;
}
