export { createLocalRuntime, startConfigWatch, type LocalRuntime } from "./local-runtime.js";
export { loadSettings, type Settings } from "./settings.js";
export { startLocalServer, type LocalServer } from "./local-server.js";
