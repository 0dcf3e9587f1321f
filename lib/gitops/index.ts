export type { CommitInfo, CommitRequest, FileChanges, GitOpsRepo } from "./port.js";
export { createLocalGitRepo, type LocalGitRepoOptions } from "./local-git-repo.js";
export { initBareRepo } from "./init-bare-repo.js";
export { applyFileChanges } from "./apply-file-changes.js";
export {
  assertBranchName,
  assertCommitSha,
  assertRepoPath,
  branchNameProblems,
  normalizeCommitMessage,
  normalizeFolderPrefix,
  repoPathProblems,
  validateCommitRequest,
} from "./validate-commit-request.js";
