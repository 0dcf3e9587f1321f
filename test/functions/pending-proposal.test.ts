// Under approval: pr, a disruptive config change waiting for approval must not block scaling.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { parseAlertmanagerPayload } from "../../lib/signals/index.js";
import { createWorld } from "../fakes/controller-world.js";
import { alertGroup } from "./alerts.js";

const FLEET = readFileSync(new URL("../../manifests/fleet.yaml", import.meta.url), "utf8").replace("approval: auto", "approval: pr");
const MODEL_DIR = "clusters/prod-us-east-1/llm";

describe("a pending disruptive proposal", () => {
  it("still lets an alert scale under the last rendered fleet.yaml, and names the pending proposal", async () => {
    const { repo, audit, controller } = await createWorld(FLEET, { render: true });
    // Llama-3-70B minConcurrency 8 → 1 lets TP 2 fit instead of TP 4: a TP change, disruptive.
    await repo.seed("main", { "fleet.yaml": FLEET.replace("minConcurrency: 8", "minConcurrency: 1") }, "human: 70B to minConcurrency 1");

    const reconciled = await controller.reconcile({ kind: "schedule", ref: "main moved" });
    const alerted = await controller.onAlert(parseAlertmanagerPayload(alertGroup([{ value: "30" }])), { kind: "alertmanager", ref: "test" });

    expect(reconciled.outcome).toBe("proposed");
    expect(alerted).toMatchObject({ outcome: "applied", changes: [{ model: "llama-3-8b-awq", field: "reservedReplicas", from: 2, to: 6 }] });
    const head = (await repo.head("rendered"))!;
    expect(await repo.readFile(head, `${MODEL_DIR}/llama-3-8b-awq/scaledobject.yaml`)).toMatch(/maxReplicaCount: 6\b/);
    expect(await repo.readFile(head, `${MODEL_DIR}/llama-3-70b/deployment.yaml`)).toMatch(/- --tensor-parallel-size\n\s+- "4"/);
    const configHead = (await repo.head("main"))!;
    const pending = `vllm-gitops/proposal-config-${configHead.slice(0, 12)}`;
    const outcome = audit.records.at(-1)!;
    expect(outcome).toMatchObject({ outcome: "applied", pr: pending });
    expect((await repo.log("rendered", 1))[0]!.message).toContain(`awaits approval on ${pending}`);
    // The one pending proposal was rebuilt on top of the new rendered head: it still merges cleanly.
    const [proposal] = await repo.log(pending, 1);
    expect(proposal!.parents).toEqual([head]);
    expect(await repo.readFile(proposal!.sha, `${MODEL_DIR}/llama-3-70b/deployment.yaml`)).toMatch(/- --tensor-parallel-size\n\s+- "2"/);
    expect(await repo.readFile(proposal!.sha, `${MODEL_DIR}/llama-3-8b-awq/scaledobject.yaml`)).toMatch(/maxReplicaCount: 6\b/);
    // Its message describes only what it adds on top of rendered: the TP change, not the applied raise.
    expect(proposal!.message).toContain("llama-3-70b: shape TP 4 → TP 2");
    expect(proposal!.message).not.toContain("llama-3-8b-awq: reserve");
  });

  it("keeps one proposal branch per pending config change however many decisions follow", async () => {
    const { repo, clock, controller } = await createWorld(FLEET, { render: true });
    await repo.seed("main", { "fleet.yaml": FLEET.replace("minConcurrency: 8", "minConcurrency: 1") }, "human: 70B to minConcurrency 1");

    await controller.reconcile({ kind: "schedule", ref: "main moved" });
    await controller.onAlert(parseAlertmanagerPayload(alertGroup([{ value: "30" }])), { kind: "alertmanager", ref: "a" });
    clock.advanceSeconds(120);
    await controller.onAlert(parseAlertmanagerPayload(alertGroup([{ value: "60", startsAt: "2026-11-29T12:06:00Z", fingerprint: "later" }])), { kind: "alertmanager", ref: "b" });
    const again = await controller.reconcile({ kind: "schedule", ref: "main moved" });

    const branches = ["vllm-gitops/proposal-config-" + (await repo.head("main"))!.slice(0, 12)];
    expect(again).toMatchObject({ outcome: "proposed", reason: expect.stringContaining("(proposed before)") });
    expect(repo.commitRequests.map((r) => r.branch).filter((b) => b.startsWith("vllm-gitops/proposal-")).every((b) => branches.includes(b))).toBe(true);
  });
});
