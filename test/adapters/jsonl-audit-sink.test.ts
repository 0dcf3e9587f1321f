// createJsonlAuditSink and readJsonlAudit against real files in a temp folder.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { createJsonlAuditSink, readJsonlAudit, type AuditRecord } from "../../lib/audit/index.js";
import { InvalidInputError, InvariantError, UpstreamError } from "../../lib/errors.js";
import { makeTempDir } from "./git-test-helpers.js";

function auditRecord(n: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `01JDECISION${String(n).padStart(4, "0")}`,
    time: "2025-01-02T03:04:05.000Z",
    phase: n % 2 === 0 ? "intent" : "outcome",
    trigger: { kind: "alertmanager", ref: `group-${n}` },
    ...(n % 2 === 1 ? { outcome: "applied" as const, commit: "a".repeat(40) } : {}),
    changes: [{ model: "llama-3-8b", field: "reservedReplicas", from: n, to: n + 1 }],
    details: { note: `line\nbreak and "quotes" and unicode ✓ ${"x".repeat(n * 100)}` },
    ...extra,
  };
}

describe("createJsonlAuditSink", () => {
  let dir: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir("audit"));
  });
  afterEach(async () => {
    await remove();
  });

  it("writes 50 concurrent records as 50 whole lines in the order of the calls", async () => {
    const path = join(dir, "nested", "folders", "audit.jsonl");
    const sink = createJsonlAuditSink({ path });
    const records = Array.from({ length: 50 }, (_, n) => auditRecord(n));

    await Promise.all(records.map((r) => sink.record(r)));

    const lines = (await readFile(path, "utf8")).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(50);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(records);
    expect(await readJsonlAudit(path)).toEqual(records);
  });

  it("appends to an existing log and has each record on disk when record resolves", async () => {
    const path = join(dir, "audit.jsonl");
    await createJsonlAuditSink({ path }).record(auditRecord(1));

    await createJsonlAuditSink({ path }).record(auditRecord(2));

    expect(await readJsonlAudit(path)).toEqual([auditRecord(1), auditRecord(2)]);
  });

  it("fails with UpstreamError when the file cannot be created, without blocking later records", async () => {
    const blocker = join(dir, "not-a-folder");
    await writeFile(blocker, "a file where the folder should be");
    const sink = createJsonlAuditSink({ path: join(blocker, "audit.jsonl") });

    const failed = sink.record(auditRecord(1));
    const queued = sink.record(auditRecord(2));
    await expect(failed).rejects.toThrow(UpstreamError);
    await expect(queued).rejects.toThrow(UpstreamError);
    await rm(blocker);
    await sink.record(auditRecord(3));

    expect(await readJsonlAudit(join(blocker, "audit.jsonl"))).toEqual([auditRecord(3)]);
  });

  it("refuses a record JSON cannot represent with InvariantError and writes nothing", async () => {
    const path = join(dir, "audit.jsonl");
    const sink = createJsonlAuditSink({ path });

    await expect(sink.record(auditRecord(1, { details: { big: 1n } }))).rejects.toThrow(InvariantError);
    await sink.record(auditRecord(2));

    expect(await readJsonlAudit(path)).toEqual([auditRecord(2)]);
  });

  it("cuts off a line torn by a crash before appending, so every line stays one whole record", async () => {
    const path = join(dir, "audit.jsonl");
    await writeFile(path, `${JSON.stringify(auditRecord(1))}\n{"id":"01JTORN","ti`);

    await createJsonlAuditSink({ path }).record(auditRecord(2));

    expect(await readFile(path, "utf8")).toBe(`${JSON.stringify(auditRecord(1))}\n${JSON.stringify(auditRecord(2))}\n`);
  });

  it("cuts off a torn line longer than one read chunk", async () => {
    const path = join(dir, "audit.jsonl");
    await writeFile(path, `${JSON.stringify(auditRecord(1))}\n{"id":"${"x".repeat(200_000)}`);

    await createJsonlAuditSink({ path }).record(auditRecord(2));

    expect(await readJsonlAudit(path)).toEqual([auditRecord(1), auditRecord(2)]);
  });
});

describe("readJsonlAudit", () => {
  let dir: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir("audit-read"));
  });
  afterEach(async () => {
    await remove();
  });

  it("reads a missing file as an empty log", async () => {
    expect(await readJsonlAudit(join(dir, "absent.jsonl"))).toEqual([]);
  });

  it("ignores an unterminated last line (a torn write) but reports every broken complete line", async () => {
    const path = join(dir, "audit.jsonl");
    await writeFile(path, `${JSON.stringify(auditRecord(1))}\n{"torn`);
    const broken = join(dir, "broken.jsonl");
    await writeFile(broken, `${JSON.stringify(auditRecord(1))}\nnot json\n[1,2]\n${JSON.stringify(auditRecord(2))}\n`);

    const records = await readJsonlAudit(path);
    const error = await readJsonlAudit(broken).catch((e: unknown) => e);

    expect(records).toEqual([auditRecord(1)]);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.line)).toEqual([2, 3]);
  });

  it("reports an unreadable path as UpstreamError", async () => {
    await mkdir(join(dir, "a-folder"));

    await expect(readJsonlAudit(join(dir, "a-folder"))).rejects.toThrow(UpstreamError);
  });
});
