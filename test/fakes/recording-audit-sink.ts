/** An `AuditSink` that keeps every record in memory, in call order, and can fail on demand. */
import type { AuditRecord, AuditSink } from "../../lib/audit/index.js";
import { UpstreamError } from "../../lib/errors.js";

export class RecordingAuditSink implements AuditSink {
  /** Every record accepted, in the order `record` was called (copies: later mutation by the caller does not show). */
  readonly records: AuditRecord[] = [];
  private readonly failures: Error[] = [];

  async record(record: AuditRecord): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.records.push(structuredClone(record));
  }

  /** Make the next `record` call throw `error` (default: an `UpstreamError`) and store nothing. Calls queue up. */
  failNext(error: Error = new UpstreamError("audit sink unavailable (injected)")): void {
    this.failures.push(error);
  }

  /** The records of one decision (`id`), in order. */
  recordsOf(id: string): AuditRecord[] {
    return this.records.filter((r) => r.id === id);
  }
}
