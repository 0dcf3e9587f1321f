import { describe, expect, it } from "@jest/globals";
import { createHighsMigSolver, toCplexLp, type HighsModule, type LinearProgram } from "../../../lib/planner/index.js";

const PROGRAM: LinearProgram = {
  sense: "minimize",
  objective: { x0: 1, x1: 1, y0: 8 },
  constraints: [
    { name: "cover0", terms: { x0: 7, x1: 3, y0: 1 }, lower: 10 },
    { name: "gpus", terms: { x0: 1, x1: 1, y0: 1 }, upper: 4 },
    { name: "band", terms: { x1: 1, y0: -2 }, lower: -1, upper: 2.5 },
  ],
  variables: [
    { name: "x0", lower: 0, upper: 4, integer: true },
    { name: "x1", lower: 1, upper: Infinity, integer: true },
    { name: "y0", lower: 0, upper: 2, integer: false },
  ],
  timeLimitSeconds: 1,
};

describe("toCplexLp", () => {
  it("writes the objective, one row per side of each constraint, bounds and the integer variables", () => {
    expect(toCplexLp(PROGRAM)).toBe(
      [
        "Minimize",
        " obj: x0 + x1 + 8 y0",
        "Subject To",
        " cover0_lo: 7 x0 + 3 x1 + y0 >= 10",
        " gpus_up: x0 + x1 + y0 <= 4",
        " band_lo: x1 - 2 y0 >= -1",
        " band_up: x1 - 2 y0 <= 2.5",
        "Bounds",
        " 0 <= x0 <= 4",
        " x1 >= 1",
        " 0 <= y0 <= 2",
        "Generals",
        " x0 x1",
        "End",
        "",
      ].join("\n"),
    );
  });

  it("writes an empty row as 0 times the first variable so the LP reader accepts it", () => {
    const text = toCplexLp({ ...PROGRAM, objective: {}, constraints: [{ name: "empty", terms: {}, lower: 0 }] });

    expect(text).toContain(" obj: 0 x0\n");
    expect(text).toContain(" empty_lo: 0 x0 >= 0\n");
  });

  it.each(["1x", "x-y", "x y", ""])("refuses the variable name %j, which LP format cannot carry", (name) => {
    expect(() => toCplexLp({ ...PROGRAM, variables: [{ name, lower: 0, upper: 1, integer: false }] })).toThrow(RangeError);
  });
});

describe("createHighsMigSolver", () => {
  function fakeHighs(answer: ReturnType<HighsModule["solve"]> | Error): HighsModule & { calls: { problem: string; options: unknown }[] } {
    const calls: { problem: string; options: unknown }[] = [];
    return {
      calls,
      solve(problem, options) {
        calls.push({ problem, options });
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
  }

  it("passes the LP text with no output, a zero MIP gap, symmetry detection off and the program's time limit", () => {
    const highs = fakeHighs({ Status: "Optimal", ObjectiveValue: 2, Columns: { x0: { Primal: 1 }, x1: { Primal: 1 } } });

    const solution = createHighsMigSolver(highs).solve(PROGRAM);

    expect(highs.calls).toEqual([{ problem: toCplexLp(PROGRAM), options: { output_flag: false, mip_rel_gap: 0, mip_detect_symmetry: false, time_limit: 1 } }]);
    expect(solution).toEqual({ status: "optimal", objective: 2, values: { x0: 1, x1: 1, y0: 0 }, detail: "Optimal" });
  });

  it.each([
    ["Infeasible", "infeasible"],
    ["Time limit reached", "time-limit"],
    ["Unbounded", "error"],
  ])("maps HiGHS status %s to %s", (status, expected) => {
    const solution = createHighsMigSolver(fakeHighs({ Status: status, ObjectiveValue: 0, Columns: {} })).solve(PROGRAM);

    expect(solution.status).toBe(expected);
    expect(solution.detail).toBe(status);
  });

  it("turns an exception of the solver into an error answer", () => {
    const solution = createHighsMigSolver(fakeHighs(new Error("Unable to read LP model"))).solve(PROGRAM);

    expect(solution).toMatchObject({ status: "error", detail: "Unable to read LP model" });
  });
});
