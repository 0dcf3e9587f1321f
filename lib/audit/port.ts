/**
 * The `AuditSink` port and the audit record shape (DESIGN.md 4). One JSON object per record: JSONL
 * locally, EventBridge in AWS. An `intent` record precedes every commit; an `outcome` record with the
 * same `id` (= the commit's `Decision-Id` trailer) follows every decision.
 */

export const AUDIT_OUTCOMES = ["applied", "proposed", "advised", "no-op", "ignored", "rejected", "failed"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const TRIGGER_KINDS = ["alertmanager", "github-push", "github-pr", "schedule", "cli"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface AuditChange {
  readonly model: string;
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface AuditRecord {
  /** Decision id (ULID-like, sortable); equals the commit's `Decision-Id` trailer. */
  readonly id: string;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly phase: "intent" | "outcome";
  readonly trigger: { readonly kind: TriggerKind; readonly ref: string };
  readonly outcome?: AuditOutcome;
  readonly reason?: string;
  readonly changes: readonly AuditChange[];
  /** GPUs used after − before (whole-GPU equivalents). */
  readonly gpuDelta?: number;
  readonly commit?: string;
  readonly pr?: string;
  readonly error?: string;
  /** Per-alert results and other context (alert keys, values, source of the level, partial groups). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditSink {
  /**
   * Append one record durably (flushed) before resolving.
   * @throws UpstreamError when the record cannot be written
   */
  record(record: AuditRecord): Promise<void>;
}
