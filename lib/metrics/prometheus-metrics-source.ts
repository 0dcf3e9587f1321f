/**
 * `MetricsSource` over the Prometheus HTTP API (`GET /api/v1/query`, instant queries), with the same
 * aggregate expressions as the shipped alert rules (./queries.ts). Three queries per read, in
 * parallel, each scoped to the namespace: waiting, running, and the KEDA cap as `>= bool`.
 */
import { z } from "zod";
import { ConfigError, UpstreamError } from "../errors.js";
import type { MetricsSource, ModelLevels } from "./port.js";
import { kedaCappedQuery, requestsRunningQuery, requestsWaitingQuery } from "./queries.js";

/** Settings of {@link createPrometheusMetricsSource}. */
export interface PrometheusMetricsSourceOptions {
  /** Prometheus base URL, e.g. `http://prometheus-operated.monitoring:9090` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Injected for tests; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per-query deadline, milliseconds. */
  readonly timeoutMs: number;
  /** Extra request headers, e.g. `authorization` for a managed Prometheus. Never logged. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Prometheus instant-vector answer (prometheus.io/docs/prometheus/latest/querying/api/#instant-queries). */
const vectorAnswer = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("vector"),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
});

const errorAnswer = z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() });

interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  /** null for NaN / ±Inf: no usable number. */
  readonly value: number | null;
}

/** Upper bound of a response body we read (an instant vector per namespace is small). */
const MAX_BODY_CHARS = 4 * 1024 * 1024;

function parseSampleValue(text: string, details: Readonly<Record<string, unknown>>): number | null {
  if (text === "NaN" || text === "+Inf" || text === "-Inf") return null;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UpstreamError("Prometheus answered a sample that is not a number", { ...details, sample: text.slice(0, 40) });
  }
  return value;
}

/** The URL without credentials, for messages and `source`. */
function redact(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href.replace(/\/$/, "");
}

/**
 * Builds a {@link MetricsSource} that queries Prometheus.
 * @throws ConfigError when `baseUrl` is not an http(s) URL or `timeoutMs` is not a positive integer.
 */
export function createPrometheusMetricsSource(options: PrometheusMetricsSourceOptions): MetricsSource {
  if (!URL.canParse(options.baseUrl)) throw new ConfigError("Prometheus baseUrl is not a URL", {});
  const base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new ConfigError("Prometheus baseUrl must be http(s)", { protocol: base.protocol });
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ConfigError("Prometheus timeoutMs must be a positive integer", { timeoutMs: options.timeoutMs });
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const source = `prometheus ${redact(base)}`;

  async function queryVector(query: string): Promise<readonly Sample[]> {
    const url = new URL("api/v1/query", base);
    url.searchParams.set("query", query);
    const details = { endpoint: redact(url).split("?")[0], query };

    let response: Response;
    let body: string;
    try {
      response = await doFetch(url, {
        method: "GET",
        headers: { accept: "application/json", ...options.headers },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      body = await response.text();
    } catch (cause) {
      // AbortSignal.timeout rejects with a DOMException named TimeoutError (not always `instanceof Error`).
      const name = typeof cause === "object" && cause !== null && "name" in cause ? String(cause.name) : "";
      const timedOut = name === "TimeoutError" || name === "AbortError";
      throw new UpstreamError(timedOut ? "Prometheus query timed out" : "Prometheus query failed", { ...details, timeoutMs: options.timeoutMs }, { cause });
    }
    if (body.length > MAX_BODY_CHARS) throw new UpstreamError("Prometheus answer is too large", { ...details, chars: body.length });

    let json: unknown;
    let parseError: unknown;
    try {
      json = JSON.parse(body);
    } catch (cause) {
      parseError = cause;
    }
    const failure = errorAnswer.safeParse(json);
    if (!response.ok || failure.success) {
      throw new UpstreamError("Prometheus answered an error", {
        ...details,
        status: response.status,
        ...(failure.success ? { errorType: failure.data.errorType, error: failure.data.error } : { bodyStart: body.slice(0, 200) }),
      });
    }
    if (parseError !== undefined) {
      throw new UpstreamError("Prometheus answered malformed JSON", { ...details, status: response.status, bodyStart: body.slice(0, 200) }, { cause: parseError });
    }
    const answer = vectorAnswer.safeParse(json);
    if (!answer.success) {
      throw new UpstreamError("Prometheus answered an unexpected shape", {
        ...details,
        issues: answer.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    }
    return answer.data.data.result.map((r) => ({ labels: r.metric, value: parseSampleValue(r.value[1], details) }));
  }

  return {
    async readLevels(servedModelNames, namespace) {
      if (servedModelNames.length === 0) return {};
      const scope = { namespace };
      const [waiting, running, capped] = await Promise.all([
        queryVector(requestsWaitingQuery(scope)),
        queryVector(requestsRunningQuery(scope)),
        queryVector(kedaCappedQuery(scope, { bool: true })),
      ]);
      const byModel = (samples: readonly Sample[], model: string) =>
        samples.filter((s) => s.labels.model_name === model && s.labels.namespace === namespace);

      const levels: Record<string, ModelLevels> = {};
      for (const model of servedModelNames) {
        const cappedValues = byModel(capped, model).flatMap((s) => (s.value === null ? [] : [s.value]));
        levels[model] = {
          requestsWaiting: byModel(waiting, model)[0]?.value ?? null,
          requestsRunning: byModel(running, model)[0]?.value ?? null,
          capped: cappedValues.length === 0 ? null : cappedValues.some((v) => v >= 1),
          source,
        };
      }
      return levels;
    },
  };
}
