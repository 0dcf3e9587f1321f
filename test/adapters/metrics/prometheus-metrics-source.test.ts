import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ConfigError, UpstreamError } from "../../../lib/errors.js";
import { createPrometheusMetricsSource } from "../../../lib/metrics/index.js";
import { fakePrometheus, vector, type FakeAnswer } from "./fake-prometheus.js";

const BASE = "http://prometheus.test:9090";
const ENDPOINT = `${BASE}/api/v1/query`;

// The exact PromQL the source must send for namespace "llm" (the alert rules' expressions, scoped).
const WAITING = 'sum by (namespace, model_name) (vllm:num_requests_waiting{namespace="llm"})';
const RUNNING = 'sum by (namespace, model_name) (vllm:num_requests_running{namespace="llm"})';
const CAPPED = [
  "label_replace(",
  '  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="llm",horizontalpodautoscaler=~"keda-hpa-.+"})',
  "    >= bool on (namespace, horizontalpodautoscaler)",
  '  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="llm",horizontalpodautoscaler=~"keda-hpa-.+"}),',
  '  "model_name", "$1", "horizontalpodautoscaler", "keda-hpa-(.+)"',
  ")",
].join("\n");

const model = (name: string) => ({ namespace: "llm", model_name: name });
const hpaOf = (name: string) => ({ namespace: "llm", horizontalpodautoscaler: `keda-hpa-${name}`, model_name: name });

function answers(waiting: FakeAnswer, running: FakeAnswer, capped: FakeAnswer) {
  return new Map([
    [WAITING, waiting],
    [RUNNING, running],
    [CAPPED, capped],
  ]);
}

async function upstreamErrorOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error("expected an UpstreamError");
}

describe("createPrometheusMetricsSource with a fake fetch", () => {
  it("reads waiting, running and capped per served model with three instant queries", async () => {
    const prometheus = fakePrometheus(
      ENDPOINT,
      answers(
        { body: vector({ labels: model("llama-3-8b"), value: "12" }, { labels: model("qwen-72b"), value: "0" }) },
        { body: vector({ labels: model("llama-3-8b"), value: "48" }, { labels: model("qwen-72b"), value: "3" }) },
        { body: vector({ labels: hpaOf("llama-3-8b"), value: "1" }, { labels: hpaOf("qwen-72b"), value: "0" }) },
      ),
    );
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 2000 });

    const levels = await source.readLevels(["llama-3-8b", "qwen-72b"], "llm");

    expect(levels).toEqual({
      "llama-3-8b": { requestsWaiting: 12, requestsRunning: 48, capped: true, source: "prometheus http://prometheus.test:9090" },
      "qwen-72b": { requestsWaiting: 0, requestsRunning: 3, capped: false, source: "prometheus http://prometheus.test:9090" },
    });
    expect(prometheus.unused()).toEqual([]);
    expect(prometheus.calls).toHaveLength(3);
    expect(prometheus.calls).toContain(`${ENDPOINT}?${new URLSearchParams({ query: WAITING })}`);
  });

  it("reports no data as null, never as zero (FIELD-REPORTS #1)", async () => {
    const prometheus = fakePrometheus(ENDPOINT, answers({ body: vector() }, { body: vector() }, { body: vector() }));
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 2000 });

    const levels = await source.readLevels(["mistral-7b"], "llm");

    expect(levels).toEqual({ "mistral-7b": { requestsWaiting: null, requestsRunning: null, capped: null, source: "prometheus http://prometheus.test:9090" } });
    expect(prometheus.unused()).toEqual([]);
  });

  it("ignores series of models it was not asked about and treats NaN as no data", async () => {
    const prometheus = fakePrometheus(
      ENDPOINT,
      answers(
        { body: vector({ labels: model("other"), value: "9" }, { labels: model("llama-3-8b"), value: "NaN" }) },
        { body: vector({ labels: model("llama-3-8b"), value: "2" }) },
        { body: vector() },
      ),
    );
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 2000 });

    const levels = await source.readLevels(["llama-3-8b"], "llm");

    expect(Object.keys(levels)).toEqual(["llama-3-8b"]);
    expect(levels["llama-3-8b"]).toMatchObject({ requestsWaiting: null, requestsRunning: 2, capped: null });
  });

  it("makes no call when no model is asked for", async () => {
    const prometheus = fakePrometheus(ENDPOINT, new Map());
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 2000 });

    const levels = await source.readLevels([], "llm");

    expect(levels).toEqual({});
    expect(prometheus.calls).toEqual([]);
  });

  it("keeps a path prefix of the base URL, sends the configured headers and keeps credentials out of `source`", async () => {
    const seen: Headers[] = [];
    const prometheus = fakePrometheus("https://mon.test/prometheus/api/v1/query", answers({ body: vector() }, { body: vector() }, { body: vector() }));
    const recording = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      seen.push(new Headers(init?.headers));
      return prometheus.fetch(input, init);
    }) as typeof fetch;
    const source = createPrometheusMetricsSource({
      baseUrl: "https://reader:secret@mon.test/prometheus",
      fetch: recording,
      timeoutMs: 2000,
      headers: { "x-scope-orgid": "tenant-1" },
    });

    const levels = await source.readLevels(["m"], "llm");

    expect(levels.m?.source).toBe("prometheus https://mon.test/prometheus");
    expect(seen.map((h) => h.get("x-scope-orgid"))).toEqual(["tenant-1", "tenant-1", "tenant-1"]);
    expect(prometheus.unused()).toEqual([]);
  });

  it.each([
    ["a 503", { status: 503, body: "<html>upstream down</html>" }, "Prometheus answered an error", { status: 503 }],
    ["a 400 bad_data", { status: 400, body: { status: "error", errorType: "bad_data", error: "parse error" } }, "Prometheus answered an error", { status: 400, errorType: "bad_data" }],
    ["malformed JSON", { status: 200, body: "{not json" }, "Prometheus answered malformed JSON", { bodyStart: "{not json" }],
    ["a matrix instead of a vector", { status: 200, body: { status: "success", data: { resultType: "matrix", result: [] } } }, "Prometheus answered an unexpected shape", {}],
    ["a non-numeric sample", { status: 200, body: vector({ labels: model("m"), value: "twelve" }) }, "Prometheus answered a sample that is not a number", { sample: "twelve" }],
  ])("turns %s into an UpstreamError with details", async (_, answer, message, details) => {
    const prometheus = fakePrometheus(ENDPOINT, answers(answer as FakeAnswer, { body: vector() }, { body: vector() }));
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 2000 });

    const error = await upstreamErrorOf(source.readLevels(["m"], "llm"));

    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ endpoint: ENDPOINT, query: WAITING, ...details });
    expect(error.retryable).toBe(true);
  });

  it("turns a network failure into an UpstreamError with the cause", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: new Error("connect ECONNREFUSED") });
    const failing = (async () => {
      throw refused;
    }) as typeof fetch;
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: failing, timeoutMs: 2000 });

    const error = await upstreamErrorOf(source.readLevels(["m"], "llm"));

    expect(error.message).toBe("Prometheus query failed");
    expect(error.cause).toBe(refused);
  });

  it("gives up after timeoutMs with an UpstreamError", async () => {
    const hang = (signal: AbortSignal | undefined) =>
      new Promise<Response>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason as Error)));
    const prometheus = fakePrometheus(ENDPOINT, new Map([[WAITING, hang], [RUNNING, hang], [CAPPED, hang]]));
    const source = createPrometheusMetricsSource({ baseUrl: BASE, fetch: prometheus.fetch, timeoutMs: 30 });

    const error = await upstreamErrorOf(source.readLevels(["m"], "llm"));

    expect(error.message).toBe("Prometheus query timed out");
    expect(error.details).toMatchObject({ timeoutMs: 30 });
  });

  it.each([
    [{ baseUrl: "not a url", timeoutMs: 1000 }],
    [{ baseUrl: "ftp://prometheus.test", timeoutMs: 1000 }],
    [{ baseUrl: BASE, timeoutMs: 0 }],
  ])("rejects bad settings %p with a ConfigError", (options) => {
    expect(() => createPrometheusMetricsSource(options)).toThrow(ConfigError);
  });
});

describe("createPrometheusMetricsSource against a real HTTP server on 127.0.0.1", () => {
  let server: Server;
  let baseUrl: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const query = url.searchParams.get("query") ?? "";
      received.push(query);
      if (query.includes('namespace="slow"')) return; // never answers: exercises the real timeout
      const body =
        query === WAITING ? vector({ labels: model("llama-3-8b"), value: "7" }) : query === CAPPED ? vector({ labels: hpaOf("llama-3-8b"), value: "1" }) : vector();
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("reads levels over real HTTP with the global fetch", async () => {
    const source = createPrometheusMetricsSource({ baseUrl, timeoutMs: 2000 });

    const levels = await source.readLevels(["llama-3-8b"], "llm");

    expect(levels["llama-3-8b"]).toEqual({ requestsWaiting: 7, requestsRunning: null, capped: true, source: `prometheus ${baseUrl}` });
    expect(received).toEqual(expect.arrayContaining([WAITING, RUNNING, CAPPED]));
  });

  it("times out on a server that never answers", async () => {
    const source = createPrometheusMetricsSource({ baseUrl, timeoutMs: 100 });

    const error = await upstreamErrorOf(source.readLevels(["m"], "slow"));

    expect(error.message).toBe("Prometheus query timed out");
  });
});
