/**
 * Writes the generated files of infra/ from their one source (alert-rules.ts, alertmanager-config.ts):
 *
 *   npx tsx infra/generate.ts                      # regenerate the committed files
 *   npx tsx infra/generate.ts --check              # exit 1 if a committed file is stale
 *   npx tsx infra/generate.ts --out-dir /tmp/fast --requests-waiting-for 5s --model-idle-for 5s \
 *     --group-wait 1s --group-interval 5s --webhook-url http://127.0.0.1:3000/alertmanager
 *                                                  # a fast variant, e.g. for the e2e suite
 *
 * `generateInfraFiles` is the pure part (a unit test compares its output with the committed files).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { renderPrometheusRule, renderRuleFile, type PrometheusRuleOptions } from "./alert-rules.js";
import { renderAlertmanagerConfig, type AlertmanagerConfigOptions } from "./alertmanager-config.js";

/** Paths (relative to the output directory) of the generated files. */
export const GENERATED_FILES = {
  ruleFile: "prometheus/vllm-gitops-rules.yaml",
  prometheusRule: "kubernetes/prometheusrule.yaml",
  alertmanagerConfig: "alertmanager/alertmanager.yml",
} as const;

/** Every knob of the generated files; all optional, defaults are the shipped values. */
export type InfraOptions = PrometheusRuleOptions & AlertmanagerConfigOptions;

/**
 * The generated files of infra/, path → content, in a stable order.
 * @throws ConfigError on bad options (durations, URL).
 */
export function generateInfraFiles(options: InfraOptions = {}): ReadonlyMap<string, string> {
  return new Map([
    [GENERATED_FILES.ruleFile, renderRuleFile(options)],
    [GENERATED_FILES.prometheusRule, renderPrometheusRule(options)],
    [GENERATED_FILES.alertmanagerConfig, renderAlertmanagerConfig(options)],
  ]);
}

/** infra/ itself: where the committed files live. */
export const INFRA_DIR = dirname(fileURLToPath(import.meta.url));

function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "out-dir": { type: "string", default: INFRA_DIR },
      "requests-waiting-for": { type: "string" },
      "model-idle-for": { type: "string" },
      "group-wait": { type: "string" },
      "group-interval": { type: "string" },
      "webhook-url": { type: "string" },
      "credentials-file": { type: "string" },
      check: { type: "boolean", default: false },
    },
    strict: true,
  });
  const options: InfraOptions = {
    ...(values["requests-waiting-for"] === undefined ? {} : { requestsWaitingFor: values["requests-waiting-for"] }),
    ...(values["model-idle-for"] === undefined ? {} : { modelIdleFor: values["model-idle-for"] }),
    ...(values["group-wait"] === undefined ? {} : { groupWait: values["group-wait"] }),
    ...(values["group-interval"] === undefined ? {} : { groupInterval: values["group-interval"] }),
    ...(values["webhook-url"] === undefined ? {} : { webhookUrl: values["webhook-url"] }),
    ...(values["credentials-file"] === undefined ? {} : { credentialsFile: values["credentials-file"] }),
  };
  const outDir = values["out-dir"];
  let stale = 0;
  for (const [path, content] of generateInfraFiles(options)) {
    const target = join(outDir, path);
    if (values.check) {
      let current: string | undefined;
      try {
        current = readFileSync(target, "utf8");
      } catch {
        current = undefined;
      }
      if (current !== content) {
        stale += 1;
        console.error(`stale: ${target} (run \`npx tsx infra/generate.ts\`)`);
      }
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${target}`);
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
