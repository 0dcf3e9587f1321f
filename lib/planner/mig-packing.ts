/**
 * Exact MIG packing of one pool (DESIGN.md 5.3) as MILPs. MIG instances of one profile are
 * interchangeable, so demand is aggregated per (priority, profile) and the decision is how many GPUs get
 * each valid instance set — a model whose size does not grow with the fleet:
 *
 *   x_j ≥ 0  GPUs (re)sliced to instance set j (the sets that are maximal over the demanded profiles:
 *            any valid layout is covered by one of them, so nothing is lost)
 *   y_c, z_c GPUs of current layout class c kept as they are: in use now (≤ inUse_c), idle (≤ idle_c);
 *            every current layout is a class, also one without a demanded profile (keeping it drains nothing)
 *   p_g      replicas placed of demand group g = (priority, profile)
 *   d ≥ 0    GPUs in use now whose layout is not kept: d ≥ Σ_c inUse_c − Σ_c y_c. Such a GPU is re-sliced
 *            (one of the x) or emptied — either way its running replicas are drained — because a kept
 *            layout keeps its replicas on their instances (apply-mig-packing.ts) and a layout nobody
 *            holds replicas on is not left on a GPU in use (it would hide a move and take quota)
 *
 *   cover:   Σ_j n_jp x_j + Σ_c n_cp (y_c + z_c) ≥ Σ_{g of profile p} p_g   for every demanded profile p
 *   GPUs:    Σx + Σy + Σz ≤ min(MIG GPUs of the pool, quotaGpus − GPUs held whole)
 *
 * Objectives, lexicographic, as sequential solves: (A) per priority tier, highest first, maximize the
 * compute slices placed of that tier (higher tiers fixed at their optimum, lower tiers at the replicas
 * their `replicas.min` got; first with the tier's first-fit allocation as a floor, so the proportional
 * share within the tier is kept when possible); only tiers at or below the first one first-fit left
 * short are solved. (B) with the placed replicas fixed, minimize K²·d + K·(Σx + Σy + Σz) + Σx,
 * K = capacity + 1: GPUs disrupted, then GPUs kept or sliced (each counts against quotaGpus), then GPUs
 * re-sliced at all (weights exact: the lower terms together stay below K², the last below K).
 * The lower bound is the LP relaxation of "minimize GPUs" covering the placed replicas, rounded up.
 */
import { enumerateMigInstanceSets, type MigInstanceSet, type MigPlacementSpec } from "../catalog/index.js";
import type { LinearConstraint, LinearProgram, LinearVariable, MigSolver } from "./highs-solver.js";
import { layoutKey, type PlannedGpu, type PoolState } from "./pool-state.js";
import { solveMilp } from "./solve-milp.js";

/** One MIG model of the pool: what it wants and what first-fit decreasing gave it. */
export interface MigModelDemand {
  readonly model: string;
  readonly priority: number;
  readonly profile: string;
  readonly desired: number;
  /** Replicas first-fit decreasing placed. */
  readonly placed: number;
  /** Replicas placed while serving every model's `replicas.min`: a floor no re-pack takes away. */
  readonly minPlaced: number;
}

/** GPUs that share a current (valid, non-empty) layout: keeping them re-slices nothing. */
export interface LayoutClass {
  readonly key: string;
  readonly layout: readonly MigPlacementSpec[];
  readonly inUse: readonly PlannedGpu[];
  readonly idle: readonly PlannedGpu[];
}

export interface MigPackingSolution {
  /** Replicas to place per demand group "priority/profile". */
  readonly groupReplicas: ReadonlyMap<string, number>;
  readonly classes: readonly LayoutClass[];
  /** Per class key: GPUs kept in use now, and idle ones kept. */
  readonly keep: ReadonlyMap<string, { readonly inUse: number; readonly idle: number }>;
  /** Instance sets to slice on the other GPUs. */
  readonly slice: readonly { readonly set: MigInstanceSet; readonly gpus: number }[];
  /** Every solve proven optimal. */
  readonly proven: boolean;
  /** MIG GPUs needed at least: LP relaxation rounded up. */
  readonly lowerBoundGpus: number;
  readonly solves: number;
  readonly notes: readonly string[];
}

/** The solution, or why there is none (the caller keeps first-fit decreasing) and the solver calls spent. */
export type MigPackingResult = { readonly ok: true; readonly solution: MigPackingSolution } | { readonly ok: false; readonly reason: string; readonly solves: number };

/** Key of a demand group: "<priority>/<profile>", e.g. "10/1g.10gb". */
export function groupKeyOf(priority: number, profile: string): string {
  return `${priority}/${profile}`;
}

interface Group {
  readonly key: string;
  readonly priority: number;
  readonly profile: string;
  readonly slices: number;
  readonly desired: number;
  readonly placed: number;
  readonly minPlaced: number;
}

/** Valid instance sets using only `profiles`, keeping those no other such set contains. */
export function maximalInstanceSets(state: PoolState, profiles: readonly string[]): MigInstanceSet[] {
  const allowed = new Set(profiles);
  const usable = enumerateMigInstanceSets(state.gpu.id).filter((s) => Object.keys(s.counts).every((p) => allowed.has(p)));
  const within = (a: MigInstanceSet, b: MigInstanceSet): boolean => a !== b && profiles.every((p) => (a.counts[p] ?? 0) <= (b.counts[p] ?? 0));
  return usable.filter((s) => !usable.some((t) => within(s, t) && profiles.some((p) => (s.counts[p] ?? 0) < (t.counts[p] ?? 0))));
}

function countsOf(layout: readonly MigPlacementSpec[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of layout) counts[i.profile] = (counts[i.profile] ?? 0) + 1;
  return counts;
}

/** The MIG GPUs of the pool: those not held whole by a whole-GPU replica. */
export function migGpusOf(state: PoolState): PlannedGpu[] {
  return state.flat.filter((g) => g.layout !== null && g.wholeModel === null);
}

/**
 * Current layouts (still valid, with at least one instance) with their GPUs, by first GPU. A layout
 * without a demanded profile is a class too: keeping it on a GPU in use drains nothing.
 */
export function layoutClassesOf(gpus: readonly PlannedGpu[]): LayoutClass[] {
  const classes = new Map<string, { key: string; layout: readonly MigPlacementSpec[]; inUse: PlannedGpu[]; idle: PlannedGpu[] }>();
  for (const g of gpus) {
    if (g.currentLayout === null || g.currentLayout.length === 0) continue;
    const key = layoutKey(g.currentLayout)!;
    const c = classes.get(key) ?? { key, layout: g.currentLayout, inUse: [], idle: [] };
    (g.inUseNow ? c.inUse : c.idle).push(g);
    classes.set(key, c);
  }
  return [...classes.values()];
}

/**
 * Solves the MIG packing of one pool for `demands` (the MIG models whose shape is on this pool).
 * Returns `ok: false` with the reason when a solve fails or is infeasible (the caller keeps first-fit).
 */
export function solveMigPacking(state: PoolState, demands: readonly MigModelDemand[], solver: MigSolver, timeLimitSeconds: number): MigPackingResult {
  const profiles = [...new Set(demands.filter((d) => d.desired > 0).map((d) => d.profile))].filter((p) => state.profiles.has(p)).sort();
  if (profiles.length === 0) return { ok: false, reason: "no MIG demand", solves: 0 };
  const groups = groupsOf(state, demands.filter((d) => profiles.includes(d.profile)));
  const gpus = migGpusOf(state);
  const classes = layoutClassesOf(gpus);
  const sets = maximalInstanceSets(state, profiles);
  const heldWhole = state.flat.filter((g) => g.wholeModel !== null).length;
  const capacity = Math.max(0, Math.min(gpus.length, state.allowedGpus - heldWhole));
  const inUseKeepable = classes.reduce((n, c) => n + c.inUse.length, 0);
  const disruptable = inUseKeepable > 0;
  const notes: string[] = [];
  let solves = 0;
  let proven = true;

  const setCounts = sets.map((s) => s.counts);
  const classCounts = classes.map((c) => countsOf(c.layout));
  const layoutVariables = (): LinearVariable[] => [
    ...sets.map((_, j) => ({ name: `x${j}`, lower: 0, upper: capacity, integer: true })),
    ...classes.flatMap((c, k) => [
      { name: `y${k}`, lower: 0, upper: c.inUse.length, integer: true },
      { name: `z${k}`, lower: 0, upper: c.idle.length, integer: true },
    ]),
  ];
  const gpuTerms = (): Record<string, number> => {
    const terms: Record<string, number> = {};
    sets.forEach((_, j) => (terms[`x${j}`] = 1));
    classes.forEach((_, k) => ((terms[`y${k}`] = 1), (terms[`z${k}`] = 1)));
    return terms;
  };
  /** Cover rows: `variable` groups enter as p_g, the others as their fixed replicas on the right-hand side. */
  const coverRows = (fixed: ReadonlyMap<string, number>, variable: readonly Group[]): LinearConstraint[] =>
    profiles.map((profile, i) => {
      const terms: Record<string, number> = {};
      setCounts.forEach((counts, j) => counts[profile] && (terms[`x${j}`] = counts[profile]!));
      classCounts.forEach((counts, k) => counts[profile] && ((terms[`y${k}`] = counts[profile]!), (terms[`z${k}`] = counts[profile]!)));
      variable.forEach((g, v) => g.profile === profile && (terms[`p${v}`] = -1));
      const rhs = groups.filter((g) => g.profile === profile && fixed.has(g.key)).reduce((n, g) => n + fixed.get(g.key)!, 0);
      return { name: `cover${i}`, terms, lower: rhs };
    });
  const timeLimit = { timeLimitSeconds };

  // (A) Placed replicas per group, tier by tier from the first tier first-fit left short.
  const placed = new Map(groups.map((g) => [g.key, g.desired]));
  const tiers = [...new Set(groups.map((g) => g.priority))].sort((a, b) => b - a);
  const firstShort = tiers.findIndex((t) => groups.some((g) => g.priority === t && g.placed < g.desired));
  if (firstShort >= 0) {
    for (const g of groups) if (g.priority < tiers[firstShort]!) placed.set(g.key, g.minPlaced);
    for (const tier of tiers.slice(firstShort)) {
      const members = groups.filter((g) => g.priority === tier);
      const fixed = new Map([...placed].filter(([key]) => !members.some((g) => g.key === key)));
      let result = null;
      for (const floor of ["placed", "minPlaced"] as const) {
        const program: LinearProgram = {
          sense: "maximize",
          objective: Object.fromEntries(members.map((g, v) => [`p${v}`, g.slices])),
          constraints: [...coverRows(fixed, members), { name: "gpus", terms: gpuTerms(), upper: capacity }],
          variables: [...layoutVariables(), ...members.map((g, v) => ({ name: `p${v}`, lower: g[floor], upper: g.desired, integer: true }))],
          ...timeLimit,
        };
        result = solveMilp(solver, program);
        solves += result.solves;
        if (result.status !== "infeasible") break;
      }
      if (result === null || result.status === "infeasible" || result.status === "failed") {
        return { ok: false, reason: `priority ${tier} allocation: ${result?.note ?? "not solved"}`, solves };
      }
      if (result.status === "feasible") ((proven = false), notes.push(`priority ${tier}: ${result.note}`));
      members.forEach((g, v) => placed.set(g.key, result!.values[`p${v}`]!));
    }
  }

  // (B) With the replicas fixed: GPUs disrupted (in use now, layout not kept), then GPUs kept or sliced, then GPUs re-sliced.
  const k = capacity + 1;
  const objective: Record<string, number> = {};
  const onlyGpus = classes.length === 0; // nothing to keep or disrupt: minimize GPUs alone
  sets.forEach((_, j) => (objective[`x${j}`] = onlyGpus ? 1 : k + 1));
  classes.forEach((_, c) => ((objective[`y${c}`] = k), (objective[`z${c}`] = k)));
  if (disruptable) objective.d = k * k;
  const disruption: LinearConstraint[] = disruptable
    ? [{ name: "disrupted", terms: { d: 1, ...Object.fromEntries(classes.map((_, c) => [`y${c}`, 1])) }, lower: inUseKeepable }]
    : [];
  const layoutProgram: LinearProgram = {
    sense: "minimize",
    objective,
    constraints: [...coverRows(placed, []), { name: "gpus", terms: gpuTerms(), upper: capacity }, ...disruption],
    variables: [...layoutVariables(), ...(disruptable ? [{ name: "d", lower: 0, upper: inUseKeepable, integer: true }] : [])],
    ...timeLimit,
  };
  const layout = solveMilp(solver, layoutProgram);
  solves += layout.solves;
  if (layout.status === "infeasible" || layout.status === "failed") return { ok: false, reason: `layout: ${layout.note}`, solves };
  if (layout.status === "feasible") ((proven = false), notes.push(`layout: ${layout.note}`));

  // Lower bound: without current layouts the layout LP (objective = GPUs) already is the bound's LP.
  const demandByProfile = new Map(profiles.map((p) => [p, groups.filter((g) => g.profile === p).reduce((n, g) => n + placed.get(g.key)!, 0)]));
  let lowerBoundGpus: number;
  if (onlyGpus) {
    lowerBoundGpus = Math.ceil(layout.relaxation - 1e-6);
  } else {
    const relaxation = solver.solve({
      sense: "minimize",
      objective: Object.fromEntries(sets.map((_, j) => [`x${j}`, 1])),
      constraints: profiles.map((p, i) => ({ name: `cover${i}`, terms: Object.fromEntries(setCounts.flatMap((c, j) => (c[p] ? [[`x${j}`, c[p]!]] : []))), lower: demandByProfile.get(p)! })),
      variables: sets.map((_, j) => ({ name: `x${j}`, lower: 0, upper: Infinity, integer: false })),
      ...timeLimit,
    });
    solves += 1;
    if (relaxation.status !== "optimal") return { ok: false, reason: `lower bound LP: ${relaxation.detail}`, solves };
    lowerBoundGpus = Math.ceil(relaxation.objective - 1e-6);
  }

  return {
    ok: true,
    solution: {
      groupReplicas: placed,
      classes,
      keep: new Map(classes.map((c, i) => [c.key, { inUse: layout.values[`y${i}`]!, idle: layout.values[`z${i}`]! }])),
      slice: sets.map((set, j) => ({ set, gpus: layout.values[`x${j}`]! })).filter((s) => s.gpus > 0),
      proven,
      lowerBoundGpus,
      solves,
      notes,
    },
  };
}

function groupsOf(state: PoolState, demands: readonly MigModelDemand[]): Group[] {
  const groups = new Map<string, Group>();
  for (const d of demands) {
    const key = groupKeyOf(d.priority, d.profile);
    const g = groups.get(key);
    const slices = state.profiles.get(d.profile)!.computeSlices;
    groups.set(key, {
      key,
      priority: d.priority,
      profile: d.profile,
      slices,
      desired: (g?.desired ?? 0) + d.desired,
      placed: (g?.placed ?? 0) + d.placed,
      minPlaced: (g?.minPlaced ?? 0) + d.minPlaced,
    });
  }
  return [...groups.values()].sort((a, b) => b.priority - a.priority || (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0));
}
