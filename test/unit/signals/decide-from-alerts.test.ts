import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import type { ModelState } from "../../../lib/state/types.js";
import { InvariantError } from "../../../lib/errors.js";
import { decideFromAlerts, parseAlertmanagerPayload, type AlertOutcome, type AlertReason, type LevelReading } from "../../../lib/signals/index.js";
import { LLAMA_SERVED, NOW, ago, alertJson, fleet, groupOf, payloadJson, stateAfter, stateWith, type AlertSpec } from "./payloads.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/alertmanager/${name}`, import.meta.url), "utf8"));
const later = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
const IDLE: AlertSpec = { alertname: "VLLMModelIdle", value: null };

describe("decideFromAlerts on real Alertmanager payloads", () => {
  it.each(["firing-3-alerts-one-group.alertmonitor.json", "resolved-single.pythonwebhook.json", "mixed-firing-and-resolved.am-issue-1051.json"])(
    "ignores every alert of %s (not a vLLM alert) and changes nothing",
    (file) => {
      const group = parseAlertmanagerPayload(fixture(file));
      const state = stateWith({ "llama-3-8b": { reservedReplicas: 5 } });

      const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

      expect(decision.alerts.map((a) => [a.outcome, a.reason])).toEqual(group.alerts.map(() => ["ignored", "unknown alertname"]));
      expect(decision.desiredReplicas).toEqual({ "llama-3-8b": 5, "mixtral-8x7b": 1, "llama-3-70b": 1, "mistral-7b": 1 });
      expect(decision.changes).toEqual([]);
      expect(decision.keysToRecord).toEqual([]);
      expect(decision.partialGroup).toBeNull();
    },
  );
});

describe("decideFromAlerts on one vLLM alert for llama-3-8b (min 1, max 14, 5 waiting per replica; step 4 per 60 s, cooldown 600 s, tolerance 0.1)", () => {
  it.each<{ behaviour: string; model: Partial<ModelState>; alert: AlertSpec; outcome: AlertOutcome; reason: AlertReason; desired: number; level?: number | null }>([
    { behaviour: "raises the reserve to ceil(waiting ÷ targetWaitingPerReplica)", model: { reservedReplicas: 2 }, alert: { value: "23" }, outcome: "act", reason: "raise", desired: 5, level: 23 },
    { behaviour: "raises by at most scaleUpStep at once", model: { reservedReplicas: 2 }, alert: { value: "100" }, outcome: "act", reason: "raise", desired: 6, level: 100 },
    { behaviour: "never raises above replicas.max", model: { reservedReplicas: 12 }, alert: { value: "100" }, outcome: "act", reason: "raise", desired: 14 },
    { behaviour: "does nothing when the reserve is at replicas.max", model: { reservedReplicas: 14 }, alert: { value: "100" }, outcome: "no-op", reason: "at max", desired: 14 },
    { behaviour: "does nothing when the target is within the tolerance (11 ≤ 10 × 1.1)", model: { reservedReplicas: 10 }, alert: { value: "55" }, outcome: "no-op", reason: "tolerance", desired: 10 },
    { behaviour: "raises just past the tolerance (12 > 10 × 1.1)", model: { reservedReplicas: 10 }, alert: { value: "56" }, outcome: "act", reason: "raise", desired: 12 },
    { behaviour: "never lowers from a queueing alert", model: { reservedReplicas: 10 }, alert: { value: "5" }, outcome: "no-op", reason: "tolerance", desired: 10 },
    { behaviour: "accepts a fractional level", model: { reservedReplicas: 2 }, alert: { value: "20.5" }, outcome: "act", reason: "raise", desired: 5, level: 20.5 },
    { behaviour: "holds a raise within scaleUpWindowSeconds of the model's last change", model: { reservedReplicas: 2, lastChangeTime: ago(30) }, alert: { value: "23" }, outcome: "no-op", reason: "scale-up window", desired: 2 },
    { behaviour: "raises once scaleUpWindowSeconds have passed since the last change", model: { reservedReplicas: 2, lastChangeTime: ago(60) }, alert: { value: "23" }, outcome: "act", reason: "raise", desired: 5 },
    { behaviour: "lowers an idle model to replicas.min after the cooldown", model: { reservedReplicas: 6, lastChangeTime: ago(601) }, alert: IDLE, outcome: "act", reason: "idle", desired: 1 },
    { behaviour: "lowers an idle model whose reserve never changed", model: { reservedReplicas: 6, lastChangeTime: null }, alert: IDLE, outcome: "act", reason: "idle", desired: 1 },
    { behaviour: "keeps an idle model within the cooldown", model: { reservedReplicas: 6, lastChangeTime: ago(300) }, alert: IDLE, outcome: "no-op", reason: "cooldown", desired: 6 },
    { behaviour: "does nothing for an idle model already at replicas.min", model: { reservedReplicas: 1 }, alert: IDLE, outcome: "no-op", reason: "at min", desired: 1 },
    { behaviour: "records a resolved queueing alert and changes nothing", model: { reservedReplicas: 6 }, alert: { status: "resolved", value: "0" }, outcome: "no-op", reason: "resolved", desired: 6 },
    { behaviour: "records a resolved idle alert and changes nothing", model: { reservedReplicas: 6 }, alert: { ...IDLE, status: "resolved" }, outcome: "no-op", reason: "resolved", desired: 6 },
    { behaviour: "ignores a firing signal that started before the last signal acted on", model: { reservedReplicas: 2, lastSignalTime: ago(100) }, alert: { startsAt: ago(300) }, outcome: "ignored", reason: "stale", desired: 2 },
    { behaviour: "ignores a resolved signal that ended before the last signal acted on", model: { reservedReplicas: 2, lastSignalTime: ago(5) }, alert: { status: "resolved", endsAt: ago(10) }, outcome: "ignored", reason: "stale", desired: 2 },
    { behaviour: "acts on a re-notification of the signal last acted on (same startsAt)", model: { reservedReplicas: 2, lastSignalTime: ago(300), lastChangeTime: ago(120) }, alert: { startsAt: ago(300) }, outcome: "act", reason: "raise", desired: 5 },
    { behaviour: "ignores an alert for a served model name no model has", model: { reservedReplicas: 2 }, alert: { model: "gpt-4" }, outcome: "ignored", reason: "unknown model", desired: 2 },
    { behaviour: "matches the served model name, not the fleet.yaml name", model: { reservedReplicas: 2 }, alert: { model: "llama-3-8b" }, outcome: "ignored", reason: "unknown model", desired: 2 },
    { behaviour: "ignores an alert without a model_name label", model: { reservedReplicas: 2 }, alert: { model: null }, outcome: "ignored", reason: "no model_name", desired: 2 },
    { behaviour: "ignores other alert names", model: { reservedReplicas: 2 }, alert: { alertname: "VLLMQueueHigh" }, outcome: "ignored", reason: "unknown alertname", desired: 2 },
    { behaviour: "ignores an alert without alertname", model: { reservedReplicas: 2 }, alert: { alertname: null }, outcome: "ignored", reason: "unknown alertname", desired: 2 },
    { behaviour: "rejects a queueing alert without a value annotation", model: { reservedReplicas: 2 }, alert: { value: null }, outcome: "rejected", reason: "missing value", desired: 2 },
    { behaviour: "rejects a queueing alert with an empty value", model: { reservedReplicas: 2 }, alert: { value: " " }, outcome: "rejected", reason: "missing value", desired: 2 },
    { behaviour: "rejects a non-numeric value", model: { reservedReplicas: 2 }, alert: { value: "lots" }, outcome: "rejected", reason: "invalid value", desired: 2 },
    { behaviour: "rejects NaN", model: { reservedReplicas: 2 }, alert: { value: "NaN" }, outcome: "rejected", reason: "invalid value", desired: 2 },
    { behaviour: "rejects +Inf", model: { reservedReplicas: 2 }, alert: { value: "+Inf" }, outcome: "rejected", reason: "invalid value", desired: 2 },
    { behaviour: "rejects a negative queue depth", model: { reservedReplicas: 2 }, alert: { value: "-3" }, outcome: "rejected", reason: "invalid value", desired: 2 },
    { behaviour: "acts on an old payload without fingerprint", model: { reservedReplicas: 2 }, alert: { fingerprint: null }, outcome: "act", reason: "raise", desired: 5 },
  ])("$behaviour", ({ model, alert, outcome, reason, desired, level }) => {
    const state = stateWith({ "llama-3-8b": model });
    const group = groupOf([alert]);

    const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

    const only = decision.alerts[0]!;
    expect([only.outcome, only.reason]).toEqual([outcome, reason]);
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(desired);
    if (level !== undefined) expect(only.level).toBe(level);
    const changed = desired !== model.reservedReplicas;
    expect(decision.changes).toEqual(changed ? [expect.objectContaining({ model: "llama-3-8b", from: model.reservedReplicas, to: desired, alertKey: only.key })] : []);
    expect(decision.keysToRecord).toEqual(outcome === "act" || reason === "resolved" ? [only.key] : []);
    expect(Object.keys(decision.signalTimes)).toEqual(outcome === "act" ? ["llama-3-8b"] : []);
  });

  it.each<{ behaviour: string; edit: (yaml: string) => string; reason: AlertReason; alert: AlertSpec }>([
    { behaviour: "changes nothing for a paused model", edit: (y) => y.replace("paused: false", "paused: true"), reason: "paused", alert: { value: "100" } },
    { behaviour: "does not lower a paused idle model", edit: (y) => y.replace("paused: false", "paused: true"), reason: "paused", alert: IDLE },
    { behaviour: "changes nothing under policy.freeze", edit: (y) => y.replace("freeze: false", "freeze: true"), reason: "freeze", alert: { value: "100" } },
    { behaviour: "does not lower an idle model under policy.freeze", edit: (y) => y.replace("freeze: false", "freeze: true"), reason: "freeze", alert: IDLE },
  ])("$behaviour", ({ edit, reason, alert }) => {
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 6 } });

    const decision = decideFromAlerts({ config: fleet(edit), state, group: groupOf([alert]), now: NOW });

    expect(decision.alerts[0]).toMatchObject({ outcome: "no-op", reason });
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(6);
    expect(decision.changes).toEqual([]);
    expect(decision.keysToRecord).toEqual([]);
  });
});

describe("decideFromAlerts with levels read at decision time", () => {
  it.each<{ behaviour: string; alert: AlertSpec; levels: Record<string, LevelReading>; outcome: AlertOutcome; reason: AlertReason; level: number | null; source: string | null; desired: number }>([
    { behaviour: "uses the metrics source's level over the annotation", alert: { value: "5" }, levels: { [LLAMA_SERVED]: { requestsWaiting: 40, source: "prometheus" } }, outcome: "act", reason: "raise", level: 40, source: "prometheus", desired: 6 },
    { behaviour: "falls back to the annotation when the source has no data", alert: { value: "23" }, levels: { [LLAMA_SERVED]: { requestsWaiting: null, source: "prometheus" } }, outcome: "act", reason: "raise", level: 23, source: "annotation", desired: 5 },
    { behaviour: "acts on the source's level when the annotation is missing", alert: { value: null }, levels: { [LLAMA_SERVED]: { requestsWaiting: 23, source: "prometheus" } }, outcome: "act", reason: "raise", level: 23, source: "prometheus", desired: 5 },
    { behaviour: "rejects when neither the source nor the annotation has a level", alert: { value: null }, levels: { [LLAMA_SERVED]: { requestsWaiting: null, source: "prometheus" } }, outcome: "rejected", reason: "missing value", level: null, source: null, desired: 2 },
    { behaviour: "does not raise when the source reads an empty queue now", alert: { value: "100" }, levels: { [LLAMA_SERVED]: { requestsWaiting: 0, source: "prometheus" } }, outcome: "no-op", reason: "tolerance", level: 0, source: "prometheus", desired: 2 },
    { behaviour: "reads levels by served model name, not by fleet.yaml name", alert: { value: "23" }, levels: { "llama-3-8b": { requestsWaiting: 100, source: "prometheus" } }, outcome: "act", reason: "raise", level: 23, source: "annotation", desired: 5 },
    { behaviour: "does not lower a model the source sees queueing now", alert: IDLE, levels: { [LLAMA_SERVED]: { requestsWaiting: 3, source: "prometheus" } }, outcome: "no-op", reason: "not idle", level: null, source: null, desired: 2 },
  ])("$behaviour", ({ alert, levels, outcome, reason, level, source, desired }) => {
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 2 } });

    const decision = decideFromAlerts({ config: fleet(), state, group: groupOf([alert]), now: NOW, levels });

    expect(decision.alerts[0]).toMatchObject({ outcome, reason, level, levelSource: source });
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(desired);
  });
});

describe("decideFromAlerts field reports", () => {
  it("decides from each alert's own status, not the group's (alertmanager#1051)", () => {
    const group = groupOf([
      { model: "mixtral-8x7b", value: "35", labels: { instance: "a" } },
      { model: "mixtral-8x7b", value: "90", status: "resolved", labels: { instance: "b" } },
    ]);

    const decision = decideFromAlerts({ config: fleet(), state: stateWith(), group, now: NOW });

    expect(group.status).toBe("firing");
    expect(decision.alerts.map((a) => [a.outcome, a.reason, a.level])).toEqual([
      ["act", "raise", 35],
      ["no-op", "resolved", null],
    ]);
    expect(decision.desiredReplicas["mixtral-8x7b"]).toBe(4);
    expect(decision.changes).toEqual([expect.objectContaining({ model: "mixtral-8x7b", from: 1, to: 4, kind: "raise" })]);
    expect(decision.keysToRecord).toEqual(decision.alerts.map((a) => a.key));
  });

  it("treats an identical redelivery (retry or the other Alertmanager of an HA pair) as a duplicate (alertmanager#4108)", () => {
    const body = payloadJson([alertJson({ value: "100" })], { groupKey: '{}:{alertname="VLLMQueueHigh"}' });
    const config = fleet();
    const before = stateWith({ "llama-3-8b": { reservedReplicas: 2 } });
    const first = decideFromAlerts({ config, state: before, group: parseAlertmanagerPayload(structuredClone(body)), now: NOW });
    const committed = stateAfter(before, first, NOW);

    const retry = decideFromAlerts({ config, state: committed, group: parseAlertmanagerPayload(structuredClone(body)), now: later(90) });

    expect(first.changes).toEqual([expect.objectContaining({ from: 2, to: 6 })]);
    expect(retry.alerts[0]).toMatchObject({ outcome: "no-op", reason: "duplicate" });
    expect(retry.desiredReplicas["llama-3-8b"]).toBe(6);
    expect(retry.changes).toEqual([]);
    expect(retry.keysToRecord).toEqual([]);
  });

  it("decides an alert repeated inside one payload only once", () => {
    const group = groupOf([{ value: "100" }, { value: "100" }]);

    const decision = decideFromAlerts({ config: fleet(), state: stateWith({ "llama-3-8b": { reservedReplicas: 2 } }), group, now: NOW });

    expect(decision.alerts.map((a) => a.reason)).toEqual(["raise", "duplicate"]);
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(6);
    expect(decision.keysToRecord).toHaveLength(1);
  });

  it("steps again on a re-notification with a new level once the window has passed, never within it", () => {
    const config = fleet();
    const before = stateWith({ "llama-3-8b": { reservedReplicas: 2 } });
    const first = decideFromAlerts({ config, state: before, group: groupOf([{ value: "100" }]), now: NOW });
    const committed = stateAfter(before, first, NOW);

    const within = decideFromAlerts({ config, state: committed, group: groupOf([{ value: "110" }]), now: later(30) });
    const after = decideFromAlerts({ config, state: committed, group: groupOf([{ value: "110" }]), now: later(60) });

    expect(within.alerts[0]).toMatchObject({ outcome: "no-op", reason: "scale-up window" });
    expect(within.desiredReplicas["llama-3-8b"]).toBe(6);
    expect(after.alerts[0]).toMatchObject({ outcome: "act", reason: "raise" });
    expect(after.desiredReplicas["llama-3-8b"]).toBe(10);
  });

  it("decides only for the models present in a truncated group and infers nothing for the others (alertmanager PR #2274)", () => {
    const specs: AlertSpec[] = [
      ...["10", "40", "25", "5"].map((value, i) => ({ value, labels: { instance: `llama-${i}` } })),
      ...["12", "30", "18"].map((value, i) => ({ model: "mixtral-8x7b", value, labels: { instance: `mixtral-${i}` } })),
      ...["9", "11", "14"].map((value, i) => ({ model: "llama-3-70b", value, labels: { instance: `70b-${i}` } })),
    ];
    const group = groupOf(specs, { truncatedAlerts: 40 });
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 2 }, "mistral-7b": { reservedReplicas: 3 } });

    const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

    expect(decision.partialGroup).toEqual({ truncated: 40 });
    expect(decision.alerts).toHaveLength(10);
    expect(decision.changes.map((c) => [c.model, c.from, c.to])).toEqual([
      ["llama-3-8b", 2, 6],
      ["mixtral-8x7b", 1, 3],
      ["llama-3-70b", 1, 3],
    ]);
    expect(decision.desiredReplicas["mistral-7b"]).toBe(3);
    expect(Object.keys(decision.signalTimes)).toEqual(["llama-3-8b", "mixtral-8x7b", "llama-3-70b"]);
  });

  it("treats Go's zero endsAt as still active and reports it as null (alertmanager#3341)", () => {
    const group = groupOf([{ startsAt: "2025-03-01T10:00:00Z", endsAt: "0001-01-01T00:00:00Z" }]);

    const decision = decideFromAlerts({ config: fleet(), state: stateWith({ "llama-3-8b": { reservedReplicas: 2 } }), group, now: NOW });

    expect(decision.alerts[0]).toMatchObject({ outcome: "act", endsAt: null, startsAt: "2025-03-01T10:00:00.000Z" });
    expect(decision.signalTimes).toEqual({ "llama-3-8b": "2025-03-01T10:00:00.000Z" });
  });

  it("clamps the reserve to a max a human lowered below it, whatever the alert asks (argocd-image-updater#1249)", () => {
    const config = fleet((y) => y.replace("replicas: {min: 1, max: 14, initial: 2}", "replicas: {min: 1, max: 4, initial: 2}"));
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 6 } });

    const decision = decideFromAlerts({ config, state, group: groupOf([{ value: "30" }]), now: NOW });

    expect(decision.alerts[0]).toMatchObject({ outcome: "no-op", reason: "at max", targetReplicas: 6 });
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(4);
    expect(decision.changes).toEqual([{ model: "llama-3-8b", from: 6, to: 4, kind: "clamp", reason: expect.stringContaining("[1, 4]"), alertKey: null }]);
  });

  it("clamps a paused model's reserve too: replicas.max is never crossed", () => {
    const config = fleet((y) => y.replace("replicas: {min: 1, max: 14, initial: 2}", "replicas: {min: 1, max: 4, initial: 2}").replace("paused: false", "paused: true"));
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 6 } });

    const decision = decideFromAlerts({ config, state, group: groupOf([{ alertname: "Watchdog", model: null }]), now: NOW });

    expect(decision.desiredReplicas["llama-3-8b"]).toBe(4);
    expect(decision.changes).toEqual([expect.objectContaining({ model: "llama-3-8b", from: 6, to: 4, kind: "clamp" })]);
  });
});

describe("decideFromAlerts with several alerts", () => {
  it("lets the highest target win for one model and records the others with it", () => {
    const group = groupOf([
      { value: "10", labels: { namespace: "a" } },
      { value: "40", labels: { namespace: "b" } },
    ]);

    const decision = decideFromAlerts({ config: fleet(), state: stateWith({ "llama-3-8b": { reservedReplicas: 2 } }), group, now: NOW });

    expect(decision.alerts.map((a) => [a.outcome, a.reason, a.targetReplicas])).toEqual([
      ["no-op", "superseded", 2],
      ["act", "raise", 8],
    ]);
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(6);
    expect(decision.keysToRecord).toEqual(decision.alerts.map((a) => a.key));
  });

  it("records nothing for a model whose winning alert was held back, so a later delivery is decided again", () => {
    const group = groupOf([
      { value: "10", labels: { namespace: "a" } },
      { value: "40", labels: { namespace: "b" } },
    ]);
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 2, lastChangeTime: ago(10) } });

    const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

    expect(decision.alerts.map((a) => a.reason)).toEqual(["superseded", "scale-up window"]);
    expect(decision.keysToRecord).toEqual([]);
  });

  it("never lowers a model while a queueing alert for it fires in the same group", () => {
    const group = groupOf([IDLE, { value: "10" }]);
    const state = stateWith({ "llama-3-8b": { reservedReplicas: 6 } });

    const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

    expect(decision.alerts.map((a) => [a.outcome, a.reason])).toEqual([
      ["no-op", "superseded"],
      ["no-op", "tolerance"],
    ]);
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(6);
  });

  it.each([
    { behaviour: "the step", reserve: 2, value: "100", levels: undefined, reason: "VLLMRequestsWaiting: 100 waiting (annotation) ÷ 5 per replica → target 20; reserve 2 → 6 (limited by scaleUpStep 4)" },
    {
      behaviour: "replicas.max, and a fallback from a source without data",
      reserve: 12,
      value: "1000",
      levels: { [LLAMA_SERVED]: { requestsWaiting: null, source: "prometheus" } },
      reason: "VLLMRequestsWaiting: 1000 waiting (annotation; prometheus had no usable reading) ÷ 5 per replica → target 200; reserve 12 → 14 (limited by replicas.max 14)",
    },
  ])("explains a raise with its alert, level, source and the limit that bound it: $behaviour", ({ reserve, value, levels, reason }) => {
    const state = stateWith({ "llama-3-8b": { reservedReplicas: reserve } });

    const decision = decideFromAlerts({ config: fleet(), state, group: groupOf([{ value }]), now: NOW, ...(levels ? { levels } : {}) });

    expect(decision.changes).toEqual([expect.objectContaining({ kind: "raise", reason })]);
  });

  it("rejects a bad alert without failing the others", () => {
    const group = groupOf([{ value: "many" }, { model: "mixtral-8x7b", value: "35" }]);

    const decision = decideFromAlerts({ config: fleet(), state: stateWith(), group, now: NOW });

    expect(decision.alerts.map((a) => [a.model, a.outcome, a.reason])).toEqual([
      ["llama-3-8b", "rejected", "invalid value"],
      ["mixtral-8x7b", "act", "raise"],
    ]);
  });

  it.each([
    { behaviour: "keeps the state's reserve for a model in state", state: stateWith({ "llama-3-8b": { reservedReplicas: 5 }, retired: { reservedReplicas: 3 } }), llama: 5 },
    { behaviour: "uses replicas.initial for a model new to state", state: stateWith({ retired: { reservedReplicas: 3 } }), llama: 2 },
  ])("gives every configured model a desired reserve and no other: $behaviour", ({ state, llama }) => {
    const group = groupOf([{ alertname: "Watchdog", model: null }]);

    const decision = decideFromAlerts({ config: fleet(), state, group, now: NOW });

    expect(decision.desiredReplicas).toEqual({ "llama-3-8b": llama, "mixtral-8x7b": 1, "llama-3-70b": 1, "mistral-7b": 1 });
    expect(decision.changes).toEqual([]);
  });

  it("refuses an invalid decision time as a bug", () => {
    const act = () => decideFromAlerts({ config: fleet(), state: stateWith(), group: groupOf([{}]), now: new Date(Number.NaN) });

    expect(act).toThrow(InvariantError);
  });
});

describe("decideFromAlerts with a sender clock ahead of ours", () => {
  it("accepts a startsAt within the 5 min skew allowance and records it as now, so later signals are not stale", () => {
    const ahead = new Date(NOW.getTime() + 4 * 60_000).toISOString();

    const decision = decideFromAlerts({ config: fleet(), state: stateWith({ "llama-3-8b": { reservedReplicas: 2 } }), group: groupOf([{ startsAt: ahead, value: "23" }]), now: NOW });

    expect(decision.alerts[0]?.outcome).toBe("act");
    expect(decision.signalTimes["llama-3-8b"]).toBe(NOW.toISOString());
  });

  it("rejects a startsAt further ahead, so a wrong clock or forged payload cannot make real alerts stale", () => {
    const future = new Date(NOW.getTime() + 365 * 24 * 3600 * 1000).toISOString();

    const decision = decideFromAlerts({ config: fleet(), state: stateWith({ "llama-3-8b": { reservedReplicas: 2 } }), group: groupOf([{ startsAt: future, value: "23" }]), now: NOW });

    expect(decision.alerts[0]).toMatchObject({ outcome: "rejected", reason: "future time" });
    expect(decision.signalTimes).toEqual({});
    expect(decision.desiredReplicas["llama-3-8b"]).toBe(2);
  });
});
