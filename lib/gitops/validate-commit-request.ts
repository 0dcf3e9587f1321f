/**
 * Input rules shared by every `GitOpsRepo` adapter (and the in-memory fake), so all of them accept and
 * refuse exactly the same branch names, paths, SHAs and messages.
 */
import { InvalidInputError, type InputIssue } from "../errors.js";
import type { CommitRequest } from "./port.js";

/** A full SHA-1 object name: 40 lower-case hex digits. */
const COMMIT_SHA = /^[0-9a-f]{40}$/;
/** C0 controls and DEL: never valid in a path, a branch name or a trailer. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Characters `git check-ref-format` refuses anywhere in a ref name (besides controls). */
const REF_FORBIDDEN = /[ ~^:?*[\\]/;
/** Longest branch name or repository path accepted, in characters. */
const MAX_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 4096;

/** Problems with a branch name (the part after `refs/heads/`), following `git check-ref-format --branch`. */
export function branchNameProblems(branch: string): string[] {
  if (branch.length === 0) return ["branch name is empty"];
  const problems: string[] = [];
  if (branch.length > MAX_NAME_LENGTH) problems.push(`branch name is longer than ${MAX_NAME_LENGTH} characters`);
  if (CONTROL.test(branch) || REF_FORBIDDEN.test(branch)) problems.push("branch name contains a space, a control character or one of ~^:?*[\\");
  if (branch.includes("..") || branch.includes("@{") || branch === "@") problems.push("branch name contains '..' or '@{' or is '@'");
  if (branch.startsWith("-")) problems.push("branch name starts with '-'");
  if (branch.endsWith(".")) problems.push("branch name ends with '.'");
  if (branch.split("/").some((s) => s === "" || s.startsWith(".") || s.endsWith(".lock"))) {
    problems.push("branch name has an empty component, or one starting with '.' or ending with '.lock'");
  }
  return problems;
}

/** Problems with a repository path: relative, `/`-separated, no empty, `.`, `..` or `.git` segment, no control character or backslash. */
export function repoPathProblems(path: string): string[] {
  if (path.length === 0) return ["path is empty"];
  const problems: string[] = [];
  if (path.length > MAX_PATH_LENGTH) problems.push(`path is longer than ${MAX_PATH_LENGTH} characters`);
  if (CONTROL.test(path) || path.includes("\\")) problems.push("path contains a control character or a backslash");
  if (path.startsWith("/")) problems.push("path is absolute");
  const segments = path.split("/");
  if (segments.some((s) => s === "")) problems.push("path has an empty segment");
  if (segments.some((s) => s === "." || s === "..")) problems.push("path has a '.' or '..' segment");
  if (segments.some((s) => s.toLowerCase() === ".git")) problems.push("path has a '.git' segment");
  return problems;
}

/**
 * @throws InvalidInputError unless `branch` is a valid branch name (see {@link branchNameProblems})
 */
export function assertBranchName(branch: string): void {
  const problems = branchNameProblems(branch);
  if (problems.length > 0) throw new InvalidInputError("invalid branch name", problems.map((message) => ({ path: "branch", message })));
}

/**
 * @throws InvalidInputError unless `sha` is a full 40-hex lower-case commit SHA
 */
export function assertCommitSha(sha: string, field = "commit"): void {
  if (!COMMIT_SHA.test(sha)) throw new InvalidInputError("invalid commit SHA", [{ path: field, message: "expected 40 lower-case hex digits" }]);
}

/**
 * @throws InvalidInputError unless `path` is a valid repository path (see {@link repoPathProblems})
 */
export function assertRepoPath(path: string): void {
  const problems = repoPathProblems(path);
  if (problems.length > 0) throw new InvalidInputError("invalid repository path", problems.map((message) => ({ path: "path", message })));
}

/**
 * Turn `readTree`'s optional folder prefix into the string every returned path must start with:
 * `undefined` or `""` → `""` (everything); `"clusters"` and `"clusters/"` → `"clusters/"`.
 * @throws InvalidInputError when the prefix is not a valid repository path
 */
export function normalizeFolderPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return "";
  const folder = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  assertRepoPath(folder);
  return `${folder}/`;
}

/**
 * The message as stored in the commit object: trailing newlines collapsed into exactly one (git's
 * convention). `CommitInfo.message` gives it back without that final newline.
 */
export function normalizeCommitMessage(message: string): string {
  return `${message.replace(/\n+$/, "")}\n`;
}

/**
 * Check a whole commit request, collecting every problem before failing: branch name, `expectedHead`
 * (null or a 40-hex SHA), `startPoint` (a 40-hex SHA), at least one
 * change, every path, every content a string or null, and a non-blank message without NUL characters.
 * @throws InvalidInputError listing all problems (`path` is `branch`, `expectedHead`, `startPoint`, `changes[<path>]` or `message`)
 */
export function validateCommitRequest(request: CommitRequest): void {
  const issues: InputIssue[] = branchNameProblems(request.branch).map((message) => ({ path: "branch", message }));
  if (request.expectedHead !== null && !COMMIT_SHA.test(request.expectedHead)) {
    issues.push({ path: "expectedHead", message: "expected null or 40 lower-case hex digits" });
  }
  if (request.startPoint !== undefined) {
    if (!COMMIT_SHA.test(request.startPoint)) issues.push({ path: "startPoint", message: "expected 40 lower-case hex digits" });
  }
  if (request.changes.size === 0) issues.push({ path: "changes", message: "no changes: refusing to create an empty commit" });
  for (const [path, content] of request.changes) {
    for (const message of repoPathProblems(path)) issues.push({ path: `changes[${JSON.stringify(path)}]`, message });
    if (content !== null && typeof content !== "string") issues.push({ path: `changes[${JSON.stringify(path)}]`, message: "content must be a string or null" });
  }
  if (request.message.trim() === "") issues.push({ path: "message", message: "commit message is empty" });
  if (request.message.includes("\u0000")) issues.push({ path: "message", message: "commit message contains a NUL character" });
  if (issues.length > 0) throw new InvalidInputError("invalid commit request", issues);
}
