import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { alertKey, labelsFingerprint, parseAlertmanagerPayload, type AlertGroup } from "../../../lib/signals/index.js";
import { alertJson, groupOf, payloadJson, type AlertSpec } from "./payloads.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/alertmanager/${name}`, import.meta.url), "utf8"));
const keyOf = (group: AlertGroup, i = 0): string => alertKey(group, group.alerts[i]!);
const BASE: AlertSpec = { value: "23", startsAt: "2025-03-01T11:55:00Z" };

describe("labelsFingerprint", () => {
  it("reproduces the fingerprint a real Alertmanager sent for the same labels", () => {
    const alert = parseAlertmanagerPayload(fixture("resolved-single.pythonwebhook.json")).alerts[0]!;

    const fingerprint = labelsFingerprint(alert.labels);

    expect(fingerprint).toBe("fbab788ec4c1018b");
    expect(fingerprint).toBe(alert.fingerprint);
  });

  it("does not depend on the order the labels arrive in", () => {
    expect(labelsFingerprint({ b: "2", a: "1" })).toBe(labelsFingerprint({ a: "1", b: "2" }));
    expect(labelsFingerprint({ a: "1", b: "2" })).not.toBe(labelsFingerprint({ a: "12" }));
  });
});

describe("alertKey", () => {
  it("gives the same key to the same notification delivered twice (retry or HA pair)", () => {
    const body = payloadJson([alertJson(BASE)]);

    const first = keyOf(parseAlertmanagerPayload(JSON.parse(JSON.stringify(body))));
    const second = keyOf(parseAlertmanagerPayload(JSON.parse(JSON.stringify(body))));

    expect(second).toBe(first);
  });

  it("gives an old payload without fingerprint the key of the same alert with Alertmanager's fingerprint", () => {
    const withFingerprint = groupOf([BASE]);
    const withoutFingerprint = groupOf([{ ...BASE, fingerprint: null }]);

    expect(withoutFingerprint.alerts[0]!.fingerprint).toBeNull();
    expect(keyOf(withoutFingerprint)).toBe(keyOf(withFingerprint));
  });

  it.each<{ change: string; other: AlertSpec; extra?: Record<string, unknown> }>([
    { change: "a re-notification carrying a new level (value annotation)", other: { ...BASE, value: "41" } },
    { change: "a new status", other: { ...BASE, status: "resolved" } },
    { change: "a new firing episode (startsAt)", other: { ...BASE, startsAt: "2025-03-01T11:58:00Z" } },
    { change: "other labels (another alert)", other: { ...BASE, labels: { instance: "b" } } },
    { change: "another group", other: BASE, extra: { groupKey: '{}:{alertname="VLLMModelIdle"}' } },
  ])("tells apart $change", ({ other, extra }) => {
    const key = keyOf(groupOf([BASE]));

    const otherKey = keyOf(groupOf([other], extra));

    expect(otherKey).not.toBe(key);
  });

  it("keeps a short value readable and hashes a long one", () => {
    const short = keyOf(groupOf([{ ...BASE, value: " 23 " }]));
    const long = keyOf(groupOf([{ ...BASE, value: "9".repeat(100) }]));

    expect(short.endsWith("/v=23")).toBe(true);
    expect(long).toMatch(/\/v=#[0-9a-f]{16}$/);
  });
});
