export {
  AUDIT_OUTCOMES,
  TRIGGER_KINDS,
  type AuditChange,
  type AuditOutcome,
  type AuditRecord,
  type AuditSink,
  type TriggerKind,
} from "./port.js";
export { createJsonlAuditSink, readJsonlAudit, type JsonlAuditSinkOptions } from "./jsonl-audit-sink.js";
