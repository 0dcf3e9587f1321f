/**
 * `AuditSink` that appends one JSON object per line to a local file (DESIGN.md 4: "JSONL locally"),
 * each flushed to disk before `record` resolves, plus a reader for tests and the CLI.
 */
import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InvalidInputError, InvariantError, UpstreamError, type InputIssue } from "../errors.js";
import type { AuditRecord, AuditSink } from "./port.js";

/** Bytes read at a time when looking backwards for the last complete line. */
const TAIL_CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export interface JsonlAuditSinkOptions {
  /** The JSONL file; it and its parent folders are created on the first record. */
  readonly path: string;
}

/**
 * Create a sink that appends each record as one line (`JSON.stringify` + `\n`) and `fdatasync`s it
 * before resolving. Records are written one at a time in the order `record` was called, so concurrent
 * calls never interleave; a failed write does not block the ones queued after it. The first write of a
 * sink (and the first after a failed write) cuts off an unterminated last line (a record torn by a crash, which was never acknowledged), so
 * the file stays one whole record per line.
 *
 * @throws (from `record`) UpstreamError when the folder or file cannot be created, written or flushed;
 *   InvariantError when the record cannot be serialized (a cycle or a BigInt: a bug in the caller)
 */
export function createJsonlAuditSink(options: JsonlAuditSinkOptions): AuditSink {
  const path = resolve(options.path);
  let tail: Promise<unknown> = Promise.resolve();
  let prepared = false;

  async function append(line: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(path, "a+");
      if (!prepared) await cutTornTail(handle);
      await handle.appendFile(line, "utf8");
      await handle.datasync();
      if (!prepared) await syncFolder(dirname(path)); // make the file's directory entry durable too
      prepared = true;
    } catch (cause) {
      prepared = false; // a failed write may have left a partial line: check again next time
      throw new UpstreamError("cannot write the audit record", { path }, { cause });
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  return {
    async record(record) {
      let line: string;
      try {
        line = `${JSON.stringify(record)}\n`;
      } catch (cause) {
        throw new InvariantError("audit record is not serializable", { id: record.id }, { cause });
      }
      const written = tail.then(() => append(line));
      tail = written.catch(() => undefined);
      return written;
    },
  };
}

/** Truncate the file after its last newline, dropping a partial line left by a crash mid-write. */
async function cutTornTail(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  let end = size;
  const chunk = Buffer.alloc(TAIL_CHUNK_BYTES);
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK_BYTES);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (newline >= 0) {
      end = start + newline + 1;
      break;
    }
    end = start;
  }
  if (end < size) await handle.truncate(end);
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Read a JSONL audit file back, in file order. A missing file is an empty log; an unterminated last
 * line (a write torn by a crash, never acknowledged) is ignored.
 *
 * @param path - the file a `createJsonlAuditSink` wrote
 * @returns the records (parsed, not schema-checked beyond "a JSON object")
 * @throws InvalidInputError listing every complete line that is not a JSON object (with its 1-based line)
 * @throws UpstreamError when the file exists but cannot be read
 */
export async function readJsonlAudit(path: string): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new UpstreamError("cannot read the audit log", { path }, { cause });
  }
  const lines = text.split("\n");
  lines.pop(); // the text after the last newline: "" or a torn record
  const records: AuditRecord[] = [];
  const issues: InputIssue[] = [];
  lines.forEach((line, i) => {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
      records.push(value as AuditRecord);
    } catch (error) {
      issues.push({ path: "", file: path, line: i + 1, message: (error as Error).message });
    }
  });
  if (issues.length > 0) throw new InvalidInputError("audit log has unreadable lines", issues);
  return records;
}
