export { loadMigSolver } from "./load-highs.js";
