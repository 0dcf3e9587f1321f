/**
 * The tree-editing rules every `GitOpsRepo` adapter shares: how one commit's `FileChanges` turn the
 * parent's file listing into the new one, and which changes are refused.
 */
import { InvalidInputError, type InputIssue } from "../errors.js";

/** Every folder that holds `path` (`a/b/c.yaml` → `a`, `a/b`). */
function foldersOf(path: string): string[] {
  const segments = path.split("/");
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join("/"));
}

function allFolders(paths: Iterable<string>): Set<string> {
  const folders = new Set<string>();
  for (const path of paths) for (const folder of foldersOf(path)) folders.add(folder);
  return folders;
}

/**
 * Apply file changes to a flat listing of files (path → entry). Deleting an absent path is allowed (a
 * no-op for that path); deleting a folder is not (list its files instead).
 *
 * @param existing - the parent commit's files, path → entry (an adapter's blob id + mode, or the text)
 * @param changes - path → new entry, or `null` to delete; paths already validated
 * @param sameEntry - whether two entries are the same file (same bytes and mode)
 * @returns the new listing (a fresh map; `existing` is not modified)
 * @throws InvalidInputError when a deleted path is a folder, a written file would sit where a folder is
 *   (or inside a path that is a file), or nothing would change at all ("empty commit": callers must not
 *   create empty commits, FIELD-REPORTS #13)
 */
export function applyFileChanges<T>(
  existing: ReadonlyMap<string, T>,
  changes: ReadonlyMap<string, T | null>,
  sameEntry: (a: T, b: T) => boolean,
): Map<string, T> {
  const issues: InputIssue[] = [];
  const where = (path: string): string => `changes[${JSON.stringify(path)}]`;
  const existingFolders = allFolders(existing.keys());
  const next = new Map(existing);
  for (const [path, entry] of changes) {
    if (entry === null) {
      if (existingFolders.has(path)) issues.push({ path: where(path), message: "cannot delete a folder; delete its files" });
      next.delete(path);
    } else {
      next.set(path, entry);
    }
  }

  const nextFolders = allFolders(next.keys());
  for (const [path, entry] of changes) {
    if (entry === null) continue;
    if (nextFolders.has(path)) issues.push({ path: where(path), message: "a folder of that name exists" });
    const fileParent = foldersOf(path).find((folder) => next.has(folder));
    if (fileParent !== undefined) issues.push({ path: where(path), message: `'${fileParent}' is a file, not a folder` });
  }
  if (issues.length > 0) throw new InvalidInputError("invalid file changes", issues);

  const changed = [...changes.keys()].some((path) => {
    const before = existing.get(path);
    const after = next.get(path);
    if (before === undefined || after === undefined) return before !== after;
    return !sameEntry(before, after);
  });
  if (!changed) throw new InvalidInputError("empty commit", [{ path: "changes", message: "the changes leave the tree identical to the parent's" }]);
  return next;
}
