// Builders for vLLM alert groups in the Alertmanager webhook v4 shape (as in test/fixtures/alertmanager),
// and the fleet and state the decisions are made against. Real parsing and config loading, no mocks.
import { loadFleetConfig, type FleetConfig } from "../../../lib/config/index.js";
import { labelsFingerprint, parseAlertmanagerPayload, type AlertGroup, type SignalDecision } from "../../../lib/signals/index.js";
import type { ControllerState, ModelState } from "../../../lib/state/types.js";

export const NOW = new Date("2025-03-01T12:00:00.000Z");
/** `seconds` before NOW, as ISO-8601. */
export const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();

export const LLAMA_SERVED = "meta-llama/Meta-Llama-3-8B-Instruct";

/** Four models; llama-3-8b is served under its Hugging Face id, the others under their names. */
export const FLEET_YAML = `apiVersion: vllm-gitops/v1
cluster:
  name: test
  prometheus: {serverAddress: "http://prometheus.monitoring:9090"}
  argocd: {repoURL: "https://github.com/acme/llm-fleet.git"}
pools:
  - {name: a100, gpu: A100-80GB, nodes: 2, gpusPerNode: 8}
  - {name: h100, gpu: H100-80GB, nodes: 2, gpusPerNode: 8}
models:
  - name: llama-3-8b
    servedModelName: ${LLAMA_SERVED}
    source: meta-llama/Meta-Llama-3-8B-Instruct
    architecture: llama-3-8b
    maxModelLen: 8192
    image: vllm/vllm-openai:v0.11.0
    pool: a100
    replicas: {min: 1, max: 14, initial: 2}
    targetWaitingPerReplica: 5
    paused: false
  - name: mixtral-8x7b
    source: mistralai/Mixtral-8x7B-Instruct-v0.1
    architecture: mixtral-8x7b
    maxModelLen: 8192
    image: vllm/vllm-openai:v0.11.0
    pool: h100
    replicas: {min: 1, max: 8}
    targetWaitingPerReplica: 10
  - name: llama-3-70b
    source: meta-llama/Meta-Llama-3-70B-Instruct
    architecture: llama-3-70b
    maxModelLen: 8192
    image: vllm/vllm-openai:v0.11.0
    pool: h100
    replicas: {min: 1, max: 4}
  - name: mistral-7b
    source: mistralai/Mistral-7B-Instruct-v0.1
    architecture: mistral-7b
    maxModelLen: 8192
    image: vllm/vllm-openai:v0.11.0
    pool: a100
    replicas: {min: 1, max: 6}
policy:
  scaleUpStep: 4
  scaleUpWindowSeconds: 60
  scaleDownCooldownSeconds: 600
  tolerance: 0.1
  freeze: false
`;

/** The fleet above, after `edit` of its text (e.g. pausing a model or lowering a max). */
export function fleet(edit: (yaml: string) => string = (y) => y): FleetConfig {
  return loadFleetConfig(edit(FLEET_YAML));
}

export interface AlertSpec {
  readonly alertname?: string | null;
  /** The `model_name` label; null leaves it out. */
  readonly model?: string | null;
  readonly status?: "firing" | "resolved";
  /** The `value` annotation; null leaves it out. */
  readonly value?: string | null;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly fingerprint?: string | null;
  readonly labels?: Record<string, string>;
}

/** One alert as Alertmanager sends it; firing ones carry Go's zero `endsAt`. */
export function alertJson(spec: AlertSpec = {}): Record<string, unknown> {
  const status = spec.status ?? "firing";
  const labels: Record<string, string> = { severity: "warning", ...spec.labels };
  const alertname = spec.alertname === undefined ? "VLLMRequestsWaiting" : spec.alertname;
  const model = spec.model === undefined ? LLAMA_SERVED : spec.model;
  if (alertname !== null) labels.alertname = alertname;
  if (model !== null) labels.model_name = model;
  const value = spec.value === undefined ? "23" : spec.value;
  const alert: Record<string, unknown> = {
    status,
    labels,
    annotations: value === null ? { summary: "queueing" } : { summary: "queueing", value },
    startsAt: spec.startsAt ?? ago(300),
    endsAt: spec.endsAt ?? (status === "firing" ? "0001-01-01T00:00:00Z" : ago(10)),
    generatorURL: "http://prometheus:9090/graph?g0.expr=vllm%3Anum_requests_waiting",
  };
  // What Alertmanager would send; null leaves it out, as old versions do.
  if (spec.fingerprint !== null) alert.fingerprint = spec.fingerprint ?? labelsFingerprint(labels);
  return alert;
}

/** A webhook body around `alerts`. */
export function payloadJson(alerts: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receiver: "vllm-gitops",
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts,
    groupLabels: { alertname: "VLLMRequestsWaiting" },
    commonLabels: { alertname: "VLLMRequestsWaiting" },
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: '{}:{alertname="VLLMRequestsWaiting"}',
    truncatedAlerts: 0,
    ...extra,
  };
}

/** Parse a group of alerts built from specs. */
export function groupOf(specs: readonly AlertSpec[], extra: Record<string, unknown> = {}): AlertGroup {
  return parseAlertmanagerPayload(payloadJson(specs.map(alertJson), extra));
}

/** State holding the given models (others absent, i.e. new to state). */
export function stateWith(models: Record<string, Partial<ModelState>> = {}, appliedKeys: readonly string[] = []): ControllerState {
  const full: Record<string, ModelState> = {};
  for (const [name, m] of Object.entries(models)) {
    full[name] = { reservedReplicas: 2, lastChangeTime: null, lastSignalTime: null, shape: null, ...m };
  }
  return { version: 1, configCommit: null, models: full, plan: [], appliedKeys };
}

/** The state a commit of `decision` at `now` leaves (what the controller's state writer does). */
export function stateAfter(state: ControllerState, decision: SignalDecision, now: Date): ControllerState {
  const models: Record<string, ModelState> = { ...state.models };
  for (const [name, reservedReplicas] of Object.entries(decision.desiredReplicas)) {
    const previous = models[name];
    const changed = decision.changes.some((c) => c.model === name);
    models[name] = {
      reservedReplicas,
      lastChangeTime: changed ? now.toISOString() : (previous?.lastChangeTime ?? null),
      lastSignalTime: decision.signalTimes[name] ?? previous?.lastSignalTime ?? null,
      shape: previous?.shape ?? null,
    };
  }
  return { ...state, models, appliedKeys: [...state.appliedKeys, ...decision.keysToRecord] };
}
