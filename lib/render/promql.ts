/**
 * The PromQL the renderer writes into KEDA triggers, and the few checks it runs on PromQL it is given
 * (the wake-up query). Metric names come from a fixed list (DESIGN.md 6.5) so a misspelt name, which would
 * return an empty vector that KEDA reads as 0, cannot be rendered (FIELD-REPORTS #5, #6).
 */

/**
 * Metrics the vLLM engine exports (DESIGN.md 6.5; vLLM `vllm/v1/metrics/loggers.py`). All of them exist
 * only while a vLLM pod runs, so none of them can wake a model from zero replicas (FIELD-REPORTS #4).
 * `vllm:gpu_cache_usage_perc` is the pre-0.10 name of `vllm:kv_cache_usage_perc` (FIELD-REPORTS #5).
 */
export const VLLM_ENGINE_METRICS = [
  "vllm:num_requests_waiting",
  "vllm:num_requests_running",
  "vllm:kv_cache_usage_perc",
  "vllm:gpu_cache_usage_perc",
  "vllm:time_to_first_token_seconds",
  "vllm:inter_token_latency_seconds",
] as const;
/** One of `VLLM_ENGINE_METRICS`. */
export type VllmEngineMetric = (typeof VLLM_ENGINE_METRICS)[number];

/** Suffixes Prometheus adds to histogram and counter series. */
const SERIES_SUFFIXES = ["_bucket", "_sum", "_count", "_total"] as const;

/** A PromQL string literal: double quotes, with `\`, `"` and line breaks escaped. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** `metric{namespace="<ns>",model_name="<served>"}` for one model's engine series. */
export function modelSelector(metric: VllmEngineMetric, namespace: string, servedModelName: string): string {
  return `${metric}{namespace=${promqlString(namespace)},model_name=${promqlString(servedModelName)}}`;
}

/** Trigger 1 (DESIGN.md 2): requests queued in the model's engines, summed over pods. */
export function waitingRequestsQuery(namespace: string, servedModelName: string): string {
  return `sum(${modelSelector("vllm:num_requests_waiting", namespace, servedModelName)})`;
}

/**
 * Trigger 2 (DESIGN.md 2): requests running plus waiting, summed over pods. The two gauges are exported
 * together by every engine with the same labels, so the per-pod `+` matches one to one.
 */
export function concurrentRequestsQuery(namespace: string, servedModelName: string): string {
  const running = modelSelector("vllm:num_requests_running", namespace, servedModelName);
  const waiting = modelSelector("vllm:num_requests_waiting", namespace, servedModelName);
  return `sum(${running} + ${waiting})`;
}

/** Why a PromQL text cannot be shipped, as sentences; empty when none of the checks found anything. */
export function promqlProblems(query: string): string[] {
  const problems: string[] = [];
  const withoutStrings = query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  problems.push(...delimiterProblems(withoutStrings));
  if (/\{[^{}]*\[/.test(withoutStrings)) {
    problems.push("a range selector '[…]' sits inside the label braces '{…}'; write metric{labels}[5m] (FIELD-REPORTS #3)");
  }
  const names = metricNames(withoutStrings);
  for (const name of names) {
    if (!name.startsWith("vllm_")) continue;
    const colonForm = `vllm:${name.slice("vllm_".length)}`;
    if (isEngineMetric(colonForm)) problems.push(`metric '${name}' does not exist; vLLM exports '${colonForm}' (colon, not underscore; FIELD-REPORTS #6)`);
  }
  if (names.length > 0 && names.every(isEngineMetric)) {
    problems.push(
      `reads only vLLM engine metrics (${names.join(", ")}), which no pod exports at 0 replicas, so it can never wake the model; use a router or gateway metric (FIELD-REPORTS #4)`,
    );
  }
  return problems;
}

/** True for a known engine metric name, with or without a histogram/counter suffix. */
export function isEngineMetric(name: string): boolean {
  return (VLLM_ENGINE_METRICS as readonly string[]).some((m) => name === m || SERIES_SUFFIXES.some((s) => name === m + s));
}

const OPEN_TO_CLOSE: Readonly<Record<string, string>> = { "(": ")", "{": "}", "[": "]" };

function delimiterProblems(text: string): string[] {
  const stack: string[] = [];
  for (const ch of text) {
    if (ch in OPEN_TO_CLOSE) stack.push(ch);
    else if (ch === ")" || ch === "}" || ch === "]") {
      const open = stack.pop();
      if (open === undefined || OPEN_TO_CLOSE[open] !== ch) return [`unbalanced '${ch}'`];
    }
  }
  return stack.length > 0 ? [`unclosed '${stack[stack.length - 1]}'`] : [];
}

const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan"]);

/**
 * Metric names in a PromQL text (string literals already blanked): identifiers that are not function
 * calls, keywords, label names in braces or grouping clauses, or parts of durations and numbers.
 */
export function metricNames(text: string): string[] {
  const stripped = text
    .replace(/\{[^{}]*\}/g, "{}")
    .replace(/\[[^[\]]*\]/g, "[]")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const rest = stripped.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}
