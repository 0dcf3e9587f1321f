/**
 * The `approval: pr` path of a decision whose plan is disruptive: the change goes to a proposal branch,
 * not to the rendered branch. When the disruption comes from a fleet.yaml change, the decision made
 * under the fleet.yaml the rendered branch was last made from (`fallback`, not disruptive) is applied
 * first — a pending proposal must not block scaling — and the proposal is rebuilt on top of it, with a
 * message that describes only what it adds.
 */
import type { AuditChange, AuditRecord } from "../audit/port.js";
import type { GitOpsRepo } from "../gitops/port.js";
import { serializeState, STATE_PATH } from "../state/index.js";
import { buildCommitMessage, type DecisionReason } from "./commit-message.js";
import { describeMigChanges } from "./describe-mig-changes.js";
import { diffRendered } from "./diff-rendered.js";
import { currentShapes, type DecisionDraft, type Snapshot } from "./draft-decision.js";
import { proposalBranchOf, proposeChange } from "./propose-change.js";
import { buildResliceRunbook } from "./reslice-runbook.js";
import { buildShapeRunbook } from "./shape-runbook.js";

export interface Fallback {
  readonly draft: DecisionDraft;
  readonly reason: DecisionReason;
  /** The config commit the rendered branch was last made from. */
  readonly configCommit: string;
}

export interface ProposeDisruptiveInput {
  readonly repo: GitOpsRepo;
  readonly renderedBranch: string;
  readonly decisionId: string;
  readonly trigger: { readonly kind: string; readonly ref: string };
  readonly snapshot: Snapshot;
  /** The full, disruptive decision. */
  readonly draft: DecisionDraft;
  readonly reason: DecisionReason;
  /** The full decision's commit message (used as is when nothing was applied first). */
  readonly message: string;
  /** The non-disruptive decision under the last rendered fleet.yaml, or null. */
  readonly fallback: Fallback | null;
  readonly isValid: (files: ReadonlyMap<string, string>) => boolean;
}

export interface ProposeDisruptiveResult {
  readonly outcome: "applied" | "proposed";
  readonly reason: string;
  /** The rendered-branch commit (applied) or the proposal commit (proposed). */
  readonly commit: string;
  readonly changes: readonly AuditChange[];
  readonly gpuDelta: number;
  readonly record: Pick<AuditRecord, "pr"> & { readonly proposalCommit: string };
}

/**
 * @throws ConflictError when the rendered or proposal branch moved (the caller reloads and redoes)
 * @throws UpstreamError when git fails
 */
export async function proposeDisruptive(input: ProposeDisruptiveInput): Promise<ProposeDisruptiveResult> {
  const { snapshot, draft, fallback, decisionId: id, trigger, reason } = input;
  const configChanged = snapshot.state.configCommit !== null && snapshot.state.configCommit !== snapshot.configCommit;
  const branch = proposalBranchOf(draft.rendered, configChanged ? snapshot.configCommit : null);

  let base = { head: snapshot.renderedHead, files: snapshot.existing, placement: snapshot.state.plan, state: snapshot.state, gpus: draft.gpusBefore };
  let applied: { commit: string; why: string; changes: readonly AuditChange[]; gpuDelta: number } | null = null;
  if (fallback !== null) {
    const fallbackChanges = diffRendered(snapshot.existing, fallback.draft.rendered, id);
    if (fallbackChanges.size > 0 && input.isValid(fallback.draft.rendered)) {
      const files = new Map(snapshot.existing);
      for (const [path, text] of fallbackChanges) text === null ? files.delete(path) : files.set(path, text);
      fallbackChanges.set(STATE_PATH, serializeState(fallback.draft.nextState));
      const pending = `fleet.yaml at ${snapshot.configCommit.slice(0, 12)} is disruptive and awaits approval on ${branch}; applied under the last rendered fleet.yaml ${fallback.configCommit.slice(0, 12)}`;
      const fallbackReason: DecisionReason = { short: fallback.reason.short, lines: [...fallback.reason.lines, pending] };
      const message = buildCommitMessage({ decisionId: id, trigger, reason: fallbackReason, changes: fallback.draft.changes, plan: fallback.draft.plan, gpusBefore: fallback.draft.gpusBefore, gpusAfter: fallback.draft.gpusAfter, filesChanged: fallbackChanges.size, migChanges: describeMigChanges(snapshot.state.plan, fallback.draft.plan.placement) });
      const commit = await input.repo.commit({ branch: input.renderedBranch, expectedHead: snapshot.renderedHead, changes: fallbackChanges, message });
      applied = { commit, why: fallbackReason.lines.join("; "), changes: fallback.draft.changes, gpuDelta: fallback.draft.gpusAfter - fallback.draft.gpusBefore };
      base = { head: commit, files, placement: fallback.draft.plan.placement, state: fallback.draft.nextState, gpus: fallback.draft.gpusAfter };
    }
  }

  const proposalChanges = diffRendered(base.files, draft.rendered, id);
  proposalChanges.set(STATE_PATH, serializeState(draft.nextState));
  const message =
    applied === null || fallback === null
      ? input.message
      : buildCommitMessage({
          decisionId: id,
          trigger,
          reason,
          changes: draft.changes.filter((c) => !fallback.draft.changes.some((f) => f.model === c.model && f.field === c.field && f.to === c.to)),
          plan: draft.plan,
          gpusBefore: base.gpus,
          gpusAfter: draft.gpusAfter,
          filesChanged: proposalChanges.size,
          migChanges: describeMigChanges(base.placement, draft.plan.placement),
          runbook: [...buildResliceRunbook(snapshot.config, base.placement, draft.plan.placement), ...buildShapeRunbook(snapshot.config, currentShapes(base.state), draft.plan)],
          proposal: true,
        });
  const proposed = await proposeChange(input.repo, { branch, rendered: draft.rendered, renderedHead: base.head, changes: proposalChanges, message });

  if (applied !== null) {
    return { outcome: "applied", reason: applied.why, commit: applied.commit, changes: applied.changes, gpuDelta: applied.gpuDelta, record: { pr: proposed.branch, proposalCommit: proposed.commit } };
  }
  const why = `${reason.lines.join("; ")}; disruptive: awaits approval (policy.approval: pr) on ${proposed.branch}${proposed.alreadyProposed ? " (proposed before)" : ""}`;
  return { outcome: "proposed", reason: why, commit: proposed.commit, changes: draft.changes, gpuDelta: draft.gpusAfter - draft.gpusBefore, record: { pr: proposed.branch, proposalCommit: proposed.commit } };
}
