/**
 * The commit message of a decision: what changed, why (alert, level, policy), the GPU delta, and the
 * `Decision-Id` trailer that finds the audit record. People review these commits, so every line is
 * written for them.
 */
import type { AuditChange } from "../audit/port.js";
import type { FleetPlan } from "../planner/index.js";

export interface DecisionReason {
  /** One line per cause, e.g. "VLLMRequestsWaiting firing for llama-3-8b: 30 waiting (alert annotation) → target 6". */
  readonly lines: readonly string[];
  /** Short cause for the subject, e.g. "VLLMRequestsWaiting". */
  readonly short: string;
}

export interface CommitMessageInput {
  readonly decisionId: string;
  readonly trigger: { readonly kind: string; readonly ref: string };
  readonly reason: DecisionReason;
  readonly changes: readonly AuditChange[];
  readonly plan: FleetPlan;
  readonly gpusBefore: number;
  readonly gpusAfter: number;
  readonly filesChanged: number;
  /** GPUs re-sliced (from `describeMigChanges`); each needs its node drained before the MIG manager applies it. */
  readonly migChanges?: readonly string[];
  /** Steps per re-sliced node (from `buildResliceRunbook`), written for disruptive plans. */
  readonly runbook?: readonly string[];
  /** The change goes to a proposal branch for approval (`policy.approval: pr`), not to the rendered branch. */
  readonly proposal?: boolean;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

function describeChange(change: AuditChange): string {
  if (change.field === "reservedReplicas") {
    return change.from === null
      ? `${change.model}: reserve ${String(change.to)} replicas (new model)`
      : `${change.model}: reserve ${String(change.from)} → ${String(change.to)} replicas (ScaledObject maxReplicaCount)`;
  }
  return `${change.model}: ${change.field} ${String(change.from)} → ${String(change.to)}`;
}

/** Subject ≤ ~72 characters, blank line, body, blank line, trailers. */
export function buildCommitMessage(input: CommitMessageInput): string {
  const { changes, plan } = input;
  const reserveChanges = changes.filter((c) => c.field === "reservedReplicas");
  const headline =
    reserveChanges.length === 1
      ? `${reserveChanges[0]!.model} reserve ${reserveChanges[0]!.from === null ? "" : `${String(reserveChanges[0]!.from)} → `}${String(reserveChanges[0]!.to)}`
      : changes.length === 1
        ? `${changes[0]!.model} ${changes[0]!.field} ${String(changes[0]!.from)} → ${String(changes[0]!.to)}`
        : changes.length > 0
          ? `${changes.length} changes across ${plural(new Set(changes.map((c) => c.model)).size, "model")}`
          : "re-render manifests";
  const subject = `vllm-gitops${input.proposal ? " proposal" : ""}: ${headline} (${input.reason.short})`;

  const delta = input.gpusAfter - input.gpusBefore;
  const hasRunbook = input.runbook !== undefined && input.runbook.length > 0;
  const body = [
    "Why:",
    ...input.reason.lines.map((l) => `- ${l}`),
    "",
    "Changes:",
    ...(changes.length > 0 ? changes.map((c) => `- ${describeChange(c)}`) : ["- manifests re-rendered; no reserve or shape changed"]),
    "",
    ...(input.migChanges !== undefined && input.migChanges.length > 0 ? ["MIG layouts (nvidia.com/mig.config changes; the MIG manager does not drain pods):", ...input.migChanges.map((l) => `- ${l}`), ""] : []),
    `GPUs used: ${input.gpusBefore} → ${input.gpusAfter} of ${plan.gpusTotal} (${delta >= 0 ? "+" : ""}${delta})`,
    `Plan: solver ${plan.solver}${plan.lowerBoundGpus !== null ? `, lower bound ${plan.lowerBoundGpus} GPUs` : ""}; ` +
      `${plural(plan.churn.gpusResliced, "GPU")} re-sliced, ${plural(plan.churn.replicasMoved, "replica")} moved${plan.disruptive ? "; DISRUPTIVE (re-slices GPUs in use or changes TP/PP)" : ""}`,
    ...(plan.unmet.length > 0 ? ["Unmet demand:", ...plan.unmet.map((u) => `- ${u.model}: ${plural(u.replicas, "replica")}: ${u.reason}`)] : []),
    `Files changed: ${input.filesChanged}`,
    ...(input.proposal ? ["", `Proposed, not applied: this plan is disruptive and policy.approval is pr. Merge it into the rendered branch ${hasRunbook ? "once the runbook below is under way" : "when its pods may be drained"}.`] : []),
    ...(hasRunbook ? ["", ...input.runbook!] : []),
  ];
  const trailers = [`Decision-Id: ${input.decisionId}`, `Trigger: ${input.trigger.kind} ${input.trigger.ref}`];
  return `${subject}\n\n${body.join("\n")}\n\n${trailers.join("\n")}\n`;
}

/** The `Decision-Id` trailer of a commit message, or null. */
export function decisionIdOf(message: string): string | null {
  const match = /^Decision-Id: (\S+)$/m.exec(message);
  return match?.[1] ?? null;
}
