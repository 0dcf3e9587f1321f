// Benchmark: Alertmanager webhook → commit latency through the real local server (HTTP on loopback,
// bare git repository, JSONL audit with fsync), and duplicate-delivery latency. Prints figures; asserts
// nothing about speed (speed goals live here, never in the test suite).
//
//   npm run bench (all benchmarks), or: npx tsx bench/webhook-latency.ts [alerts=120]
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalRuntime, loadSettings, startLocalServer } from "../lib/runtime/index.js";

const ALERTS = Number(process.argv[2] ?? 120);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function payload(i: number, kind: "waiting" | "idle"): string {
  const alertname = kind === "waiting" ? "VLLMRequestsWaiting" : "VLLMModelIdle";
  const startsAt = new Date(Date.UTC(2026, 10, 29, 12, 0, 0) + i * 1000).toISOString();
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: "firing",
    receiver: "vllm-gitops",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    alerts: [
      {
        status: "firing",
        labels: { alertname, model_name: "llama-3-8b-awq", namespace: "llm" },
        annotations: { value: kind === "waiting" ? "30" : "0" },
        startsAt,
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "",
        fingerprint: `bench${i}`,
      },
    ],
  });
}

export async function benchWebhookLatency(alerts = ALERTS): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "vllm-gitops-bench-"));
  try {
    // The example fleet with no step window, cooldown or tolerance, so every alert is a real change.
    const fleet = (await readFile("manifests/fleet.yaml", "utf8"))
      .replace(/scaleUpWindowSeconds: \d+/, "scaleUpWindowSeconds: 0")
      .replace(/scaleDownCooldownSeconds: \d+/, "scaleDownCooldownSeconds: 0")
      .replace(/tolerance: [\d.]+/, "tolerance: 0");
    await writeFile(path.join(dir, "fleet.yaml"), fleet);
    const token = "bench-token-0123456789abcdef";
    const runtime = await createLocalRuntime(loadSettings({ VLLM_GITOPS_DATA_DIR: path.join(dir, "data"), VLLM_GITOPS_SEED_CONFIG: path.join(dir, "fleet.yaml"), ALERTMANAGER_TOKEN: token }));
    await runtime.bootstrap();
    const server = await startLocalServer(runtime, { port: 0 });
    const post = async (body: string): Promise<{ ms: number; outcome: string }> => {
      const started = performance.now();
      const response = await fetch(`${server.url}/alertmanager`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      const json = (await response.json()) as { outcome: string };
      return { ms: performance.now() - started, outcome: json.outcome };
    };

    const bodies = Array.from({ length: alerts }, (_, i) => payload(i, i % 2 === 0 ? "waiting" : "idle"));
    const applied: number[] = [];
    const outcomes = new Map<string, number>();
    for (const body of bodies) {
      const { ms, outcome } = await post(body);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome === "applied") applied.push(ms);
    }
    const duplicates: number[] = [];
    for (const body of bodies.slice(-Math.min(100, alerts))) {
      const { ms, outcome } = await post(body);
      if (outcome === "no-op") duplicates.push(ms);
    }
    await server.close();
    const commits = execFileSync("git", ["--git-dir", runtime.gitDir, "rev-list", "--count", "rendered"], { encoding: "utf8" }).trim();

    applied.sort((a, b) => a - b);
    duplicates.sort((a, b) => a - b);
    const fmt = (n: number) => `${n.toFixed(1)} ms`;
    console.log(`webhook → commit (example fleet, ${alerts} alerts, HTTP on loopback, bare git, fsynced JSONL audit)`);
    console.log(`  outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}; commits on rendered: ${commits}`);
    console.log(`  applied   n=${applied.length}  median ${fmt(percentile(applied, 50))}  p95 ${fmt(percentile(applied, 95))}  max ${fmt(applied.at(-1)!)}`);
    console.log(`  duplicate n=${duplicates.length}  median ${fmt(percentile(duplicates, 50))}  p95 ${fmt(percentile(duplicates, 95))}  max ${fmt(duplicates.at(-1)!)}`);
    console.log(`  ratio applied/duplicate median: ${(percentile(applied, 50) / percentile(duplicates, 50)).toFixed(1)}×  (budget: Alertmanager webhook timeout 10 s; the handler answers 503 past 8 s)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWebhookLatency();
