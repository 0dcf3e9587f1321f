/**
 * PromQL builders shared by the alert rules (`infra/alert-rules.ts`) and the Prometheus metrics
 * source, so that what fires an alert and what the controller reads at decision time are the same
 * expressions. Pure string functions: no I/O.
 *
 * Every expression aggregates over pods (and over vLLM ≥ 0.10's `engine` label, FIELD-REPORTS #5)
 * with `sum by (namespace, model_name)`, so one model yields one series per namespace.
 *
 * Label contract (documented in infra/README.md):
 * - vLLM series carry `model_name` (the served model name, vLLM's own label) and `namespace` (added
 *   by the scrape: kubernetes_sd / ServiceMonitor / PodMonitor relabelling).
 * - kube-state-metrics HPA series carry `namespace` and `horizontalpodautoscaler` (the HPA's name;
 *   kube-state-metrics must be scraped with `honor_labels: true`, as kube-prometheus does, or its
 *   `namespace` label arrives as `exported_namespace`).
 * - KEDA names the HPA of a ScaledObject `keda-hpa-<ScaledObject name>`, and the rendered ScaledObject
 *   is named after the model, so `label_replace` turns the HPA name into `model_name`. That join is
 *   exact when the model's served name equals its fleet.yaml `name` (the default); see
 *   {@link kedaCappedQuery}.
 */

/** vLLM gauge names (vllm-project/vllm `vllm/v1/metrics/loggers.py`; DESIGN.md 6.5). */
export const VLLM_METRICS = {
  /** Requests queued, not yet scheduled (gauge, requests). */
  requestsWaiting: "vllm:num_requests_waiting",
  /** Requests in the running batch (gauge, requests). */
  requestsRunning: "vllm:num_requests_running",
} as const;

/** kube-state-metrics HPA gauges (kubernetes/kube-state-metrics `docs/metrics/workload/horizontalpodautoscaler-metrics.md`). */
export const KSM_HPA_METRICS = {
  /** Current replicas of the HPA's target (gauge, replicas). */
  currentReplicas: "kube_horizontalpodautoscaler_status_current_replicas",
  /** The HPA's `spec.maxReplicas`, i.e. KEDA's `maxReplicaCount` (gauge, replicas). */
  maxReplicas: "kube_horizontalpodautoscaler_spec_max_replicas",
} as const;

/** KEDA names the HPA it creates `keda-hpa-<ScaledObject name>` (kedacore/keda `controllers/keda/hpa.go`, `getHPAName`; `advanced.horizontalPodAutoscalerConfig.name` overrides it). */
export const KEDA_HPA_NAME_PREFIX = "keda-hpa-";

/** The labels every model-level expression keeps: one series per served model and namespace. */
export const MODEL_LEVEL_LABELS = ["namespace", "model_name"] as const;

/** Narrows an expression to one namespace; omitted → every namespace (the shipped alert rules). */
export interface QueryScope {
  /** Kubernetes namespace of the models (exact match on the `namespace` label). */
  readonly namespace?: string;
}

const BY_MODEL = `by (${MODEL_LEVEL_LABELS.join(", ")})`;

/**
 * Quotes a PromQL label value. PromQL double-quoted strings use Go escapes, of which JSON's
 * (`\"`, `\\`, `\n`, `\uXXXX`) are a subset, so `JSON.stringify` is a correct quoter.
 */
export function quotePromQLString(value: string): string {
  return JSON.stringify(value);
}

function selector(metric: string, scope: QueryScope, extra: readonly string[] = []): string {
  const matchers = [...(scope.namespace === undefined ? [] : [`namespace=${quotePromQLString(scope.namespace)}`]), ...extra];
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(",")}}`;
}

/**
 * Queue depth per model: `sum by (namespace, model_name) (vllm:num_requests_waiting)`.
 * Value: requests waiting, summed over the model's pods and engines.
 */
export function requestsWaitingQuery(scope: QueryScope = {}): string {
  return `sum ${BY_MODEL} (${selector(VLLM_METRICS.requestsWaiting, scope)})`;
}

/**
 * Running requests per model: `sum by (namespace, model_name) (vllm:num_requests_running)`.
 * Value: requests in the running batches, summed over pods and engines.
 */
export function requestsRunningQuery(scope: QueryScope = {}): string {
  return `sum ${BY_MODEL} (${selector(VLLM_METRICS.requestsRunning, scope)})`;
}

/**
 * Requests in flight per model (running + waiting), the idle signal:
 * `sum by (namespace, model_name) (vllm:num_requests_running + vllm:num_requests_waiting)`.
 * The `+` matches per pod/engine series (same label sets), then the sum aggregates.
 */
export function requestsInFlightQuery(scope: QueryScope = {}): string {
  return `sum ${BY_MODEL} (${selector(VLLM_METRICS.requestsRunning, scope)} + ${selector(VLLM_METRICS.requestsWaiting, scope)})`;
}

/** How {@link kedaCappedQuery} reports the comparison. */
export interface CappedQueryOptions {
  /**
   * false (default): a filter, only capped HPAs remain (value: current replicas) — for `and` in rules.
   * true: `>= bool`, every KEDA HPA remains with value 1 (capped) or 0 (not capped) — so "not capped"
   * is distinguishable from "no data".
   */
  readonly bool?: boolean;
}

/**
 * "KEDA is at its ceiling" per model, from kube-state-metrics:
 * `kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas`
 * for HPAs named `keda-hpa-<name>`, with `label_replace` copying `<name>` into `model_name`.
 *
 * `max by (namespace, horizontalpodautoscaler)` on both sides drops per-scrape labels (`job`,
 * `instance`, …) so the `>=` is one-to-one even with two kube-state-metrics replicas (HA).
 *
 * The join assumes ScaledObject name == served model name: true when fleet.yaml leaves
 * `servedModelName` at its default (`name`). A served name that differs (e.g. `org/model`, which
 * cannot be a Kubernetes name) never joins, so `VLLMRequestsWaiting` cannot fire for it and
 * {@link MetricsSource} reports `capped: null` for it. The renderer must also not set
 * `advanced.horizontalPodAutoscalerConfig.name` (that renames the HPA).
 */
export function kedaCappedQuery(scope: QueryScope = {}, options: CappedQueryOptions = {}): string {
  const kedaHpas = `horizontalpodautoscaler=~${quotePromQLString(`${KEDA_HPA_NAME_PREFIX}.+`)}`;
  const byHpa = "by (namespace, horizontalpodautoscaler)";
  const current = `max ${byHpa} (${selector(KSM_HPA_METRICS.currentReplicas, scope, [kedaHpas])})`;
  const max = `max ${byHpa} (${selector(KSM_HPA_METRICS.maxReplicas, scope, [kedaHpas])})`;
  const comparison = `${current}\n  >=${options.bool === true ? " bool" : ""} on (namespace, horizontalpodautoscaler)\n${max}`;
  const nameRegex = quotePromQLString(`${KEDA_HPA_NAME_PREFIX}(.+)`);
  return `label_replace(\n${indent(comparison)},\n  "model_name", "$1", "horizontalpodautoscaler", ${nameRegex}\n)`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
