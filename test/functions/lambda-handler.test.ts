// The Lambda entry (API Gateway HTTP API v2 events) runs the same handler as the local server.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createLocalRuntime, loadSettings } from "../../lib/runtime/index.js";
import { alertGroup } from "./alerts.js";

const TOKEN = "lambda-token-0123456789abcdef";
let dataDir: string;
let handler: typeof import("../../functions/alertmanager-webhook.js").handler;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "vllm-gitops-lambda-"));
  const env = { VLLM_GITOPS_DATA_DIR: dataDir, ALERTMANAGER_TOKEN: TOKEN, VLLM_GITOPS_SEED_CONFIG: path.resolve("manifests/fleet.yaml") };
  await (await createLocalRuntime(loadSettings(env))).bootstrap(); // the repository a deployment starts from
  Object.assign(process.env, env);
  ({ handler } = await import("../../functions/alertmanager-webhook.js"));
}, 30_000);

afterAll(async () => {
  for (const key of ["VLLM_GITOPS_DATA_DIR", "ALERTMANAGER_TOKEN", "VLLM_GITOPS_SEED_CONFIG"]) delete process.env[key];
  await rm(dataDir, { recursive: true, force: true });
});

function event(body: string, token = TOKEN) {
  return {
    rawPath: "/alertmanager",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: Buffer.from(body).toString("base64"),
    isBase64Encoded: true,
    requestContext: { http: { method: "POST" } },
  };
}

describe("alertmanager-webhook Lambda", () => {
  it("decodes a base64 API Gateway body and applies the alert", async () => {
    const response = await handler(event(JSON.stringify(alertGroup([{ value: "30" }]))));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ outcome: "applied", changes: [{ model: "llama-3-8b-awq", from: 2, to: 6 }] });
  });

  it("answers a wrong token with 401", async () => {
    const response = await handler(event("{}", "wrong-token-0123456789"));

    expect(response.statusCode).toBe(401);
  });
});
