// Runs promtool / amtool for the infra tests. A missing binary FAILS the test (never skips it): the
// shipped rules and routes are only known to be valid when these checkers ran.
import { spawnSync } from "node:child_process";

export const SETUP_HINT =
  "install Prometheus and Alertmanager: run `npm run setup:e2e`, or " +
  "`apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager` " +
  "(TOOLCHAIN.md, Prometheus and Alertmanager)";

export interface ToolRun {
  readonly status: number;
  readonly output: string;
}

/** Runs `tool args…` in `cwd`; throws when the tool is not installed. */
export function runTool(tool: "promtool" | "amtool", args: readonly string[], cwd?: string): ToolRun {
  const result = spawnSync(tool, [...args], { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${tool} is not installed (not on PATH): ${SETUP_HINT}`);
    throw result.error;
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
