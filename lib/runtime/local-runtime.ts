/**
 * Wiring for local mode (and the Lambda function until a GitHub adapter lands): a bare git repository
 * in the data dir as the GitOps repo, a JSONL file as the audit log, the same controller and handler.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createJsonlAuditSink } from "../audit/index.js";
import type { AuditSink } from "../audit/port.js";
import { loadFleetConfig } from "../config/index.js";
import { createController, newDecisionId, systemClock, type Clock, type Controller, type DecisionResult } from "../controller/index.js";
import { ConfigError, isKnownError } from "../errors.js";
import { createLocalGitRepo, initBareRepo } from "../gitops/index.js";
import type { GitOpsRepo } from "../gitops/port.js";
import { createAlertmanagerHandler, type HttpRequest, type HttpResponse } from "../http/index.js";
import { createPrometheusMetricsSource } from "../metrics/index.js";
import { loadMigSolver } from "../solver/index.js";
import { parseState, STATE_PATH } from "../state/index.js";
import { validateManifests } from "../validate/index.js";
import type { Settings } from "./settings.js";

export interface LocalRuntime {
  readonly settings: Settings;
  readonly repo: GitOpsRepo;
  readonly audit: AuditSink;
  readonly controller: Controller;
  readonly gitDir: string;
  readonly auditPath: string;
  readonly token: string;
  readonly handleAlertmanager: (request: HttpRequest) => Promise<HttpResponse>;
  /** Seed the config branch when missing, then re-render (commits only if something changed). */
  bootstrap(): Promise<DecisionResult>;
  /** Seed the config branch when missing and commit the first render; nothing when rendered exists. */
  ensureRendered(): Promise<DecisionResult | null>;
  /**
   * Re-render when the config branch moved since the last render (the local stand-in for a GitHub
   * push webhook). @returns the decision, or null when rendered already reflects the config head.
   */
  reconcileIfConfigChanged(): Promise<DecisionResult | null>;
  /** True once the rendered branch exists. */
  isReady(): Promise<boolean>;
}

export async function createLocalRuntime(settings: Settings, clock: Clock = systemClock): Promise<LocalRuntime> {
  const gitDir = path.join(settings.dataDir, "gitops");
  const auditPath = path.join(settings.dataDir, "audit.jsonl");
  await mkdir(settings.dataDir, { recursive: true });
  await initBareRepo(gitDir);
  const repo = createLocalGitRepo({ gitDir });
  const audit = createJsonlAuditSink({ path: auditPath });
  const token = settings.alertmanagerToken ?? (await readOrCreateToken(path.join(settings.dataDir, "alertmanager-token")));
  const ids = () => newDecisionId(clock.now());
  const solver = await loadMigSolver(); // HiGHS (WASM) once per process, outside every decision
  const controller = createController({
    repo,
    audit,
    clock,
    newDecisionId: ids,
    branches: { config: settings.configBranch, rendered: settings.renderedBranch, configPath: settings.configPath },
    metrics: settings.prometheusUrl ? createPrometheusMetricsSource({ baseUrl: settings.prometheusUrl, timeoutMs: 2000 }) : null,
    validate: validateManifests,
    solver,
  });
  /** Config head the watch already decided on (applied, no-op, proposed, or invalid): not redone every poll. */
  let settledConfigHead: string | null = null;
  const handleAlertmanager = createAlertmanagerHandler({ controller, audit, clock, newDecisionId: ids, bearerToken: token, decisionTimeoutMs: settings.decisionTimeoutMs });

  return {
    settings,
    repo,
    audit,
    controller,
    gitDir,
    auditPath,
    token,
    handleAlertmanager,
    async bootstrap() {
      await seedConfig();
      return controller.reconcile({ kind: "schedule", ref: "local server startup" });
    },
    async ensureRendered() {
      await seedConfig();
      if ((await repo.head(settings.renderedBranch)) !== null) return null;
      return controller.reconcile({ kind: "cli", ref: "first render" });
    },
    async reconcileIfConfigChanged() {
      const configHead = await repo.head(settings.configBranch);
      const renderedHead = await repo.head(settings.renderedBranch);
      if (configHead === null || configHead === settledConfigHead) return null; // decided for this head already: wait for a new one
      if (renderedHead !== null) {
        const stateText = await repo.readFile(renderedHead, STATE_PATH);
        if (stateText !== null && parseState(stateText).configCommit === configHead) return null;
      }
      try {
        const result = await controller.reconcile({ kind: "schedule", ref: `${settings.configBranch} moved to ${configHead.slice(0, 12)}` });
        settledConfigHead = configHead;
        return result;
      } catch (error) {
        // An invalid fleet.yaml stays invalid until a human pushes again: one failed record, not one per poll.
        if (isKnownError(error) && Array.isArray(error.details["issues"])) settledConfigHead = configHead;
        throw error;
      }
    },
    async isReady() {
      return (await repo.head(settings.renderedBranch)) !== null;
    },
  };

  async function seedConfig(): Promise<void> {
    if ((await repo.head(settings.configBranch)) === null) {
      let seed: string;
      try {
        seed = await readFile(settings.seedConfigPath, "utf8");
      } catch (cause) {
        throw new ConfigError(`cannot read the seed config ${settings.seedConfigPath}`, {}, { cause });
      }
      loadFleetConfig(seed, path.basename(settings.seedConfigPath)); // fail fast with file:line errors
      await repo.commit({
        branch: settings.configBranch,
        expectedHead: null,
        changes: new Map([[settings.configPath, seed]]),
        message: `Seed ${settings.configPath} from ${path.relative(process.cwd(), settings.seedConfigPath) || settings.seedConfigPath}\n`,
      });
    }
  }
}

/**
 * Poll the config branch every `seconds` and re-render when it moved. Errors are reported through
 * `onError` (the decision itself is audited). @returns a function that stops the watch.
 */
export function startConfigWatch(runtime: LocalRuntime, seconds: number, onDecision: (result: DecisionResult) => void, onError: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runtime
      .reconcileIfConfigChanged()
      .then((result) => result && onDecision(result), onError)
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Reuse the token in `file`, or create a random one (0600) so restarts keep it. */
async function readOrCreateToken(file: string): Promise<string> {
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= 16) return existing;
  } catch {
    // absent: create below
  }
  const token = randomBytes(24).toString("base64url");
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}
