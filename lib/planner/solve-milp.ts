/**
 * Solves a MILP to proven optimality with few solver calls. HiGHS in WASM pays ~10 ms per MILP solve
 * even on a 3-variable model and tens of milliseconds more on the planner's models with demands in the
 * thousands, while the LP relaxation takes ~1 ms (measured with highs 1.15.3; see bench/planner.ts). The
 * planner's models have the integer round-up property in practice, so: solve the LP; if it is integral,
 * done; else fix every integer variable at least at the floor of its LP value and solve that small MILP;
 * when its objective meets the LP bound (rounded toward the optimum: objectives here are integral) it
 * is proven optimal. Only otherwise is the full MILP solved, within the program's time limit.
 */
import type { LinearProgram, MigSolver } from "./highs-solver.js";

export interface MilpResult {
  /** "optimal": proven; "feasible": a solution without the proof (the full MILP hit its time limit). */
  readonly status: "optimal" | "feasible" | "infeasible" | "failed";
  /** Integer variables rounded to whole numbers. */
  readonly values: Readonly<Record<string, number>>;
  readonly objective: number;
  /** Objective of the LP relaxation (NaN when it was not solved to optimality). */
  readonly relaxation: number;
  /** Solver calls made. */
  readonly solves: number;
  /** How the answer was reached, for the plan's notes. */
  readonly note: string;
}

const EPSILON = 1e-6;

/**
 * The optimum of `program`, whose objective must take whole values at every integer point (integer
 * coefficients on integer variables only) — the rounding proof relies on it.
 */
export function solveMilp(solver: MigSolver, program: LinearProgram): MilpResult {
  const integers = program.variables.filter((v) => v.integer).map((v) => v.name);
  const whole = (values: Readonly<Record<string, number>>): Record<string, number> => {
    const out: Record<string, number> = { ...values };
    for (const name of integers) out[name] = Math.round(values[name] ?? 0);
    return out;
  };
  let relaxation = NaN;
  const fail = (status: "infeasible" | "failed", solves: number, note: string): MilpResult => ({ status, values: {}, objective: NaN, relaxation, solves, note });

  const relaxed = solver.solve({ ...program, variables: program.variables.map((v) => ({ ...v, integer: false })) });
  if (relaxed.status === "infeasible") return fail("infeasible", 1, "LP relaxation infeasible");
  if (relaxed.status !== "optimal") return fail("failed", 1, `LP relaxation: ${relaxed.detail}`);
  relaxation = relaxed.objective;
  const bound = program.sense === "minimize" ? Math.ceil(relaxed.objective - EPSILON) : Math.floor(relaxed.objective + EPSILON);
  if (integers.every((name) => Math.abs((relaxed.values[name] ?? 0) - Math.round(relaxed.values[name] ?? 0)) < EPSILON)) {
    return { status: "optimal", values: whole(relaxed.values), objective: relaxed.objective, relaxation, solves: 1, note: "LP relaxation integral" };
  }

  const rounded = solver.solve({
    ...program,
    variables: program.variables.map((v) => (v.integer ? { ...v, lower: Math.min(v.upper, Math.max(v.lower, Math.floor((relaxed.values[v.name] ?? 0) + EPSILON))) } : v)),
  });
  if (rounded.status === "optimal" && Math.abs(rounded.objective - bound) < EPSILON) {
    return { status: "optimal", values: whole(rounded.values), objective: rounded.objective, relaxation, solves: 2, note: `LP floors + MILP on the rest meet the LP bound ${bound}` };
  }

  const full = solver.solve(program);
  if (full.status === "optimal") return { status: "optimal", values: whole(full.values), objective: full.objective, relaxation, solves: 3, note: "full MILP" };
  if (rounded.status === "optimal") {
    return { status: "feasible", values: whole(rounded.values), objective: rounded.objective, relaxation, solves: 3, note: `full MILP: ${full.detail}; LP-rounded solution ${rounded.objective} against the LP bound ${bound}` };
  }
  return full.status === "infeasible" ? fail("infeasible", 3, "MILP infeasible") : fail("failed", 3, `full MILP: ${full.detail}`);
}
