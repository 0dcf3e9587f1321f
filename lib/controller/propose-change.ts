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

/** `vllm-gitops/proposal-<12 hex>`: SHA-256 over the rendered manifests (path and body, sorted by path; no generated headers). */
export function proposalBranchOf(rendered: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const [path, body] of [...rendered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${path}\0${body}\0`);
  return `${PROPOSAL_BRANCH_PREFIX}${hash.digest("hex").slice(0, 12)}`;
}

export interface Proposal {
  readonly branch: string;
  /** The proposal commit: new, or the one already on the branch for the same plan. */
  readonly commit: string;
  readonly alreadyProposed: boolean;
}

/**
 * Commits `changes` with `message` on the plan's proposal branch, started from `renderedHead`; when that
 * branch already exists (the same plan was proposed before) nothing is written.
 * @throws UpstreamError when git fails; ConflictError when another writer creates the branch first
 */
export async function proposeChange(
  repo: GitOpsRepo,
  input: { readonly rendered: ReadonlyMap<string, string>; readonly renderedHead: string | null; readonly changes: FileChanges; readonly message: string },
): Promise<Proposal> {
  const branch = proposalBranchOf(input.rendered);
  const existing = await repo.head(branch);
  if (existing !== null) return { branch, commit: existing, alreadyProposed: true };
  const commit = await repo.commit({ branch, expectedHead: null, ...(input.renderedHead !== null ? { startPoint: input.renderedHead } : {}), changes: input.changes, message: input.message });
  return { branch, commit, alreadyProposed: false };
}
