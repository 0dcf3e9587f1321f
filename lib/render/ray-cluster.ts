/**
 * A multi-node replica (DESIGN.md 5.4): one KubeRay RayCluster (ray.io/v1) of fixed size — a head and PP−1
 * workers, one pod per node, each pod holding all GPUs of its node (the head too: vLLM's driver needs GPUs
 * on its own Ray node, FIELD-REPORTS #23) — and one scheduler-plugins PodGroup so all PP pods are
 * gang-scheduled. No Ray autoscaling and no KEDA: a RayCluster has no scale subresource, and a partial group
 * cannot serve; the number of replicas is the plan's `reservedReplicas`.
 */
import { namespaceOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import type { ReplicaShape } from "../planner/types.js";
import { HTTP_PORT, ROLE_LABEL, modelLabels, multiNodeReplicaName } from "./names.js";
import { healthProbes, huggingFaceTokenEnv, podResources, podScheduling, podVolumes, preStopLifecycle, shellQuote, vllmServeArgs } from "./vllm-pod.js";
import type { Manifest, YamlValue } from "./yaml-text.js";

/** A replica spread over PP nodes with TP GPUs each (`ReplicaShape` of kind `multi-node`). */
export type MultiNodeShape = Extract<ReplicaShape, { kind: "multi-node" }>;

/** The coscheduling plugin's scheduler (scheduler-plugins' Helm chart default name). */
export const GANG_SCHEDULER_NAME = "scheduler-plugins-scheduler";
/** Pod label the coscheduling plugin reads to find a pod's PodGroup (scheduler-plugins ≥ v0.28). */
export const POD_GROUP_LABEL = "scheduling.x-k8s.io/pod-group";
/** The Ray GCS port of the head (KubeRay's default, which its head Service exposes). */
const RAY_GCS_PORT = 6379;
/** Seconds between checks while the head waits for the workers to join. */
const JOIN_POLL_SECONDS = 5;

/**
 * The head's shell script: start Ray (non-blocking), wait until all PP nodes are alive in the Ray cluster,
 * then `exec vllm serve … --distributed-executor-backend ray` in the foreground, so the pod lives and dies
 * with the engine. No time limit of its own: the startup probe's budget bounds the wait.
 */
export function headScript(model: ModelConfig, shape: MultiNodeShape): string {
  const nodes = shape.pipelineParallelSize;
  const countAlive = `import ray, sys; ray.init(address="auto", logging_level="ERROR"); sys.exit(0 if sum(1 for n in ray.nodes() if n["Alive"]) >= ${nodes} else 1)`;
  return [
    "set -e",
    "ulimit -n 65536",
    `ray start --head --port=${RAY_GCS_PORT} --dashboard-host=0.0.0.0 --num-gpus=${shape.tensorParallelSize} --disable-usage-stats`,
    `until python3 -c ${shellQuote(countAlive)}; do echo "waiting for ${nodes - 1} Ray worker(s) to join"; sleep ${JOIN_POLL_SECONDS}; done`,
    `exec vllm serve ${vllmServeArgs(model, shape).map(shellQuote).join(" ")}`,
  ].join("\n");
}

/**
 * The RayCluster `<model>-<index>`. KubeRay's `ray.io/overwrite-container-cmd: "true"` (KubeRay ≥ 1.1) makes
 * it run our commands as written; workers run KubeRay's generated `ray start` (`$KUBERAY_GEN_RAY_START_CMD`,
 * which knows the head's address and blocks). `VLLM_HOST_IP` is the pod IP on every pod so vLLM's placement
 * group matches the Ray node IP (FIELD-REPORTS #23). KubeRay's own gang-scheduling label is deliberately not
 * set: it would create a second PodGroup.
 */
export function renderRayCluster(model: ModelConfig, shape: MultiNodeShape, index: number, config: FleetConfig): Manifest {
  const name = multiNodeReplicaName(model.name, index);
  const workers = shape.pipelineParallelSize - 1;
  const gpus = String(shape.tensorParallelSize);
  return {
    apiVersion: "ray.io/v1",
    kind: "RayCluster",
    metadata: {
      name,
      namespace: namespaceOf(model, config),
      labels: modelLabels(model.name),
      annotations: { "ray.io/overwrite-container-cmd": "true" },
    },
    spec: {
      enableInTreeAutoscaling: false,
      headGroupSpec: {
        rayStartParams: { "dashboard-host": "0.0.0.0", "num-gpus": gpus },
        template: rayPodTemplate(model, shape, name, "head", config),
      },
      workerGroupSpecs: [
        {
          groupName: "gpu-workers",
          replicas: workers,
          minReplicas: workers,
          maxReplicas: workers,
          numOfHosts: 1,
          rayStartParams: { "num-gpus": gpus },
          template: rayPodTemplate(model, shape, name, "worker", config),
        },
      ],
    },
  };
}

/** The PodGroup `<model>-<index>` (scheduling.x-k8s.io/v1alpha1): all PP pods are scheduled together or not at all. */
export function renderPodGroup(model: ModelConfig, shape: MultiNodeShape, index: number, config: FleetConfig): Manifest {
  return {
    apiVersion: "scheduling.x-k8s.io/v1alpha1",
    kind: "PodGroup",
    metadata: { name: multiNodeReplicaName(model.name, index), namespace: namespaceOf(model, config), labels: modelLabels(model.name) },
    spec: {
      minMember: shape.pipelineParallelSize,
      minResources: { [shape.resourceName]: shape.pipelineParallelSize * shape.tensorParallelSize },
    },
  };
}

function rayPodTemplate(model: ModelConfig, shape: MultiNodeShape, groupName: string, role: "head" | "worker", config: FleetConfig): YamlValue {
  const { volumes, volumeMounts } = podVolumes(shape);
  const env: YamlValue[] = [
    ...huggingFaceTokenEnv(model),
    { name: "VLLM_HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
  ];
  const head = role === "head";
  const container: Record<string, YamlValue> = {
    name: head ? "ray-head" : "ray-worker",
    image: model.image,
    command: ["/bin/bash", "-c", "--"],
    args: [head ? headScript(model, shape) : "ulimit -n 65536; exec $KUBERAY_GEN_RAY_START_CMD"],
    env,
    resources: podResources(shape),
    volumeMounts,
  };
  if (head) {
    // The engine's health is the replica's health: when a worker is lost the engine fails, the head is
    // restarted, and the workers reconnect to the new head (DESIGN.md 5.4). Workers keep KubeRay's probes.
    Object.assign(container, healthProbes(shape), {
      lifecycle: preStopLifecycle(),
      ports: [
        { name: "gcs-server", containerPort: RAY_GCS_PORT, protocol: "TCP" },
        { name: "dashboard", containerPort: 8265, protocol: "TCP" },
        { name: "http", containerPort: HTTP_PORT, protocol: "TCP" },
      ],
    });
  }
  return {
    metadata: {
      labels: { ...modelLabels(model.name), [ROLE_LABEL]: role, [POD_GROUP_LABEL]: groupName },
    },
    spec: {
      ...podScheduling(model, config),
      schedulerName: GANG_SCHEDULER_NAME,
      containers: [container],
      volumes,
    },
  };
}
