import { describe, expect, it } from "@jest/globals";
import { renderFleet, VLLM_ENGINE_METRICS } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf, withModelPlan } from "./fleet-fixtures.js";
import { modelFile, parseOne, type Parsed } from "./parse.js";

function scaledObjectOf(model: string, options: { raw?: Record<string, unknown>; plan?: ReturnType<typeof basePlan> } = {}): Parsed {
  const files = renderFleet({ config: configOf(options.raw ?? baseRawConfig()), plan: options.plan ?? basePlan() });
  return parseOne(modelFile(files, model, "scaledobject.yaml"));
}

function withModel(model: string, change: Record<string, unknown>): Record<string, unknown> {
  const raw = baseRawConfig();
  return { ...raw, models: (raw.models as Record<string, unknown>[]).map((m) => (m.name === model ? { ...m, ...change } : m)) };
}

function triggerNamed(so: Parsed, name: string): Parsed {
  return so.spec.triggers.find((t: Parsed) => t.name === name);
}

describe("the rendered ScaledObject", () => {
  it("scales the model's Deployment between replicas.min and the plan's reserve", () => {
    const so = scaledObjectOf("llama-3-70b");

    expect(so.apiVersion).toBe("keda.sh/v1alpha1");
    expect(so.kind).toBe("ScaledObject");
    expect(so.metadata).toMatchObject({ name: "llama-3-70b", namespace: "llm" });
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "llama-3-70b" });
    expect(so.spec.minReplicaCount).toBe(1);
    expect(so.spec.maxReplicaCount).toBe(2);
  });

  it("uses the waiting queue, then running + waiting, as AverageValue Prometheus triggers (DESIGN.md 2)", () => {
    const so = scaledObjectOf("llama-3-70b");

    const selector = '{namespace="llm",model_name="llama-3-70b"}';
    expect(so.spec.triggers.map((t: Parsed) => [t.type, t.name, t.metricType, t.metadata.query, t.metadata.threshold, t.metadata.serverAddress])).toEqual([
      ["prometheus", "requests-waiting", "AverageValue", `sum(vllm:num_requests_waiting${selector})`, "5", "http://prometheus-operated.monitoring:9090"],
      // floor(59 sequences × 0.8) = 47
      ["prometheus", "requests-concurrency", "AverageValue", `sum(vllm:num_requests_running${selector} + vllm:num_requests_waiting${selector})`, "47", "http://prometheus-operated.monitoring:9090"],
    ]);
  });

  it.each([
    [3, 0.8, "2"],
    [1, 0.8, "1"],
    [0, 0.5, "1"],
    [59, 1, "59"],
  ])("sets the concurrency threshold to floor(%i sequences × %f), at least 1", (sequences, fraction, expected) => {
    const plan = basePlan();
    const shape = plan.models.find((m) => m.model === "llama-3-70b")!.shape!;
    const changed = withModelPlan(plan, "llama-3-70b", { shape: { ...shape, memory: { ...shape.memory, maxConcurrentSequences: sequences } } });

    const so = scaledObjectOf("llama-3-70b", { raw: withModel("llama-3-70b", { targetConcurrencyFraction: fraction }), plan: changed });

    expect(triggerNamed(so, "requests-concurrency").metadata.threshold).toBe(expected);
  });

  it("treats no data as an error whenever it renders a fallback for a model with replicas.min ≥ 1 (FIELD-REPORTS #1)", () => {
    const so = scaledObjectOf("llama-3-8b-awq", { raw: withModel("llama-3-8b-awq", { replicas: { min: 2, max: 14 } }) });

    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: "currentReplicasIfHigher" });
    expect(so.spec.triggers.map((t: Parsed) => t.metadata.ignoreNullValues)).toEqual(["false", "false"]);
  });

  it("adds the wake-up trigger for replicas.min 0 and puts the fallback on it (FIELD-REPORTS #4, #11)", () => {
    const so = scaledObjectOf("qwen-coder");

    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers.map((t: Parsed) => [t.name, t.metadata.ignoreNullValues])).toEqual([
      ["requests-waiting", "true"],
      ["requests-concurrency", "true"],
      ["wake-up", "false"],
    ]);
    expect(triggerNamed(so, "wake-up").metadata).toMatchObject({ query: 'sum(rate(vllm:num_incoming_requests_total{model="qwen-coder"}[1m]))', threshold: "2" });
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 1, behavior: "currentReplicasIfHigher" });
  });

  it("renders no wake-up trigger for a model with replicas.min ≥ 1", () => {
    const so = scaledObjectOf("llama-3-70b", { raw: withModel("llama-3-70b", { wakeUp: { query: "sum(rate(router_requests_total[1m]))", threshold: 1 } }) });

    expect(so.spec.triggers.map((t: Parsed) => t.name)).toEqual(["requests-waiting", "requests-concurrency"]);
  });

  it("reads only vLLM metric names from the known list in its engine queries (FIELD-REPORTS #5, #6)", () => {
    const so = scaledObjectOf("llama-3-70b");

    const names = so.spec.triggers.flatMap((t: Parsed) => String(t.metadata.query).match(/vllm[:_][a-z_]+/g) ?? []);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(VLLM_ENGINE_METRICS).toContain(name);
  });

  it("escapes quotes and backslashes of a served model name in the PromQL selector", () => {
    const so = scaledObjectOf("llama-3-70b", { raw: withModel("llama-3-70b", { servedModelName: 'team\\"70b' }) });

    expect(triggerNamed(so, "requests-waiting").metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="llm",model_name="team\\\\\\"70b"})');
  });

  it("scales down slowly and scales up in bounded steps", () => {
    const raw = baseRawConfig();
    const so = scaledObjectOf("llama-3-70b", { raw: { ...raw, policy: { scaleUpStep: 2, scaleUpWindowSeconds: 120, scaleDownCooldownSeconds: 900 } } });

    const behavior = so.spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBe(900);
    expect(behavior.scaleUp.policies).toEqual([{ type: "Pods", value: 2, periodSeconds: 120 }]);
    expect(so.spec.cooldownPeriod).toBe(900);
  });

  it("keeps the scale-down window at least 600 s even with a short cooldown", () => {
    const raw = baseRawConfig();
    const so = scaledObjectOf("llama-3-70b", { raw: { ...raw, policy: { scaleDownCooldownSeconds: 60 } } });

    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
  });

  it("raises maxReplicaCount to replicas.min when the plan reserved fewer (the CRD rejects min > max)", () => {
    const plan = withModelPlan(basePlan(), "llama-3-70b", { reservedReplicas: 1 });

    const so = scaledObjectOf("llama-3-70b", { raw: withModel("llama-3-70b", { replicas: { min: 3, max: 4 } }), plan });

    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([3, 3]);
  });

  it("keeps maxReplicaCount at least 1 for a scale-to-zero model with no reserve", () => {
    const plan = withModelPlan(basePlan(), "qwen-coder", { reservedReplicas: 0 });

    const so = scaledObjectOf("qwen-coder", { plan });

    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 1]);
  });

  it("references the TriggerAuthentication on every trigger when one is configured", () => {
    const raw = baseRawConfig();
    const cluster = raw.cluster as Record<string, unknown>;
    const so = scaledObjectOf("qwen-coder", {
      raw: { ...raw, cluster: { ...cluster, prometheus: { serverAddress: "https://prom.example:9090", authenticationRef: "prom-auth" } } },
    });

    expect(so.spec.triggers.map((t: Parsed) => t.authenticationRef)).toEqual([{ name: "prom-auth" }, { name: "prom-auth" }, { name: "prom-auth" }]);
  });

  it("renders no authenticationRef without one", () => {
    const so = scaledObjectOf("llama-3-70b");

    expect(so.spec.triggers.every((t: Parsed) => !("authenticationRef" in t))).toBe(true);
  });
});
