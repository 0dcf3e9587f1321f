// `npm start`: the controller on http://127.0.0.1:8080 with embedded defaults (a bare git repository and
// a JSONL audit log under .data/). Wiring only; see lib/runtime.
import { isKnownError } from "../lib/errors.js";
import { createLocalRuntime, loadSettings, startConfigWatch, startLocalServer } from "../lib/runtime/index.js";

try {
  const settings = loadSettings(process.env);
  const runtime = await createLocalRuntime(settings);
  // Listen first (GET /healthz answers 503 until the first render is committed), so a busy port fails
  // before anything is written.
  const server = await startLocalServer(runtime, { port: settings.port });
  const first = await runtime.bootstrap();

  console.log(`vllm-gitops listening on ${server.url}
  POST ${server.url}/alertmanager   (Authorization: Bearer <token>)
  GET  ${server.url}/healthz
  token:     ${settings.alertmanagerToken ? "from ALERTMANAGER_TOKEN" : `${runtime.token}  (saved in ${settings.dataDir}/alertmanager-token)`}
  gitops:    git --git-dir ${runtime.gitDir} log ${settings.renderedBranch}
  audit:     ${runtime.auditPath}
  startup render: ${first.outcome}${first.commit ? ` ${first.commit.slice(0, 12)}` : ""} (${first.reason})`);

  if (settings.configPollSeconds > 0) {
    startConfigWatch(
      runtime,
      settings.configPollSeconds,
      (r) => console.log(`config branch moved: ${r.outcome}${r.commit ? ` ${r.commit.slice(0, 12)}` : ""} (${r.reason.split("\n")[0]})`),
      (error) => console.error(`config watch: ${(error as Error).message.split("\n")[0]}`),
    );
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (isKnownError(error) || code === "EADDRINUSE" || code === "EACCES") {
    console.error(`vllm-gitops: ${(error as Error).message}${code === "EADDRINUSE" ? " (set PORT to use another port)" : ""}`);
    process.exit(1);
  }
  throw error;
}
