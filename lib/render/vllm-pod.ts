/**
 * The parts of a vLLM pod shared by the Deployment (one pod per replica) and the RayCluster head and
 * workers (one pod per node of a multi-node replica): server arguments, probes, volumes, environment,
 * resources and scheduling.
 */
import { servedModelNameOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import type { ReplicaShape } from "../planner/types.js";
import { HTTP_PORT, POOL_LABEL, priorityClassName } from "./names.js";
import type { YamlValue } from "./yaml-text.js";

/** Where the Hugging Face hub cache lives for the image's root user (`HF_HOME` default). */
export const MODEL_CACHE_PATH = "/root/.cache/huggingface";
/**
 * Size of the memory-backed /dev/shm, GiB. The container runtime's default is 64 MiB; vLLM's multiprocessing
 * executor and NCCL's shared-memory transport need more when TP > 1 (vLLM docs: run with `--ipc=host` or a
 * larger `--shm-size`). It counts against the node's memory, not the GPU's.
 */
export const SHM_SIZE_GIB = 8;
/**
 * Seconds a stopping pod gets to finish in-flight requests: uvicorn stops accepting and lets running
 * requests finish on SIGTERM; 5 minutes covers a long streamed completion. The kubelet kills after that.
 */
export const TERMINATION_GRACE_SECONDS = 300;
/**
 * Seconds the pod keeps serving after it is marked terminating, so Service endpoints drop it before the
 * server stops accepting (endpoint removal is asynchronous).
 */
export const PRE_STOP_SLEEP_SECONDS = 10;
/** Probe period of the startup probe, seconds. */
const STARTUP_PERIOD_SECONDS = 10;

/**
 * How long a replica may take to become healthy, seconds: downloading weights into an empty cache, loading
 * them and capturing CUDA graphs takes minutes (tens of minutes for 405B across nodes).
 */
export function startupBudgetSeconds(shape: ReplicaShape): number {
  return shape.kind === "multi-node" ? 60 * 60 : 30 * 60;
}

/** GPUs (or MIG instances) one pod of the shape holds: TP for whole GPUs (per node when multi-node), 1 for MIG. */
export function gpusPerPod(shape: ReplicaShape): number {
  return shape.kind === "mig" ? 1 : shape.tensorParallelSize;
}

/** `--quantization` value for the model, or null to let vLLM read the method from the checkpoint. */
export function quantizationArg(model: ModelConfig): string | null {
  // vLLM uses its faster Marlin kernels for AWQ/GPTQ only when not forced to the plain method; Marlin
  // needs compute capability ≥ 8.0 (every GPU of the catalogue) and group size 32, 64 or 128 (vLLM
  // `awq_marlin.py`, `gptq_marlin.py`: "use quantization=awq_marlin for faster inference").
  const marlin = [32, 64, 128].includes(model.quantizationGroupSize);
  switch (model.quantization) {
    case "awq":
      return marlin ? "awq_marlin" : "awq";
    case "gptq":
      return marlin ? "gptq_marlin" : "gptq";
    case "fp8":
      return "fp8";
    case "int8":
    case "none":
      return null;
  }
}

/**
 * Arguments of `vllm serve` (the OpenAI-compatible server), model first. The model is positional: vLLM
 * deprecated `--model` with `vllm serve` and announced its removal (argparse_utils.py warning).
 */
export function vllmServeArgs(model: ModelConfig, shape: ReplicaShape): string[] {
  const args = [
    model.source,
    "--served-model-name",
    servedModelNameOf(model),
    "--port",
    String(HTTP_PORT),
    "--dtype",
    model.dtype,
    "--max-model-len",
    String(model.maxModelLen),
    "--gpu-memory-utilization",
    String(model.gpuMemoryUtilization),
    "--tensor-parallel-size",
    String(shape.tensorParallelSize),
  ];
  const quantization = quantizationArg(model);
  if (quantization !== null) args.push("--quantization", quantization);
  if (shape.kind === "multi-node") {
    args.push("--pipeline-parallel-size", String(shape.pipelineParallelSize), "--distributed-executor-backend", "ray");
  } else if (shape.tensorParallelSize > 1) {
    args.push("--distributed-executor-backend", "mp");
  }
  return args;
}

function httpGetHealth(periodSeconds: number, failureThreshold: number, timeoutSeconds: number): YamlValue {
  return { httpGet: { path: "/health", port: "http" }, periodSeconds, failureThreshold, timeoutSeconds, successThreshold: 1 };
}

/**
 * Probes on vLLM's `/health`: a startup probe with a budget of `startupBudgetSeconds` (liveness does not
 * run until it passes, so a slow load is not killed), then readiness (out of the Service when unhealthy)
 * and liveness (restart when the engine is dead).
 */
export function healthProbes(shape: ReplicaShape): { startupProbe: YamlValue; readinessProbe: YamlValue; livenessProbe: YamlValue } {
  return {
    startupProbe: httpGetHealth(STARTUP_PERIOD_SECONDS, startupBudgetSeconds(shape) / STARTUP_PERIOD_SECONDS, 5),
    readinessProbe: httpGetHealth(10, 3, 5),
    livenessProbe: httpGetHealth(15, 4, 10),
  };
}

/** `HF_TOKEN` from the model's Secret (key `token`, as in vLLM's Kubernetes guide), when one is configured. */
export function huggingFaceTokenEnv(model: ModelConfig): YamlValue[] {
  if (model.huggingFaceTokenSecret === null) return [];
  return [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: model.huggingFaceTokenSecret, key: "token" } } }];
}

/**
 * Volumes of a vLLM pod, sorted by name: the model cache and, when the pod holds several GPUs, /dev/shm.
 * The cache is an `emptyDir`: the rendered manifests cannot assume a StorageClass or a pre-provisioned
 * volume, and a pod-local cache never shares a half-written download between pods; the cost is a fresh
 * download on every pod start (covered by the startup budget).
 */
export function podVolumes(shape: ReplicaShape): { volumes: YamlValue[]; volumeMounts: YamlValue[] } {
  const volumes: YamlValue[] = [];
  const volumeMounts: YamlValue[] = [];
  if (gpusPerPod(shape) > 1) {
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${SHM_SIZE_GIB}Gi` } });
    volumeMounts.push({ name: "dshm", mountPath: "/dev/shm" });
  }
  volumes.push({ name: "model-cache", emptyDir: {} });
  volumeMounts.push({ name: "model-cache", mountPath: MODEL_CACHE_PATH });
  return { volumes, volumeMounts };
}

/**
 * Container resources. The GPU resource goes in `limits` (extended resources must; requests default to
 * limits): `nvidia.com/gpu: <GPUs per pod>` or `nvidia.com/mig-<profile>: 1` — the device plugin exposes
 * the device, nothing sets CUDA_VISIBLE_DEVICES (FIELD-REPORTS #26). CPU and memory are requests only
 * (Burstable QoS, never BestEffort): 4 CPUs per GPU (2 per MIG instance) and the pod's share of the
 * weights plus 8 GiB of host memory, since weights pass through host memory while loading. No memory
 * limit: the page cache of memory-mapped safetensors files would count against it.
 */
export function podResources(shape: ReplicaShape): YamlValue {
  const gpus = gpusPerPod(shape);
  const cpu = shape.kind === "mig" ? 2 : 4 * gpus;
  const memoryGiB = Math.ceil(shape.memory.weightsGiB * gpus) + 8;
  return {
    limits: { [shape.resourceName]: shape.kind === "mig" ? 1 : gpus },
    requests: { cpu: String(cpu), memory: `${memoryGiB}Gi` },
  };
}

/** Pod-spec fields every vLLM pod has: pool node selector, GPU toleration, priority class, grace period. */
export function podScheduling(model: ModelConfig, config: FleetConfig): Record<string, YamlValue> {
  return {
    nodeSelector: { [POOL_LABEL]: model.pool },
    // GPU node groups are commonly tainted nvidia.com/gpu:NoSchedule (EKS, GKE, AKS GPU pools).
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    priorityClassName: config.cluster.priorityClasses ? priorityClassName(model.priority) : undefined,
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
  };
}

/** The preStop hook that delays SIGTERM until endpoints have dropped the pod. */
export function preStopLifecycle(): YamlValue {
  return { preStop: { exec: { command: ["sleep", String(PRE_STOP_SLEEP_SECONDS)] } } };
}

/** Single-quotes a word for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
