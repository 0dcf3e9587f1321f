/**
 * The KEDA ScaledObject of a KEDA-managed single-node model, exactly as DESIGN.md 2 describes (KEDA ≥ 2.18,
 * `metricType: AverageValue`, so desired replicas = ceil(total ÷ threshold); KEDA takes the max over triggers).
 */
import { namespaceOf, servedModelNameOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import { InvariantError } from "../errors.js";
import type { ModelPlan } from "../planner/types.js";
import type { SingleNodeShape } from "./deployment.js";
import { modelLabels } from "./names.js";
import { concurrentRequestsQuery, waitingRequestsQuery } from "./promql.js";
import type { Manifest, YamlValue } from "./yaml-text.js";

/** Failed reads in a row before KEDA uses the fallback (DESIGN.md 2). */
export const FALLBACK_FAILURE_THRESHOLD = 3;
/** KEDA's polling interval, seconds (KEDA's default is 30; queues build fast). */
export const POLLING_INTERVAL_SECONDS = 15;
/**
 * Lower and upper bound of the HPA scale-down stabilization window, seconds. vLLM takes minutes to start, so
 * a replica removed on a dip is expensive to get back (DESIGN.md 2); the HPA API allows at most 3600.
 */
const SCALE_DOWN_WINDOW_SECONDS = { min: 600, max: 3600 } as const;

/**
 * Threshold of the concurrency trigger: floor(sequences of full length one replica holds × target fraction),
 * at least 1 (sequences per replica; `MemoryEstimate.maxConcurrentSequences`).
 */
export function concurrencyThreshold(model: ModelConfig, shape: SingleNodeShape): number {
  return Math.max(1, Math.floor(shape.memory.maxConcurrentSequences * model.targetConcurrencyFraction));
}

/**
 * `maxReplicaCount`: the plan's `reservedReplicas`, raised to `replicas.min` (and to 1) when the plan could
 * not place even the minimum. The CRD rejects min > max, and lowering the human's `replicas.min` is not
 * the renderer's call; the replicas above the reserve stay Pending — visible in the cluster, reported as
 * unmet demand in the plan, and able to preempt lower priority tiers through their PriorityClass.
 */
export function maxReplicaCount(model: ModelConfig, plan: ModelPlan): number {
  return Math.max(plan.reservedReplicas, model.replicas.min, 1);
}

/**
 * The ScaledObject `<model>`.
 *
 * - `replicas.min ≥ 1`: both engine triggers `ignoreNullValues: "false"` (an empty result is an error, not
 *   zero load) and `fallback {failureThreshold: 3, replicas: min, behavior: currentReplicasIfHigher}`
 *   (FIELD-REPORTS #1).
 * - `replicas.min = 0`: a third trigger from `wakeUp` (a metric that exists with no model pods; FIELD-REPORTS
 *   #4). Engine triggers keep `ignoreNullValues: "true"` — at 0 replicas empty really is zero — so they never
 *   count as failing; the wake-up trigger has `ignoreNullValues: "false"`. KEDA configures `fallback` per
 *   ScaledObject but counts failures per trigger, so the fallback then fires only when the wake-up metric is
 *   missing; its `replicas` is 1, keeping the model reachable while the wake-up signal is broken.
 *
 * @throws InvariantError when a `replicas.min` 0 model has no `wakeUp` (checkRenderable reports it first)
 */
export function renderScaledObject(model: ModelConfig, plan: ModelPlan, shape: SingleNodeShape, config: FleetConfig): Manifest {
  const namespace = namespaceOf(model, config);
  const served = servedModelNameOf(model);
  const scaleToZero = model.replicas.min === 0;
  if (scaleToZero && model.wakeUp === null) {
    throw new InvariantError("a model with replicas.min 0 reached the renderer without a wakeUp trigger", { model: model.name });
  }
  const engineIgnoreNull = scaleToZero ? "true" : "false";
  const triggers: YamlValue[] = [
    prometheusTrigger(config, "requests-waiting", waitingRequestsQuery(namespace, served), model.targetWaitingPerReplica, engineIgnoreNull),
    prometheusTrigger(config, "requests-concurrency", concurrentRequestsQuery(namespace, served), concurrencyThreshold(model, shape), engineIgnoreNull),
  ];
  if (scaleToZero && model.wakeUp !== null) {
    triggers.push(prometheusTrigger(config, "wake-up", model.wakeUp.query, model.wakeUp.threshold, "false"));
  }
  const policy = config.policy;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: model.name, namespace, labels: modelLabels(model.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: model.name },
      minReplicaCount: model.replicas.min,
      maxReplicaCount: maxReplicaCount(model, plan),
      pollingInterval: POLLING_INTERVAL_SECONDS,
      // Only used for the last replica → 0 step (scale to zero); the HPA behavior below governs N → 1.
      cooldownPeriod: policy.scaleDownCooldownSeconds,
      fallback: {
        failureThreshold: FALLBACK_FAILURE_THRESHOLD,
        replicas: scaleToZero ? 1 : model.replicas.min,
        behavior: "currentReplicasIfHigher",
      },
      advanced: {
        // Deleting the ScaledObject leaves the replicas where they are; the explicit `replicas` of an
        // `autoscaler: none` Deployment then takes over (FIELD-REPORTS #10).
        restoreToOriginalReplicaCount: false,
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: clamp(policy.scaleDownCooldownSeconds, SCALE_DOWN_WINDOW_SECONDS.min, SCALE_DOWN_WINDOW_SECONDS.max),
              policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
            },
            scaleUp: {
              stabilizationWindowSeconds: 0,
              // At most scaleUpStep replicas per window (the HPA allows periods of 1–1800 s).
              policies: [{ type: "Pods", value: policy.scaleUpStep, periodSeconds: clamp(policy.scaleUpWindowSeconds, 15, 1800) }],
            },
          },
        },
      },
      triggers,
    },
  };
}

function prometheusTrigger(config: FleetConfig, name: string, query: string, threshold: number, ignoreNullValues: "true" | "false"): YamlValue {
  const { serverAddress, authenticationRef } = config.cluster.prometheus;
  if (serverAddress === undefined) {
    throw new InvariantError("a KEDA trigger reached the renderer without cluster.prometheus.serverAddress", { trigger: name });
  }
  return {
    type: "prometheus",
    name,
    metricType: "AverageValue",
    metadata: { serverAddress, query, threshold: String(threshold), ignoreNullValues },
    authenticationRef: authenticationRef === null ? undefined : { name: authenticationRef },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
