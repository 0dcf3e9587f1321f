/**
 * From one Alertmanager group to each model's desired `reservedReplicas` (DESIGN.md 2, 3). Pure: time
 * is an argument, the level source's readings are an argument.
 */
import { initialReservedReplicas, servedModelNameOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import { InvariantError } from "../errors.js";
import type { ControllerState, ModelState } from "../state/types.js";
import { alertKey } from "./alert-key.js";
import { evaluateIdle, evaluateRaise, type Evaluation, type ModelBaseline } from "./evaluate-model-signal.js";
import type { Alert, AlertGroup } from "./parse-alertmanager-payload.js";
import { parseRfc3339 } from "./parse-rfc3339.js";
import { readLevel } from "./read-level.js";
import type { AlertDecision, LevelReading, ReservedReplicasChange, SignalDecision } from "./types.js";
import { ALERT_NAME_LABEL, ALERT_NAMES, MODEL_NAME_LABEL, type AlertName } from "./vocabulary.js";

export interface DecideFromAlertsInput {
  readonly config: FleetConfig;
  readonly state: ControllerState;
  readonly group: AlertGroup;
  /** Decision time (windows and cooldowns are measured to it). */
  readonly now: Date;
  /** Queue depths read at decision time, keyed by served model name; absent in local mode. */
  readonly levels?: Readonly<Record<string, LevelReading>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Draft extends Mutable<AlertDecision> {
  /** Signal time, epoch ms: startsAt when firing, endsAt ?? startsAt when resolved. */
  readonly timeMs: number;
  /** The signal time as sent, not clamped to now (to reject times too far ahead). */
  readonly rawTimeMs: number;
  /** Still to be decided per model (a firing alert of a known, active model). */
  candidate: "raise" | "idle" | null;
  record: boolean;
}

/** The alert that changed a model's reserve, and to what. */
interface Acted {
  readonly kind: "raise" | "idle";
  /** Replicas. */
  readonly to: number;
  readonly reason: string;
  readonly key: string;
  /** The acting alert's signal time, epoch ms (→ lastSignalTime). */
  readonly signalMs: number;
}

const isAlertName = (name: string | null): name is AlertName => ALERT_NAMES.some((n) => n === name);

/**
 * Decide what one alert group means for the fleet's reserves. Each alert is read on its own status
 * (prometheus/alertmanager#1051). VLLMRequestsWaiting firing raises toward ceil(waiting ÷
 * targetWaitingPerReplica) within the tolerance, replicas.max and the scale-up step per window;
 * VLLMModelIdle firing lowers to replicas.min after the cooldown, unless a VLLMRequestsWaiting for the
 * same model fires in the group; resolved alerts are recorded and change nothing. When several alerts
 * decide for one model, the highest target wins. Duplicates (key in `state.appliedKeys` or earlier in the
 * payload) are `no-op`; signals older than the model's `lastSignalTime` are `ignored` (stale); other
 * alert names and unknown models are `ignored`; a bad `value` rejects only that alert. With
 * `truncatedAlerts` > 0 nothing is inferred for models absent from the payload (Alertmanager PR #2274).
 * Every model's desired reserve is clamped to [replicas.min, replicas.max], also when a human lowered
 * max below the current reserve (argoproj-labs/argocd-image-updater#1249), even if paused or frozen.
 *
 * @returns per-alert outcomes, desired reserves (replicas) for every configured model, the real changes,
 *   signal times and keys to record
 * @throws InvariantError when `now` or a time in `state` is not a valid time (a bug, not bad input)
 */
export function decideFromAlerts(input: DecideFromAlertsInput): SignalDecision {
  const { config, state, group } = input;
  const nowMs = input.now.getTime();
  if (!Number.isFinite(nowMs)) throw new InvariantError("decideFromAlerts: now is not a valid Date");

  const byServedName = new Map(config.models.map((m) => [servedModelNameOf(m), m] as const));
  const baselines = new Map(config.models.map((m) => [m.name, baselineOf(m, state.models[m.name])] as const));
  const applied = new Set(state.appliedKeys);
  const seen = new Set<string>();

  const drafts = group.alerts.map((alert, index): Draft => {
    const key = alertKey(group, alert);
    const duplicate = applied.has(key) || seen.has(key);
    seen.add(key);
    const servedModelName = alert.labels[MODEL_NAME_LABEL] || null;
    const model = servedModelName === null ? undefined : byServedName.get(servedModelName);
    const draft: Draft = {
      index,
      key,
      alertname: alert.labels[ALERT_NAME_LABEL] || null,
      model: model?.name ?? null,
      servedModelName,
      status: alert.status,
      outcome: "no-op",
      reason: "resolved",
      detail: "",
      level: null,
      levelSource: null,
      targetReplicas: null,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      timeMs: signalTimeMs(alert, nowMs),
      rawTimeMs: signalTimeMs(alert, Number.POSITIVE_INFINITY),
      candidate: null,
      record: false,
    };
    classify(draft, alert, model === undefined ? undefined : baselines.get(model.name), duplicate, input);
    return draft;
  });

  const desiredReplicas: Record<string, number> = {};
  const changes: ReservedReplicasChange[] = [];
  const signalTimes: Record<string, string> = {};
  for (const model of config.models) {
    const base = baselines.get(model.name)!;
    const mine = drafts.filter((d) => d.model === model.name);
    const acted = decideModel(base, mine, input, nowMs);
    desiredReplicas[model.name] = acted?.to ?? base.current;
    const change = changeOf(base, acted);
    if (change !== null) changes.push(change);
    if (acted !== null) signalTimes[model.name] = new Date(acted.signalMs).toISOString();
  }

  const alerts = drafts.map(({ timeMs: _t, rawTimeMs: _rt, candidate: _c, record: _r, ...decision }): AlertDecision => decision);
  return {
    alerts,
    desiredReplicas,
    changes,
    signalTimes,
    keysToRecord: drafts.filter((d) => d.record).map((d) => d.key),
    partialGroup: group.truncatedAlerts > 0 ? { truncated: group.truncatedAlerts } : null,
  };
}

function baselineOf(model: ModelConfig, saved: ModelState | undefined): ModelBaseline {
  const from = saved?.reservedReplicas ?? initialReservedReplicas(model);
  const current = Math.min(model.replicas.max, Math.max(model.replicas.min, from));
  return {
    model,
    from,
    current,
    lastChangeMs: stateTimeMs(saved?.lastChangeTime ?? null, model.name, "lastChangeTime"),
    lastSignalMs: stateTimeMs(saved?.lastSignalTime ?? null, model.name, "lastSignalTime"),
  };
}

function stateTimeMs(iso: string | null, model: string, field: string): number | null {
  if (iso === null) return null;
  const ms = parseRfc3339(iso);
  if (ms === null) throw new InvariantError(`state.models.${model}.${field} is not an ISO-8601 time`, { model, field });
  return ms;
}

/** Signal times further ahead of the controller's clock than this are rejected (sender clock skew allowance). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * startsAt for a firing alert; endsAt (or startsAt when absent) for a resolved one — never later than
 * `now`: a sender's clock skew or a forged future time must not make every later signal look stale.
 */
function signalTimeMs(alert: Alert, nowMs: number): number {
  const iso = alert.status === "firing" ? alert.startsAt : (alert.endsAt ?? alert.startsAt);
  return Math.min(Date.parse(iso), nowMs); // our own normalised toISOString() output
}

function settle(d: Draft, outcome: AlertDecision["outcome"], reason: AlertDecision["reason"], detail: string): void {
  d.outcome = outcome;
  d.reason = reason;
  d.detail = detail;
}

/** Everything decidable from the alert alone; what is left becomes a per-model candidate. */
function classify(d: Draft, alert: Alert, base: ModelBaseline | undefined, duplicate: boolean, input: DecideFromAlertsInput): void {
  const { config, levels } = input;
  if (!isAlertName(d.alertname)) {
    const which = d.alertname === null ? "no alertname label" : `alertname '${d.alertname}'`;
    return settle(d, "ignored", "unknown alertname", `${which}: not one of ${ALERT_NAMES.join(", ")}`);
  }
  if (d.servedModelName === null) return settle(d, "ignored", "no model_name", `no ${MODEL_NAME_LABEL} label: cannot tell which model`);
  if (base === undefined) {
    return settle(d, "ignored", "unknown model", `${MODEL_NAME_LABEL} '${d.servedModelName}' is no model's served model name in fleet.yaml`);
  }
  if (duplicate) return settle(d, "no-op", "duplicate", "this alert notification was already decided (retry or HA pair)");
  const { model } = base;
  if (d.rawTimeMs > input.now.getTime() + MAX_CLOCK_SKEW_MS) {
    return settle(d, "rejected", "future time", `signal time ${new Date(d.rawTimeMs).toISOString()} is more than ${MAX_CLOCK_SKEW_MS / 60_000} min ahead of the controller's clock: a wrong sender clock or a forged payload`);
  }
  if (base.lastSignalMs !== null && d.timeMs < base.lastSignalMs) {
    const [then, last] = [d.timeMs, base.lastSignalMs].map((ms) => new Date(ms).toISOString());
    return settle(d, "ignored", "stale", `signal time ${then} is older than the last signal acted on for ${model.name} (${last})`);
  }
  if (d.status === "resolved") {
    d.record = true;
    return settle(d, "no-op", "resolved", `${d.alertname} resolved: recorded, no change`);
  }
  if (d.alertname === "VLLMRequestsWaiting") {
    const read = readLevel(alert, levels?.[d.servedModelName]);
    if (!read.ok) return settle(d, "rejected", read.reason, read.detail);
    d.level = read.level;
    d.levelSource = read.source;
    d.targetReplicas = Math.ceil(read.level / model.targetWaitingPerReplica);
    d.detail = `${read.note} ÷ ${model.targetWaitingPerReplica} per replica → target ${d.targetReplicas}`;
  } else {
    d.targetReplicas = model.replicas.min;
    const reading = levels?.[d.servedModelName];
    if (reading !== undefined && reading.requestsWaiting !== null && reading.requestsWaiting > 0) {
      return settle(d, "no-op", "not idle", `${reading.source} reads ${reading.requestsWaiting} waiting requests now`);
    }
  }
  if (config.policy.freeze) return settle(d, "no-op", "freeze", `policy.freeze is set: no changes. ${d.detail}`.trim());
  if (model.paused) return settle(d, "no-op", "paused", `model ${model.name} is paused: no changes. ${d.detail}`.trim());
  d.candidate = d.alertname === "VLLMRequestsWaiting" ? "raise" : "idle";
}

/**
 * Decide one model from its candidates: the highest raise wins; idle only when no VLLMRequestsWaiting for
 * the model fires in the group. Returns what acted, or null when nothing acts.
 */
function decideModel(base: ModelBaseline, mine: Draft[], input: DecideFromAlertsInput, nowMs: number): Acted | null {
  const policy = input.config.policy;
  const raises = mine.filter((d) => d.candidate === "raise");
  const idles = mine.filter((d) => d.candidate === "idle");
  const queueing = mine.some((d) => d.alertname === "VLLMRequestsWaiting" && d.status === "firing");
  let acted: Acted | null = null;

  if (raises.length > 0) {
    const winner = raises.reduce((best, d) => ((d.targetReplicas ?? 0) > (best.targetReplicas ?? 0) ? d : best));
    acted = applyEvaluation(winner, raises, evaluateRaise(base, winner.targetReplicas ?? 0, policy, nowMs));
  }
  if (idles.length > 0 && queueing) {
    for (const d of idles) settle(d, "no-op", "superseded", `a VLLMRequestsWaiting alert for ${base.model.name} fires in the same group: never lower while requests queue`);
  } else if (idles.length > 0) {
    const winner = idles[0]!;
    acted = applyEvaluation(winner, idles, evaluateIdle(base, policy, nowMs));
  }
  return acted;
}

/** Settle the winner with the evaluation; its rivals are superseded, and recorded with it when it acts. */
function applyEvaluation(winner: Draft, rivals: Draft[], evaluation: Evaluation): Acted | null {
  const prefix = winner.detail === "" ? "" : `${winner.detail}; `;
  settle(winner, evaluation.act ? "act" : "no-op", evaluation.reason, `${prefix}${evaluation.detail}`);
  for (const d of rivals) {
    if (d === winner) continue;
    settle(d, "no-op", "superseded", `alert #${winner.index} of this group decided for this model (target ${winner.targetReplicas})`);
    d.record = evaluation.act;
  }
  if (!evaluation.act) return null;
  winner.record = true;
  return { kind: evaluation.reason, to: evaluation.to, reason: `${winner.alertname}: ${winner.detail}`, key: winner.key, signalMs: winner.timeMs };
}

function changeOf(base: ModelBaseline, acted: Acted | null): ReservedReplicasChange | null {
  const { model, from, current } = base;
  const to = acted?.to ?? current;
  if (to === from) return null;
  const clamp =
    current === from
      ? ""
      : `reserve ${from} is outside fleet.yaml's replicas [${model.replicas.min}, ${model.replicas.max}], clamped to ${current}`;
  if (acted === null) return { model: model.name, from, to, kind: "clamp", reason: clamp, alertKey: null };
  return { model: model.name, from, to, kind: acted.kind, reason: clamp === "" ? acted.reason : `${clamp}; ${acted.reason}`, alertKey: acted.key };
}
