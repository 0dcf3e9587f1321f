/**
 * The alert vocabulary the controller understands (DESIGN.md 3). The rules that fire these alerts ship
 * in `infra/` and label each alert with vLLM's `model_name` (the served model name, DESIGN.md 6.5).
 */

/**
 * Alert names acted on. `VLLMRequestsWaiting`: the model is capped (KEDA at maxReplicaCount) and requests
 * keep queueing; `VLLMModelIdle`: no running or waiting requests for a while.
 */
export const ALERT_NAMES = ["VLLMRequestsWaiting", "VLLMModelIdle"] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** `alerts[].status` and the group `status` of an Alertmanager webhook v4 payload. */
export const ALERT_STATUSES = ["firing", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What became of one alert: acted on, nothing to do, not ours, or bad input (DESIGN.md 4 outcomes). */
export const ALERT_OUTCOMES = ["act", "no-op", "ignored", "rejected"] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/**
 * Why, as a short stable code (the human sentence with the numbers is in `AlertDecision.detail`).
 * - act: `raise` (VLLMRequestsWaiting raised the reserve), `idle` (VLLMModelIdle lowered it to replicas.min)
 * - no-op: `duplicate`, `resolved`, `paused`, `freeze`, `tolerance` (target within the tolerance of the
 *   reserve, or below it: that alert only raises), `at max`, `at min`, `scale-up window`, `cooldown`,
 *   `superseded` (another alert of the same group decided for this model), `not idle` (the metrics source
 *   reads queued requests now)
 * - ignored: `unknown alertname`, `no model_name`, `unknown model`, `stale`
 * - rejected: `missing value`, `invalid value` (the `value` annotation of VLLMRequestsWaiting), `future time`
 *   (startsAt/endsAt more than 5 min ahead of the controller clock)
 */
export const ALERT_REASONS = [
  "raise",
  "idle",
  "duplicate",
  "resolved",
  "paused",
  "freeze",
  "tolerance",
  "at max",
  "at min",
  "scale-up window",
  "cooldown",
  "superseded",
  "not idle",
  "unknown alertname",
  "no model_name",
  "unknown model",
  "stale",
  "missing value",
  "invalid value",
  "future time",
] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];

/** Label that names the model: vLLM's metric label, i.e. the served model name (DESIGN.md 6.5). */
export const MODEL_NAME_LABEL = "model_name";
/** Label every Prometheus alert carries. */
export const ALERT_NAME_LABEL = "alertname";
/** Annotation holding the queue depth (waiting requests) of VLLMRequestsWaiting, e.g. `{{ $value }}`. */
export const VALUE_ANNOTATION = "value";
/** Go's zero time as Alertmanager sends it in `endsAt` of a firing alert: "not ended" (prometheus/alertmanager#3341). */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";
