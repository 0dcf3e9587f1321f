/**
 * The solver port of the planner: a mixed-integer linear program as plain data in, its solution out
 * (`MigSolver`), and the adapter that answers it with HiGHS (`createHighsMigSolver`). HiGHS is WASM
 * with an asynchronous loader, so the shell loads it once (lib/solver/load-highs.ts) and injects the
 * solver into `planFleet`; this module never loads anything and does no I/O. The HiGHS `solve()` it
 * calls is synchronous and builds a fresh solver per call, so a `MigSolver` is a pure function of its
 * program, up to the time limit.
 */

/** One variable: bounds, and whether it must take whole values. */
export interface LinearVariable {
  /** Letters, digits and "_" only, starting with a letter (CPLEX LP names). */
  readonly name: string;
  readonly lower: number;
  /** May be Infinity. */
  readonly upper: number;
  readonly integer: boolean;
}

/** One row: `lower ≤ Σ coefficient × variable ≤ upper` (either side may be absent). */
export interface LinearConstraint {
  readonly name: string;
  readonly terms: Readonly<Record<string, number>>;
  readonly lower?: number;
  readonly upper?: number;
}

/** A mixed-integer linear program. */
export interface LinearProgram {
  readonly sense: "minimize" | "maximize";
  readonly objective: Readonly<Record<string, number>>;
  readonly constraints: readonly LinearConstraint[];
  readonly variables: readonly LinearVariable[];
  /** Wall-clock budget of this one solve, seconds. */
  readonly timeLimitSeconds: number;
}

export type LinearStatus = "optimal" | "infeasible" | "time-limit" | "error";

/** A solver's answer; `values` and `objective` are meaningful only when `status` is "optimal". */
export interface LinearSolution {
  readonly status: LinearStatus;
  readonly objective: number;
  readonly values: Readonly<Record<string, number>>;
  /** The solver's own status text, for the plan's notes. */
  readonly detail: string;
}

/** A MILP solver injected into the planner (`PlanFleetInput.solver`); `name` is what the plan reports. */
export interface MigSolver {
  readonly name: "highs";
  solve(program: LinearProgram): LinearSolution;
}

/** The part of the loaded `highs` module this adapter uses (its legacy one-shot API). */
export interface HighsModule {
  solve(
    problem: string,
    options?: Readonly<Record<string, string | number | boolean>>,
  ): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal?: number } | undefined> };
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value); // shortest round-trip form; the LP reader parses exponents (strtod)
}

function expression(terms: Readonly<Record<string, number>>, fallback: string): string {
  const parts = Object.entries(terms)
    .filter(([, c]) => c !== 0)
    .map(([v, c], i) => `${c < 0 ? "- " : i > 0 ? "+ " : ""}${Math.abs(c) === 1 ? "" : `${num(Math.abs(c))} `}${v}`);
  return parts.length > 0 ? parts.join(" ") : `0 ${fallback}`;
}

/**
 * The program in CPLEX LP format (what `highs.solve` reads). A two-sided row becomes two rows.
 * @throws RangeError on a variable name LP format cannot carry, or a non-finite coefficient
 */
export function toCplexLp(program: LinearProgram): string {
  for (const v of program.variables) if (!NAME.test(v.name)) throw new RangeError(`bad variable name ${JSON.stringify(v.name)}`);
  const first = program.variables[0]?.name ?? "x";
  const rows: string[] = [];
  for (const c of program.constraints) {
    const expr = expression(c.terms, first);
    if (c.lower !== undefined) rows.push(` ${c.name}_lo: ${expr} >= ${num(c.lower)}`);
    if (c.upper !== undefined) rows.push(` ${c.name}_up: ${expr} <= ${num(c.upper)}`);
  }
  const bounds = program.variables.map((v) => (v.upper === Infinity ? ` ${v.name} >= ${num(v.lower)}` : ` ${num(v.lower)} <= ${v.name} <= ${num(v.upper)}`));
  const integers = program.variables.filter((v) => v.integer).map((v) => v.name);
  return [
    program.sense === "minimize" ? "Minimize" : "Maximize",
    ` obj: ${expression(program.objective, first)}`,
    "Subject To",
    ...rows,
    "Bounds",
    ...bounds,
    ...(integers.length > 0 ? ["Generals", ` ${integers.join(" ")}`] : []),
    "End",
    "",
  ].join("\n");
}

const STATUS: Readonly<Record<string, LinearStatus>> = {
  Optimal: "optimal",
  Infeasible: "infeasible",
  "Time limit reached": "time-limit",
};

/**
 * A `MigSolver` answered by a loaded HiGHS module. Options: no output; `mip_rel_gap` 0, so "optimal"
 * means proven optimal (the planner's objectives are integral); symmetry detection off (it costs tens
 * of milliseconds per solve on these small models in WASM, measured with highs 1.15.3); `time_limit`
 * from the program.
 */
export function createHighsMigSolver(highs: HighsModule): MigSolver {
  return {
    name: "highs",
    solve(program) {
      let result: ReturnType<HighsModule["solve"]>;
      try {
        result = highs.solve(toCplexLp(program), {
          output_flag: false,
          mip_rel_gap: 0,
          mip_detect_symmetry: false,
          time_limit: Math.max(0.001, program.timeLimitSeconds),
        });
      } catch (error) {
        return { status: "error", objective: NaN, values: {}, detail: error instanceof Error ? error.message : String(error) };
      }
      const status = STATUS[result.Status] ?? "error";
      const values: Record<string, number> = {};
      for (const v of program.variables) values[v.name] = result.Columns[v.name]?.Primal ?? 0;
      return { status, objective: result.ObjectiveValue, values, detail: result.Status };
    },
  };
}
