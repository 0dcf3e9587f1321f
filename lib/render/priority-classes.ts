/**
 * One PriorityClass per priority tier in use (DESIGN.md 2): Kubernetes preempts lower tiers in seconds,
 * long before a re-plan could land through git.
 */
import { fleetLabels, priorityClassName } from "./names.js";
import type { Manifest } from "./yaml-text.js";

/**
 * PriorityClasses (scheduling.k8s.io/v1) `vllm-priority-<p>` with `value: p`, one per distinct priority,
 * lowest first. Never `globalDefault`; `preemptionPolicy: PreemptLowerPriority`.
 * @param priorities - model priorities (0 … 1e9, the limit Kubernetes sets for user classes); duplicates allowed
 */
export function renderPriorityClasses(priorities: readonly number[]): Manifest[] {
  return [...new Set(priorities)]
    .sort((a, b) => a - b)
    .map((priority) => ({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: priorityClassName(priority), labels: fleetLabels() },
      value: priority,
      globalDefault: false,
      preemptionPolicy: "PreemptLowerPriority",
      description: `vLLM models with priority ${priority} in fleet.yaml (higher wins; rendered by vllm-gitops)`,
    }));
}
