/**
 * The Alertmanager webhook payload (version "4"), from `unknown` to readonly typed data
 * (DESIGN.md 6.6; schema: prometheus/alertmanager docs/configuration.md `<webhook_config>`).
 */
import { z } from "zod";
import { formatPath } from "../config/index.js";
import { InvalidInputError, type InputIssue } from "../errors.js";
import { GO_ZERO_TIME_MS, parseRfc3339 } from "./parse-rfc3339.js";
import { ALERT_STATUSES, type AlertStatus } from "./vocabulary.js";

/** One alert of a group, as Alertmanager sent it, normalised. */
export interface Alert {
  /** This alert's own status; the group's `status` is only a summary (prometheus/alertmanager#1051). */
  readonly status: AlertStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ISO-8601 UTC with milliseconds (`toISOString`), sub-millisecond digits truncated. */
  readonly startsAt: string;
  /** ISO-8601 UTC, or null when absent or Go's zero time `0001-01-01T00:00:00Z` ("not ended", prometheus/alertmanager#3341). */
  readonly endsAt: string | null;
  readonly generatorURL: string;
  /** Alertmanager's label fingerprint (16 hex digits); null from old versions that do not send it. */
  readonly fingerprint: string | null;
}

/** One webhook delivery: an alert group, normalised. */
export interface AlertGroup {
  /** "4" for every Alertmanager since 0.5; null when absent. */
  readonly version: string | null;
  /** Identifies the group (Alertmanager's route + group labels); a number in very old versions, kept as text. */
  readonly groupKey: string;
  /** Summary status: "firing" when any alert fires. Never decide from it (read each alert's). Derived when absent. */
  readonly status: AlertStatus;
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  /** Alerts dropped by the receiver's `max_alerts` (0 when absent: versions before 0.22 never truncate). */
  readonly truncatedAlerts: number;
  /** `notification_reason` of newer versions; null when absent. */
  readonly notificationReason: string | null;
  readonly alerts: readonly Alert[];
}

/** Most issues reported for one payload; an alert storm of malformed entries must not make a huge error. */
const MAX_ISSUES = 20;

const stringMap = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});

const text = z
  .string()
  .nullish()
  .transform((s) => s ?? "");

const timestamp = z.string().transform((s, ctx) => {
  const ms = parseRfc3339(s);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: "must be an RFC 3339 date-time" });
    return z.NEVER;
  }
  return ms;
});

const endTimestamp = z
  .string()
  .nullish()
  .transform((s, ctx): number | null => {
    if (s === undefined || s === null || s === "") return null;
    const ms = parseRfc3339(s);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: "must be an RFC 3339 date-time" });
      return z.NEVER;
    }
    return ms === GO_ZERO_TIME_MS ? null : ms;
  });

// z.object strips unknown keys: newer fields we do not read (and sender extras) are tolerated.
const alertSchema = z.object({
  status: z.enum(ALERT_STATUSES),
  labels: stringMap,
  annotations: stringMap,
  startsAt: timestamp,
  endsAt: endTimestamp,
  generatorURL: text,
  fingerprint: z
    .string()
    .nullish()
    .transform((s) => (s === undefined || s === null || s === "" ? null : s)),
});

const payloadSchema = z.object({
  version: z
    .union([z.string(), z.number()], { error: "must be a string" })
    .nullish()
    .transform((v) => (v === undefined || v === null ? null : String(v))),
  groupKey: z.union([z.string(), z.number()], { error: (i) => (i.input === undefined ? "required" : "must be a string") }).transform(String),
  status: z.enum(ALERT_STATUSES).nullish(),
  receiver: text,
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: text,
  truncatedAlerts: z
    .number()
    .int()
    .min(0)
    .nullish()
    .transform((n) => n ?? 0),
  notification_reason: z
    .string()
    .nullish()
    .transform((s) => s ?? null),
  alerts: z.array(alertSchema),
});

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Parse an Alertmanager webhook body (already JSON-decoded). Tolerates old versions (no `fingerprint`, no
 * `truncatedAlerts`, `null` maps) and extra fields (dropped). A structurally broken alert (no status, a
 * start time that is not RFC 3339) fails the payload: Alertmanager never sends one, so the sender is not
 * Alertmanager. Problems with an alert's meaning (a missing `value` annotation) are not checked here but
 * per alert by `decideFromAlerts`.
 *
 * @param body - the decoded JSON body
 * @returns the group with times as ISO-8601 UTC strings and `endsAt` null for Go's zero time
 * @throws InvalidInputError (HTTP 400) with one issue per problem (path like `alerts[2].startsAt`), at most 20
 */
export function parseAlertmanagerPayload(body: unknown): AlertGroup {
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => {
      const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
      // zod 4 leaves `input` out of issues; its message says what was received.
      const message = issue.code === "invalid_type" && /received undefined$/.test(issue.message) ? "required" : issue.message;
      return { path: formatPath(path), message };
    });
    const more = parsed.error.issues.length - issues.length;
    if (more > 0) issues.push({ path: "", message: `${more} more problem${more === 1 ? "" : "s"} not shown` });
    throw new InvalidInputError("Alertmanager webhook payload does not match the version 4 schema", issues);
  }
  const p = parsed.data;
  const alerts = p.alerts.map(
    (a): Alert =>
      Object.freeze({
        status: a.status,
        labels: Object.freeze(a.labels),
        annotations: Object.freeze(a.annotations),
        startsAt: iso(a.startsAt),
        endsAt: a.endsAt === null ? null : iso(a.endsAt),
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      }),
  );
  return Object.freeze({
    version: p.version,
    groupKey: p.groupKey,
    status: p.status ?? (alerts.some((a) => a.status === "firing") ? "firing" : "resolved"),
    receiver: p.receiver,
    groupLabels: Object.freeze(p.groupLabels),
    commonLabels: Object.freeze(p.commonLabels),
    commonAnnotations: Object.freeze(p.commonAnnotations),
    externalURL: p.externalURL,
    truncatedAlerts: p.truncatedAlerts,
    notificationReason: p.notification_reason,
    alerts: Object.freeze(alerts),
  });
}
