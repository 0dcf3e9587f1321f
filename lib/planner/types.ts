/**
 * The planner's output types. All memory figures are GiB (2^30 bytes) unless the name says bytes;
 * token counts are tokens. Plans are plain readonly data so they serialize into state.json and
 * render deterministically.
 */

/** Per-GPU memory arithmetic of one replica (DESIGN.md 5.1). */
export interface MemoryEstimate {
  /** Usable memory of the device or MIG profile, GiB (catalogue or GFD label). */
  readonly deviceMemoryGiB: number;
  readonly gpuMemoryUtilization: number;
  /** gpuMemoryUtilization × deviceMemoryGiB. */
  readonly budgetGiB: number;
  /** Weights held by one GPU: total weights ÷ TP ÷ PP. */
  readonly weightsGiB: number;
  /** Activations, CUDA graphs, context (+NCCL when TP > 1). */
  readonly overheadGiB: number;
  /** budget − weights − overhead (may be negative: the replica does not fit). */
  readonly kvCacheGiB: number;
  /** KV cache bytes one token takes on one GPU. */
  readonly kvBytesPerToken: number;
  /** floor(kvCacheGiB × 2^30 ÷ kvBytesPerToken), 0 when negative. */
  readonly kvTokens: number;
  /** maxModelLen × minConcurrency. */
  readonly requiredKvTokens: number;
  /** floor(kvTokens ÷ maxModelLen): sequences of full length that fit at once. */
  readonly maxConcurrentSequences: number;
  readonly fits: boolean;
}

/** How one replica runs. */
export type ReplicaShape =
  | {
      readonly kind: "mig";
      /** Profile name of the pool's GPU model, e.g. "1g.10gb". */
      readonly migProfile: string;
      readonly tensorParallelSize: 1;
      readonly pipelineParallelSize: 1;
      /** e.g. "nvidia.com/mig-1g.10gb" (GPU operator mixed strategy). */
      readonly resourceName: string;
      readonly memory: MemoryEstimate;
    }
  | {
      readonly kind: "gpu";
      readonly tensorParallelSize: number;
      readonly pipelineParallelSize: 1;
      readonly resourceName: "nvidia.com/gpu";
      readonly memory: MemoryEstimate;
    }
  | {
      readonly kind: "multi-node";
      /** = GPUs per node. */
      readonly tensorParallelSize: number;
      /** = nodes per replica. */
      readonly pipelineParallelSize: number;
      readonly resourceName: "nvidia.com/gpu";
      readonly memory: MemoryEstimate;
    };

/** One option the shape search looked at, and why it was taken or refused (shown in plans). */
export interface ShapeCandidate {
  readonly label: string; // "mig 1g.10gb", "TP 2", "TP 8 × PP 2"
  readonly accepted: boolean;
  readonly reason: string; // arithmetic, e.g. "KV 2.3 GiB = 15k tokens < 32768 required"
}

export type ShapeResult =
  | { readonly ok: true; readonly shape: ReplicaShape; readonly considered: readonly ShapeCandidate[] }
  | { readonly ok: false; readonly reason: string; readonly considered: readonly ShapeCandidate[] };

/** Replicas of one model the plan could not place, and why. */
export interface UnmetDemand {
  readonly model: string;
  readonly replicas: number;
  /** Human sentence: what one replica needs, what is left. */
  readonly reason: string;
}

/** One MIG GPU instance on a GPU. `model` null = free slice. */
export interface MigInstance {
  readonly profile: string;
  /** Start in memory slices (DESIGN.md 6.2). */
  readonly start: number;
  readonly model: string | null;
}

/** One GPU of a node: whole (owned by at most one model replica) or sliced into MIG instances. */
export interface GpuPlacement {
  readonly index: number;
  /** Non-null when the GPU is MIG-enabled; lists every instance of the layout, used or free. */
  readonly migInstances: readonly MigInstance[] | null;
  /** For whole-GPU use: the model whose replica holds this GPU; null = free. */
  readonly model: string | null;
}

export interface NodePlacement {
  /** Node name from fleet.yaml `nodeNames`, else `<pool>-<i>`. */
  readonly name: string;
  readonly gpus: readonly GpuPlacement[];
}

export interface PoolPlacement {
  readonly pool: string;
  readonly gpuModel: string;
  readonly migEnabled: boolean;
  readonly nodes: readonly NodePlacement[];
}

/** Where everything sits; stored in state.json as `plan` and fed back as the current plan. */
export type FleetPlacement = readonly PoolPlacement[];

export interface ModelPlan {
  readonly model: string;
  readonly pool: string;
  /** Replicas asked for (the desired reserve after signals and limits). */
  readonly requestedReplicas: number;
  /** Replicas placed: the reserve KEDA may scale up to. ≤ requestedReplicas. */
  readonly reservedReplicas: number;
  /** null when no shape fits (see `shapeError`). */
  readonly shape: ReplicaShape | null;
  readonly shapeError: string | null;
  readonly considered: readonly ShapeCandidate[];
  /** Whole GPUs held by the placed replicas (MIG: GPUs touched, fractional use shown in the pool view). */
  readonly gpusUsed: number;
}

export interface PoolSummary {
  readonly pool: string;
  readonly gpuModel: string;
  readonly gpusTotal: number;
  /** quotaGpus when set, else gpusTotal. */
  readonly gpusAllowed: number;
  /** GPUs holding at least one replica or MIG instance in use. */
  readonly gpusUsed: number;
  readonly gpusFree: number;
  /** Which packer laid out this pool's MIG GPUs: "highs" or "first-fit-decreasing" (also for pools without MIG). */
  readonly solver: string;
  /** GPUs the placed replicas need at least: whole GPUs held + MIG GPUs (LP relaxation rounded up with HiGHS, else slices ÷ slices per GPU). */
  readonly lowerBoundGpus: number;
}

/**
 * The packing objective of a plan, lexicographic in this order (DESIGN.md 5.3): unmet demand weighted by
 * priority (a higher tier's replica outweighs any number of lower-tier ones), GPUs disrupted, GPUs used.
 */
export interface PlanObjective {
  /** Replicas not placed per priority tier, highest priority first; tiers with none left out. */
  readonly unmetByPriority: readonly { readonly priority: number; readonly replicas: number }[];
  /** GPUs that held a replica in the current placement and are re-sliced (each drains its pods). */
  readonly gpusDisrupted: number;
  /** Nodes with at least one disrupted GPU. */
  readonly nodesDisrupted: number;
  readonly gpusUsed: number;
}

export interface FleetPlan {
  readonly models: readonly ModelPlan[];
  readonly pools: readonly PoolSummary[];
  readonly placement: FleetPlacement;
  readonly unmet: readonly UnmetDemand[];
  /** Which packer answered: "highs" when HiGHS laid out every MIG pool with demand, else "first-fit-decreasing". */
  readonly solver: string;
  /** How the solver got there (proofs, fallbacks and why), one line each. */
  readonly solverNotes: readonly string[];
  /** Lower bound on GPUs used: the sum of the pools' `lowerBoundGpus`. */
  readonly lowerBoundGpus: number | null;
  readonly objective: PlanObjective;
  readonly gpusUsed: number;
  readonly gpusTotal: number;
  /** Changes against the current plan: GPUs whose MIG layout changed, replicas moved. */
  readonly churn: { readonly gpusResliced: number; readonly replicasMoved: number };
  /** True when the plan re-slices an in-use GPU or changes a model's TP/PP. */
  readonly disruptive: boolean;
}
