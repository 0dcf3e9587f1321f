// `npm start`: the controller on http://127.0.0.1:8080 with embedded defaults (a bare git repository and
// a JSONL audit log under .data/). Wiring only; see lib/runtime.
import { createLocalRuntime, loadSettings, startLocalServer } from "../lib/runtime/index.js";

const settings = loadSettings(process.env);
const runtime = await createLocalRuntime(settings);
const first = await runtime.bootstrap();
const server = await startLocalServer(runtime, { port: settings.port });

console.log(`vllm-gitops listening on ${server.url}
  POST ${server.url}/alertmanager   (Authorization: Bearer <token>)
  GET  ${server.url}/healthz
  token:     ${settings.alertmanagerToken ? "from ALERTMANAGER_TOKEN" : `${runtime.token}  (saved in ${settings.dataDir}/alertmanager-token)`}
  gitops:    git --git-dir ${runtime.gitDir} log ${settings.renderedBranch}
  audit:     ${runtime.auditPath}
  startup render: ${first.outcome}${first.commit ? ` ${first.commit.slice(0, 12)}` : ""} (${first.reason})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
