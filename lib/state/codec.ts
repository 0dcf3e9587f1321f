/**
 * Read and write `.vllm-gitops/state.json`. Pure: text in, data out. The file is written by the
 * controller only, but it lives in a repository people can edit, so it is validated on read.
 */
import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import { MAX_APPLIED_KEYS, type ControllerState } from "./types.js";

const shapeSchema = z.object({
  kind: z.enum(["mig", "gpu", "multi-node"]),
  migProfile: z.string().nullable(),
  tensorParallelSize: z.number().int().positive(),
  pipelineParallelSize: z.number().int().positive(),
});

const stateSchema = z.object({
  version: z.literal(1),
  configCommit: z.string().nullable(),
  models: z.record(
    z.string(),
    z.object({
      reservedReplicas: z.number().int().min(0),
      lastChangeTime: z.string().nullable(),
      lastSignalTime: z.string().nullable(),
      shape: shapeSchema.nullable().default(null),
    }),
  ),
  plan: z.array(z.any()).default([]),
  appliedKeys: z.array(z.string()).default([]),
});

/** The state before the first render: no models, no plan, no keys. */
export const EMPTY_STATE: ControllerState = { version: 1, configCommit: null, models: {}, plan: [], appliedKeys: [] };

/**
 * Parse state.json text.
 * @throws InvalidInputError when the text is not JSON or not a version-1 state
 */
export function parseState(text: string): ControllerState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError("state.json is not JSON", [{ path: "", message: (cause as Error).message, file: "state.json" }], { cause });
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidInputError(
      "state.json does not match the version-1 state shape",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, file: "state.json" })),
    );
  }
  return parsed.data as ControllerState;
}

/** Serialize with sorted model keys and a trailing newline, so equal states give equal bytes. */
export function serializeState(state: ControllerState): string {
  const models = Object.fromEntries(Object.entries(state.models).sort(([a], [b]) => a.localeCompare(b)));
  const appliedKeys = state.appliedKeys.slice(-MAX_APPLIED_KEYS);
  return `${JSON.stringify({ ...state, models, appliedKeys }, null, 2)}\n`;
}
