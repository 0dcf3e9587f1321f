/**
 * The Deployment of a single-node model (one pod per replica: a MIG instance or TP whole GPUs).
 */
import { namespaceOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import type { ModelPlan, ReplicaShape } from "../planner/types.js";
import { HTTP_PORT, MODEL_LABEL, modelLabels } from "./names.js";
import { healthProbes, huggingFaceTokenEnv, podResources, podScheduling, podVolumes, preStopLifecycle, startupBudgetSeconds, vllmServeArgs } from "./vllm-pod.js";
import type { Manifest } from "./yaml-text.js";

/** Shapes a Deployment can run: everything but multi-node. */
export type SingleNodeShape = Exclude<ReplicaShape, { kind: "multi-node" }>;

/**
 * The Deployment (apps/v1) of one model.
 *
 * Replicas: KEDA-managed Deployments carry **no** `spec.replicas` (KEDA owns it; Argo CD ignores it, see
 * the Application); `autoscaler: none` Deployments carry `replicas: reservedReplicas` explicitly, also when
 * it is 0, so a change of owner always leaves the field in a defined state (FIELD-REPORTS #8, #10, #11).
 * Rollout: `maxSurge 0, maxUnavailable 1` — a surge pod would need GPUs the plan did not reserve.
 * `progressDeadlineSeconds` exceeds the startup budget so a slow model load is not reported as a failed
 * rollout (Argo CD marks a Deployment past its deadline Degraded).
 */
export function renderDeployment(model: ModelConfig, plan: ModelPlan, shape: SingleNodeShape, config: FleetConfig): Manifest {
  const labels = modelLabels(model.name);
  const { volumes, volumeMounts } = podVolumes(shape);
  const env = huggingFaceTokenEnv(model);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: model.name, namespace: namespaceOf(model, config), labels },
    spec: {
      replicas: model.autoscaler === "none" ? plan.reservedReplicas : undefined,
      selector: { matchLabels: { [MODEL_LABEL]: model.name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      progressDeadlineSeconds: startupBudgetSeconds(shape) + 600,
      revisionHistoryLimit: 3,
      template: {
        metadata: { labels },
        spec: {
          ...podScheduling(model, config),
          containers: [
            {
              name: "vllm",
              image: model.image,
              command: ["vllm", "serve"],
              args: vllmServeArgs(model, shape),
              env: env.length > 0 ? env : undefined,
              ports: [{ name: "http", containerPort: HTTP_PORT, protocol: "TCP" }],
              resources: podResources(shape),
              ...healthProbes(shape),
              lifecycle: preStopLifecycle(),
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}
