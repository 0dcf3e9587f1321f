// Jest in native ESM mode with @swc/jest (ESM-only dependencies: Octokit, @kubernetes/client-node, kubernetes-models). Type errors are caught by
// `npm run typecheck`, not here. Two projects: the fast suite (`unit`) and the real-process suite (`e2e`).
const swc = [
  "@swc/jest",
  { jsc: { parser: { syntax: "typescript" }, target: "es2022", experimental: { keepImportAttributes: true } }, module: { type: "es6" } },
];
const common = {
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": swc },
  setupFiles: ["<rootDir>/test/setup/loopback-only.ts"],
  testEnvironment: "node",
};
export default {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
};
