/**
 * The queue depth a VLLMRequestsWaiting alert acts on (DESIGN.md 3): the metrics source's reading at
 * decision time when it has one, else the alert's `value` annotation.
 */
import type { Alert } from "./parse-alertmanager-payload.js";
import type { LevelReading } from "./types.js";
import { VALUE_ANNOTATION } from "./vocabulary.js";

/** A plain decimal or exponent number, as Prometheus' `{{ $value }}` prints it ("+Inf", "NaN" excluded). */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Source name recorded when the level came from the alert itself. */
export const ANNOTATION_SOURCE = "annotation";

export type LevelResult =
  | { readonly ok: true; readonly level: number; readonly source: string; readonly note: string }
  | { readonly ok: false; readonly reason: "missing value" | "invalid value"; readonly detail: string };

function isUsable(n: number | null): n is number {
  return n !== null && Number.isFinite(n) && n >= 0;
}

/**
 * Read the waiting requests for one alert.
 *
 * @param alert - a VLLMRequestsWaiting alert
 * @param reading - the metrics source's reading for the alert's served model, if any; used when its
 *   `requestsWaiting` is a finite number ≥ 0 (null = "no data", so the annotation is used)
 * @returns the level (requests) and its source, or why the alert must be rejected
 */
export function readLevel(alert: Alert, reading: LevelReading | undefined): LevelResult {
  if (reading !== undefined && isUsable(reading.requestsWaiting)) {
    return { ok: true, level: reading.requestsWaiting, source: reading.source, note: `${reading.requestsWaiting} waiting (${reading.source})` };
  }
  const fallback = reading === undefined ? "" : `; ${reading.source} had no usable reading`;
  const raw = alert.annotations[VALUE_ANNOTATION]?.trim();
  if (raw === undefined || raw === "") {
    return { ok: false, reason: "missing value", detail: `no '${VALUE_ANNOTATION}' annotation with the waiting requests${fallback}` };
  }
  const level = NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!isUsable(level)) {
    return { ok: false, reason: "invalid value", detail: `'${VALUE_ANNOTATION}' annotation ${JSON.stringify(raw.slice(0, 40))} is not a number ≥ 0${fallback}` };
  }
  return { ok: true, level, source: ANNOTATION_SOURCE, note: `${level} waiting (${ANNOTATION_SOURCE}${fallback})` };
}
