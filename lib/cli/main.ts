/**
 * `npx vllm-gitops <command>`:
 *   plan   [--config manifests/fleet.yaml]          print the plan of a fleet.yaml (initial reserves)
 *   replay <payload.json> [--data-dir .data]        run an Alertmanager payload through the controller
 *                                                   on the local repo, without the server
 * Exit codes: 0 ok, 1 bad input (message on stderr), 2 usage.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { initialReservedReplicas, loadFleetConfig } from "../config/index.js";
import { isKnownError } from "../errors.js";
import { formatPlan, planFleet } from "../planner/index.js";
import { parseAlertmanagerPayload } from "../signals/index.js";
import { createLocalRuntime, loadSettings } from "../runtime/index.js";

const USAGE = `usage:
  vllm-gitops plan [--config manifests/fleet.yaml]
  vllm-gitops replay <payload.json> [--data-dir .data]`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { config: { type: "string", default: "manifests/fleet.yaml" }, "data-dir": { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help || command === undefined) {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "plan") {
    const config = loadFleetConfig(await readFile(values.config, "utf8"), values.config);
    const desired = Object.fromEntries(config.models.map((m) => [m.name, initialReservedReplicas(m)]));
    console.log(formatPlan(planFleet({ config, desiredReplicas: desired, current: null })));
    return 0;
  }
  if (command === "replay") {
    const file = positionals[0];
    if (file === undefined) {
      console.error(USAGE);
      return 2;
    }
    const group = parseAlertmanagerPayload(JSON.parse(await readFile(file, "utf8")));
    const env = values["data-dir"] ? { ...process.env, VLLM_GITOPS_DATA_DIR: values["data-dir"] } : process.env;
    const runtime = await createLocalRuntime(loadSettings(env));
    await runtime.bootstrap();
    const result = await runtime.controller.onAlert(group, { kind: "cli", ref: `replay ${file}` });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.error(`unknown command '${command}'\n${USAGE}`);
  return 2;
}

export async function run(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    console.error(isKnownError(error) || error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === "ENOENT" ? (error as Error).message : error);
    process.exitCode = 1;
  }
}
