import { randomBytes } from "node:crypto";

/**
 * A decision id: UTC time to the millisecond plus 8 random hex digits, e.g. `20261129T121500123Z-9f3a1c2b`.
 * Sorts by time; used as the audit record id and the commit's `Decision-Id` trailer.
 */
export function newDecisionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}
