export { systemClock, type Clock } from "./clock.js";
export { buildCommitMessage, decisionIdOf } from "./commit-message.js";
export { createController, type Controller, type ControllerDeps, type DecisionResult, type Trigger } from "./controller.js";
export { diffRendered, RENDERED_ROOT } from "./diff-rendered.js";
export { countGpusUsed, currentReserves, draftDecision, type Snapshot } from "./draft-decision.js";
export { loadSnapshot, type Branches } from "./load-snapshot.js";
export { newDecisionId } from "./decision-id.js";
