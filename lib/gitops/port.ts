/**
 * The `GitOpsRepo` port: the GitOps repository the controller reads config from and writes rendered
 * manifests to. Adapters: `createLocalGitRepo` (a bare repository on disk). Commit SHAs are 40-hex strings.
 */

/** A file change: new contents (UTF-8 text), or `null` to delete the path. */
export type FileChanges = ReadonlyMap<string, string | null>;

export interface CommitRequest {
  readonly branch: string;
  /**
   * Compare-and-swap: the head the change was computed on. `null` means the branch must not exist yet
   * (it is created). The commit's parent is this commit.
   */
  readonly expectedHead: string | null;
  /**
   * The new commit's parent and the tree the changes apply to (40-hex SHA), instead of `expectedHead`.
   * With `expectedHead` null it starts a new branch there (a proposal branch off the rendered head);
   * with `expectedHead` set it rebuilds a bot-owned branch on a new base: the ref still moves only from
   * `expectedHead` (compare-and-swap), but not as a fast-forward ("force with lease"). Never used for
   * the config or rendered branch. Absent: the parent is `expectedHead` (or none for a new branch).
   */
  readonly startPoint?: string;
  readonly changes: FileChanges;
  /** Full message: subject, body, trailers (`Decision-Id: …`). */
  readonly message: string;
}

export interface CommitInfo {
  readonly sha: string;
  readonly message: string;
  readonly parents: readonly string[];
}

export interface GitOpsRepo {
  /** Head commit of `branch`, or null when the branch does not exist. */
  head(branch: string): Promise<string | null>;
  /** Text of `path` at `commit`, or null when absent. */
  readFile(commit: string, path: string): Promise<string | null>;
  /** Every file at `commit` (optionally under a folder prefix) → its contents. */
  readTree(commit: string, prefix?: string): Promise<Map<string, string>>;
  /**
   * One atomic commit of all `changes` on top of `expectedHead`, then a compare-and-swap ref update.
   * @returns the new commit's SHA
   * @throws ConflictError when the branch head is no longer `expectedHead` (nothing was changed)
   * @throws UpstreamError when git itself fails
   */
  commit(request: CommitRequest): Promise<string>;
  /** Commits reachable from `branch`, newest first, at most `limit`. */
  log(branch: string, limit: number): Promise<CommitInfo[]>;
}
