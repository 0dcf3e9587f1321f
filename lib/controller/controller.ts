/**
 * The controller: the imperative shell around the pure core. One decision at a time:
 * load (repo) → decide (pure) → plan/render (pure) → diff → intent record → commit (compare-and-swap)
 * → outcome record. Every path ends with exactly one `outcome` record.
 */
import type { AuditChange, AuditOutcome, AuditRecord, AuditSink, TriggerKind } from "../audit/port.js";
import { ConflictError, InvariantError, isKnownError } from "../errors.js";
import type { GitOpsRepo } from "../gitops/port.js";
import type { MetricsSource } from "../metrics/index.js";
import { formatPlan, type MigSolver } from "../planner/index.js";
import { decideFromAlerts, type AlertDecision, type AlertGroup } from "../signals/index.js";
import { serializeState, STATE_PATH } from "../state/index.js";
import type { Clock } from "./clock.js";
import { buildCommitMessage, type DecisionReason } from "./commit-message.js";
import { describeConfigChanges } from "./describe-config-changes.js";
import { describeMigChanges } from "./describe-mig-changes.js";
import { diffRendered } from "./diff-rendered.js";
import { currentReserves, currentShapes, draftDecision, type DecisionDraft, type Snapshot } from "./draft-decision.js";
import { loadConfigAt, loadSnapshot, type Branches } from "./load-snapshot.js";
import { needsApproval } from "./propose-change.js";
import { proposeDisruptive } from "./propose-disruptive.js";
import { buildResliceRunbook } from "./reslice-runbook.js";
import { buildShapeRunbook } from "./shape-runbook.js";
import { createSerialQueue } from "./serial-queue.js";

export interface ManifestProblemLike {
  readonly path: string;
  readonly message: string;
}

export interface ControllerDeps {
  readonly repo: GitOpsRepo;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly newDecisionId: () => string;
  readonly branches: Branches;
  /** Fresh levels at decision time (production); null → the alert's `value` annotation. */
  readonly metrics?: MetricsSource | null;
  /** Schema validation of every rendered file; a render with problems is never committed. */
  readonly validate?: (files: ReadonlyMap<string, string>) => readonly ManifestProblemLike[];
  /** Compare-and-swap attempts before giving up with ConflictError (default 3). */
  readonly maxAttempts?: number;
  /** Exact MIG packing (HiGHS, `loadMigSolver` at start); absent → first-fit decreasing. */
  readonly solver?: MigSolver | null;
}

export interface Trigger {
  readonly kind: TriggerKind;
  readonly ref: string;
}

export interface DecisionResult {
  readonly decisionId: string;
  readonly outcome: AuditOutcome;
  readonly reason: string;
  readonly commit: string | null;
  readonly changes: readonly AuditChange[];
  readonly alerts: readonly AlertDecision[];
}

export interface Controller {
  /** Decide on one Alertmanager notification. @throws UpstreamError, ConflictError, InvariantError */
  onAlert(group: AlertGroup, trigger: Trigger): Promise<DecisionResult>;
  /** Re-render from config and state (startup, config push, CLI). @throws as onAlert */
  reconcile(trigger: Trigger): Promise<DecisionResult>;
  /** The plan the current state and config give, as text, without committing. */
  describe(): Promise<string>;
}

export function createController(deps: ControllerDeps): Controller {
  const queue = createSerialQueue();
  const maxAttempts = deps.maxAttempts ?? 3;

  async function record(base: Omit<AuditRecord, "time">): Promise<void> {
    await deps.audit.record({ ...base, time: deps.clock.now().toISOString() });
  }

  /** Common tail: diff, validate, intent, commit with retries, outcome. `decide` runs on each fresh snapshot. */
  async function run(
    trigger: Trigger,
    decide: (snapshot: Snapshot, now: Date) => Promise<{ draft: DecisionDraft; reason: DecisionReason; alerts: readonly AlertDecision[]; details: Record<string, unknown> } | { early: DecisionResult; details: Record<string, unknown> }>,
  ): Promise<DecisionResult> {
    const id = deps.newDecisionId();
    let intentWritten = false;
    try {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const snapshot = await loadSnapshot(deps.repo, deps.branches);
        const now = deps.clock.now();
        const decided = await decide(snapshot, now);
        if ("early" in decided) {
          const early = { ...decided.early, decisionId: id };
          await record({ id, phase: "outcome", trigger, outcome: early.outcome, reason: early.reason, changes: [], details: decided.details });
          return early;
        }
        const { draft, reason, alerts, details } = decided;
        const changes = diffRendered(snapshot.existing, draft.rendered, id);
        if (changes.size === 0) {
          const why = draft.plan.unmet.length > 0 ? `no manifest change (capacity: ${draft.plan.unmet.map((u) => `${u.model} short ${u.replicas}`).join(", ")})` : "no manifest change";
          await record({ id, phase: "outcome", trigger, outcome: "no-op", reason: why, changes: [], details });
          return { decisionId: id, outcome: "no-op", reason: why, commit: null, changes: [], alerts };
        }
        const problems = deps.validate?.(draft.rendered) ?? [];
        if (problems.length > 0) {
          throw new InvariantError("rendered manifests fail schema validation; nothing committed", { problems: problems.slice(0, 20) });
        }
        const gpuDelta = draft.gpusAfter - draft.gpusBefore;
        if (snapshot.config.policy.advisory) {
          await record({ id, phase: "outcome", trigger, outcome: "advised", reason: "policy.advisory: decided, not committed", changes: draft.changes, gpuDelta, details: { ...details, plan: formatPlan(draft.plan) } });
          return { decisionId: id, outcome: "advised", reason: "policy.advisory", commit: null, changes: draft.changes, alerts };
        }
        if (!intentWritten) {
          await record({ id, phase: "intent", trigger, reason: reason.lines.join("; "), changes: draft.changes, gpuDelta, details });
          intentWritten = true;
        }
        changes.set(STATE_PATH, serializeState(draft.nextState));
        const migChanges = describeMigChanges(snapshot.state.plan, draft.plan.placement);
        const runbook = draft.plan.disruptive ? [...buildResliceRunbook(snapshot.config, snapshot.state.plan, draft.plan.placement), ...buildShapeRunbook(snapshot.config, currentShapes(snapshot.state), draft.plan)] : [];
        const proposal = needsApproval(snapshot.config, draft.plan);
        const message = buildCommitMessage({ decisionId: id, trigger, reason, changes: draft.changes, plan: draft.plan, gpusBefore: draft.gpusBefore, gpusAfter: draft.gpusAfter, filesChanged: changes.size, migChanges, runbook, proposal });
        try {
          if (proposal) {
            const configChanged = snapshot.state.configCommit !== null && snapshot.state.configCommit !== snapshot.configCommit;
            const result = await proposeDisruptive({
              repo: deps.repo,
              renderedBranch: deps.branches.rendered,
              decisionId: id,
              trigger,
              snapshot,
              draft,
              reason,
              message,
              fallback: configChanged ? await decideUnderRenderedConfig(snapshot, now, decide) : null,
              isValid: (files) => (deps.validate?.(files) ?? []).length === 0,
            });
            const { outcome, reason: why, commit, changes: made, gpuDelta: delta } = result;
            await record({ id, phase: "outcome", trigger, outcome, reason: why, changes: made, gpuDelta: delta, commit, pr: result.record.pr, details: { ...details, proposalCommit: result.record.proposalCommit } });
            return { decisionId: id, outcome, reason: why, commit, changes: made, alerts };
          }
          const commit = await deps.repo.commit({ branch: deps.branches.rendered, expectedHead: snapshot.renderedHead, changes, message });
          await record({ id, phase: "outcome", trigger, outcome: "applied", reason: reason.lines.join("; "), changes: draft.changes, gpuDelta, commit, details });
          return { decisionId: id, outcome: "applied", reason: reason.lines.join("; "), commit, changes: draft.changes, alerts };
        } catch (error) {
          if (error instanceof ConflictError && attempt < maxAttempts) continue; // the branch moved: reload and redo
          throw error;
        }
      }
      throw new ConflictError("rendered branch kept moving; gave up", { attempts: maxAttempts });
    } catch (error) {
      const message = isKnownError(error) ? error.message : String(error);
      const errorDetails = isKnownError(error) && Object.keys(error.details).length > 0 ? { details: { ...error.details } } : {};
      await record({ id, phase: "outcome", trigger, outcome: "failed", reason: message.split("\n")[0] ?? message, changes: [], error: message, ...errorDetails }).catch(() => undefined);
      throw error;
    }
  }

  /** "fleet.yaml: <path>: old → new" lines for what changed since the last render; empty when nothing did. */
  async function configChangeLines(snapshot: Snapshot): Promise<string[]> {
    const renderedFrom = snapshot.state.configCommit;
    if (renderedFrom === null || renderedFrom === snapshot.configCommit) return [];
    const before = await loadConfigAt(deps.repo, renderedFrom, deps.branches.configPath);
    return before === null ? [] : describeConfigChanges(before, snapshot.config).map((line) => `fleet.yaml: ${line}`);
  }

  /**
   * The decision re-made under the fleet.yaml the rendered branch was last made from, when the config
   * branch has moved since and that decision is not disruptive; else null.
   */
  async function decideUnderRenderedConfig(
    snapshot: Snapshot,
    now: Date,
    decide: Parameters<typeof run>[1],
  ): Promise<{ draft: DecisionDraft; reason: DecisionReason; configCommit: string } | null> {
    const renderedFrom = snapshot.state.configCommit;
    if (renderedFrom === null || renderedFrom === snapshot.configCommit) return null;
    const config = await loadConfigAt(deps.repo, renderedFrom, deps.branches.configPath);
    if (config === null) return null;
    const decided = await decide({ ...snapshot, config, configCommit: renderedFrom }, now);
    if ("early" in decided || decided.draft.plan.disruptive) return null;
    return { draft: decided.draft, reason: decided.reason, configCommit: renderedFrom };
  }

  return {
    onAlert(group, trigger) {
      return queue.run(() =>
        run(trigger, async (snapshot, now) => {
          const served = snapshot.config.models.map((m) => m.servedModelName ?? m.name);
          const levels = deps.metrics ? await deps.metrics.readLevels(served, snapshot.config.cluster.namespace) : undefined;
          const signal = decideFromAlerts({ config: snapshot.config, state: snapshot.state, group, now, ...(levels ? { levels } : {}) });
          const details: Record<string, unknown> = {
            groupKey: group.groupKey,
            alerts: boundAlerts(signal.alerts),
            ...(signal.alerts.length > AUDIT_ALERTS ? { alertsOmitted: signal.alerts.length - AUDIT_ALERTS } : {}),
            ...(signal.partialGroup ? { partial_group: true, truncated: signal.partialGroup.truncated } : {}),
          };
          const acted = signal.alerts.filter((a) => a.outcome === "act");
          // A human change of fleet.yaml since the last render (e.g. a lowered replicas.max) is applied
          // with the next decision even when no alert acts: clamps are changes too (FIELD-REPORTS #14).
          const clamps = signal.changes.filter((c) => !acted.some((a) => a.model === c.model));
          const configChanged = snapshot.state.configCommit !== null && snapshot.state.configCommit !== snapshot.configCommit;
          if (acted.length === 0 && clamps.length === 0 && !configChanged) {
            const early = summarizeInaction(signal.alerts);
            return { early: { ...early, decisionId: "", commit: null, changes: [], alerts: signal.alerts }, details };
          }
          const draft = draftDecision(snapshot, signal.desiredReplicas, { signalTimes: signal.signalTimes, keysToRecord: signal.keysToRecord }, now, deps.solver);
          const names = [...new Set(acted.map((a) => a.alertname ?? "?"))].join(", ");
          const reason: DecisionReason = {
            short: names || "fleet.yaml changed",
            lines: [
              ...acted.map((a) => `${a.alertname ?? "?"} ${a.status} for ${a.model ?? "?"}: ${a.detail}`),
              ...clamps.map((c) => `${c.model}: ${c.reason}`),
              ...(configChanged ? [`fleet.yaml changed on ${deps.branches.config}: ${snapshot.state.configCommit?.slice(0, 12)} → ${snapshot.configCommit.slice(0, 12)}`, ...(await configChangeLines(snapshot))] : []),
            ],
          };
          return { draft, reason, alerts: signal.alerts, details };
        }),
      );
    },

    reconcile(trigger) {
      return queue.run(() =>
        run(trigger, async (snapshot, now) => {
          if (snapshot.config.policy.freeze && snapshot.renderedHead !== null) {
            return { early: { decisionId: "", outcome: "no-op", reason: "freeze", commit: null, changes: [], alerts: [] }, details: {} };
          }
          const reserves = currentReserves(snapshot.config, snapshot.state);
          const desired = Object.fromEntries(
            snapshot.config.models.map((m) => [m.name, Math.min(m.replicas.max, Math.max(m.replicas.min, reserves[m.name] ?? m.replicas.min))]),
          );
          const draft = draftDecision(snapshot, desired, null, now, deps.solver);
          const reason: DecisionReason = {
            short: trigger.kind === "cli" ? "render" : trigger.kind,
            lines: [`render of ${snapshot.config.cluster.name} from ${snapshot.configCommit.slice(0, 12)} (${trigger.kind} ${trigger.ref})`, ...(await configChangeLines(snapshot))],
          };
          return { draft, reason, alerts: [], details: { configCommit: snapshot.configCommit } };
        }),
      );
    },

    async describe() {
      const snapshot = await loadSnapshot(deps.repo, deps.branches);
      const draft = draftDecision(snapshot, currentReserves(snapshot.config, snapshot.state), null, deps.clock.now(), deps.solver);
      return formatPlan(draft.plan);
    },
  };
}

/** When no alert acts: ignored if all ignored, rejected if all rejected, else no-op; reasons joined. */
function summarizeInaction(alerts: readonly AlertDecision[]): { outcome: AuditOutcome; reason: string } {
  const reasons = [...new Set(alerts.map((a) => a.reason))].join("; ") || "no alerts";
  if (alerts.length > 0 && alerts.every((a) => a.outcome === "ignored")) return { outcome: "ignored", reason: reasons };
  if (alerts.length > 0 && alerts.every((a) => a.outcome === "rejected")) return { outcome: "rejected", reason: reasons };
  if (alerts.length > 0 && alerts.every((a) => a.reason === "duplicate")) return { outcome: "no-op", reason: "duplicate" };
  return { outcome: "no-op", reason: reasons };
}

/** Per-alert results kept in one audit record; long label values are cut, so a record stays small. */
const AUDIT_ALERTS = 100;

function boundAlerts(alerts: readonly AlertDecision[]): AlertDecision[] {
  const clip = <T extends string | null>(text: T): T => (text !== null && text.length > 200 ? `${text.slice(0, 200)}…` : text) as T;
  return alerts.slice(0, AUDIT_ALERTS).map((a) => ({ ...a, key: clip(a.key), alertname: clip(a.alertname), model: clip(a.model), servedModelName: clip(a.servedModelName), detail: clip(a.detail) }));
}
