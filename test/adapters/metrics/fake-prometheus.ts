// A fake `fetch` for the Prometheus HTTP API: answers only the instant queries it was given, fails
// on any other call, and records every call so a test can assert that all expected ones happened.
export interface FakeAnswer {
  readonly status?: number;
  /** JSON-serialised unless a string. */
  readonly body: unknown;
}

export interface FakePrometheus {
  readonly fetch: typeof fetch;
  /** URLs called, in order. */
  readonly calls: string[];
  /** Expected queries that were never asked. */
  unused(): string[];
}

/** `answers`: PromQL query → answer. `base`: the expected endpoint, e.g. `http://prometheus.test:9090/api/v1/query`. */
export function fakePrometheus(base: string, answers: ReadonlyMap<string, FakeAnswer | ((signal: AbortSignal | undefined) => Promise<Response>)>): FakePrometheus {
  const calls: string[] = [];
  const asked = new Set<string>();
  const fake = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push(url.href);
    const query = url.searchParams.get("query");
    const answer = query === null ? undefined : answers.get(query);
    if (`${url.origin}${url.pathname}` !== base || (init?.method ?? "GET") !== "GET" || query === null || answer === undefined) {
      throw new Error(`unexpected call: ${init?.method ?? "GET"} ${url.href}`);
    }
    asked.add(query);
    if (typeof answer === "function") return answer(init?.signal ?? undefined);
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status ?? 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetch: fake, calls, unused: () => [...answers.keys()].filter((q) => !asked.has(q)) };
}

/** A Prometheus instant-vector success body. */
export function vector(...samples: { labels: Record<string, string>; value: string }[]): unknown {
  return {
    status: "success",
    data: { resultType: "vector", result: samples.map((s) => ({ metric: s.labels, value: [1_760_000_000.123, s.value] })) },
  };
}
