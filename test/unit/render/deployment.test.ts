import { describe, expect, it } from "@jest/globals";
import { renderFleet } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf, withModelPlan } from "./fleet-fixtures.js";
import { modelFile, parseDocuments, parseOne, type Parsed } from "./parse.js";

function withModel(model: string, change: Record<string, unknown>): Record<string, unknown> {
  const raw = baseRawConfig();
  return { ...raw, models: (raw.models as Record<string, unknown>[]).map((m) => (m.name === model ? { ...m, ...change } : m)) };
}

function deploymentOf(model: string, raw: Record<string, unknown> = baseRawConfig(), plan = basePlan()): Parsed {
  const files = renderFleet({ config: configOf(raw), plan });
  return parseOne(modelFile(files, model, "deployment.yaml"));
}

function containerOf(deployment: Parsed): Parsed {
  return deployment.spec.template.spec.containers[0];
}

function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

describe("the rendered Deployment", () => {
  it("runs the pinned image's vLLM OpenAI server with the model's arguments", () => {
    const container = containerOf(deploymentOf("llama-3-70b"));

    expect(container.image).toBe("vllm/vllm-openai:v0.11.0");
    expect(container.command).toEqual(["vllm", "serve"]);
    expect(container.args[0]).toBe("meta-llama/Meta-Llama-3-70B-Instruct");
    expect(argValue(container.args, "--served-model-name")).toBe("llama-3-70b");
    expect(argValue(container.args, "--tensor-parallel-size")).toBe("4");
    expect(argValue(container.args, "--max-model-len")).toBe("8192");
    expect(argValue(container.args, "--gpu-memory-utilization")).toBe("0.9");
    expect(argValue(container.args, "--port")).toBe("8000");
    expect(argValue(container.args, "--dtype")).toBe("bfloat16");
    expect(argValue(container.args, "--quantization")).toBeUndefined();
  });

  it.each([
    ["awq", 128, "awq_marlin"],
    ["awq", 256, "awq"],
    ["gptq", 64, "gptq_marlin"],
    ["fp8", 128, "fp8"],
    ["int8", 128, undefined],
    ["none", 128, undefined],
  ])("passes --quantization for %s weights with group size %i as %s", (quantization, groupSize, expected) => {
    const raw = withModel("llama-3-8b-awq", { quantization, quantizationGroupSize: groupSize });

    const container = containerOf(deploymentOf("llama-3-8b-awq", raw));

    expect(argValue(container.args, "--quantization")).toBe(expected);
  });

  it("requests one MIG instance through the device plugin and never sets CUDA_VISIBLE_DEVICES (FIELD-REPORTS #26)", () => {
    const files = renderFleet({ config: configOf(baseRawConfig()), plan: basePlan() });

    const container = containerOf(parseOne(modelFile(files, "llama-3-8b-awq", "deployment.yaml")));

    expect(container.resources.limits).toEqual({ "nvidia.com/mig-1g.10gb": 1 });
    for (const body of files.values()) expect(body).not.toMatch(/CUDA_VISIBLE_DEVICES/);
  });

  it("requests TP whole GPUs for a whole-GPU shape", () => {
    const container = containerOf(deploymentOf("llama-3-70b"));

    expect(container.resources.limits).toEqual({ "nvidia.com/gpu": 4 });
    expect(container.resources.requests).toEqual({ cpu: "16", memory: "140Gi" });
  });

  it("mounts a memory-backed /dev/shm only when the pod holds several GPUs", () => {
    const tp4 = deploymentOf("llama-3-70b");
    const tp1 = deploymentOf("mistral-7b");

    const shmOf = (d: Parsed) => d.spec.template.spec.volumes.find((v: Parsed) => v.name === "dshm");
    expect(shmOf(tp4).emptyDir).toEqual({ medium: "Memory", sizeLimit: "8Gi" });
    expect(containerOf(tp4).volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
    expect(shmOf(tp1)).toBeUndefined();
  });

  it("caches models in an emptyDir at the Hugging Face cache path", () => {
    const deployment = deploymentOf("mistral-7b");

    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: "model-cache", emptyDir: {} });
    expect(containerOf(deployment).volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/root/.cache/huggingface" });
  });

  it("takes HF_TOKEN from the configured Secret, and sets no env without one", () => {
    const withSecret = containerOf(deploymentOf("llama-3-70b"));
    const without = containerOf(deploymentOf("mistral-7b"));

    expect(withSecret.env).toEqual([{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } }]);
    expect(without.env).toBeUndefined();
  });

  it("gives startup a budget of at least 20 minutes before liveness can restart the pod", () => {
    const container = containerOf(deploymentOf("llama-3-70b"));

    const { startupProbe, readinessProbe, livenessProbe } = container;
    expect(startupProbe.failureThreshold * startupProbe.periodSeconds).toBeGreaterThanOrEqual(20 * 60);
    for (const probe of [startupProbe, readinessProbe, livenessProbe]) expect(probe.httpGet).toEqual({ path: "/health", port: "http" });
  });

  it("keeps the rollout deadline beyond the startup budget", () => {
    const deployment = deploymentOf("llama-3-70b");

    const startup = containerOf(deployment).startupProbe;
    expect(deployment.spec.progressDeadlineSeconds).toBeGreaterThan(startup.failureThreshold * startup.periodSeconds);
  });

  it("rolls out one pod at a time without a surge pod", () => {
    const deployment = deploymentOf("llama-3-70b");

    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  it("schedules onto the model's pool with its priority class and lets requests drain", () => {
    const spec = deploymentOf("llama-3-8b-awq").spec.template.spec;

    expect(spec.nodeSelector).toEqual({ "vllm-gitops/pool": "a100" });
    expect(spec.priorityClassName).toBe("vllm-priority-100");
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    expect(spec.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(containerOf(deploymentOf("llama-3-8b-awq")).lifecycle.preStop.exec.command).toEqual(["sleep", "10"]);
  });

  it("labels the Deployment and its pods, and selects pods by the model label only", () => {
    const deployment = deploymentOf("mistral-7b");

    const labels = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "mistral-7b", "app.kubernetes.io/managed-by": "vllm-gitops", "vllm-gitops/model": "mistral-7b" };
    expect(deployment.metadata.labels).toEqual(labels);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
    expect(deployment.spec.selector).toEqual({ matchLabels: { "vllm-gitops/model": "mistral-7b" } });
  });

  it("renders an autoscaler: none model with no reserve as replicas: 0", () => {
    const plan = withModelPlan(basePlan(), "mistral-7b", { reservedReplicas: 0 });

    const deployment = deploymentOf("mistral-7b", baseRawConfig(), plan);

    expect(deployment.spec.replicas).toBe(0);
  });

  it("quotes strings a YAML 1.1 reader (Kubernetes, go-yaml) would take for booleans", () => {
    const files = renderFleet({ config: configOf(withModel("mistral-7b", { servedModelName: "no" })), plan: basePlan() });

    const text = modelFile(files, "mistral-7b", "deployment.yaml") ?? "";

    expect(text).toContain('- "no"\n');
    expect(argValue(containerOf(parseOne(text)).args, "--served-model-name")).toBe("no");
  });

  it("fronts the Deployment with a ClusterIP Service on port 8000", () => {
    const files = renderFleet({ config: configOf(baseRawConfig()), plan: basePlan() });

    const [service] = parseDocuments(modelFile(files, "mistral-7b", "service.yaml") ?? "");

    expect(service.spec).toEqual({
      type: "ClusterIP",
      selector: { "vllm-gitops/model": "mistral-7b" },
      ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }],
    });
  });
});
