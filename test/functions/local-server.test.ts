// The local server over HTTP on loopback, with the real runtime: a bare git repository in a temp dir
// and a JSONL audit log.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readJsonlAudit } from "../../lib/audit/index.js";
import type { DecisionResult } from "../../lib/controller/index.js";
import { createLocalRuntime, loadSettings, startConfigWatch, startLocalServer, type LocalRuntime, type LocalServer } from "../../lib/runtime/index.js";
import { alertGroup } from "./alerts.js";

const TOKEN = "test-token-0123456789abcdef";
let dataDir: string;
let runtime: LocalRuntime;
let server: LocalServer;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "vllm-gitops-server-"));
  const settings = loadSettings({ VLLM_GITOPS_DATA_DIR: dataDir, ALERTMANAGER_TOKEN: TOKEN, VLLM_GITOPS_SEED_CONFIG: path.resolve("manifests/fleet.yaml") });
  runtime = await createLocalRuntime(settings);
  server = await startLocalServer(runtime, { port: 0 });
}, 30_000);

afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body,
  });
}

function renderedLog(): string[] {
  return execFileSync("git", ["--git-dir", runtime.gitDir, "log", "--format=%H", "rendered"], { encoding: "utf8" }).trim().split("\n");
}

describe("local server", () => {
  it("is not ready before the first render and ready after it", async () => {
    const before = await fetch(`${server.url}/healthz`);

    await runtime.bootstrap();
    const after = await fetch(`${server.url}/healthz`);

    expect(before.status).toBe(503);
    expect(after.status).toBe(200);
  });

  it.each([
    ["a wrong token", { authorization: "Bearer nope" }, "{}", 401],
    ["no token", { authorization: "" }, "{}", 401],
    ["a non-JSON content type", { "content-type": "application/x-www-form-urlencoded" }, "a=b", 415],
    ["malformed JSON", {}, '{"version": "4",', 400],
    ["a payload without alerts", {}, '{"version":"4","groupKey":"g","status":"firing"}', 400],
  ])("answers %s with %i and commits nothing", async (_name, headers, body, status) => {
    const commits = renderedLog().length;

    const response = await post(body, headers);

    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: string };
    expect(json.error.length).toBeGreaterThan(5);
    expect(renderedLog()).toHaveLength(commits);
  });

  it("refuses a body over 1 MiB with 413 once the token checks out, and 401 before that", async () => {
    const big = JSON.stringify({ pad: "x".repeat(1024 * 1024 + 1) });

    const response = await post(big);
    const anonymous = await post(big, { authorization: "" });

    expect(response.status).toBe(413);
    expect(anonymous.status).toBe(401);
  });

  it("gives every error body a kind and a message", async () => {
    const responses = await Promise.all([
      fetch(`${server.url}/alertmanager`),
      fetch(`${server.url}/nope`, { method: "POST" }),
      post("a=b", { "content-type": "text/plain" }),
    ]);

    expect(responses.map((r) => r.status)).toEqual([405, 404, 415]);
    for (const r of responses) expect(await r.json()).toEqual(expect.objectContaining({ error: expect.any(String), kind: expect.any(String) }));
  });

  it("bounds what a huge payload echoes back", async () => {
    const alerts = Array.from({ length: 600 }, (_, i) => ({ model: `m${i}-${"x".repeat(1000)}`, fingerprint: `big${i}` }));

    const response = await post(JSON.stringify(alertGroup(alerts)));

    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(100_000);
    expect(JSON.parse(text)).toMatchObject({ outcome: "ignored", alertsOmitted: 500 });
  });

  it("applies a VLLMRequestsWaiting alert in exactly one commit whose Decision-Id is the applied outcome record", async () => {
    const commits = renderedLog();

    const response = await post(JSON.stringify(alertGroup([{ value: "30" }])));

    expect(response.status).toBe(200);
    const body = (await response.json()) as { outcome: string; commit: string; decisionId: string };
    expect(body.outcome).toBe("applied");
    const after = renderedLog();
    expect(after).toHaveLength(commits.length + 1);
    expect(after[0]).toBe(body.commit);
    const message = execFileSync("git", ["--git-dir", runtime.gitDir, "log", "-1", "--format=%B", "rendered"], { encoding: "utf8" });
    expect(message).toContain(`Decision-Id: ${body.decisionId}`);
    const records = await readJsonlAudit(runtime.auditPath);
    expect(records.filter((r) => r.id === body.decisionId).map((r) => [r.phase, r.outcome, r.commit])).toEqual([
      ["intent", undefined, undefined],
      ["outcome", "applied", body.commit],
    ]);
    const scaledObject = execFileSync("git", ["--git-dir", runtime.gitDir, "show", "rendered:clusters/prod-us-east-1/llm/llama-3-8b-awq/scaledobject.yaml"], { encoding: "utf8" });
    expect(scaledObject).toMatch(/maxReplicaCount: 6\b/);
  });

  it("answers the same payload again with 200, a duplicate no-op and no commit", async () => {
    const commits = renderedLog().length;

    const response = await post(JSON.stringify(alertGroup([{ value: "30" }])));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: "no-op", reason: "duplicate", commit: null });
    expect(renderedLog()).toHaveLength(commits);
  });

  it("re-renders when the config branch moved, once, and names the move as the trigger", async () => {
    const configHead = execFileSync("git", ["--git-dir", runtime.gitDir, "rev-parse", "main"], { encoding: "utf8" }).trim();
    const fleet = execFileSync("git", ["--git-dir", runtime.gitDir, "show", "main:fleet.yaml"], { encoding: "utf8" });
    await runtime.repo.commit({ branch: "main", expectedHead: configHead, changes: new Map([["fleet.yaml", fleet.replace("replicas: {min: 1, max: 14, initial: 2}", "replicas: {min: 1, max: 4, initial: 2}")]]), message: "lower max to 4\n" });

    const first = await runtime.reconcileIfConfigChanged();
    const second = await runtime.reconcileIfConfigChanged();

    expect(first).toMatchObject({ outcome: "applied", changes: [{ model: "llama-3-8b-awq", field: "reservedReplicas", from: 6, to: 4 }] });
    expect(second).toBeNull();
    const message = execFileSync("git", ["--git-dir", runtime.gitDir, "log", "-1", "--format=%B", "rendered"], { encoding: "utf8" });
    expect(message).toMatch(/Trigger: schedule main moved to [0-9a-f]{12}/);
    expect(message).toContain("fleet.yaml: models[llama-3-8b-awq].replicas.max: 14 → 4");
  });

  it("decides once per config head, also when the move changes no manifest", async () => {
    const configHead = execFileSync("git", ["--git-dir", runtime.gitDir, "rev-parse", "main"], { encoding: "utf8" }).trim();
    const fleet = execFileSync("git", ["--git-dir", runtime.gitDir, "show", "main:fleet.yaml"], { encoding: "utf8" });
    await runtime.repo.commit({ branch: "main", expectedHead: configHead, changes: new Map([["fleet.yaml", fleet.replace("tolerance: 0.1", "tolerance: 0.2")]]), message: "policy only\n" });

    const first = await runtime.reconcileIfConfigChanged();
    const second = await runtime.reconcileIfConfigChanged();

    expect(first?.outcome).toBe("no-op");
    expect(second).toBeNull();
  });

  it("watches the config branch and applies a move without being asked", async () => {
    const configHead = execFileSync("git", ["--git-dir", runtime.gitDir, "rev-parse", "main"], { encoding: "utf8" }).trim();
    const fleet = execFileSync("git", ["--git-dir", runtime.gitDir, "show", "main:fleet.yaml"], { encoding: "utf8" });
    await runtime.repo.commit({ branch: "main", expectedHead: configHead, changes: new Map([["fleet.yaml", fleet.replace("replicas: {min: 1, max: 4, initial: 2}", "replicas: {min: 1, max: 3, initial: 2}")]]), message: "lower max to 3\n" });

    const decision = await new Promise<DecisionResult>((resolve, reject) => {
      const stop = startConfigWatch(runtime, 0.05, (r) => (stop(), resolve(r)), (e) => (stop(), reject(e)));
    });

    expect(decision).toMatchObject({ outcome: "applied", changes: [{ model: "llama-3-8b-awq", from: 4, to: 3 }] });
  });

  it("audits a rejected payload and samples authentication failures", async () => {
    const records = await readJsonlAudit(runtime.auditPath);

    expect(records.filter((r) => r.outcome === "rejected" && r.reason === "authentication failed")).toHaveLength(1);
    expect(records.filter((r) => r.outcome === "rejected").map((r) => r.details?.["httpStatus"])).toEqual(expect.arrayContaining([413, 415, 400]));
    expect(Math.max(...(await readFile(runtime.auditPath, "utf8")).split("\n").map((l) => l.length))).toBeLessThan(150_000);
    expect(records.some((r) => r.outcome === "rejected" && /JSON/.test(r.reason ?? ""))).toBe(true);
    expect(await readFile(runtime.auditPath, "utf8")).not.toContain(TOKEN);
  });
});
