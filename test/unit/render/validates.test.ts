// DESIGN.md 7: rendered manifests always validate. lib/validate checks core objects against the
// Kubernetes schemas and ScaledObject, Application, RayCluster, PodGroup against the upstream CRDs.
import { describe, expect, it } from "@jest/globals";
import { renderFleet } from "../../../lib/render/index.js";
import { validateManifests } from "../../../lib/validate/index.js";
import { basePlan, baseRawConfig, configOf, withModelPlan } from "./fleet-fixtures.js";

function nodePoolConfig(): Record<string, unknown> {
  const raw = baseRawConfig();
  const pools = (raw.pools as Record<string, unknown>[]).map((p) => (p.name === "a100" ? { ...p, mig: { enabled: true, labelMode: "nodePool" }, nodeNames: undefined } : p));
  const cluster = { ...(raw.cluster as object), prometheus: { serverAddress: "https://prom.example:9090", authenticationRef: "prom-auth" } };
  return { ...raw, pools, cluster };
}

describe("rendered manifests", () => {
  it.each([
    ["the base fleet", baseRawConfig(), basePlan()],
    ["MIG labels by node pool, Prometheus with authentication", nodePoolConfig(), basePlan()],
    ["three multi-node replicas and an autoscaler: none model at 0", baseRawConfig(), withModelPlan(withModelPlan(basePlan(), "llama-405b", { reservedReplicas: 3 }), "mistral-7b", { reservedReplicas: 0 })],
  ])("validate against the Kubernetes and CRD schemas: %s", (_, raw, plan) => {
    const files = renderFleet({ config: configOf(raw), plan });

    expect(validateManifests(files)).toEqual([]);
  });
});
