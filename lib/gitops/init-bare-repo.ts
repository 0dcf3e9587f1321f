/** Create the bare repository a `createLocalGitRepo` adapter works on (for the local server and tests). */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { UpstreamError } from "../errors.js";
import { runGit } from "./run-git.js";

const INIT_TIMEOUT_MS = 30_000;

/**
 * `git init --bare` at `gitDir` with `main` as the initial branch, without templates (so no sample
 * hooks). Idempotent: on an existing repository it changes nothing (git "reinitializes" it).
 *
 * @param gitDir - the repository folder (created with its parents when missing)
 * @throws UpstreamError when the folder cannot be created or git fails
 */
export async function initBareRepo(gitDir: string): Promise<void> {
  const absolute = resolve(gitDir);
  try {
    await mkdir(absolute, { recursive: true });
  } catch (cause) {
    throw new UpstreamError("cannot create the repository folder", { gitDir: absolute }, { cause });
  }
  await runGit(["init", "--bare", "--quiet", "--template=", "--initial-branch=main"], { gitDir: absolute, timeoutMs: INIT_TIMEOUT_MS });
}
