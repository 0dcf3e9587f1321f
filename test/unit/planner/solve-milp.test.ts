import { beforeAll, describe, expect, it } from "@jest/globals";
import type { LinearProgram, LinearSolution, MigSolver } from "../../../lib/planner/index.js";
import { solveMilp } from "../../../lib/planner/solve-milp.js";
import { testSolver } from "./solver.js";

/** Minimize GPUs covering demand with two instance sets: 7 × 1g (x0) or 3 × 1g + 1 × 3g (x1). */
function cover(oneG: number, threeG: number): LinearProgram {
  return {
    sense: "minimize",
    objective: { x0: 1, x1: 1 },
    constraints: [
      { name: "c1g", terms: { x0: 7, x1: 3 }, lower: oneG },
      { name: "c3g", terms: { x1: 1 }, lower: threeG },
    ],
    variables: [
      { name: "x0", lower: 0, upper: 100, integer: true },
      { name: "x1", lower: 0, upper: 100, integer: true },
    ],
    timeLimitSeconds: 5,
  };
}

/** A solver that answers from a script, one answer per call, and records the programs it saw. */
function scripted(answers: readonly LinearSolution[]): MigSolver & { programs: LinearProgram[] } {
  const programs: LinearProgram[] = [];
  return {
    name: "highs",
    programs,
    solve(program) {
      programs.push(program);
      return answers[programs.length - 1] ?? { status: "error", objective: NaN, values: {}, detail: "unscripted" };
    },
  };
}

const answer = (status: LinearSolution["status"], objective: number, values: Record<string, number>): LinearSolution => ({ status, objective, values, detail: status });

describe("solveMilp with HiGHS", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  it("stops after the LP when its solution is whole: 14 × 1g = 2 GPUs of 7 × 1g", () => {
    const result = solveMilp(solver, cover(14, 0));

    expect(result).toMatchObject({ status: "optimal", objective: 2, solves: 1, values: { x0: 2, x1: 0 } });
  });

  it("proves the optimum when LP floors plus a small MILP meet the LP bound: 11 × 1g + 1 × 3g → LP 1 + 8/7 = 2.14, 3 GPUs", () => {
    // LP: x1 = 1 (the 3g and 3 × 1g), x0 = (11 − 3) / 7 = 8/7. Floors x0 ≥ 1, x1 ≥ 1; the MILP adds one x0: 3 = ceil(2.14).
    const result = solveMilp(solver, cover(11, 1));

    expect(result).toMatchObject({ status: "optimal", objective: 3, solves: 2, values: { x0: 2, x1: 1 } });
    expect(result.relaxation).toBeCloseTo(1 + 8 / 7, 6);
  });
});

describe("solveMilp proof and fallbacks (scripted solver)", () => {
  const program = cover(11, 1);
  const lp = answer("optimal", 2.14, { x0: 1.14, x1: 1 });

  it("fixes every integer variable at least at its LP floor for the second solve", () => {
    const solver = scripted([lp, answer("optimal", 3, { x0: 2, x1: 1 })]);

    solveMilp(solver, program);

    expect(solver.programs[0]!.variables.every((v) => !v.integer)).toBe(true);
    expect(solver.programs[1]!.variables.map((v) => [v.name, v.lower, v.integer])).toEqual([["x0", 1, true], ["x1", 1, true]]);
  });

  it("solves the full MILP when the rounded answer misses the LP bound, and takes its optimum", () => {
    const solver = scripted([lp, answer("optimal", 4, { x0: 3, x1: 1 }), answer("optimal", 3, { x0: 2, x1: 1 })]);

    const result = solveMilp(solver, program);

    expect(result).toMatchObject({ status: "optimal", objective: 3, solves: 3, note: "full MILP" });
    expect(solver.programs[2]).toBe(program);
  });

  it("keeps the rounded answer, marked not proven, when the full MILP runs out of time", () => {
    const solver = scripted([lp, answer("optimal", 4, { x0: 3, x1: 1 }), answer("time-limit", 0, {})]);

    const result = solveMilp(solver, program);

    expect(result).toMatchObject({ status: "feasible", objective: 4, values: { x0: 3, x1: 1 } });
    expect(result.note).toContain("against the LP bound 3");
  });

  it.each([
    ["an infeasible LP", "infeasible", [answer("infeasible", 0, {})]],
    ["an LP the solver fails on", "failed", [answer("error", 0, {})]],
    ["time-outs on both MILPs after the LP", "failed", [lp, answer("time-limit", 0, {}), answer("time-limit", 0, {})]],
  ] as const)("reports %s as %s", (_case, status, answers) => {
    expect(solveMilp(scripted(answers), program).status).toBe(status);
  });
});
