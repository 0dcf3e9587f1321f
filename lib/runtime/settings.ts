/**
 * The controller's own settings, from the environment, validated once at start (a bad value is a
 * `ConfigError` naming the variable).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `VLLM_GITOPS_DATA_DIR` | `.data` | local data: `gitops/` (bare repo), `audit.jsonl`, `alertmanager-token` |
 * | `PORT` | `8080` | local server port (bound to 127.0.0.1) |
 * | `ALERTMANAGER_TOKEN` | generated | bearer token Alertmanager must send |
 * | `VLLM_GITOPS_CONFIG_BRANCH` | `main` | branch holding fleet.yaml |
 * | `VLLM_GITOPS_RENDERED_BRANCH` | `rendered` | branch the controller writes |
 * | `VLLM_GITOPS_CONFIG_PATH` | `fleet.yaml` | path of fleet.yaml on the config branch |
 * | `VLLM_GITOPS_SEED_CONFIG` | `manifests/fleet.yaml` | file that seeds the config branch of a new local repo |
 * | `PROMETHEUS_URL` | unset | read levels from Prometheus at decision time (else the alert's `value`) |
 * | `DECISION_TIMEOUT_MS` | `8000` | answer 503 when a decision takes longer |
 * | `VLLM_GITOPS_CONFIG_POLL_SECONDS` | `15` | local server: re-render when the config branch moved (0: off) |
 */
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.js";

const envSchema = z.object({
  VLLM_GITOPS_DATA_DIR: z.string().min(1).default(".data"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ALERTMANAGER_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  VLLM_GITOPS_CONFIG_BRANCH: z.string().regex(/^[\w./-]+$/).default("main"),
  VLLM_GITOPS_RENDERED_BRANCH: z.string().regex(/^[\w./-]+$/).default("rendered"),
  VLLM_GITOPS_CONFIG_PATH: z.string().min(1).default("fleet.yaml"),
  VLLM_GITOPS_SEED_CONFIG: z.string().min(1).default("manifests/fleet.yaml"),
  PROMETHEUS_URL: z.url().optional(),
  DECISION_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  VLLM_GITOPS_CONFIG_POLL_SECONDS: z.coerce.number().min(0).max(86_400).default(15),
});

export interface Settings {
  readonly dataDir: string;
  readonly port: number;
  readonly alertmanagerToken: string | null;
  readonly configBranch: string;
  readonly renderedBranch: string;
  readonly configPath: string;
  readonly seedConfigPath: string;
  readonly prometheusUrl: string | null;
  readonly decisionTimeoutMs: number;
  /** Seconds between checks of the config branch in the local server; 0 disables. */
  readonly configPollSeconds: number;
}

/** @throws ConfigError listing every bad variable */
export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")));
  if (!parsed.success) {
    throw new ConfigError(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  return {
    dataDir: path.resolve(e.VLLM_GITOPS_DATA_DIR),
    port: e.PORT,
    alertmanagerToken: e.ALERTMANAGER_TOKEN ?? null,
    configBranch: e.VLLM_GITOPS_CONFIG_BRANCH,
    renderedBranch: e.VLLM_GITOPS_RENDERED_BRANCH,
    configPath: e.VLLM_GITOPS_CONFIG_PATH,
    seedConfigPath: path.resolve(e.VLLM_GITOPS_SEED_CONFIG),
    prometheusUrl: e.PROMETHEUS_URL ?? null,
    decisionTimeoutMs: e.DECISION_TIMEOUT_MS,
    configPollSeconds: e.VLLM_GITOPS_CONFIG_POLL_SECONDS,
  };
}
