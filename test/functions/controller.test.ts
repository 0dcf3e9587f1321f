import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { createController, decisionIdOf, type Controller } from "../../lib/controller/index.js";
import { ConflictError, InvariantError, UpstreamError } from "../../lib/errors.js";
import { parseAlertmanagerPayload } from "../../lib/signals/index.js";
import { parseState, STATE_PATH } from "../../lib/state/index.js";
import { InMemoryGitOpsRepo } from "../fakes/in-memory-gitops-repo.js";
import { createWorld, type World } from "../fakes/controller-world.js";
import { alertGroup, type AlertSpec } from "./alerts.js";

const FLEET = readFileSync(new URL("../../manifests/fleet.yaml", import.meta.url), "utf8");
const SCALED_OBJECT = "clusters/prod-us-east-1/llm/llama-3-8b-awq/scaledobject.yaml";
const trigger = { kind: "alertmanager" as const, ref: "test" };

function world(fleet = FLEET, deps: Partial<Parameters<typeof createController>[0]> = {}): Promise<World> {
  return createWorld(fleet, { deps });
}

async function maxReplicaCount(repo: InMemoryGitOpsRepo): Promise<number> {
  const head = (await repo.head("rendered"))!;
  const text = (await repo.readFile(head, SCALED_OBJECT))!;
  return (parse(text) as { spec: { maxReplicaCount: number } }).spec.maxReplicaCount;
}

const alert = (...specs: AlertSpec[]) => parseAlertmanagerPayload(alertGroup(specs));

describe("controller", () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
    await w.controller.reconcile({ kind: "cli", ref: "startup" });
  });

  it("commits the first render with the initial reserves and a state file", async () => {
    const head = (await w.repo.head("rendered"))!;
    const state = parseState((await w.repo.readFile(head, STATE_PATH))!);

    expect(state.models["llama-3-8b-awq"]?.reservedReplicas).toBe(2);
    expect(state.models["llama-3-70b"]?.reservedReplicas).toBe(1);
    expect(await maxReplicaCount(w.repo)).toBe(2);
    expect(w.audit.records.map((r) => [r.id, r.phase, r.outcome])).toEqual([
      ["d-0001", "intent", undefined],
      ["d-0001", "outcome", "applied"],
    ]);
  });

  it("raises the reserve of a capped model in one commit whose trailer names the applied outcome record", async () => {
    const before = (await w.repo.log("rendered", 10)).length;

    const result = await w.controller.onAlert(alert({ value: "30" }), trigger);

    const log = await w.repo.log("rendered", 10);
    expect(log).toHaveLength(before + 1);
    expect(result).toMatchObject({ outcome: "applied", commit: log[0]!.sha });
    // ceil(30 waiting / 5 per replica) = 6; from 2 that is +4 = policy.scaleUpStep, within max 14.
    expect(await maxReplicaCount(w.repo)).toBe(6);
    expect(decisionIdOf(log[0]!.message)).toBe(result.decisionId);
    const records = w.audit.recordsOf(result.decisionId);
    expect(records.map((r) => r.phase)).toEqual(["intent", "outcome"]);
    expect(records[1]).toMatchObject({ outcome: "applied", commit: log[0]!.sha, changes: [{ model: "llama-3-8b-awq", field: "reservedReplicas", from: 2, to: 6 }] });
    expect(log[0]!.message).toMatch(/^vllm-gitops: llama-3-8b-awq reserve 2 → 6 \(VLLMRequestsWaiting\)/);
    expect(log[0]!.message).toContain("30");
    expect(log[0]!.message).toMatch(/GPUs used: \d+ → \d+ of 32/);
  });

  it("answers an identical redelivery as a duplicate without a commit", async () => {
    await w.controller.onAlert(alert({ value: "30" }), trigger);
    const commitsBefore = w.repo.commitRequests.length;

    const again = await w.controller.onAlert(alert({ value: "30" }), trigger);

    expect(again).toMatchObject({ outcome: "no-op", reason: "duplicate", commit: null });
    expect(w.repo.commitRequests).toHaveLength(commitsBefore);
    expect(w.audit.recordsOf(again.decisionId)).toEqual([expect.objectContaining({ phase: "outcome", outcome: "no-op", reason: "duplicate" })]);
  });

  it("steps at most scaleUpStep per window, counted from the model's last change", async () => {
    await w.controller.onAlert(alert({ value: "60" }), trigger); // ceil(60/5) = 12, step 4: 2 → 6
    w.clock.advanceSeconds(30);

    const held = await w.controller.onAlert(alert({ value: "61", startsAt: "2026-11-29T12:05:10Z" }), trigger);
    w.clock.advanceSeconds(31);
    const next = await w.controller.onAlert(alert({ value: "62", startsAt: "2026-11-29T12:05:10Z" }), trigger);

    expect(held.outcome).toBe("no-op");
    expect(held.alerts[0]?.reason).toBe("scale-up window");
    expect(next.outcome).toBe("applied");
    expect(await maxReplicaCount(w.repo)).toBe(10);
  });

  it.each([
    ["an unknown alert", { alertname: "KubePodCrashLooping" }, "ignored"],
    ["an unknown model", { model: "gpt-5" }, "ignored"],
    ["a resolved alert", { status: "resolved" as const }, "no-op"],
    ["a missing value", { value: undefined }, "rejected"],
  ])("records %s without committing", async (_name, spec, outcome) => {
    const commitsBefore = w.repo.commitRequests.length;

    const result = await w.controller.onAlert(alert(spec), trigger);

    expect(result.outcome).toBe(outcome);
    expect(w.repo.commitRequests).toHaveLength(commitsBefore);
    expect(w.audit.recordsOf(result.decisionId)).toEqual([expect.objectContaining({ phase: "outcome", outcome })]);
  });

  it.each(["firing-3-alerts-one-group.alertmonitor.json", "mixed-firing-and-resolved.am-issue-1051.json", "resolved-single.pythonwebhook.json"])(
    "records the real Alertmanager payload %s as ignored (not vLLM alerts) without committing",
    async (file) => {
      const payload = JSON.parse(readFileSync(new URL(`../fixtures/alertmanager/${file}`, import.meta.url), "utf8")) as unknown;
      const commitsBefore = w.repo.commitRequests.length;

      const result = await w.controller.onAlert(parseAlertmanagerPayload(payload), trigger);

      expect(result.outcome).toBe("ignored");
      expect(w.repo.commitRequests).toHaveLength(commitsBefore);
    },
  );

  it("ignores a signal older than the last one acted on for the model (stale)", async () => {
    await w.controller.onAlert(alert({ value: "30", startsAt: "2026-11-29T12:00:00Z" }), trigger);
    w.clock.advanceSeconds(120);

    const result = await w.controller.onAlert(alert({ value: "60", startsAt: "2026-11-29T11:00:00Z", fingerprint: "older" }), trigger);

    expect(result).toMatchObject({ outcome: "ignored", commit: null });
    expect(result.alerts[0]?.reason).toBe("stale");
    expect(await maxReplicaCount(w.repo)).toBe(6);
  });

  it("lowers an idle model to replicas.min only after the cooldown", async () => {
    await w.controller.onAlert(alert({ value: "30" }), trigger);

    const early = await w.controller.onAlert(alert({ alertname: "VLLMModelIdle", value: "0", startsAt: "2026-11-29T12:06:00Z" }), trigger);
    w.clock.advanceSeconds(601);
    const late = await w.controller.onAlert(alert({ alertname: "VLLMModelIdle", value: "0", startsAt: "2026-11-29T12:06:00Z" }), trigger);

    expect(early.alerts[0]?.reason).toBe("cooldown");
    expect(late.outcome).toBe("applied");
    expect(await maxReplicaCount(w.repo)).toBe(1);
  });

  it("reloads and redoes the decision when the rendered branch moved (lost compare-and-swap)", async () => {
    w.repo.failNextCommit(new ConflictError("moved (injected)"));

    const result = await w.controller.onAlert(alert({ value: "30" }), trigger);

    expect(result.outcome).toBe("applied");
    expect(w.audit.recordsOf(result.decisionId).map((r) => r.phase)).toEqual(["intent", "outcome"]);
    expect(await maxReplicaCount(w.repo)).toBe(6);
  });

  it("gives up with ConflictError after the bounded attempts and records the failure", async () => {
    for (let i = 0; i < 3; i++) w.repo.failNextCommit(new ConflictError("moved (injected)"));

    await expect(w.controller.onAlert(alert({ value: "30" }), trigger)).rejects.toBeInstanceOf(ConflictError);

    expect(w.audit.records.at(-1)).toMatchObject({ phase: "outcome", outcome: "failed" });
    expect(await maxReplicaCount(w.repo)).toBe(2);
  });

  it("surfaces a git outage as UpstreamError with an intent and a failed outcome, so the sender retries", async () => {
    w.repo.failNextCommit(new UpstreamError("git down (injected)"));

    await expect(w.controller.onAlert(alert({ value: "30" }), trigger)).rejects.toBeInstanceOf(UpstreamError);

    const last = w.audit.records.slice(-2);
    expect(last.map((r) => [r.phase, r.outcome])).toEqual([
      ["intent", undefined],
      ["outcome", "failed"],
    ]);
    expect(last[0]!.id).toBe(last[1]!.id);
    const retry = await w.controller.onAlert(alert({ value: "30" }), trigger);
    expect(retry.outcome).toBe("applied");
  });

  it("runs decisions one at a time, each on the state the previous one committed", async () => {
    const [a, b] = await Promise.all([
      w.controller.onAlert(alert({ value: "30" }), trigger),
      w.controller.onAlert(alert({ model: "llama-3-8b", value: "20", fingerprint: "other" }), trigger),
    ]);

    expect([a.outcome, b.outcome]).toEqual(["applied", "applied"]);
    const log = await w.repo.log("rendered", 3);
    expect(log[0]!.parents).toEqual([log[1]!.sha]);
    const state = parseState((await w.repo.readFile(log[0]!.sha, STATE_PATH))!);
    expect(state.models["llama-3-8b-awq"]?.reservedReplicas).toBe(6);
    expect(state.models["llama-3-8b"]?.reservedReplicas).toBe(4);
  });

  it("refuses to commit a render that fails validation", async () => {
    const strict = await world(FLEET, { validate: () => [{ path: "x.yaml", message: "broken (injected)" }] });

    await expect(strict.controller.reconcile({ kind: "cli", ref: "startup" })).rejects.toBeInstanceOf(InvariantError);

    expect(await strict.repo.head("rendered")).toBeNull();
    expect(strict.audit.records.at(-1)).toMatchObject({ outcome: "failed" });
  });
});

describe("controller policies", () => {
  it("decides and records but never commits in advisory mode", async () => {
    const w = await world(FLEET.replace("advisory: false", "advisory: true"));

    const result = await w.controller.reconcile({ kind: "cli", ref: "startup" });

    expect(result.outcome).toBe("advised");
    expect(await w.repo.head("rendered")).toBeNull();
  });

  it("changes nothing under freeze", async () => {
    const w = await world(FLEET.replace("freeze: false", "freeze: true"));
    await w.controller.reconcile({ kind: "cli", ref: "startup" });
    const commits = w.repo.commitRequests.length;

    const result = await w.controller.onAlert(alert({ value: "30" }), trigger);

    expect(result.outcome).toBe("no-op");
    expect(w.repo.commitRequests).toHaveLength(commits);
  });

  it("leaves a paused model alone", async () => {
    const w = await world(FLEET.replace("paused: false", "paused: true"));
    await w.controller.reconcile({ kind: "cli", ref: "startup" });

    const result = await w.controller.onAlert(alert({ value: "30" }), trigger);

    expect(result.alerts[0]?.reason).toBe("paused");
    expect(await maxReplicaCount(w.repo)).toBe(2);
  });

  it("fails with a 5xx-class error naming file and line when fleet.yaml on the config branch is invalid", async () => {
    const w = await world(FLEET.replace("gpusPerNode: 8", "gpusPerNode: -8"));

    const failure = w.controller.reconcile({ kind: "cli", ref: "startup" });

    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toThrow(/fleet\.yaml:\d+: pools\[0\]\.gpusPerNode/);
    expect(w.audit.records.at(-1)).toMatchObject({ outcome: "failed", details: { issues: [expect.objectContaining({ path: "pools[0].gpusPerNode", line: expect.any(Number) })] } });
  });
});
