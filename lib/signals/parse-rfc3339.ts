/**
 * A strict RFC 3339 timestamp reader for Alertmanager's `startsAt` / `endsAt` (Go `time.RFC3339Nano`,
 * e.g. `2017-10-21T15:50:17.16095407-02:00`). Written out rather than left to `Date.parse`, whose handling
 * of more than three fractional digits, offsets and years below 100 is engine-specific.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parse an RFC 3339 timestamp to milliseconds since the Unix epoch (UTC). Fractions below a millisecond
 * are truncated, as Go's `Time.Truncate(time.Millisecond)` would.
 *
 * @param text - e.g. `2019-09-27T16:27:56.612666101Z`, `0001-01-01T00:00:00Z`
 * @returns epoch milliseconds, or null when the text is not a valid RFC 3339 date-time
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999 (Go's zero time is year 1).
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

/** Epoch milliseconds of Go's zero time `0001-01-01T00:00:00Z`. */
export const GO_ZERO_TIME_MS = -62_135_596_800_000;
