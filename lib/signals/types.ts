/**
 * The output of `decideFromAlerts`: per-alert outcomes for the audit record, and per-model desired
 * `reservedReplicas` for the planner (DESIGN.md 2, 3). Plain readonly data: it goes into audit records
 * and commit messages as is.
 */
import type { AlertOutcome, AlertReason, AlertStatus } from "./vocabulary.js";

/** A queue depth read at decision time from a metrics source (production: Prometheus). */
export interface LevelReading {
  /** Waiting requests (`sum(vllm:num_requests_waiting{model_name=…})`), or null when the source had no data. */
  readonly requestsWaiting: number | null;
  /** Where it came from, recorded in the decision, e.g. "prometheus". */
  readonly source: string;
}

/** What became of one alert of the group. */
export interface AlertDecision {
  /** Position in `group.alerts`. */
  readonly index: number;
  /** `alertKey(group, alert)`. */
  readonly key: string;
  /** The `alertname` label; null when absent. */
  readonly alertname: string | null;
  /** fleet.yaml model name; null when the alert names no known model. */
  readonly model: string | null;
  /** The `model_name` label as sent; null when absent. */
  readonly servedModelName: string | null;
  /** The alert's own status (never the group's). */
  readonly status: AlertStatus;
  readonly outcome: AlertOutcome;
  /** Short stable code (see ALERT_REASONS). */
  readonly reason: AlertReason;
  /** One human sentence with the numbers behind the reason. */
  readonly detail: string;
  /** Waiting requests the decision used (VLLMRequestsWaiting only); null when not read. */
  readonly level: number | null;
  /** "annotation" (the alert's `value`) or the `LevelReading.source`; null when no level was used. */
  readonly levelSource: string | null;
  /** Replicas this alert asked for: ceil(level ÷ targetWaitingPerReplica), or replicas.min for idle; null when not computed. */
  readonly targetReplicas: number | null;
  /** ISO-8601 UTC. */
  readonly startsAt: string;
  /** ISO-8601 UTC; null when not ended (Go's zero time). */
  readonly endsAt: string | null;
}

/** A real change of one model's `reservedReplicas` (from ≠ to). */
export interface ReservedReplicasChange {
  readonly model: string;
  /** The reserve in state (or `initialReservedReplicas` for a model new to state), replicas. */
  readonly from: number;
  /** The desired reserve, replicas. */
  readonly to: number;
  /** `raise` / `idle`: an alert acted; `clamp`: fleet.yaml's replicas.min/max moved past the reserve. */
  readonly kind: "raise" | "idle" | "clamp";
  /** Human sentence: alert, level and its source, policy limits that applied. */
  readonly reason: string;
  /** Key of the alert that acted; null for `clamp`. */
  readonly alertKey: string | null;
}

/** The decision for one alert group. */
export interface SignalDecision {
  /** One entry per alert, in payload order. */
  readonly alerts: readonly AlertDecision[];
  /**
   * Desired `reservedReplicas` for every model in fleet.yaml (config order), always within
   * [replicas.min, replicas.max]. The planner may place fewer for lack of capacity.
   */
  readonly desiredReplicas: Readonly<Record<string, number>>;
  /** Only models whose reserve changes, config order. */
  readonly changes: readonly ReservedReplicasChange[];
  /** Per acted model: the newest signal time (ISO-8601 UTC) of the alerts it acted on → `lastSignalTime`. */
  readonly signalTimes: Readonly<Record<string, string>>;
  /**
   * Keys to append to `state.appliedKeys` (payload order): alerts acted on, alerts of the same model that
   * the acting alert superseded, and resolved alerts (recorded). Alerts held back (window, cooldown,
   * tolerance, paused, freeze) are not recorded, so a later identical delivery is decided again.
   * Trimming to MAX_APPLIED_KEYS is the state writer's job.
   */
  readonly keysToRecord: readonly string[];
  /** Set when Alertmanager truncated the group (`truncatedAlerts` > 0): decisions cover only the alerts present. */
  readonly partialGroup: { readonly truncated: number } | null;
}
