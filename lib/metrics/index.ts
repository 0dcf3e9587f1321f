/** Public surface of lib/metrics: the `MetricsSource` port, its Prometheus adapter and the shared PromQL. */
export type { MetricsSource, ModelLevels } from "./port.js";
export { createPrometheusMetricsSource, type PrometheusMetricsSourceOptions } from "./prometheus-metrics-source.js";
export {
  KEDA_HPA_NAME_PREFIX,
  KSM_HPA_METRICS,
  MODEL_LEVEL_LABELS,
  VLLM_METRICS,
  kedaCappedQuery,
  quotePromQLString,
  requestsInFlightQuery,
  requestsRunningQuery,
  requestsWaitingQuery,
  type CappedQueryOptions,
  type QueryScope,
} from "./queries.js";
