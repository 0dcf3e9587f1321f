export { EMPTY_STATE, parseState, serializeState } from "./codec.js";
export { MAX_APPLIED_KEYS, STATE_PATH, type ControllerState, type ModelShapeSummary, type ModelState } from "./types.js";
