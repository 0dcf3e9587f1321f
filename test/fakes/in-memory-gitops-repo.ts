/**
 * A `GitOpsRepo` held in memory with the same rules as `createLocalGitRepo`: the same input validation,
 * compare-and-swap on `expectedHead`, refusal of empty commits, folder deletes and file/folder clashes,
 * the same message normalization and errors. The contract suite in test/adapters runs against both.
 */
import { createHash } from "node:crypto";
import { ConflictError, InvalidInputError, UpstreamError } from "../../lib/errors.js";
import {
  applyFileChanges,
  assertBranchName,
  assertCommitSha,
  assertRepoPath,
  normalizeCommitMessage,
  normalizeFolderPrefix,
  validateCommitRequest,
  type CommitInfo,
  type CommitRequest,
  type GitOpsRepo,
} from "../../lib/gitops/index.js";

interface StoredCommit {
  readonly files: ReadonlyMap<string, string>;
  readonly parents: readonly string[];
  /** As stored by git: ends with exactly one newline. */
  readonly message: string;
}

export class InMemoryGitOpsRepo implements GitOpsRepo {
  /** Every `commit` call received (a copy), including refused and failed ones: assert "no write" with it. */
  readonly commitRequests: CommitRequest[] = [];
  private readonly commits = new Map<string, StoredCommit>();
  private readonly branches = new Map<string, string>();
  private readonly injected: Array<ConflictError | UpstreamError> = [];
  private sequence = 0;

  /**
   * Make the next valid `commit` throw `error` without changing anything (as a lost race or a git
   * outage would). Calls queue up: inject twice to fail the next two commits.
   */
  failNextCommit(error: ConflictError | UpstreamError): void {
    this.injected.push(error);
  }

  /** Commit `files` on top of `branch` (created when missing) and return the new SHA: test set-up. */
  async seed(branch: string, files: Readonly<Record<string, string>>, message = "seed"): Promise<string> {
    return this.commit({ branch, expectedHead: await this.head(branch), changes: new Map(Object.entries(files)), message });
  }

  async head(branch: string): Promise<string | null> {
    assertBranchName(branch);
    return this.branches.get(branch) ?? null;
  }

  async readFile(commit: string, path: string): Promise<string | null> {
    assertCommitSha(commit);
    assertRepoPath(path);
    return this.commitOf(commit).files.get(path) ?? null;
  }

  async readTree(commit: string, prefix?: string): Promise<Map<string, string>> {
    assertCommitSha(commit);
    const folder = normalizeFolderPrefix(prefix);
    const { files } = this.commitOf(commit);
    return new Map([...files].filter(([path]) => path.startsWith(folder)));
  }

  async commit(request: CommitRequest): Promise<string> {
    this.commitRequests.push({ ...request, changes: new Map(request.changes) });
    validateCommitRequest(request);
    const injected = this.injected.shift();
    if (injected !== undefined) throw injected;
    const actualHead = this.branches.get(request.branch) ?? null;
    if (actualHead !== request.expectedHead) {
      throw new ConflictError("branch is no longer at the expected head", { branch: request.branch, expectedHead: request.expectedHead, actualHead });
    }
    const base = request.startPoint ?? request.expectedHead ?? null;
    const parent = base === null ? new Map<string, string>() : this.commitOf(base).files;
    const files = applyFileChanges(parent, request.changes, (a, b) => a === b);
    this.sequence += 1;
    const sha = createHash("sha1").update(`${this.sequence}\0${base ?? ""}\0${request.message}`).digest("hex");
    const parents = base === null ? [] : [base];
    this.commits.set(sha, { files, parents, message: normalizeCommitMessage(request.message) });
    this.branches.set(request.branch, sha);
    return sha;
  }

  async log(branch: string, limit: number): Promise<CommitInfo[]> {
    assertBranchName(branch);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidInputError("invalid log limit", [{ path: "limit", message: "expected a whole number ≥ 0" }]);
    const entries: CommitInfo[] = [];
    let sha = this.branches.get(branch);
    while (sha !== undefined && entries.length < limit) {
      const stored = this.commitOf(sha);
      entries.push({ sha, parents: [...stored.parents], message: stored.message.replace(/\n$/, "") });
      sha = stored.parents[0];
    }
    return entries;
  }

  private commitOf(sha: string): StoredCommit {
    const stored = this.commits.get(sha);
    if (stored === undefined) throw new InvalidInputError("unknown commit", [{ path: "commit", message: `no commit ${sha} in the repository` }]);
    return stored;
  }
}
