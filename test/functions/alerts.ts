// Alertmanager webhook bodies for tests, in the exact v4 shape Alertmanager 0.25 sends.
export interface AlertSpec {
  alertname?: string;
  model?: string;
  status?: "firing" | "resolved";
  value?: string | undefined;
  startsAt?: string;
  fingerprint?: string;
}

export function alertGroup(alerts: AlertSpec[], groupKey = '{}:{alertname="VLLMRequestsWaiting"}', truncatedAlerts = 0): Record<string, unknown> {
  return {
    version: "4",
    groupKey,
    truncatedAlerts,
    status: alerts.some((a) => (a.status ?? "firing") === "firing") ? "firing" : "resolved",
    receiver: "vllm-gitops",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    alerts: alerts.map((a, i) => ({
      status: a.status ?? "firing",
      labels: { alertname: a.alertname ?? "VLLMRequestsWaiting", model_name: a.model ?? "llama-3-8b-awq", namespace: "llm" },
      annotations: "value" in a && a.value === undefined ? {} : { value: a.value ?? "30" },
      startsAt: a.startsAt ?? "2026-11-29T12:00:00Z",
      endsAt: (a.status ?? "firing") === "resolved" ? "2026-11-29T12:10:00Z" : "0001-01-01T00:00:00Z",
      generatorURL: "http://127.0.0.1:9090/graph",
      fingerprint: a.fingerprint ?? `f${i}${(a.model ?? "llama-3-8b-awq").length}`,
    })),
  };
}
