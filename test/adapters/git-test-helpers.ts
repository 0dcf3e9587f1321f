/** Temp folders and an independent `git` runner for the adapter tests (assertions do not go through the adapter). */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A fresh folder under the OS temp folder, and a function that removes it. */
export async function makeTempDir(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `vllm-gitops-test-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment for test-side git: no user or system config, no inherited GIT_* variable. */
export function testGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.org", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.org", ...extra };
}

/** Run `git --git-dir=<gitDir> <args>` and return stdout (trailing newline removed). */
export async function git(gitDir: string, args: readonly string[], input?: string): Promise<string> {
  const pending = execFileAsync("git", [`--git-dir=${gitDir}`, ...args], { env: testGitEnv(), cwd: tmpdir(), maxBuffer: 64 * 1024 * 1024 });
  pending.child.stdin?.end(input);
  const { stdout } = await pending;
  return stdout.replace(/\n$/, "");
}
