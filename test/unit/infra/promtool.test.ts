// The shipped infra files checked by the real tools (promtool 2.42 / amtool 0.25 from Debian).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { parse, stringify } from "yaml";
import { renderPrometheusRule, renderRuleFile } from "../../../infra/alert-rules.js";
import { renderAlertmanagerConfig } from "../../../infra/alertmanager-config.js";
import { GENERATED_FILES, INFRA_DIR } from "../../../infra/generate.js";
import { runTool } from "./tools.js";

const work = mkdtempSync(join(tmpdir(), "vllm-gitops-infra-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeTemp(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

describe("promtool check", () => {
  it("accepts the generated rule file", () => {
    const run = runTool("promtool", ["check", "rules", join(INFRA_DIR, GENERATED_FILES.ruleFile)]);

    expect(run.output).toContain("SUCCESS: 2 rules found");
    expect(run.status).toBe(0);
  });

  it("accepts the rule groups of the generated PrometheusRule", () => {
    const resource = parse(renderPrometheusRule()) as { spec: unknown };
    const path = writeTemp("prometheusrule-spec.yaml", stringify(resource.spec));

    const run = runTool("promtool", ["check", "rules", path]);

    expect(run.status).toBe(0);
  });

  it("accepts a fast variant (for: 5s) as used by the e2e suite", () => {
    const path = writeTemp("fast-rules.yaml", renderRuleFile({ requestsWaitingFor: "5s", modelIdleFor: "5s" }));

    const run = runTool("promtool", ["check", "rules", path]);

    expect(run.status).toBe(0);
  });

  it("rejects a broken rule (the check can fail)", () => {
    const path = writeTemp("broken-rules.yaml", renderRuleFile().replace("and on (namespace, model_name)", "and on (namespace, model_name"));

    const run = runTool("promtool", ["check", "rules", path]);

    expect(run.status).not.toBe(0);
  });

  it("accepts the example prometheus.yml that loads the rule file", () => {
    const run = runTool("promtool", ["check", "config", join(INFRA_DIR, "prometheus/prometheus.example.yml")]);

    expect(run.output).toContain("SUCCESS: 1 rule files found");
    expect(run.status).toBe(0);
  });
});

describe("amtool check-config", () => {
  it("accepts the shipped alertmanager.yml", () => {
    const run = runTool("amtool", ["check-config", join(INFRA_DIR, GENERATED_FILES.alertmanagerConfig)]);

    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("accepts a fast variant with a local webhook URL", () => {
    const path = writeTemp(
      "alertmanager-fast.yml",
      renderAlertmanagerConfig({ webhookUrl: "http://127.0.0.1:3999/alertmanager", credentialsFile: join(work, "token"), groupWait: "1s", groupInterval: "5s" }),
    );

    const run = runTool("amtool", ["check-config", path]);

    expect(run.status).toBe(0);
  });
});
