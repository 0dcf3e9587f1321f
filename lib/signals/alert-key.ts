/**
 * The identity of one alert notification, for duplicate detection across retries and HA pairs
 * (DESIGN.md 3; prometheus/alertmanager#4108, #2286).
 */
import { fnv1a64Hex, labelsFingerprint } from "./labels-fingerprint.js";
import type { Alert, AlertGroup } from "./parse-alertmanager-payload.js";
import { VALUE_ANNOTATION } from "./vocabulary.js";

/** Longest `value` annotation kept verbatim in a key; longer ones are hashed to keep state.json small. */
const MAX_VALUE_CHARS = 32;

/**
 * The key of one alert of one delivery: `g<hash of groupKey>/f<fingerprint>/<status>/<startsAt>/v=<value>`.
 *
 * The parts are DESIGN.md 3's groupKey + fingerprint + status + startsAt, plus one decision of ours: the
 * alert's `value` annotation. So the identical body delivered again (a retry after a timeout, or the other
 * Alertmanager of an HA pair) is a duplicate, but a re-notification carrying a new queue depth is a new
 * signal. Alertmanager re-sends an unchanged firing group only every `repeat_interval`, which is why the
 * shipped route sets `repeat_interval` = `group_interval`: a still-queueing model then re-notifies each
 * group interval, and each new level is a new key.
 *
 * The fingerprint is Alertmanager's own, or, when an old version did not send it, the same value
 * recomputed from the labels (`labelsFingerprint`). The groupKey is hashed (FNV-1a 64) because it can be
 * long; a value longer than 32 characters is hashed too. Keys are ASCII-safe except for the value.
 *
 * @param group - the delivery the alert came in (only `groupKey` is read)
 * @param alert - one of `group.alerts`
 * @returns a deterministic string key
 */
export function alertKey(group: Pick<AlertGroup, "groupKey">, alert: Alert): string {
  const fingerprint = alert.fingerprint ?? labelsFingerprint(alert.labels);
  const rawValue = (alert.annotations[VALUE_ANNOTATION] ?? "").trim();
  const value = rawValue.length > MAX_VALUE_CHARS ? `#${fnv1a64Hex(rawValue)}` : rawValue;
  return `g${fnv1a64Hex(group.groupKey)}/f${fingerprint}/${alert.status}/${alert.startsAt}/v=${value}`;
}
