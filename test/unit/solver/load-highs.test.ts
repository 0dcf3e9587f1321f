import { describe, expect, it } from "@jest/globals";
import { loadMigSolver } from "../../../lib/solver/index.js";

describe("loadMigSolver", () => {
  it("loads HiGHS and solves a small MILP to its optimum: 7x + 3y ≥ 10 at cost 2x + y is x 1, y 1 (3; y 4 costs 4, x 2 costs 4)", async () => {
    const solver = await loadMigSolver();

    const solution = solver.solve({
      sense: "minimize",
      objective: { x: 2, y: 1 },
      constraints: [{ name: "cover", terms: { x: 7, y: 3 }, lower: 10 }],
      variables: [
        { name: "x", lower: 0, upper: 10, integer: true },
        { name: "y", lower: 0, upper: 10, integer: true },
      ],
      timeLimitSeconds: 5,
    });

    expect(solver.name).toBe("highs");
    expect(solution).toMatchObject({ status: "optimal", objective: 3, values: { x: 1, y: 1 } });
  });

  it("reports an infeasible program as infeasible, not as an exception", async () => {
    const solver = await loadMigSolver();

    const solution = solver.solve({
      sense: "minimize",
      objective: { x: 1 },
      constraints: [{ name: "cover", terms: { x: 7 }, lower: 10 }],
      variables: [{ name: "x", lower: 0, upper: 1, integer: true }],
      timeLimitSeconds: 5,
    });

    expect(solution.status).toBe("infeasible");
  });
});
