/**
 * Turn a render (path → body without header) into the file changes of one commit, given what the
 * rendered branch holds now. A file whose body did not change keeps its bytes (and so the
 * Decision-Id of the decision that last changed it); files no longer rendered are deleted.
 */
import { stripGeneratedHeader, withGeneratedHeader } from "../render/index.js";

/** Folder of the rendered branch the controller owns entirely (pruned of files it no longer renders). */
export const RENDERED_ROOT = "clusters/";

/**
 * @param existing - files under `clusters/` at the rendered branch head (path → full text)
 * @param rendered - the new render (path → body)
 * @param decisionId - written into the header of every changed file
 * @returns changes: new text for added/changed paths, null for deleted paths; empty when nothing changed
 */
export function diffRendered(
  existing: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  decisionId: string,
): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const [path, body] of [...rendered].sort(([a], [b]) => a.localeCompare(b))) {
    const current = existing.get(path);
    if (current !== undefined && stripGeneratedHeader(current) === body) continue;
    changes.set(path, withGeneratedHeader(body, decisionId));
  }
  for (const path of [...existing.keys()].sort()) {
    if (path.startsWith(RENDERED_ROOT) && !rendered.has(path)) changes.set(path, null);
  }
  return changes;
}
