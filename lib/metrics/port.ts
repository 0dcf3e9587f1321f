/**
 * The `MetricsSource` port: the demand levels of models, read at decision time (DESIGN.md §3: an
 * alert is a trigger, the level it acts on is read from Prometheus when a source is configured).
 */

/** The levels of one served model in one namespace. `null` always means "no data", never zero (FIELD-REPORTS #1). */
export interface ModelLevels {
  /** Requests waiting, summed over the model's pods (`vllm:num_requests_waiting`); null = no series. */
  readonly requestsWaiting: number | null;
  /** Requests running, summed over the model's pods (`vllm:num_requests_running`); null = no series. */
  readonly requestsRunning: number | null;
  /**
   * KEDA's HPA at `maxReplicaCount` (kube-state-metrics current ≥ max); null = no HPA series for the
   * model (no KEDA, kube-state-metrics not scraped, or a served name that differs from the
   * ScaledObject name — see `kedaCappedQuery`).
   */
  readonly capped: boolean | null;
  /** Where the numbers came from, for the audit record (e.g. `prometheus http://prometheus:9090`). */
  readonly source: string;
}

/** Reads model levels. One adapter per technology: {@link createPrometheusMetricsSource}. */
export interface MetricsSource {
  /**
   * Levels of each named served model (vLLM's `model_name`) in `namespace`. Every requested name is a
   * key of the result; a model without data has null fields.
   * @throws UpstreamError when the backend fails, times out or answers something malformed.
   */
  readLevels(servedModelNames: readonly string[], namespace: string): Promise<Readonly<Record<string, ModelLevels>>>;
}
