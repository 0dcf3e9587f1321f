/**
 * The picture of a MIG pool: one row per GPU, one column per compute slice, each instance drawn across
 * the columns of its compute slices and labelled with its model's key and its profile ("A 1g.10gb");
 * "- 1g.10gb" is a free instance, "·" a free slice (no instance, its memory slice free: room for one),
 * "x" a compute slice without an instance whose memory slice an instance holds (e.g. beside a 1g.20gb):
 * unusable, not free capacity. Runs of identical GPUs are drawn once with the range they cover, so a
 * 1,000-GPU pool stays readable. Pure, deterministic.
 */
import { gpuSpecOf } from "../catalog/index.js";
import type { GpuModelId } from "../config/index.js";
import type { GpuPlacement, PoolPlacement } from "./types.js";

/** A compute slice with no instance whose memory slice is free. */
const FREE = "·";
/** A compute slice with no instance whose memory slice an instance holds: nothing can use it. */
const STRANDED = "x";

/** "A", "B", … "Z", "AA", "AB", …: the key of the `i`-th model. */
export function modelKey(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `${modelKey(Math.floor(i / 26) - 1)}${modelKey(i % 26)}`;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** Cells of one GPU: [text, compute slices spanned]. An instance is drawn from its memory start (= its first compute column on these GPUs). */
function cellsOf(gpu: GpuPlacement, gpuModel: GpuModelId, keys: ReadonlyMap<string, string>): [string, number][] {
  const spec = gpuSpecOf(gpuModel);
  if (gpu.migInstances === null) return [[`${gpu.model === null ? "·" : (keys.get(gpu.model) ?? gpu.model)} whole GPU, MIG disabled`, spec.computeSlices]];
  const byStart = new Map(gpu.migInstances.map((i) => [i.start, i]));
  const memoryTaken = new Set(
    gpu.migInstances.flatMap((i) => Array.from({ length: spec.migProfiles.find((p) => p.name === i.profile)?.memorySlices ?? 1 }, (_, k) => i.start + k)),
  );
  const cells: [string, number][] = [];
  for (let c = 0; c < spec.computeSlices; ) {
    const inst = byStart.get(c);
    const profile = inst && spec.migProfiles.find((p) => p.name === inst.profile);
    const span = profile ? Math.min(profile.computeSlices, spec.computeSlices - c) : 1;
    cells.push([inst ? `${inst.model === null ? "-" : (keys.get(inst.model) ?? inst.model)} ${inst.profile}` : memoryTaken.has(c) ? STRANDED : FREE, span]);
    c += span;
  }
  return cells;
}

/**
 * Lines of the picture of a MIG pool (without indentation): a legend of the keys used, then the rows.
 * `keys`: model → key, shared by every pool of the plan.
 */
export function migPicture(pool: PoolPlacement, keys: ReadonlyMap<string, string>): string[] {
  const gpuModel = pool.gpuModel as GpuModelId;
  const rows = pool.nodes.flatMap((node) => node.gpus.map((gpu) => ({ label: `${node.name}/${gpu.index}`, cells: cellsOf(gpu, gpuModel, keys), gpu })));
  const cell = Math.max(9, ...rows.flatMap((r) => r.cells.filter(([, span]) => span === 1).map(([text]) => text.length))) + 2;
  const runs: { first: string; last: string; count: number; text: string }[] = [];
  for (const row of rows) {
    const text = `|${row.cells.map(([t, span]) => fit(` ${t}`, span * cell + span - 1)).join("|")}|`;
    const previous = runs.at(-1);
    if (previous !== undefined && previous.text === text) {
      previous.last = row.label;
      previous.count += 1;
    } else runs.push({ first: row.label, last: row.label, count: 1, text });
  }
  const labels = runs.map((r) => (r.count === 1 ? r.first : `${r.first} … ${r.last} (${r.count} GPUs)`));
  const width = Math.max(0, ...labels.map((l) => l.length));
  const used = new Set(pool.nodes.flatMap((n) => n.gpus.flatMap((g) => [g.model, ...(g.migInstances ?? []).map((i) => i.model)])));
  const legend = [...keys].filter(([model]) => used.has(model)).map(([model, key]) => `${key} ${model}`);
  return [...(legend.length > 0 ? [`models: ${legend.join(", ")}; - free instance; ${FREE} free slice; ${STRANDED} compute slice whose memory an instance holds (unusable)`] : []), ...runs.map((r, i) => `${labels[i]!.padEnd(width)} ${r.text}`)];
}
