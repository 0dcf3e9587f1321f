/**
 * The policy applied to one model's winning alert (DESIGN.md 2, 3): tolerance, replicas.max, the scale-up
 * step per window and the scale-down cooldown, both counted from the model's last change.
 */
import type { ModelConfig, PolicyConfig } from "../config/index.js";
import type { AlertReason } from "./vocabulary.js";

/** Where one model stands before this group: its reserve (already within [min, max]) and last change. */
export interface ModelBaseline {
  readonly model: ModelConfig;
  /** The reserve in state, or the initial reserve for a model new to state, replicas. */
  readonly from: number;
  /** `from` clamped to [replicas.min, replicas.max], replicas. */
  readonly current: number;
  /** Epoch ms of the last change of the reserve; null = never (counts as long ago). */
  readonly lastChangeMs: number | null;
  /** Epoch ms of the newest signal acted on; null = none. */
  readonly lastSignalMs: number | null;
}

export type Evaluation =
  | { readonly act: true; readonly reason: "raise" | "idle"; readonly to: number; readonly detail: string }
  | { readonly act: false; readonly reason: AlertReason; readonly detail: string };

/** Absorbs binary rounding in current × (1 + tolerance), e.g. 20 × 1.15 = 22.999…. */
const EPSILON = 1e-9;

const secondsSince = (nowMs: number, thenMs: number): number => Math.floor((nowMs - thenMs) / 1000);

/**
 * Decide a raise from a VLLMRequestsWaiting target: no change within the tolerance (this alert never
 * lowers), at most replicas.max, at most `scaleUpStep` above the reserve, and only once
 * `scaleUpWindowSeconds` have passed since the model's last change.
 *
 * @param base - the model's baseline
 * @param targetReplicas - ceil(waiting ÷ targetWaitingPerReplica), replicas
 * @param policy - fleet.yaml policy
 * @param nowMs - decision time, epoch ms
 */
export function evaluateRaise(base: ModelBaseline, targetReplicas: number, policy: PolicyConfig, nowMs: number): Evaluation {
  const { current } = base;
  const { max } = base.model.replicas;
  const tolerated = current * (1 + policy.tolerance);
  if (targetReplicas <= tolerated + EPSILON) {
    const detail =
      targetReplicas <= current
        ? `target ${targetReplicas} is not above the reserve ${current}; this alert only raises`
        : `target ${targetReplicas} is within the tolerance ${policy.tolerance} of the reserve ${current} (≤ ${round2(tolerated)})`;
    return { act: false, reason: "tolerance", detail };
  }
  const capped = Math.min(targetReplicas, max);
  if (capped <= current) {
    return { act: false, reason: "at max", detail: `target ${targetReplicas}, but the reserve ${current} is already at replicas.max ${max}` };
  }
  const windowMs = policy.scaleUpWindowSeconds * 1000;
  if (base.lastChangeMs !== null && nowMs - base.lastChangeMs < windowMs) {
    return {
      act: false,
      reason: "scale-up window",
      detail: `target ${targetReplicas}, but the reserve last changed ${secondsSince(nowMs, base.lastChangeMs)} s ago, within scaleUpWindowSeconds ${policy.scaleUpWindowSeconds}`,
    };
  }
  const to = Math.min(capped, current + policy.scaleUpStep);
  // Name the limit that bound the result: the step when it did, else replicas.max.
  const limited = to < capped ? ` (limited by scaleUpStep ${policy.scaleUpStep})` : capped < targetReplicas ? ` (limited by replicas.max ${max})` : "";
  return { act: true, reason: "raise", to, detail: `reserve ${current} → ${to}${limited}` };
}

/**
 * Decide a VLLMModelIdle: lower the reserve to replicas.min once `scaleDownCooldownSeconds` have passed
 * since the model's last change.
 *
 * @param base - the model's baseline
 * @param policy - fleet.yaml policy
 * @param nowMs - decision time, epoch ms
 */
export function evaluateIdle(base: ModelBaseline, policy: PolicyConfig, nowMs: number): Evaluation {
  const { current } = base;
  const { min } = base.model.replicas;
  if (current <= min) return { act: false, reason: "at min", detail: `the reserve ${current} is already replicas.min ${min}` };
  const cooldownMs = policy.scaleDownCooldownSeconds * 1000;
  if (base.lastChangeMs !== null && nowMs - base.lastChangeMs < cooldownMs) {
    return {
      act: false,
      reason: "cooldown",
      detail: `idle, but the reserve last changed ${secondsSince(nowMs, base.lastChangeMs)} s ago, within scaleDownCooldownSeconds ${policy.scaleDownCooldownSeconds}`,
    };
  }
  return { act: true, reason: "idle", to: min, detail: `idle: reserve ${current} → replicas.min ${min}` };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
