/**
 * Lines for a commit message naming every GPU whose MIG layout changes between two placements, e.g.
 * `a100/gpu-a100-0 GPU 1: 3g.40gb + 4g.40gb → 7 × 1g.10gb`. Pure.
 */
import type { FleetPlacement, GpuPlacement } from "../planner/index.js";

function layoutOf(gpu: GpuPlacement | undefined): string {
  if (gpu === undefined) return "absent";
  if (gpu.migInstances === null) return "MIG disabled";
  if (gpu.migInstances.length === 0) return "no instances";
  const counts = new Map<string, number>();
  for (const instance of gpu.migInstances) counts.set(instance.profile, (counts.get(instance.profile) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([profile, n]) => (n === 1 ? profile : `${n} × ${profile}`))
    .join(" + ");
}

/** @returns one line per re-sliced GPU of a MIG pool, in pool/node/GPU order; empty when none. */
export function describeMigChanges(before: FleetPlacement, after: FleetPlacement): string[] {
  const previous = new Map<string, GpuPlacement>();
  for (const pool of before) for (const node of pool.nodes) for (const gpu of node.gpus) previous.set(`${pool.pool}/${node.name}/${gpu.index}`, gpu);
  const lines: string[] = [];
  for (const pool of after) {
    if (!pool.migEnabled) continue;
    for (const node of pool.nodes) {
      for (const gpu of node.gpus) {
        const old = previous.get(`${pool.pool}/${node.name}/${gpu.index}`);
        if (old === undefined && before.length === 0) continue; // first render: nothing to compare
        const [from, to] = [layoutOf(old), layoutOf(gpu)];
        if (from !== to) lines.push(`${pool.pool}/${node.name} GPU ${gpu.index}: ${from} → ${to}`);
      }
    }
  }
  return lines;
}
