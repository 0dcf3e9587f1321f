import { describe, expect, it } from "@jest/globals";
import { checkRenderable, promqlProblems } from "../../../lib/render/index.js";
import { baseRawConfig, configOf } from "./fleet-fixtures.js";

function withCluster(change: Record<string, unknown>): Record<string, unknown> {
  const raw = baseRawConfig();
  return { ...raw, cluster: { ...(raw.cluster as object), ...change } };
}

function withWakeUpQuery(query: string): Record<string, unknown> {
  const raw = baseRawConfig();
  const models = (raw.models as Record<string, unknown>[]).map((m) => (m.name === "qwen-coder" ? { ...m, wakeUp: { query, threshold: 1 } } : m));
  return { ...raw, models };
}

describe("checkRenderable", () => {
  it("finds nothing in a config that renders", () => {
    expect(checkRenderable(configOf(baseRawConfig()))).toEqual([]);
  });

  it.each(["2.18", "2.18.0", "2.20.1", "3.0"])("accepts KEDA %s", (version) => {
    expect(checkRenderable(configOf(withCluster({ keda: { version } })))).toEqual([]);
  });

  it.each(["2.16.1", "2.17", "1.5"])("refuses KEDA %s, which cannot express the rendered fallback (FIELD-REPORTS #2)", (version) => {
    const issues = checkRenderable(configOf(withCluster({ keda: { version } })));

    expect(issues).toEqual([{ path: "cluster.keda.version", message: expect.stringContaining("2.18") }]);
  });

  it("accepts an old KEDA when no model uses it", () => {
    const raw = withCluster({ keda: { version: "2.10" } });
    const models = (raw.models as Record<string, unknown>[]).map((m) => ({ ...m, autoscaler: "none", replicas: { min: 1, max: 2 }, wakeUp: null }));

    expect(checkRenderable(configOf({ ...raw, models }))).toEqual([]);
  });

  it("needs the Prometheus address when a model uses KEDA, and the repository URL always", () => {
    const issues = checkRenderable(configOf(withCluster({ prometheus: {}, argocd: {} })));

    expect(issues.map((i) => i.path)).toEqual(["cluster.prometheus.serverAddress", "cluster.argocd.repoURL"]);
  });

  it("needs a wake-up trigger for a KEDA model with replicas.min 0", () => {
    const raw = baseRawConfig();
    const models = (raw.models as Record<string, unknown>[]).map((m) => (m.name === "qwen-coder" ? { ...m, wakeUp: null } : m));

    expect(checkRenderable(configOf({ ...raw, models })).map((i) => i.path)).toEqual(["models[4].wakeUp"]);
  });

  it("needs node names to label nodes one by one", () => {
    const raw = baseRawConfig();
    const pools = (raw.pools as Record<string, unknown>[]).map((p) => (p.name === "a100" ? { ...p, nodeNames: undefined } : p));

    expect(checkRenderable(configOf({ ...raw, pools })).map((i) => i.path)).toEqual(["pools[0].nodeNames"]);
  });

  it.each([
    ["a range inside the label braces (FIELD-REPORTS #3)", 'sum(rate(router_requests_total{model="m"[5m]}))', "range selector"],
    ["an unclosed parenthesis", "sum(rate(router_requests_total[1m])", "unclosed"],
    ["a vLLM metric spelt with an underscore (FIELD-REPORTS #6)", 'sum(vllm_num_requests_waiting{model_name="m"})', "vllm:num_requests_waiting"],
    ["only engine metrics, absent at zero replicas (FIELD-REPORTS #4)", 'sum(vllm:num_requests_waiting{model_name="qwen-coder"})', "0 replicas"],
  ])("refuses a wake-up query with %s", (_, query, fragment) => {
    const issues = checkRenderable(configOf(withWakeUpQuery(query)));

    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path === "models[4].wakeUp.query")).toBe(true);
    expect(issues.map((i) => i.message).join(" | ")).toContain(fragment);
  });

  it.each([
    "sum(rate(vllm:num_incoming_requests_total[1m]))",
    'sum(rate(vllm:num_incoming_requests_total{model="qwen-coder"}[1m])) > bool 0',
    'sum by (model) (rate(router_requests_total{model="a[b]"}[5m])) or vector(0)',
    "sum(rate(gateway_requests_total[1m] offset 5m)) + sum(vllm:num_requests_waiting)",
    'sum(rate(istio_requests_total{destination_service=~"qwen.*"}[2m])) * 1e3',
  ])("accepts the wake-up query %s", (query) => {
    expect(promqlProblems(query)).toEqual([]);
  });
});
