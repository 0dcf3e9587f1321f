/**
 * Signals: Alertmanager webhook payloads in, per-alert outcomes and each model's desired reserved
 * replicas out (DESIGN.md 2, 3). Pure: no I/O, no clock, no environment.
 */
export {
  ALERT_NAMES,
  ALERT_NAME_LABEL,
  ALERT_OUTCOMES,
  ALERT_REASONS,
  ALERT_STATUSES,
  GO_ZERO_TIME,
  MODEL_NAME_LABEL,
  VALUE_ANNOTATION,
  type AlertName,
  type AlertOutcome,
  type AlertReason,
  type AlertStatus,
} from "./vocabulary.js";
export { parseAlertmanagerPayload, type Alert, type AlertGroup } from "./parse-alertmanager-payload.js";
export { alertKey } from "./alert-key.js";
export { labelsFingerprint } from "./labels-fingerprint.js";
export { ANNOTATION_SOURCE } from "./read-level.js";
export { decideFromAlerts, type DecideFromAlertsInput } from "./decide-from-alerts.js";
export type { AlertDecision, LevelReading, ReservedReplicasChange, SignalDecision } from "./types.js";
