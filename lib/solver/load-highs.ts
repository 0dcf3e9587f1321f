/**
 * Loads HiGHS (WASM) once for the process and wraps it as the planner's `MigSolver`. The shell (the
 * runtime, the CLI, the bench) calls this at start and passes the solver to `planFleet`; the pure
 * planner never imports this module. The loader is asynchronous (~60–120 ms), a solve is synchronous.
 */
import loadHighs from "highs";
import { createHighsMigSolver, type HighsModule, type MigSolver } from "../planner/index.js";

/**
 * The HiGHS-backed solver, loaded and warmed up: one small MILP is solved at load so the first plan
 * does not pay WASM tier-up (the first MILP solve measured ~4× slower than later ones).
 * @throws Error when the WASM module cannot be loaded (a broken install)
 */
export async function loadMigSolver(): Promise<MigSolver> {
  // The package's typings describe an object; at run time its default export is the loader function (TOOLCHAIN.md).
  const highs = await (loadHighs as unknown as () => Promise<HighsModule>)();
  const solver = createHighsMigSolver(highs);
  solver.solve({
    sense: "minimize",
    objective: { x: 1, y: 1 },
    constraints: [{ name: "cover", terms: { x: 7, y: 3 }, lower: 10 }],
    variables: [
      { name: "x", lower: 0, upper: 10, integer: true },
      { name: "y", lower: 0, upper: 10, integer: true },
    ],
    timeLimitSeconds: 1,
  });
  return solver;
}
