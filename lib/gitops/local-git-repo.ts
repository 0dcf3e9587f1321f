/**
 * `GitOpsRepo` on a bare repository on disk, through the `git` binary's plumbing commands. Commits are
 * built without a work tree (blobs → a temporary index → tree → commit) and published with
 * `git update-ref <ref> <new> <old>`, a real compare-and-swap (isomorphic-git's `writeRef` has none;
 * TOOLCHAIN.md "Local git").
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, ConflictError, InvalidInputError, UpstreamError } from "../errors.js";
import { applyFileChanges } from "./apply-file-changes.js";
import type { CommitInfo, CommitRequest, GitOpsRepo } from "./port.js";
import { runGit } from "./run-git.js";
import {
  assertBranchName,
  assertCommitSha,
  assertRepoPath,
  normalizeCommitMessage,
  normalizeFolderPrefix,
  validateCommitRequest,
} from "./validate-commit-request.js";

/** The old value `update-ref` takes to mean "the ref must not exist yet". */
const ZERO_OID = "0".repeat(40);
const DEFAULT_AUTHOR = { name: "vllm-gitops", email: "vllm-gitops@localhost" } as const;
const DEFAULT_TIMEOUT_MS = 30_000;
const BAD_IDENTITY = /[<>\u0000-\u001f\u007f]/;

export interface LocalGitRepoOptions {
  /** Path of a bare repository; resolved to an absolute path once, so the process's cwd never matters. */
  readonly gitDir: string;
  /** Author and committer of every commit; default `vllm-gitops <vllm-gitops@localhost>`. */
  readonly author?: { readonly name: string; readonly email: string };
  /** Limit for each git command, in milliseconds; default 30 000. */
  readonly timeoutMs?: number;
}

/** A file in a tree listing: git mode (`100644`, `100755`, `120000`, `160000`), type (`blob`, `commit`) and object id. */
interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
}

/**
 * Create a `GitOpsRepo` on a bare repository (see {@link initBareRepo}). Nothing is checked until the
 * first call. Reads and `commit` refuse a non-40-hex commit SHA, an unknown commit, an invalid branch
 * name or path with `InvalidInputError`. `commit` also refuses (before touching any ref) a commit whose
 * changes leave the tree as it was ("empty commit", FIELD-REPORTS #13), a delete of a folder, and a
 * file where a folder is; deleting an absent file is a no-op for that path. The new commit's parent is
 * always `expectedHead` and the ref moves only if it still points there (FIELD-REPORTS #12, #35): no
 * force, ever. A lost compare-and-swap may leave unreachable objects behind, which `git gc` prunes.
 * Every method throws `UpstreamError` when git fails, times out or the repository is missing; `commit`
 * throws `ConflictError` (details `{branch, expectedHead, actualHead}`) when the branch is not, or no
 * longer, at `expectedHead`, including when two writers race (git waits up to 1 s for the ref lock).
 *
 * @throws ConfigError when `author` has an empty name or email, or one containing `<`, `>` or a control
 *   character, or `timeoutMs` is not a positive number
 */
export function createLocalGitRepo(options: LocalGitRepoOptions): GitOpsRepo {
  const gitDir = resolve(options.gitDir);
  const author = options.author ?? DEFAULT_AUTHOR;
  for (const [field, value] of Object.entries({ name: author.name, email: author.email })) {
    if (value.trim() === "" || BAD_IDENTITY.test(value)) throw new ConfigError("invalid git author", { field });
  }
  const identity = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ConfigError("invalid git timeout", { field: "timeoutMs" });
  const git = (args: readonly string[], extra: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Buffer> =>
    runGit(args, { gitDir, timeoutMs, ...extra });

  async function currentHead(branch: string): Promise<string | null> {
    try {
      return (await git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`])).toString("utf8").trim();
    } catch (error) {
      if (exitCodeOf(error) === 1) return null; // --quiet: exit 1 and no output when the ref is absent
      throw error;
    }
  }

  /** @throws InvalidInputError when `commit` is not a commit of the repository */
  async function assertCommitExists(commit: string): Promise<void> {
    try {
      await git(["rev-parse", "--verify", "--quiet", `${commit}^{commit}`]);
    } catch (error) {
      if (exitCodeOf(error) === 1) throw new InvalidInputError("unknown commit", [{ path: "commit", message: `no commit ${commit} in the repository` }]);
      throw error;
    }
  }

  /** Every file of `commit`'s tree, path → mode and object id (submodules included, folders not). */
  async function listTree(commit: string): Promise<Map<string, TreeEntry>> {
    let out: Buffer;
    try {
      out = await git(["ls-tree", "-r", "-z", "--full-tree", `${commit}^{commit}`]);
    } catch (error) {
      await assertCommitExists(commit);
      throw error;
    }
    const entries = new Map<string, TreeEntry>();
    for (const record of out.toString("utf8").split("\0")) {
      if (record === "") continue;
      const tab = record.indexOf("\t");
      const [mode = "", type = "", oid = ""] = record.slice(0, tab).split(" ");
      entries.set(record.slice(tab + 1), { mode, type, oid });
    }
    return entries;
  }

  /** Write `contents` as blobs in one `hash-object` run (through files in `scratchDir`); their ids, in order. */
  async function writeBlobs(contents: readonly string[], scratchDir: string): Promise<string[]> {
    if (contents.length === 0) return [];
    const files = contents.map((_, i) => join(scratchDir, `blob-${i}`));
    await Promise.all(contents.map((content, i) => writeFile(files[i]!, content, "utf8")));
    const out = await git(["hash-object", "-w", "--no-filters", "--stdin-paths"], { input: `${files.join("\n")}\n` });
    const oids = out.toString("utf8").trim().split("\n");
    if (oids.length !== contents.length) throw new UpstreamError("git hash-object returned an unexpected number of ids", { expected: contents.length, got: oids.length });
    return oids;
  }

  /** Build a tree object from a full listing through a temporary index file (no work tree involved). */
  async function writeTree(files: ReadonlyMap<string, TreeEntry>, scratchDir: string): Promise<string> {
    const env = { GIT_INDEX_FILE: join(scratchDir, "index") };
    if (files.size > 0) {
      const info = [...files].map(([path, { mode, oid }]) => `${mode} ${oid}\t${path}\0`).join("");
      await git(["update-index", "-z", "--index-info"], { input: info, env });
    }
    return (await git(["write-tree"], { env })).toString("utf8").trim();
  }

  function conflict(request: CommitRequest, actualHead: string | null, cause?: unknown): ConflictError {
    return new ConflictError("branch is no longer at the expected head", { branch: request.branch, expectedHead: request.expectedHead, actualHead }, { cause });
  }

  return {
    async head(branch) {
      assertBranchName(branch);
      return currentHead(branch);
    },

    async readFile(commit, path) {
      assertCommitSha(commit);
      assertRepoPath(path);
      const [object] = parseBatch(await git(["cat-file", "--batch"], { input: `${commit}^{commit}:${path}\n` }));
      if (object === undefined) throw new UpstreamError("git cat-file returned nothing", { commit });
      if (object.type === "missing") {
        await assertCommitExists(commit);
        return null;
      }
      return object.type === "blob" ? object.content.toString("utf8") : null; // a folder or submodule is not a file
    },

    async readTree(commit, prefix) {
      assertCommitSha(commit);
      const folder = normalizeFolderPrefix(prefix);
      const wanted = [...(await listTree(commit))].filter(([path, entry]) => entry.type === "blob" && path.startsWith(folder));
      const files = new Map<string, string>();
      if (wanted.length === 0) return files;
      const objects = parseBatch(await git(["cat-file", "--batch"], { input: `${wanted.map(([, e]) => e.oid).join("\n")}\n` }));
      wanted.forEach(([path], i) => {
        const object = objects[i];
        if (object?.type !== "blob") throw new UpstreamError("git cat-file did not return a listed blob", { commit, path });
        files.set(path, object.content.toString("utf8"));
      });
      return files;
    },

    async commit(request) {
      validateCommitRequest(request);
      const { branch, expectedHead, changes } = request;
      const before = await currentHead(branch);
      if (before !== expectedHead) throw conflict(request, before);

      const scratchDir = await mkdtemp(join(tmpdir(), "vllm-gitops-commit-"));
      try {
        const base = request.startPoint ?? expectedHead ?? null;
        const existing: Map<string, TreeEntry> = base === null ? new Map() : await listTree(base);
        const oids = await writeBlobs([...changes.values()].filter((c): c is string => c !== null), scratchDir);
        let written = 0;
        const edits = new Map<string, TreeEntry | null>(
          [...changes].map(([path, content]) => {
            if (content === null) return [path, null];
            // a changed executable stays executable; anything else becomes a regular file
            return [path, { mode: existing.get(path)?.mode === "100755" ? "100755" : "100644", type: "blob", oid: oids[written++]! }];
          }),
        );
        const next = applyFileChanges(existing, edits, (a, b) => a.mode === b.mode && a.oid === b.oid);
        const tree = await writeTree(next, scratchDir);
        const parents = base === null ? [] : ["-p", base];
        const sha = (await git(["commit-tree", "--no-gpg-sign", tree, ...parents, "-F", "-"], { input: normalizeCommitMessage(request.message), env: identity }))
          .toString("utf8")
          .trim();
        try {
          await git(["update-ref", `refs/heads/${branch}`, sha, expectedHead ?? ZERO_OID]);
        } catch (error) {
          // classify by the ref's state, not by git's wording: if it moved, we lost the race
          const after = await currentHead(branch);
          if (after !== expectedHead) throw conflict(request, after, error);
          throw error;
        }
        return sha;
      } finally {
        await rm(scratchDir, { recursive: true, force: true });
      }
    },

    async log(branch, limit) {
      assertBranchName(branch);
      if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidInputError("invalid log limit", [{ path: "limit", message: "expected a whole number ≥ 0" }]);
      const tip = limit === 0 ? null : await currentHead(branch);
      if (tip === null) return [];
      const out = await git(["log", "-z", "--no-color", "--format=%H%n%P%n%B", `--max-count=${limit}`, tip]);
      return parseLog(out.toString("utf8"));
    },
  };
}

/** Parse `git log -z --format=%H%n%P%n%B`: NUL-terminated records of sha, parents, raw message. */
function parseLog(text: string): CommitInfo[] {
  return text
    .split("\0")
    .filter((record) => record !== "")
    .map((record) => {
      const [sha = "", parents = "", ...message] = record.split("\n");
      return { sha, parents: parents === "" ? [] : parents.split(" "), message: message.join("\n").replace(/\n$/, "") };
    });
}

type BatchObject = { readonly type: "missing" } | { readonly type: string; readonly oid: string; readonly content: Buffer };

/** Parse `git cat-file --batch` output: `<oid> <type> <size>\n<bytes>\n` per object, or `<name> missing\n`. */
function parseBatch(out: Buffer): BatchObject[] {
  const objects: BatchObject[] = [];
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    if (eol < 0) throw new UpstreamError("git cat-file output is truncated", { offset: pos });
    const header = out.subarray(pos, eol).toString("utf8");
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      objects.push({ type: "missing" });
      pos = eol + 1;
      continue;
    }
    const [oid = "", type = "", size = ""] = header.split(" ");
    const length = Number(size);
    if (!Number.isSafeInteger(length) || eol + 1 + length > out.length) throw new UpstreamError("git cat-file output is malformed", { header });
    objects.push({ type, oid, content: out.subarray(eol + 1, eol + 1 + length) });
    pos = eol + 1 + length + 1;
  }
  return objects;
}

function exitCodeOf(error: unknown): unknown {
  return error instanceof UpstreamError ? error.details.exitCode : undefined;
}
