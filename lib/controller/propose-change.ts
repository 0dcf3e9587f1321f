/**
 * Disruptive plans under `policy.approval: pr` (DESIGN.md 4, 5.5): the change is not committed to the
 * rendered branch. Locally it is committed to a proposal branch off the rendered head, named from a hash
 * of the rendered manifests, so the same plan always proposes on the same branch (the GitHub adapter opens
 * the pull request from it).
 */
import { createHash } from "node:crypto";
import type { FleetConfig } from "../config/index.js";
import type { FileChanges, GitOpsRepo } from "../gitops/port.js";
import type { FleetPlan } from "../planner/index.js";

/** Prefix of proposal branches. */
export const PROPOSAL_BRANCH_PREFIX = "vllm-gitops/proposal-";

/** The plan needs a person's approval before it reaches the rendered branch. */
export function needsApproval(config: FleetConfig, plan: FleetPlan): boolean {
  return config.policy.approval === "pr" && plan.disruptive;
}

/** SHA-256 (12 hex) over the rendered manifests: path and body, sorted by path; no generated headers. */
export function renderedHashOf(rendered: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const [path, body] of [...rendered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${path}\0${body}\0`);
  return hash.digest("hex").slice(0, 12);
}

/**
 * The proposal branch of a disruptive plan. A plan made disruptive by a fleet.yaml change is named
 * after that config commit (`vllm-gitops/proposal-config-<12 hex>`), so every later decision refreshes
 * the same proposal instead of opening another; otherwise after the rendered manifests
 * (`vllm-gitops/proposal-<12 hex>`), so the same plan always proposes on the same branch.
 */
export function proposalBranchOf(rendered: ReadonlyMap<string, string>, changedConfigCommit: string | null = null): string {
  return changedConfigCommit !== null ? `${PROPOSAL_BRANCH_PREFIX}config-${changedConfigCommit.slice(0, 12)}` : `${PROPOSAL_BRANCH_PREFIX}${renderedHashOf(rendered)}`;
}

export interface Proposal {
  readonly branch: string;
  /** The proposal commit: new or rebuilt, or the one already on the branch for the same plan and base. */
  readonly commit: string;
  readonly alreadyProposed: boolean;
}

/**
 * Commits `changes` with `message` on `branch`, on top of `renderedHead`. When the branch already holds
 * this plan on this base (its `Proposal-Hash` trailer and parent match) nothing is written; when it holds
 * an older plan or base it is rebuilt on `renderedHead` (compare-and-swap on its tip), so it always
 * merges cleanly into the rendered branch.
 * @throws UpstreamError when git fails; ConflictError when another writer moved the branch first
 */
export async function proposeChange(
  repo: GitOpsRepo,
  input: { readonly branch: string; readonly rendered: ReadonlyMap<string, string>; readonly renderedHead: string | null; readonly changes: FileChanges; readonly message: string },
): Promise<Proposal> {
  const { branch } = input;
  const trailer = `Proposal-Hash: ${renderedHashOf(input.rendered)}`;
  const message = `${input.message.replace(/\n+$/, "")}\n${trailer}\n`;
  const base = input.renderedHead !== null ? { startPoint: input.renderedHead } : {};
  const existing = await repo.head(branch);
  if (existing !== null) {
    const [tip] = await repo.log(branch, 1);
    if (tip !== undefined && (tip.parents[0] ?? null) === input.renderedHead && tip.message.includes(trailer)) return { branch, commit: existing, alreadyProposed: true };
    const commit = await repo.commit({ branch, expectedHead: existing, ...base, changes: input.changes, message });
    return { branch, commit, alreadyProposed: false };
  }
  const commit = await repo.commit({ branch, expectedHead: null, ...base, changes: input.changes, message });
  return { branch, commit, alreadyProposed: false };
}
