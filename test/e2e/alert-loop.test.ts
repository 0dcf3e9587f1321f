// End to end with the real programs: a vLLM-like metrics endpoint → Prometheus (the shipped rules) →
// two Alertmanagers without clustering (an HA pair's duplicate deliveries) → the local server
// (fresh GitOps repository, Prometheus as metrics source) → commits on `rendered`.
// Needs Debian's prometheus and prometheus-alertmanager (`npm run setup:e2e`); never skips.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { readJsonlAudit } from "../../lib/audit/index.js";
import { createLocalRuntime, loadSettings, startLocalServer, type LocalRuntime, type LocalServer } from "../../lib/runtime/index.js";
import { renderAlertmanagerConfig } from "../../infra/alertmanager-config.js";
import { renderRuleFile } from "../../infra/alert-rules.js";
import { freePort, startMetricsEndpoint, startProcess, waitFor, type MetricsEndpoint, type RunningProcess } from "./harness.js";

const PROMETHEUS = "/usr/bin/prometheus";
const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
const MODEL = "llama-3-8b-awq";
const SCALED_OBJECT = `clusters/prod-us-east-1/llm/${MODEL}/scaledobject.yaml`;
const COOLDOWN_SECONDS = 20;
const TOKEN = "e2e-token-0123456789abcdef";

function series(waiting: number, running: number, hpaCurrent: number, hpaMax: number): string {
  const model = `namespace="llm",model_name="${MODEL}"`;
  const hpa = `namespace="llm",horizontalpodautoscaler="keda-hpa-${MODEL}"`;
  return [
    "# TYPE vllm:num_requests_waiting gauge",
    `vllm:num_requests_waiting{${model},engine="0"} ${waiting}`,
    "# TYPE vllm:num_requests_running gauge",
    `vllm:num_requests_running{${model},engine="0"} ${running}`,
    "# TYPE kube_horizontalpodautoscaler_status_current_replicas gauge",
    `kube_horizontalpodautoscaler_status_current_replicas{${hpa}} ${hpaCurrent}`,
    "# TYPE kube_horizontalpodautoscaler_spec_max_replicas gauge",
    `kube_horizontalpodautoscaler_spec_max_replicas{${hpa}} ${hpaMax}`,
    "",
  ].join("\n");
}

let dir: string;
let metrics: MetricsEndpoint;
let runtime: LocalRuntime;
let server: LocalServer;
const processes: RunningProcess[] = [];
const delays: Record<string, number> = {};

function commits(): string[] {
  return execFileSync("git", ["--git-dir", runtime.gitDir, "log", "--format=%H", "rendered"], { encoding: "utf8" }).trim().split("\n");
}

function maxReplicaCount(): number {
  const text = execFileSync("git", ["--git-dir", runtime.gitDir, "show", `rendered:${SCALED_OBJECT}`], { encoding: "utf8" });
  return (parse(text) as { spec: { maxReplicaCount: number } }).spec.maxReplicaCount;
}

async function waitForCommitCount(n: number, what: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await waitFor(what, async () => (commits().length >= n ? true : undefined), timeoutMs, 200);
  return Date.now() - started;
}

beforeAll(async () => {
  for (const program of [PROMETHEUS, ALERTMANAGER]) {
    if (!existsSync(program)) throw new Error(`${program} is missing: run \`npm run setup:e2e\` (Debian prometheus, prometheus-alertmanager). The e2e suite never skips.`);
  }
  dir = await mkdtemp(path.join(os.tmpdir(), "vllm-gitops-e2e-"));
  metrics = await startMetricsEndpoint(series(0, 4, 2, 2));
  const [promPort, am1Port, am2Port] = [await freePort(), await freePort(), await freePort()];

  // The example fleet, with a long step window (no second raise while capped) and a short cooldown.
  const fleet = (await readFile("manifests/fleet.yaml", "utf8"))
    .replace(/scaleUpWindowSeconds: \d+/, "scaleUpWindowSeconds: 600")
    .replace(/scaleDownCooldownSeconds: \d+/, `scaleDownCooldownSeconds: ${COOLDOWN_SECONDS}`);
  await writeFile(path.join(dir, "fleet.yaml"), fleet);
  const settings = loadSettings({
    VLLM_GITOPS_DATA_DIR: path.join(dir, "data"),
    VLLM_GITOPS_SEED_CONFIG: path.join(dir, "fleet.yaml"),
    ALERTMANAGER_TOKEN: TOKEN,
    PROMETHEUS_URL: `http://127.0.0.1:${promPort}`,
  });
  runtime = await createLocalRuntime(settings);
  await runtime.bootstrap();
  server = await startLocalServer(runtime, { port: 0 });

  await writeFile(path.join(dir, "rules.yaml"), renderRuleFile({ requestsWaitingFor: "3s", modelIdleFor: "3s" }));
  await writeFile(
    path.join(dir, "prometheus.yml"),
    [
      "global: {scrape_interval: 1s, evaluation_interval: 1s}",
      `rule_files: [${path.join(dir, "rules.yaml")}]`,
      `alerting: {alertmanagers: [{static_configs: [{targets: ["127.0.0.1:${am1Port}", "127.0.0.1:${am2Port}"]}]}]}`,
      `scrape_configs: [{job_name: vllm, honor_labels: true, static_configs: [{targets: ["127.0.0.1:${metrics.port}"]}]}]`,
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, "token"), TOKEN);
  await writeFile(
    path.join(dir, "alertmanager.yml"),
    renderAlertmanagerConfig({ webhookUrl: `${server.url}/alertmanager`, credentialsFile: path.join(dir, "token"), groupWait: "1s", groupInterval: "2s" }),
  );

  processes.push(
    startProcess("prometheus", PROMETHEUS, [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/prom-data`, `--web.listen-address=127.0.0.1:${promPort}`], path.join(dir, "prometheus.log")),
  );
  for (const [i, port] of [am1Port, am2Port].entries()) {
    processes.push(
      startProcess(
        `alertmanager-${i + 1}`,
        ALERTMANAGER,
        [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/am${i + 1}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="],
        path.join(dir, `alertmanager-${i + 1}.log`),
      ),
    );
  }
  await waitFor("Prometheus to scrape the metrics endpoint", async () => {
    const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent("vllm:num_requests_running")}`);
    const body = (await response.json()) as { data: { result: unknown[] } };
    return body.data.result.length > 0 ? true : undefined;
  }, 30_000, 500);
}, 60_000);

afterAll(async () => {
  for (const p of processes) await p.stop().catch(() => undefined);
  await server?.close();
  await metrics?.close();
  console.log(`e2e delays (ms): ${JSON.stringify(delays)}`);
  if (dir && process.env["KEEP_E2E_DIR"] === undefined) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe("Prometheus and Alertmanager drive the controller", () => {
  it("raises the reserve in one commit when the model is capped with a queue", async () => {
    const before = commits().length;
    expect(maxReplicaCount()).toBe(2);

    metrics.set(series(30, 8, 2, 2));
    delays["capped→commit"] = await waitForCommitCount(before + 1, "the raise commit", 45_000);

    // ceil(30 waiting / 5 per replica) = 6, read from Prometheus at decision time; +4 = scaleUpStep.
    expect(maxReplicaCount()).toBe(6);
    const message = execFileSync("git", ["--git-dir", runtime.gitDir, "log", "-1", "--format=%B", "rendered"], { encoding: "utf8" });
    expect(message).toContain("reserve 2 → 6");
    const id = /Decision-Id: (\S+)/.exec(message)?.[1];
    const records = await readJsonlAudit(runtime.auditPath);
    expect(records.find((r) => r.id === id && r.phase === "outcome")).toMatchObject({ outcome: "applied" });
  }, 60_000);

  it("makes no further commit while the model stays capped, though both Alertmanagers keep notifying", async () => {
    const before = commits().length;
    const recordsBefore = (await readJsonlAudit(runtime.auditPath)).length;

    await new Promise((r) => setTimeout(r, 8_000)); // four group_intervals, two Alertmanagers

    expect(commits()).toHaveLength(before);
    const later = (await readJsonlAudit(runtime.auditPath)).slice(recordsBefore);
    const alertReasons = later.flatMap((r) => ((r.details?.["alerts"] as { reason: string }[] | undefined) ?? []).map((a) => a.reason));
    expect(alertReasons.length).toBeGreaterThanOrEqual(2);
    expect(alertReasons.every((reason) => ["duplicate", "tolerance", "scale-up window"].includes(reason))).toBe(true);
  }, 30_000);

  it("records the resolved notification and changes nothing", async () => {
    const before = commits().length;
    const started = Date.now();

    metrics.set(series(0, 8, 2, 6)); // KEDA took the new maxReplicaCount: no longer capped
    await waitFor("a resolved VLLMRequestsWaiting notification", async () => {
      const records = await readJsonlAudit(runtime.auditPath);
      return records.some((r) => ((r.details?.["alerts"] as { status: string; alertname: string }[] | undefined) ?? []).some((a) => a.status === "resolved" && a.alertname === "VLLMRequestsWaiting")) ? true : undefined;
    }, 30_000);
    delays["uncapped→resolved recorded"] = Date.now() - started;

    expect(commits()).toHaveLength(before);
    expect(maxReplicaCount()).toBe(6);
  }, 40_000);

  it("returns the reserve to replicas.min after the cooldown once the model is idle", async () => {
    const before = commits().length;
    const raisedAt = Date.parse(execFileSync("git", ["--git-dir", runtime.gitDir, "log", "-1", "--format=%cI", "rendered"], { encoding: "utf8" }).trim());

    metrics.set(series(0, 0, 1, 6));
    delays["idle→commit"] = await waitForCommitCount(before + 1, "the idle commit", 60_000);

    expect(maxReplicaCount()).toBe(1);
    const loweredAt = Date.parse(execFileSync("git", ["--git-dir", runtime.gitDir, "log", "-1", "--format=%cI", "rendered"], { encoding: "utf8" }).trim());
    expect(loweredAt - raisedAt).toBeGreaterThanOrEqual((COOLDOWN_SECONDS - 1) * 1000);
    const records = await readJsonlAudit(runtime.auditPath);
    const idle = records.flatMap((r) => (r.details?.["alerts"] as { alertname: string; reason: string }[] | undefined) ?? []).filter((a) => a.alertname === "VLLMModelIdle");
    expect(idle.map((a) => a.reason)).toContain("idle");
  }, 70_000);
});
