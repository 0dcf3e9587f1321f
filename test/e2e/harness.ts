// Helpers for the end-to-end tests: real processes on loopback, each stopped by its PID (also on
// failure), bounded waits, a controllable vLLM-like metrics endpoint.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";

/** A free TCP port on 127.0.0.1 (bound and released; the OS does not hand it out again at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  stop(): Promise<void>;
}

/**
 * Start `command` with `args`, output to `logPath`. Fails loudly when the program is missing: the
 * e2e suite never skips (run `npm run setup:e2e`).
 */
export function startProcess(name: string, command: string, args: readonly string[], logPath: string, env: NodeJS.ProcessEnv = process.env): RunningProcess {
  if (command.startsWith("/") && !existsSync(command)) {
    throw new Error(`${name}: ${command} is not installed; run \`npm run setup:e2e\` (installs Debian prometheus and prometheus-alertmanager)`);
  }
  const log = createWriteStream(logPath);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  return {
    name,
    child,
    logPath,
    async stop() {
      if (exited || child.pid === undefined) return;
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => {
        if (!exited && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      }, 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Poll `probe` every `intervalMs` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** An HTTP endpoint on 127.0.0.1 serving `/metrics` in the Prometheus text format; the test sets the text. */
export interface MetricsEndpoint {
  readonly port: number;
  set(text: string): void;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(initial: string): Promise<MetricsEndpoint> {
  let text = initial;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/metrics")) {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(text);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    set(next) {
      text = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
