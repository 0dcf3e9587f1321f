// The HiGHS solver for planner tests: loaded once per test file (the shell's job in production).
import { loadMigSolver } from "../../../lib/solver/index.js";
import type { MigSolver } from "../../../lib/planner/index.js";

let loaded: Promise<MigSolver> | null = null;

export function testSolver(): Promise<MigSolver> {
  return (loaded ??= loadMigSolver());
}
