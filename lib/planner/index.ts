export { planFleet, summarizeShape, FIRST_FIT_DECREASING, type PlanFleetInput } from "./plan-fleet.js";
export {
  createHighsMigSolver,
  toCplexLp,
  type HighsModule,
  type LinearConstraint,
  type LinearProgram,
  type LinearSolution,
  type LinearStatus,
  type LinearVariable,
  type MigSolver,
} from "./highs-solver.js";
export { chooseReplicaShape, tensorParallelProblem } from "./shape.js";
export {
  estimateReplicaMemory,
  describeMemory,
  kvBytesPerTokenOf,
  weightBytesOf,
  bytesPerParameter,
  overheadGiBOf,
  formatCount,
  formatGiB,
  GIB,
  type ReplicaMemoryInput,
} from "./memory.js";
export { formatPlan, type PlanFormat } from "./format-plan.js";
export type {
  FleetPlacement,
  FleetPlan,
  GpuPlacement,
  MemoryEstimate,
  MigInstance,
  ModelPlan,
  NodePlacement,
  PoolPlacement,
  PlanObjective,
  PoolSummary,
  ReplicaShape,
  ShapeCandidate,
  ShapeResult,
  UnmetDemand,
} from "./types.js";
