/** A controller over in-memory fakes, with fleet.yaml seeded on `main`: the set-up of the handler tests. */
import { createController, type Controller, type ControllerDeps } from "../../lib/controller/index.js";
import { FixedClock, sequentialIds } from "./fixed-clock.js";
import { InMemoryGitOpsRepo } from "./in-memory-gitops-repo.js";
import { RecordingAuditSink } from "./recording-audit-sink.js";

export const TEST_BRANCHES = { config: "main", rendered: "rendered", configPath: "fleet.yaml" } as const;

export interface World<R extends InMemoryGitOpsRepo = InMemoryGitOpsRepo> {
  readonly repo: R;
  readonly audit: RecordingAuditSink;
  readonly clock: FixedClock;
  readonly controller: Controller;
}

/**
 * @param fleet - fleet.yaml text committed to `main`
 * @param options.render - commit the first render (a startup reconcile) before returning
 * @param options.repo - a repository to use instead of a new InMemoryGitOpsRepo (e.g. a slow one)
 * @param options.deps - further controller dependencies (solver, validate, …)
 */
export async function createWorld<R extends InMemoryGitOpsRepo = InMemoryGitOpsRepo>(
  fleet: string,
  options: { render?: boolean; repo?: R; deps?: Partial<ControllerDeps> } = {},
): Promise<World<R>> {
  const repo = options.repo ?? (new InMemoryGitOpsRepo() as R);
  await repo.seed("main", { "fleet.yaml": fleet });
  const audit = new RecordingAuditSink();
  const clock = new FixedClock("2026-11-29T12:05:00Z");
  const controller = createController({ repo, audit, clock, newDecisionId: sequentialIds(), branches: TEST_BRANCHES, ...options.deps });
  if (options.render === true) await controller.reconcile({ kind: "cli", ref: "startup" });
  return { repo, audit, clock, controller };
}
