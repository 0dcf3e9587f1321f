/**
 * `npx vllm-gitops <command>`:
 *   plan   [--config manifests/fleet.yaml] [--format text|markdown]
 *                                                   print the plan of a fleet.yaml (initial reserves,
 *                                                   MIG pools packed by HiGHS)
 *   replay <payload.json> [--data-dir .data]        run an Alertmanager payload through the controller
 *                                                   on the local repo, without the server
 * Exit codes: 0 ok; 1 bad input or a rejected/failed decision (message on stderr); 2 usage.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { initialReservedReplicas, loadFleetConfig } from "../config/index.js";
import { InvalidInputError, isKnownError } from "../errors.js";
import { formatPlan, planFleet, type PlanFormat } from "../planner/index.js";
import { parseAlertmanagerPayload } from "../signals/index.js";
import { createLocalRuntime, loadSettings } from "../runtime/index.js";
import { loadMigSolver } from "../solver/index.js";

const USAGE = `usage:
  vllm-gitops plan [--config manifests/fleet.yaml] [--format text|markdown]
  vllm-gitops replay <payload.json> [--data-dir .data]`;

class UsageError extends Error {}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, [], { cause });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(cause as Error).message}`, [], { cause });
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { config: { type: "string", default: "manifests/fleet.yaml" }, format: { type: "string", default: "text" }, "data-dir": { type: "string" }, help: { type: "boolean" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === "plan") {
    const config = loadFleetConfig(await readText(values.config), values.config);
    if (values.format !== "text" && values.format !== "markdown") throw new UsageError(`--format must be text or markdown, not '${values.format}'`);
    const desired = Object.fromEntries(config.models.map((m) => [m.name, initialReservedReplicas(m)]));
    const solver = await loadMigSolver();
    console.log(formatPlan(planFleet({ config, desiredReplicas: desired, current: null, solver }), values.format as PlanFormat).trimEnd());
    return 0;
  }
  if (command === "replay") {
    const file = positionals[0];
    if (file === undefined) throw new UsageError("replay needs a payload file");
    const group = parseAlertmanagerPayload(parseJson(await readText(file), file));
    const env = values["data-dir"] ? { ...process.env, VLLM_GITOPS_DATA_DIR: values["data-dir"] } : process.env;
    const runtime = await createLocalRuntime(loadSettings(env));
    await runtime.ensureRendered();
    const result = await runtime.controller.onAlert(group, { kind: "cli", ref: `replay ${file}` });
    console.log(JSON.stringify(result, null, 2));
    return result.outcome === "rejected" || result.outcome === "failed" ? 1 : 0;
  }
  throw new UsageError(`unknown command '${command}'`);
}

/** Run the CLI: known errors print their message (and input issues), never a stack trace. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    if (isKnownError(error)) {
      const issues = error instanceof InvalidInputError && !error.message.includes("\n") ? error.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`) : [];
      console.error([error.message, ...issues].join("\n"));
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
