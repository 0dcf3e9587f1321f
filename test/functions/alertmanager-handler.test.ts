// The webhook handler with the real controller over in-memory fakes of the repository and audit sink.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import type { CommitRequest } from "../../lib/gitops/index.js";
import { AUTH_SAMPLE_EVERY, createAlertmanagerHandler } from "../../lib/http/index.js";
import { createWorld } from "../fakes/controller-world.js";
import { sequentialIds } from "../fakes/fixed-clock.js";
import { InMemoryGitOpsRepo } from "../fakes/in-memory-gitops-repo.js";
import { alertGroup } from "./alerts.js";

const FLEET = readFileSync(new URL("../../manifests/fleet.yaml", import.meta.url), "utf8");
const TOKEN = "handler-token-0123456789";

/** A repository whose commits take `delayMs` (a slow GitHub, FIELD-REPORTS #18). */
class SlowRepo extends InMemoryGitOpsRepo {
  delayMs = 0;
  override async commit(request: CommitRequest): Promise<string> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return super.commit(request);
  }
}

async function setup(timeoutMs = 8000) {
  const { repo, audit, clock, controller } = await createWorld(FLEET, { render: true, repo: new SlowRepo() });
  const handle = createAlertmanagerHandler({ controller, audit, clock, newDecisionId: sequentialIds("h"), bearerToken: TOKEN, decisionTimeoutMs: timeoutMs });
  const post = (body: string, authorization = `Bearer ${TOKEN}`) =>
    handle({ method: "POST", path: "/alertmanager", headers: { authorization, "content-type": "application/json" }, body });
  return { repo, audit, post };
}

describe("alertmanager handler", () => {
  it("answers 503 when the decision outlives its budget, and the retry is a duplicate once it has committed (FIELD-REPORTS #18)", async () => {
    const { repo, post } = await setup(50);
    repo.delayMs = 200;
    const body = JSON.stringify(alertGroup([{ value: "30" }]));

    const first = await post(body);
    await new Promise((r) => setTimeout(r, 400)); // the decision finishes in the background
    repo.delayMs = 0;
    const retry = await post(body);

    expect(first.status).toBe(503);
    expect(JSON.parse(first.body).error).toMatch(/longer than 50 ms/);
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ outcome: "no-op", reason: "duplicate" });
    expect(await repo.log("rendered", 10)).toHaveLength(2);
  });

  it("audits the first authentication failure and then every hundredth, never the token", async () => {
    const { audit, post } = await setup();

    for (let i = 0; i < AUTH_SAMPLE_EVERY; i++) await post("{}", "Bearer wrong");

    const authRecords = audit.records.filter((r) => r.reason === "authentication failed");
    expect(authRecords.map((r) => r.details?.["authFailures"])).toEqual([1, AUTH_SAMPLE_EVERY]);
    expect(JSON.stringify(audit.records)).not.toContain(TOKEN);
  });

  it("makes no write when the alert asks for the reserve the model already has (FIELD-REPORTS #13)", async () => {
    const { repo, post } = await setup();
    const writesBefore = repo.commitRequests.length;

    const response = await post(JSON.stringify(alertGroup([{ value: "10" }]))); // ceil(10/5) = 2 = initial reserve

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).outcome).toBe("no-op");
    expect(repo.commitRequests).toHaveLength(writesBefore);
  });

  it("decides on the alerts present in a truncated group and flags it (FIELD-REPORTS #19)", async () => {
    const { audit, post } = await setup();

    const response = await post(JSON.stringify(alertGroup([{ value: "30" }], "g", 40)));

    expect(JSON.parse(response.body).outcome).toBe("applied");
    expect(audit.records.at(-1)?.details).toMatchObject({ partial_group: true, truncated: 40 });
  });
});

describe("an invalid fleet.yaml on the config branch", () => {
  it("answers 503 listing every problem with its line, and commits nothing", async () => {
    const { repo, post } = await setup();
    const broken = FLEET.replace("name: prod-us-east-1", "name: Prod_US").replace("gpusPerNode: 8", "gpusPerNode: -8");
    await repo.commit({ branch: "main", expectedHead: await repo.head("main"), changes: new Map([["fleet.yaml", broken]]), message: "human: break it" });
    const renderedBefore = await repo.head("rendered");

    const response = await post(JSON.stringify(alertGroup([{ value: "30" }])));

    expect(response.status).toBe(503);
    const body = JSON.parse(response.body) as { error: string; issues: { path: string; line: number }[] };
    expect(body.error).toMatch(/fleet\.yaml on 'main' \([0-9a-f]{12}\) is invalid \(2 problems; first fleet\.yaml:\d+: cluster\.name/);
    expect(body.issues.map((i) => i.path)).toEqual(["cluster.name", "pools[0].gpusPerNode"]);
    expect(body.issues.every((i) => i.line > 0)).toBe(true);
    expect(await repo.head("rendered")).toBe(renderedBefore);
  });
});

describe("human changes to fleet.yaml", () => {
  it("clamps to a max a human lowered instead of reverting it (FIELD-REPORTS #14)", async () => {
    const { repo, post } = await setup();
    await post(JSON.stringify(alertGroup([{ value: "30" }]))); // 2 → 6
    const lowered = FLEET.replace("replicas: {min: 1, max: 14, initial: 2}", "replicas: {min: 1, max: 4, initial: 2}");
    await repo.commit({ branch: "main", expectedHead: await repo.head("main"), changes: new Map([["fleet.yaml", lowered]]), message: "human: lower max to 4" });

    const response = await post(JSON.stringify(alertGroup([{ value: "60", startsAt: "2026-11-29T12:04:00Z" }])));

    expect(JSON.parse(response.body).outcome).toBe("applied");
    const head = (await repo.head("rendered"))!;
    const scaledObject = (await repo.readFile(head, "clusters/prod-us-east-1/llm/llama-3-8b-awq/scaledobject.yaml"))!;
    expect(scaledObject).toMatch(/maxReplicaCount: 4\b/);
    expect((await repo.readFile((await repo.head("main"))!, "fleet.yaml"))!).toBe(lowered);
  });
});
