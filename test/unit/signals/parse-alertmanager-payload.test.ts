import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { InvalidInputError } from "../../../lib/errors.js";
import { parseAlertmanagerPayload } from "../../../lib/signals/index.js";
import { alertJson, payloadJson } from "./payloads.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/alertmanager/${name}`, import.meta.url), "utf8"));

function rejectionOf(body: unknown): InvalidInputError {
  try {
    parseAlertmanagerPayload(body);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected the payload to be rejected");
}

describe("parseAlertmanagerPayload", () => {
  it.each([
    {
      file: "firing-3-alerts-one-group.alertmonitor.json",
      status: "firing",
      statuses: ["firing", "firing", "firing"],
      startsAt: ["2019-09-27T16:27:56.612Z", "2019-09-27T16:27:56.612Z", "2019-09-27T16:27:56.612Z"],
      endsAt: [null, null, null],
      fingerprints: [null, null, null],
    },
    {
      file: "resolved-single.pythonwebhook.json",
      status: "resolved",
      statuses: ["resolved"],
      startsAt: ["2022-07-29T11:13:27.300Z"],
      endsAt: ["2022-07-29T11:17:27.300Z"],
      fingerprints: ["fbab788ec4c1018b"],
    },
    {
      file: "mixed-firing-and-resolved.am-issue-1051.json",
      status: "firing",
      statuses: ["firing", "resolved"],
      // -02:00 offsets and nanoseconds, normalised to UTC milliseconds (truncated).
      startsAt: ["2017-10-21T17:50:17.160Z", "2017-10-21T17:50:28.806Z"],
      endsAt: [null, "2017-10-21T17:50:28.806Z"],
      fingerprints: [null, null],
    },
  ])("parses the real payload $file, old versions included", ({ file, status, statuses, startsAt, endsAt, fingerprints }) => {
    const body = fixture(file);

    const group = parseAlertmanagerPayload(body);

    expect(group.version).toBe("4");
    expect(group.status).toBe(status);
    expect(group.truncatedAlerts).toBe(0);
    expect(group.alerts.map((a) => a.status)).toEqual(statuses);
    expect(group.alerts.map((a) => a.startsAt)).toEqual(startsAt);
    expect(group.alerts.map((a) => a.endsAt)).toEqual(endsAt);
    expect(group.alerts.map((a) => a.fingerprint)).toEqual(fingerprints);
  });

  it("keeps the group's identity and labels of a real payload", () => {
    const group = parseAlertmanagerPayload(fixture("firing-3-alerts-one-group.alertmonitor.json"));

    expect(group.groupKey).toBe('{}/{severity=~"^(?:^(critical|major|minor|warning|informational)$)$"}:{alertname="ICMP ping failed"}');
    expect(group.receiver).toBe("alertmonitor_swarm");
    expect(group.groupLabels).toEqual({ alertname: "ICMP ping failed" });
    expect(group.commonAnnotations).toEqual({});
    expect(group.alerts[1]!.labels.instance).toBe("172.29.254.50");
    expect(group.notificationReason).toBeNull();
  });

  it("reads Go's zero endsAt of a firing alert as not ended (alertmanager#3341)", () => {
    const body = payloadJson([alertJson({ startsAt: "2025-03-01T10:00:00Z", endsAt: "0001-01-01T00:00:00Z" })]);

    const alert = parseAlertmanagerPayload(body).alerts[0]!;

    expect(alert.status).toBe("firing");
    expect(alert.startsAt).toBe("2025-03-01T10:00:00.000Z");
    expect(alert.endsAt).toBeNull();
  });

  it("tolerates extra and newer fields, null maps and a missing endsAt", () => {
    const alert = { ...alertJson({ value: "7" }), annotations: null, endsAt: undefined, somethingNew: 1 };
    const body = { ...payloadJson([alert]), notification_reason: "alert_group_updated", truncatedAlerts: undefined, extra: { a: 1 } };

    const group = parseAlertmanagerPayload(body);

    expect(group.notificationReason).toBe("alert_group_updated");
    expect(group.truncatedAlerts).toBe(0);
    expect(group.alerts[0]!.annotations).toEqual({});
    expect(group.alerts[0]!.endsAt).toBeNull();
    expect(group).not.toHaveProperty("extra");
    expect(group.alerts[0]).not.toHaveProperty("somethingNew");
  });

  it("reads truncatedAlerts and keeps a numeric groupKey of very old versions as text", () => {
    const body = payloadJson([alertJson()], { truncatedAlerts: 40, groupKey: 1234567890 });

    const group = parseAlertmanagerPayload(body);

    expect(group.truncatedAlerts).toBe(40);
    expect(group.groupKey).toBe("1234567890");
  });

  it("derives the group status from the alerts when the payload has none", () => {
    const body = { ...payloadJson([alertJson({ status: "resolved" }), alertJson({ status: "firing", model: "x" })]), status: undefined };

    const group = parseAlertmanagerPayload(body);

    expect(group.status).toBe("firing");
  });

  it("returns data that cannot be modified", () => {
    const group = parseAlertmanagerPayload(payloadJson([alertJson()]));

    expect(Object.isFrozen(group)).toBe(true);
    expect(Object.isFrozen(group.alerts)).toBe(true);
    expect(Object.isFrozen(group.alerts[0]!.labels)).toBe(true);
  });

  it.each([
    { name: "a string", body: "hello", path: "", message: expect.stringContaining("object") },
    { name: "null", body: null, path: "", message: expect.stringContaining("object") },
    { name: "a payload without alerts", body: { ...payloadJson([]), alerts: undefined }, path: "alerts", message: "required" },
    { name: "alerts that are not an array", body: { ...payloadJson([]), alerts: { a: 1 } }, path: "alerts", message: expect.any(String) },
    { name: "a payload without groupKey", body: { ...payloadJson([alertJson()]), groupKey: undefined }, path: "groupKey", message: "required" },
    { name: "an alert with an unknown status", body: payloadJson([alertJson(), { ...alertJson(), status: "pending" }]), path: "alerts[1].status", message: expect.any(String) },
    { name: "an alert whose startsAt is not RFC 3339", body: payloadJson([{ ...alertJson(), startsAt: "yesterday" }]), path: "alerts[0].startsAt", message: "must be an RFC 3339 date-time" },
    { name: "an impossible date", body: payloadJson([{ ...alertJson(), startsAt: "2025-02-30T00:00:00Z" }]), path: "alerts[0].startsAt", message: "must be an RFC 3339 date-time" },
    { name: "a negative truncatedAlerts", body: payloadJson([alertJson()], { truncatedAlerts: -1 }), path: "truncatedAlerts", message: expect.any(String) },
    { name: "a label value that is not text", body: payloadJson([{ ...alertJson(), labels: { alertname: "VLLMModelIdle", replicas: 3 } }]), path: "alerts[0].labels.replicas", message: expect.any(String) },
  ])("rejects $name as a whole with the problem's path", ({ body, path, message }) => {
    const error = rejectionOf(body);

    expect(error.httpStatus).toBe(400);
    expect(error.issues).toContainEqual({ path, message });
  });

  it("reports at most 20 problems and says how many more there were", () => {
    const body = payloadJson(Array.from({ length: 30 }, () => ({ ...alertJson(), startsAt: "soon" })));

    const error = rejectionOf(body);

    expect(error.issues).toHaveLength(21);
    expect(error.issues[20]).toEqual({ path: "", message: "10 more problems not shown" });
  });
});
