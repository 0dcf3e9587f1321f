// The quick start of README on manifests/fleet.yaml, through the controller with HiGHS and the in-memory
// fakes: the first render, then an alert raising llama-3-8b-awq 2 → 6. The replicas running on GPU
// gpu-a100-0/0 stay on their instances and the commit counts the GPU the raise adds. Then the same
// with a 1-node × 2-GPU pool under approval: pr, where a second raise must re-slice the GPU in use.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import type { GpuPlacement, MigSolver } from "../../lib/planner/index.js";
import { parseAlertmanagerPayload } from "../../lib/signals/index.js";
import { loadMigSolver } from "../../lib/solver/index.js";
import { parseState, STATE_PATH, type ControllerState } from "../../lib/state/index.js";
import { createWorld, type World } from "../fakes/controller-world.js";
import type { InMemoryGitOpsRepo } from "../fakes/in-memory-gitops-repo.js";
import { alertGroup } from "./alerts.js";

const FLEET = readFileSync(new URL("../../manifests/fleet.yaml", import.meta.url), "utf8");
const MIG_PARTED = "clusters/prod-us-east-1/gpu/a100/mig-parted-config.yaml";
const trigger = { kind: "alertmanager" as const, ref: "test" };

function world(fleet: string, solver: MigSolver): Promise<World> {
  return createWorld(fleet, { render: true, deps: { solver } });
}

async function stateAt(repo: InMemoryGitOpsRepo, commit: string): Promise<ControllerState> {
  return parseState((await repo.readFile(commit, STATE_PATH))!);
}

function gpuOf(state: ControllerState, node: string, index: number): GpuPlacement {
  return state.plan.find((p) => p.pool === "a100")!.nodes.find((n) => n.name === node)!.gpus[index]!;
}

/** Device indices each node's mig-parted configs slice (entries with MIG instances). */
function slicedDevices(configYaml: string): number[][] {
  const config = parse((parse(configYaml) as { data: { "config.yaml": string } }).data["config.yaml"]) as { "mig-configs": Record<string, { devices: number[]; "mig-devices"?: Record<string, number> }[]> };
  return Object.values(config["mig-configs"]).map((entries) => entries.filter((e) => Object.keys(e["mig-devices"] ?? {}).length > 0).flatMap((e) => e.devices));
}

const waiting = (value: string, startsAt = "2026-11-29T12:00:00Z") => parseAlertmanagerPayload(alertGroup([{ value, startsAt }]));

describe("the quick start with HiGHS", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await loadMigSolver();
  });

  it("raises llama-3-8b-awq 2 → 6 keeping GPU 0's replicas on their instances; the commit says GPUs used 5 → 6", async () => {
    const w = await world(FLEET, solver);
    const before = await stateAt(w.repo, (await w.repo.head("rendered"))!);

    const result = await w.controller.onAlert(waiting("30"), trigger);

    expect(result).toMatchObject({ outcome: "applied", changes: [{ model: "llama-3-8b-awq", field: "reservedReplicas", from: 2, to: 6 }] });
    const [head] = await w.repo.log("rendered", 1);
    expect(head!.message).toContain("GPUs used: 5 → 6 of 32 (+1)");
    expect(head!.message).toContain("0 replicas moved");
    expect(head!.message).not.toContain("DISRUPTIVE");
    const after = await stateAt(w.repo, result.commit!);
    const gpu0Before = gpuOf(before, "gpu-a100-0", 0);
    expect(gpu0Before.migInstances!.map((i) => i.model)).toEqual(["llama-3-8b-awq", "llama-3-8b-awq", "llama-3-8b", null, null]);
    expect(gpuOf(after, "gpu-a100-0", 0)).toEqual(gpu0Before);
    expect(gpuOf(after, "gpu-a100-0", 1).migInstances!.filter((i) => i.model === "llama-3-8b-awq")).toHaveLength(4);
    expect(slicedDevices((await w.repo.readFile(result.commit!, MIG_PARTED))!)).toEqual([[0, 1], []]);
  });

  it("with 1 node × 2 A100 and approval: pr, applies the raise to 6 beside GPU 0, then proposes the re-slice of GPU 0 the raise to 10 needs, with a runbook", async () => {
    const fleet = FLEET.replace("nodes: 2                            # required", "nodes: 1")
      .replace("gpusPerNode: 8                      # required", "gpusPerNode: 2")
      .replace("nodeNames: [gpu-a100-0, gpu-a100-1]", "nodeNames: [gpu-a100-0]")
      .replace("approval: auto", "approval: pr");
    const w = await world(fleet, solver);
    const initial = await stateAt(w.repo, (await w.repo.head("rendered"))!);

    const first = await w.controller.onAlert(waiting("30"), trigger);
    w.clock.advanceSeconds(61);
    const renderedAfterFirst = (await w.repo.head("rendered"))!;
    const second = await w.controller.onAlert(waiting("60", "2026-11-29T12:05:30Z"), trigger);

    expect(first.outcome).toBe("applied");
    const afterFirst = await stateAt(w.repo, first.commit!);
    expect(gpuOf(afterFirst, "gpu-a100-0", 0)).toEqual(gpuOf(initial, "gpu-a100-0", 0));
    expect(second.outcome).toBe("proposed");
    expect(await w.repo.head("rendered")).toBe(renderedAfterFirst);
    const [proposal] = await w.repo.log(w.audit.recordsOf(second.decisionId).find((r) => r.pr)!.pr!, 1);
    expect(proposal!.message).toContain("DISRUPTIVE");
    expect(proposal!.message).toContain("Re-slice runbook");
    expect(proposal!.message).toContain("kubectl drain gpu-a100-0");
    const proposed = await stateAt(w.repo, second.commit!);
    expect(proposed.models["llama-3-8b-awq"]!.reservedReplicas).toBe(10);
  });
});
