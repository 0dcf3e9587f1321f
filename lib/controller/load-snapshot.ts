/** Read config (config branch) and state + rendered files (rendered branch) for one decision. */
import { loadFleetConfig, type FleetConfig } from "../config/index.js";
import { InvalidInputError, UpstreamError } from "../errors.js";
import type { GitOpsRepo } from "../gitops/port.js";
import { EMPTY_STATE, parseState, STATE_PATH } from "../state/index.js";
import { RENDERED_ROOT } from "./diff-rendered.js";
import type { Snapshot } from "./draft-decision.js";

export interface Branches {
  /** Branch humans edit fleet.yaml on (default `main`). */
  readonly config: string;
  /** Branch the controller writes and Argo CD syncs (default `rendered`). */
  readonly rendered: string;
  /** Path of fleet.yaml on the config branch. */
  readonly configPath: string;
}

/** fleet.yaml as it was at `commit`, or null when absent or invalid there. */
export async function loadConfigAt(repo: GitOpsRepo, commit: string, configPath: string): Promise<FleetConfig | null> {
  const text = await repo.readFile(commit, configPath);
  if (text === null) return null;
  try {
    return loadFleetConfig(text, configPath);
  } catch (error) {
    if (error instanceof InvalidInputError) return null;
    throw error;
  }
}

/**
 * @throws UpstreamError when a branch or fleet.yaml is missing, fleet.yaml on the config branch is
 *   invalid (a human must fix it; the sender's retry then succeeds), or git fails
 */
export async function loadSnapshot(repo: GitOpsRepo, branches: Branches): Promise<Snapshot> {
  const configCommit = await repo.head(branches.config);
  if (configCommit === null) throw new UpstreamError(`config branch '${branches.config}' does not exist`, { branch: branches.config });
  const text = await repo.readFile(configCommit, branches.configPath);
  if (text === null) throw new UpstreamError(`${branches.configPath} not found on branch '${branches.config}'`, { commit: configCommit });
  let config;
  try {
    config = loadFleetConfig(text, branches.configPath);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const first = error.issues[0];
      const where = first ? `${first.file ?? branches.configPath}:${first.line ?? "?"}: ${first.path ? `${first.path}: ` : ""}${first.message}` : error.message;
      throw new UpstreamError(
        `${branches.configPath} on '${branches.config}' (${configCommit.slice(0, 12)}) is invalid (${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}; first ${where}); fix it and retries will go through`,
        { issues: error.issues },
        { cause: error },
      );
    }
    throw error;
  }
  const renderedHead = await repo.head(branches.rendered);
  if (renderedHead === null) return { config, configCommit, state: EMPTY_STATE, renderedHead, existing: new Map() };
  const stateText = await repo.readFile(renderedHead, STATE_PATH);
  let state = EMPTY_STATE;
  if (stateText !== null) {
    try {
      state = parseState(stateText);
    } catch (error) {
      throw new UpstreamError(`${STATE_PATH} on '${branches.rendered}' is unreadable`, { commit: renderedHead }, { cause: error });
    }
  }
  const existing = await repo.readTree(renderedHead, RENDERED_ROOT);
  return { config, configCommit, state, renderedHead, existing };
}
