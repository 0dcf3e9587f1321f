// The alert rules against real vLLM /metrics output (test/fixtures/vllm, production-stack#318):
// the metric names and labels the rules use are the ones vLLM exports (FIELD-REPORTS #5, #6).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { stringify } from "yaml";
import { buildAlertRules, renderRuleFile } from "../../../infra/alert-rules.js";
import { VLLM_METRICS } from "../../../lib/metrics/index.js";
import { runTool } from "./tools.js";

const V1_EXCERPT = readFileSync(new URL("../../fixtures/vllm/metrics.v1-model_name-label.production-stack-issue-318.excerpt.txt", import.meta.url), "utf8");

const work = mkdtempSync(join(tmpdir(), "vllm-gitops-real-metrics-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Sample {
  readonly name: string;
  readonly labels: string;
  readonly value: string;
}

/** Samples of a Prometheus text exposition (no timestamps in these excerpts). */
function samplesOf(exposition: string): Sample[] {
  return exposition.split("\n").flatMap((line) => {
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    return line.startsWith("#") || match === null ? [] : [{ name: match[1]!, labels: match[2] ?? "", value: match[3]! }];
  });
}

describe("the alert rules on real vLLM metrics", () => {
  it("use metric names vLLM really exports", () => {
    const names = new Set(samplesOf(V1_EXCERPT).map((s) => s.name));

    expect([...Object.values(VLLM_METRICS)].filter((name) => !names.has(name))).toEqual([]);
  });

  it("fire VLLMModelIdle for the real idle Qwen server after 15 minutes", () => {
    const series = samplesOf(V1_EXCERPT)
      .filter((s) => (Object.values(VLLM_METRICS) as string[]).includes(s.name))
      .map((s) => ({ series: `${s.name}{${s.labels},namespace="llm",pod="qwen-0"}`, values: `${Number(s.value)}x20` }));
    const rules = join(work, "rules.yaml");
    writeFileSync(rules, renderRuleFile());
    const idle = buildAlertRules().find((r) => r.alert === "VLLMModelIdle")!;
    const model = "Qwen/Qwen2.5-Coder-32B-Instruct";
    const testFile = join(work, "real.test.yaml");
    writeFileSync(
      testFile,
      stringify({
        rule_files: [rules],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: series,
            alert_rule_test: [
              {
                eval_time: "16m",
                alertname: "VLLMModelIdle",
                exp_alerts: [
                  {
                    exp_labels: { namespace: "llm", model_name: model, severity: "info" },
                    exp_annotations: {
                      summary: `${model} in llm has had no running or waiting requests for 15m`,
                      description: idle.annotations.description,
                      value: "0",
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );

    const run = runTool("promtool", ["test", "rules", testFile]);

    expect(series).toHaveLength(2);
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });
});
