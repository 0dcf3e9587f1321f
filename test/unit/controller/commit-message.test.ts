import { describe, expect, it } from "@jest/globals";
import { buildCommitMessage } from "../../../lib/controller/commit-message.js";
import { planFleet, type FleetPlan } from "../../../lib/planner/index.js";
import { fleetOf } from "../planner/fleet-builders.js";

function planWith(overrides: Partial<FleetPlan>): FleetPlan {
  const plan = planFleet({ config: fleetOf([{ name: "h100", nodes: 1, gpusPerNode: 8 }], [{ name: "m" }]), desiredReplicas: { m: 1 }, current: null });
  return { ...plan, ...overrides };
}

const base = {
  decisionId: "d-0001",
  trigger: { kind: "cli", ref: "test" },
  reason: { lines: ["render"], short: "render" },
  gpusBefore: 1,
  gpusAfter: 1,
  filesChanged: 2,
};

describe("buildCommitMessage", () => {
  it("names the GPUs re-sliced and the replicas moved", () => {
    const message = buildCommitMessage({ ...base, changes: [], plan: planWith({ churn: { gpusResliced: 1, replicasMoved: 3 }, disruptive: true }) });

    expect(message).toMatch(/^Plan: solver first-fit-decreasing, lower bound 1 GPUs; 1 GPU re-sliced, 3 replicas moved; DISRUPTIVE/m);
  });

  it("makes one shape change the subject", () => {
    const message = buildCommitMessage({ ...base, changes: [{ model: "m", field: "shape", from: "TP 4", to: "TP 2" }], plan: planWith({}) });

    expect(message.split("\n")[0]).toBe("vllm-gitops: m shape TP 4 → TP 2 (render)");
  });

  it("does not point to a runbook below when there is none", () => {
    const message = buildCommitMessage({ ...base, changes: [], plan: planWith({ disruptive: true }), proposal: true, runbook: [] });

    expect(message).toContain("Proposed, not applied");
    expect(message).not.toContain("runbook below");
  });
});
