/**
 * Problems that stop a valid fleet.yaml from being rendered into manifests that work. They are values
 * (STYLE.md "expected outcomes are values"): the controller shows them on the PR and refuses to commit;
 * `renderFleet` throws them as an InvalidInputError if it is called anyway, so nothing silent is rendered.
 */
import type { FleetConfig } from "../config/index.js";
import type { InputIssue } from "../errors.js";
import { promqlProblems } from "./promql.js";

/**
 * The oldest KEDA the rendered ScaledObject is written for (DESIGN.md 2): `fallback.behavior` and fallback
 * on every metric type (FIELD-REPORTS #2: before 2.18 fallback silently did nothing for `metricType: Value`).
 */
export const MIN_KEDA_VERSION = { major: 2, minor: 18 } as const;

/**
 * Every problem found, each with its path in fleet.yaml (`cluster.keda.version`, `models[2].wakeUp.query`);
 * empty when the config renders. Checks only what the schema and `loadFleetConfig` cannot know about
 * rendering, plus the inputs the renderer cannot do without:
 * - KEDA older than 2.18 while a model uses `autoscaler: keda`;
 * - `cluster.prometheus.serverAddress` missing while a model uses KEDA; `cluster.argocd.repoURL` missing;
 * - a `replicas.min: 0` KEDA model without `wakeUp`, or whose wake-up query is malformed (unbalanced
 *   brackets, a range inside label braces: FIELD-REPORTS #3), misspells a vLLM metric (`vllm_…` for
 *   `vllm:…`: #6) or reads only engine metrics, which do not exist at 0 replicas (#4);
 * - a MIG pool with `labelMode: nodeLabels` but no `nodeNames` (partial Node objects need real names).
 */
export function checkRenderable(config: FleetConfig): InputIssue[] {
  const issues: InputIssue[] = [];
  const kedaModels = config.models.map((model, i) => ({ model, i })).filter(({ model }) => model.autoscaler === "keda");
  if (kedaModels.length > 0) {
    const version = config.cluster.keda.version;
    if (!atLeast(version, MIN_KEDA_VERSION)) {
      issues.push({
        path: "cluster.keda.version",
        message: `KEDA ${version} is older than ${MIN_KEDA_VERSION.major}.${MIN_KEDA_VERSION.minor}: the rendered ScaledObjects need fallback.behavior and fallback on every trigger (KEDA ≥ 2.18, kedacore/keda#4205); upgrade KEDA or use autoscaler: none`,
      });
    }
    if (config.cluster.prometheus.serverAddress === undefined) {
      issues.push({ path: "cluster.prometheus.serverAddress", message: "required when any model uses autoscaler keda (the ScaledObjects' Prometheus triggers query it)" });
    }
  }
  if (config.cluster.argocd.repoURL === undefined) {
    issues.push({ path: "cluster.argocd.repoURL", message: "required: the rendered Argo CD Application points at this repository" });
  }
  for (const { model, i } of kedaModels) {
    if (model.replicas.min !== 0) continue;
    if (model.wakeUp === null) {
      issues.push({ path: `models[${i}].wakeUp`, message: "replicas.min 0 needs a wakeUp trigger on a metric that exists with no model pods (a router or gateway request rate)" });
      continue;
    }
    for (const problem of promqlProblems(model.wakeUp.query)) issues.push({ path: `models[${i}].wakeUp.query`, message: problem });
  }
  config.pools.forEach((pool, i) => {
    if (pool.mig.enabled && pool.mig.labelMode === "nodeLabels" && (pool.nodeNames === undefined || pool.nodeNames.length === 0)) {
      issues.push({ path: `pools[${i}].nodeNames`, message: "labelMode nodeLabels labels each Node by name: list the pool's node names, or use labelMode nodePool" });
    }
  });
  return issues;
}

function atLeast(version: string, min: { readonly major: number; readonly minor: number }): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > min.major || (major === min.major && minor >= min.minor);
}
