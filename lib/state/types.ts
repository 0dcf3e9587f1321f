/**
 * Controller state, stored at `.vllm-gitops/state.json` on the rendered branch (outside every synced
 * path) and written in the same commit as the manifests it describes (DESIGN.md 4).
 */
import type { FleetPlacement } from "../planner/types.js";

export const STATE_PATH = ".vllm-gitops/state.json";
/** How many applied alert keys are kept for duplicate detection (oldest dropped first). */
export const MAX_APPLIED_KEYS = 2000;

export interface ModelShapeSummary {
  readonly kind: "mig" | "gpu" | "multi-node";
  readonly migProfile: string | null;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize: number;
}

export interface ModelState {
  /** The capacity the layout holds for the model; KEDA's maxReplicaCount. */
  readonly reservedReplicas: number;
  /** ISO-8601 of the last change of `reservedReplicas` (null: never changed since initial). */
  readonly lastChangeTime: string | null;
  /** ISO-8601 of the newest signal acted on for this model (for stale detection). */
  readonly lastSignalTime: string | null;
  /** Shape at the last render (to tell when TP/PP changes: a disruptive change). */
  readonly shape: ModelShapeSummary | null;
}

export interface ControllerState {
  readonly version: 1;
  /** The config-branch commit the current render came from. */
  readonly configCommit: string | null;
  readonly models: Readonly<Record<string, ModelState>>;
  readonly plan: FleetPlacement;
  /** Keys of applied alerts, oldest first, at most MAX_APPLIED_KEYS. */
  readonly appliedKeys: readonly string[];
}
