/**
 * Run the `git` binary against one explicitly named repository, isolated from the caller's
 * environment: no `GIT_*` variable, system or global config, hook, pager, signing or replace ref of the
 * machine can change what a command does or which repository it touches.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UpstreamError } from "../errors.js";

const execFileAsync = promisify(execFile);

/** Largest stdout accepted from one git command, in bytes (a whole `readTree` comes through one pipe). */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** Longest stderr excerpt kept in an error's details, in characters. */
const MAX_STDERR_CHARS = 2000;

/**
 * Config that overrides whatever the repository's own config says. `core.filesRefLockTimeout` (ms) lets
 * a ref update wait for a concurrent writer's lock, so a lost race reports "is at X but expected Y"
 * (a conflict) rather than "unable to lock"; `core.fsync=committed` flushes objects and refs to disk so
 * a crash never leaves a branch pointing at a missing object.
 */
const CONFIG_OVERRIDES = [
  "core.hooksPath=/dev/null",
  "core.filesRefLockTimeout=1000",
  "core.fsync=committed",
  "commit.gpgSign=false",
  "log.showSignature=false",
  "i18n.commitEncoding=UTF-8",
  "i18n.logOutputEncoding=UTF-8",
  "gc.auto=0",
] as const;

export interface RunGitOptions {
  /** Absolute path of the repository (`--git-dir`); also the working directory of the process. */
  readonly gitDir: string;
  /** Written to stdin, which is then closed (stdin is always closed, so no command waits on it). */
  readonly input?: string | Buffer;
  /** Extra environment (identity, `GIT_INDEX_FILE`), applied over the isolated environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The process is killed after this many milliseconds. */
  readonly timeoutMs: number;
}

/** The process environment without any `GIT_*` variable, plus settings that switch off user and system config. */
export function isolatedGitEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("GIT_")) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_SYSTEM: "/dev/null",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_LITERAL_PATHSPECS: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
    LC_ALL: "C",
    ...extra,
  };
}

/** The `-c key=value` arguments that pin the config keys above. */
export function configOverrideArgs(): string[] {
  return CONFIG_OVERRIDES.flatMap((setting) => ["-c", setting]);
}

/**
 * Run `git --git-dir=<gitDir> <args…>` and return its stdout as bytes.
 * @throws UpstreamError when git cannot start, exits non-zero or times out (details: `command`, `exitCode`, `signal`, `stderr`)
 */
export async function runGit(args: readonly string[], options: RunGitOptions): Promise<Buffer> {
  const argv = ["--no-pager", `--git-dir=${options.gitDir}`, ...configOverrideArgs(), ...args];
  const pending = execFileAsync("git", argv, {
    cwd: options.gitDir,
    env: isolatedGitEnvironment(options.env),
    encoding: "buffer",
    maxBuffer: MAX_OUTPUT_BYTES,
    timeout: options.timeoutMs,
    killSignal: "SIGKILL",
    windowsHide: true,
  });
  // git may exit before reading its input (on an error); the exit status reports that, not EPIPE.
  pending.child.stdin?.on("error", () => undefined);
  pending.child.stdin?.end(options.input);
  try {
    const { stdout } = await pending;
    return stdout;
  } catch (cause) {
    throw gitFailure(args[0] ?? "", cause);
  }
}

function gitFailure(command: string, cause: unknown): UpstreamError {
  const error = cause as { code?: unknown; signal?: unknown; killed?: boolean; stderr?: Buffer | string };
  const stderr = (Buffer.isBuffer(error.stderr) ? error.stderr.toString("utf8") : String(error.stderr ?? "")).trim();
  const reason =
    typeof error.code === "number" ? "failed"
    : error.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" ? "produced too much output"
    : error.killed === true ? "timed out"
    : `could not start (${String(error.code)})`;
  return new UpstreamError(`git ${command} ${reason}`, {
    command,
    exitCode: typeof error.code === "number" ? error.code : null,
    signal: typeof error.signal === "string" ? error.signal : null,
    stderr: stderr.slice(0, MAX_STDERR_CHARS),
  }, { cause });
}
