// DESIGN.md 7 over many plans: fleets generated for every GPU model — MIG pools (both label modes, with
// whole-GPU models on them), TP on one node and TP × PP across nodes — planned with and without HiGHS,
// rendered, and every object validated against the Kubernetes and CRD schemas.
import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { parse, parseAllDocuments } from "yaml";
import { fleetConfigSchema, GPU_MODELS, type FleetConfig, type GpuModelId } from "../../../lib/config/index.js";
import { planFleet, type FleetPlan, type MigSolver } from "../../../lib/planner/index.js";
import { renderFleet } from "../../../lib/render/index.js";
import { validateManifests } from "../../../lib/validate/index.js";
import { testSolver } from "../planner/solver.js";

const KINDS = {
  "8b-awq": { architecture: "llama-3-8b", quantization: "awq", maxModelLen: 4096, minConcurrency: 2 },
  "8b": { architecture: "llama-3-8b", maxModelLen: 8192 },
  mistral: { architecture: "mistral-7b", maxModelLen: 8192, minConcurrency: 4 },
  "mixtral-awq": { architecture: "mixtral-8x7b", quantization: "awq", maxModelLen: 8192 },
  "70b": { architecture: "llama-3-70b", maxModelLen: 8192 },
  "70b-c8": { architecture: "llama-3-70b", maxModelLen: 8192, minConcurrency: 8 },
  "405b": { architecture: "llama-3.1-405b", maxModelLen: 8192 },
  "8b-whole": { architecture: "llama-3-8b", maxModelLen: 8192, placement: "gpu" },
} as const;
type Kind = keyof typeof KINDS;

interface FleetSpec {
  readonly gpu: GpuModelId;
  readonly labelMode: "nodeLabels" | "nodePool";
  readonly migNodes: number;
  readonly wholeNodes: number;
  readonly models: readonly { readonly kind: Kind; readonly onMig: boolean; readonly replicas: number; readonly keda: boolean; readonly priority: number }[];
}

function configOf(spec: FleetSpec): FleetConfig {
  const names = (pool: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${pool}-node-${i}`);
  return fleetConfigSchema.parse({
    apiVersion: "vllm-gitops/v1",
    cluster: { name: "gen", prometheus: { serverAddress: "http://prometheus:9090" }, argocd: { repoURL: "https://example.com/fleet.git" } },
    pools: [
      { name: "mig", gpu: spec.gpu, nodes: spec.migNodes, gpusPerNode: 8, mig: { enabled: true, labelMode: spec.labelMode }, ...(spec.labelMode === "nodeLabels" ? { nodeNames: names("mig", spec.migNodes) } : {}) },
      { name: "whole", gpu: spec.gpu, nodes: spec.wholeNodes, gpusPerNode: 8 },
    ],
    models: spec.models.map((m, i) => ({
      name: `m${i}-${m.kind}`,
      source: `org/m${i}`,
      image: "vllm/vllm-openai:v0.11.0",
      pool: m.onMig ? "mig" : "whole",
      replicas: { min: 1, max: m.replicas + 2, initial: m.replicas },
      autoscaler: m.keda ? "keda" : "none",
      priority: m.priority,
      ...KINDS[m.kind],
    })),
    policy: {},
  });
}

const specArb: fc.Arbitrary<FleetSpec> = fc.record({
  gpu: fc.constantFrom(...GPU_MODELS),
  labelMode: fc.constantFrom("nodeLabels" as const, "nodePool" as const),
  migNodes: fc.integer({ min: 1, max: 2 }),
  wholeNodes: fc.integer({ min: 1, max: 3 }),
  models: fc.array(
    fc.record({
      kind: fc.constantFrom(...(Object.keys(KINDS) as Kind[])),
      onMig: fc.boolean(),
      replicas: fc.integer({ min: 1, max: 6 }),
      keda: fc.boolean(),
      priority: fc.constantFrom(0, 10, 100),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

/** Every (kind, shape) a plan renders, to show the generated fleets cover MIG, TP and TP × PP shapes. */
function shapesOf(plan: FleetPlan): string[] {
  return plan.models.filter((m) => m.shape !== null && m.reservedReplicas > 0).map((m) => (m.shape!.kind === "mig" ? "mig" : m.shape!.kind === "gpu" ? (m.shape!.tensorParallelSize > 1 ? "tp" : "gpu") : "multi-node"));
}

/** GPUs of MIG pools the plan left whole, and the `mig-enabled: false` device indices of their node's mig-parted config. */
function wholeGpusOnMigPools(plan: FleetPlan, files: ReadonlyMap<string, string>): { expected: string[]; rendered: string[] } {
  const expected = plan.placement
    .filter((p) => p.migEnabled)
    .flatMap((p) => p.nodes.flatMap((n) => n.gpus.filter((g) => g.migInstances === null).map((g) => `${n.name}/${g.index}`)));
  const rendered: string[] = [];
  for (const pool of plan.placement.filter((p) => p.migEnabled)) {
    const configMap = files.get(`clusters/gen/gpu/${pool.pool}/mig-parted-config.yaml`);
    if (configMap === undefined) continue;
    const configs = (parse(parse(configMap).data["config.yaml"]) as { "mig-configs": Record<string, { devices: number[]; "mig-enabled": boolean }[]> })["mig-configs"];
    const labels = parseAllDocuments(files.get(`clusters/gen/gpu/${pool.pool}/mig-node-labels.yaml`)!).map((d) => d.toJS());
    for (const node of pool.nodes) {
      // nodeLabels: the node's own label; nodePool: the config of a node with the same layout (names are content-addressed).
      const name =
        labels[0].kind === "Node"
          ? labels.find((l: { metadata: { name: string } }) => l.metadata.name === node.name).metadata.labels["nvidia.com/mig.config"]
          : Object.keys(configs).find((c) => JSON.stringify(configs[c]!.filter((e) => !e["mig-enabled"]).flatMap((e) => e.devices)) === JSON.stringify(node.gpus.filter((g) => g.migInstances === null).map((g) => g.index)));
      for (const entry of configs[name] ?? []) if (!entry["mig-enabled"]) rendered.push(...entry.devices.map((d) => `${node.name}/${d}`));
    }
  }
  return { expected: expected.sort(), rendered: [...new Set(rendered)].sort() };
}

describe("rendered manifests of generated plans", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await testSolver();
  });

  it("validate for every GPU model, with and without HiGHS, and disable MIG exactly on the GPUs a MIG pool holds whole", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(specArb, fc.boolean(), (spec, exact) => {
        const config = configOf(spec);
        const desired = Object.fromEntries(config.models.map((m) => [m.name, m.replicas.initial!]));

        const plan = planFleet({ config, desiredReplicas: desired, current: null, solver: exact ? solver : null });
        const files = renderFleet({ config, plan });

        expect(validateManifests(files)).toEqual([]);
        const whole = wholeGpusOnMigPools(plan, files);
        expect(whole.rendered).toEqual(whole.expected);
        if (whole.expected.length > 0) seen.add("whole GPUs on a MIG pool");
        for (const s of shapesOf(plan)) seen.add(`${s}${s === "mig" ? `/${spec.labelMode}` : ""}`);
        seen.add(spec.gpu);
      }),
      { numRuns: 60, seed: 5 },
    );
    expect([...seen].sort()).toEqual([...GPU_MODELS, "gpu", "mig/nodeLabels", "mig/nodePool", "multi-node", "tp", "whole GPUs on a MIG pool"].sort());
  });
});
