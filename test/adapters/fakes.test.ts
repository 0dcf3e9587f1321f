// The test fakes' own knobs (their GitOpsRepo behaviour is covered by the contract suite).
import { describe, expect, it } from "@jest/globals";
import { ConflictError, UpstreamError } from "../../lib/errors.js";
import { InMemoryGitOpsRepo } from "../fakes/in-memory-gitops-repo.js";
import { RecordingAuditSink } from "../fakes/recording-audit-sink.js";

describe("InMemoryGitOpsRepo", () => {
  it("fails the next commit with an injected error, changes nothing, then works again", async () => {
    const repo = new InMemoryGitOpsRepo();
    const base = await repo.seed("rendered", { "a.txt": "a" });
    repo.failNextCommit(new ConflictError("injected"));
    repo.failNextCommit(new UpstreamError("injected"));
    const request = { branch: "rendered", expectedHead: base, changes: new Map([["a.txt", "b"]]), message: "b" };

    await expect(repo.commit(request)).rejects.toThrow(ConflictError);
    await expect(repo.commit(request)).rejects.toThrow(UpstreamError);
    const headAfterFailures = await repo.head("rendered");
    const sha = await repo.commit(request);

    expect(headAfterFailures).toBe(base);
    expect(await repo.readFile(sha, "a.txt")).toBe("b");
  });

  it("records every commit request, including refused ones, as copies", async () => {
    const repo = new InMemoryGitOpsRepo();
    const changes = new Map<string, string | null>([["a.txt", "a"]]);

    await repo.commit({ branch: "rendered", expectedHead: null, changes, message: "first" });
    await repo.commit({ branch: "rendered", expectedHead: null, changes, message: "again" }).catch(() => undefined);
    changes.set("late.txt", "mutated after the call");

    expect(repo.commitRequests.map((r) => [r.message, [...r.changes.keys()]])).toEqual([["first", ["a.txt"]], ["again", ["a.txt"]]]);
  });

  it("seeds on top of the current head", async () => {
    const repo = new InMemoryGitOpsRepo();

    const first = await repo.seed("main", { "fleet.yaml": "v1" });
    const second = await repo.seed("main", { "other.yaml": "x" }, "more");

    expect((await repo.log("main", 5)).map((c) => c.parents)).toEqual([[first], []]);
    expect(Object.fromEntries(await repo.readTree(second))).toEqual({ "fleet.yaml": "v1", "other.yaml": "x" });
  });
});

describe("RecordingAuditSink", () => {
  it("keeps copies of records in call order and fails once on demand", async () => {
    const sink = new RecordingAuditSink();
    const record = { id: "01J1", time: "2025-01-01T00:00:00.000Z", phase: "intent" as const, trigger: { kind: "cli" as const, ref: "x" }, changes: [] };
    sink.failNext();

    await expect(sink.record(record)).rejects.toThrow(UpstreamError);
    await sink.record(record);
    await sink.record({ ...record, id: "01J2", phase: "outcome", outcome: "applied" });

    expect(sink.records.map((r) => [r.id, r.phase])).toEqual([["01J1", "intent"], ["01J2", "outcome"]]);
    expect(sink.recordsOf("01J2")).toHaveLength(1);
  });
});
