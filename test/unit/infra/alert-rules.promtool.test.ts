// Behaviour of the alert rules, evaluated by `promtool test rules` on synthetic series shaped like
// the real ones: vLLM gauges per pod with `model_name` (and vLLM ≥ 0.10's `engine`, FIELD-REPORTS #5),
// kube-state-metrics HPA gauges named by KEDA (`keda-hpa-<ScaledObject name>`).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { stringify } from "yaml";
import { buildAlertRules, renderRuleFile, type AlertName } from "../../../infra/alert-rules.js";
import { runTool } from "./tools.js";

const work = mkdtempSync(join(tmpdir(), "vllm-gitops-rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Series {
  readonly series: string;
  readonly values: string;
}
interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: string;
}

const waiting = (model: string, pod: string, values: string): Series => ({
  series: `vllm:num_requests_waiting{namespace="llm",model_name="${model}",pod="${pod}",engine="0",job="vllm"}`,
  values,
});
const running = (model: string, pod: string, values: string): Series => ({
  series: `vllm:num_requests_running{namespace="llm",model_name="${model}",pod="${pod}",engine="0",job="vllm"}`,
  values,
});
const hpa = (model: string, current: number, max: number): Series[] => [
  {
    series: `kube_horizontalpodautoscaler_status_current_replicas{namespace="llm",horizontalpodautoscaler="keda-hpa-${model}",job="kube-state-metrics",instance="ksm:8080"}`,
    values: `${current}x30`,
  },
  {
    series: `kube_horizontalpodautoscaler_spec_max_replicas{namespace="llm",horizontalpodautoscaler="keda-hpa-${model}",job="kube-state-metrics",instance="ksm:8080"}`,
    values: `${max}x30`,
  },
];

/** The annotations promtool must see, from the rule's templates with `$labels` / `$value` filled in. */
function annotationsOf(alert: AlertName, labels: Readonly<Record<string, string>>, value: string): Record<string, string> {
  const rule = buildAlertRules().find((r) => r.alert === alert)!;
  const fill = (template: string) =>
    template.replace(/\{\{ \$value \}\}/g, value).replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? "");
  return Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, fill(v)]));
}

function promtoolTest(name: string, inputSeries: readonly Series[], alertname: AlertName, evalTime: string, expected: readonly ExpectedAlert[]) {
  const rules = join(work, "rules.yaml");
  writeFileSync(rules, renderRuleFile());
  const severity = buildAlertRules().find((r) => r.alert === alertname)!.labels.severity!;
  const testFile = join(work, `${name}.test.yaml`);
  writeFileSync(
    testFile,
    stringify({
      rule_files: [rules],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: inputSeries,
          alert_rule_test: [
            {
              eval_time: evalTime,
              alertname,
              exp_alerts: expected.map((e) => ({
                exp_labels: { ...e.labels, severity },
                exp_annotations: annotationsOf(alertname, e.labels, e.value),
              })),
            },
          ],
        },
      ],
    }),
  );
  return runTool("promtool", ["test", "rules", testFile]);
}

describe("VLLMRequestsWaiting", () => {
  it("fires for a capped, queueing model with the waiting requests summed over pods as its value", () => {
    const series = [waiting("llama-3-8b", "a", "7x30"), waiting("llama-3-8b", "b", "5x30"), ...hpa("llama-3-8b", 4, 4)];

    const run = promtoolTest("capped-fires", series, "VLLMRequestsWaiting", "3m", [
      { labels: { namespace: "llm", model_name: "llama-3-8b" }, value: "12" },
    ]);

    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("stays pending before the for: duration (2m) has passed", () => {
    const series = [waiting("llama-3-8b", "a", "7x30"), ...hpa("llama-3-8b", 4, 4)];

    const run = promtoolTest("capped-pending", series, "VLLMRequestsWaiting", "1m", []);

    expect(run.status).toBe(0);
  });

  it("does not fire while KEDA is below maxReplicaCount, however long the queue", () => {
    const series = [waiting("qwen-72b", "a", "40x30"), ...hpa("qwen-72b", 2, 6)];

    const run = promtoolTest("not-capped", series, "VLLMRequestsWaiting", "10m", []);

    expect(run.status).toBe(0);
  });

  it("does not fire for a capped model with an empty queue", () => {
    const series = [waiting("llama-3-8b", "a", "0x30"), ...hpa("llama-3-8b", 4, 4)];

    const run = promtoolTest("capped-empty-queue", series, "VLLMRequestsWaiting", "10m", []);

    expect(run.status).toBe(0);
  });

  it("joins the HPA to its own model only: another model's cap does not leak", () => {
    const series = [waiting("llama-3-8b", "a", "3x30"), ...hpa("llama-3-8b", 1, 4), waiting("qwen-72b", "a", "9x30"), ...hpa("qwen-72b", 2, 2)];

    const run = promtoolTest("join-per-model", series, "VLLMRequestsWaiting", "5m", [{ labels: { namespace: "llm", model_name: "qwen-72b" }, value: "9" }]);

    expect(run.status).toBe(0);
  });

  it("fails the promtool test when the expected value is wrong (the harness can fail)", () => {
    const series = [waiting("llama-3-8b", "a", "7x30"), ...hpa("llama-3-8b", 4, 4)];

    const run = promtoolTest("wrong-value", series, "VLLMRequestsWaiting", "3m", [{ labels: { namespace: "llm", model_name: "llama-3-8b" }, value: "8" }]);

    expect(run.status).not.toBe(0);
  });
});

describe("VLLMModelIdle", () => {
  it("fires after 15m with nothing running or waiting on any pod", () => {
    const series = [running("mistral-7b", "a", "0x30"), waiting("mistral-7b", "a", "0x30"), running("mistral-7b", "b", "0x30"), waiting("mistral-7b", "b", "0x30")];

    const run = promtoolTest("idle-fires", series, "VLLMModelIdle", "16m", [{ labels: { namespace: "llm", model_name: "mistral-7b" }, value: "0" }]);

    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("stays pending before 15m", () => {
    const series = [running("mistral-7b", "a", "0x30"), waiting("mistral-7b", "a", "0x30")];

    const run = promtoolTest("idle-pending", series, "VLLMModelIdle", "10m", []);

    expect(run.status).toBe(0);
  });

  it("does not fire while one pod still runs a request", () => {
    const series = [running("mistral-7b", "a", "0x30"), waiting("mistral-7b", "a", "0x30"), running("mistral-7b", "b", "1x30"), waiting("mistral-7b", "b", "0x30")];

    const run = promtoolTest("idle-busy", series, "VLLMModelIdle", "20m", []);

    expect(run.status).toBe(0);
  });
});
