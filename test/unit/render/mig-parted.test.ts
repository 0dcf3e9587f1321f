import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { migConfigName, migPartedEntries, renderFleet } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf } from "./fleet-fixtures.js";
import { CLUSTER, parseDocuments, parseOne, type Parsed } from "./parse.js";

function render(raw = baseRawConfig(), plan = basePlan()): Map<string, string> {
  return renderFleet({ config: configOf(raw), plan });
}

function migPartedOf(files: ReadonlyMap<string, string>): { configMap: Parsed; config: Parsed; text: string } {
  const configMap = parseOne(files.get(`${CLUSTER}/gpu/a100/mig-parted-config.yaml`));
  const text: string = configMap.data["config.yaml"];
  return { configMap, config: parse(text), text };
}

function nodeLabelsOf(files: ReadonlyMap<string, string>): Parsed[] {
  return parseDocuments(files.get(`${CLUSTER}/gpu/a100/mig-node-labels.yaml`) ?? "");
}

describe("MIG layouts for the MIG manager (DESIGN.md 5.5)", () => {
  it("renders a mig-parted v1 config in a ConfigMap for the GPU operator", () => {
    const { configMap, config } = migPartedOf(render());

    expect(configMap.apiVersion).toBe("v1");
    expect(configMap.kind).toBe("ConfigMap");
    expect(configMap.metadata).toMatchObject({ name: "vllm-gitops-mig-a100", namespace: "gpu-operator" });
    expect(config.version).toBe("v1");
    expect(Object.values(config["mig-configs"])).toContainEqual([
      { devices: [0, 1, 2, 3, 4, 5, 6], "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } },
      { devices: [7], "mig-enabled": true, "mig-devices": { "3g.40gb": 2 } },
    ]);
  });

  it("writes devices as a list that round-trips through a YAML parser, never a bare index (FIELD-REPORTS #32)", () => {
    const { config, text } = migPartedOf(render());

    expect(text).toMatch(/devices: \[7\]\n/);
    const entries = Object.values(config["mig-configs"]).flat() as Parsed[];
    for (const entry of entries) {
      expect(Array.isArray(entry.devices)).toBe(true);
      for (const index of entry.devices) expect(typeof index).toBe("number");
    }
  });

  it("names each node's config by its content: equal layouts share a name, different layouts differ", () => {
    const files = render();

    const nodes = nodeLabelsOf(files);
    const { config } = migPartedOf(files);

    expect(nodes.map((n) => n.metadata.name)).toEqual(["gpu-a100-0", "gpu-a100-1"]);
    const [first, second] = nodes.map((n) => n.metadata.labels["nvidia.com/mig.config"]);
    expect(first).not.toBe(second);
    expect(Object.keys(config["mig-configs"]).sort()).toEqual([first, second].sort());
    for (const name of [first, second]) expect(name).toMatch(/^vllm-[0-9a-f]{8}$/);
  });

  it("gives a node a new config name when its layout changes, and keeps the other node's name", () => {
    const before = nodeLabelsOf(render()).map((n) => n.metadata.labels["nvidia.com/mig.config"]);

    const after = nodeLabelsOf(render(baseRawConfig(), basePlan({ gpu7OfFirstA100Node: ["4g.40gb", "3g.40gb"] }))).map((n) => n.metadata.labels["nvidia.com/mig.config"]);

    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(before[1]);
  });

  it("derives the name from instance counts per device, not from which model holds a slice", () => {
    const plan = basePlan();
    const node = plan.placement[0]!.nodes[0]!;
    const reassigned = { ...node, gpus: node.gpus.map((g) => ({ ...g, migInstances: g.migInstances?.map((i) => ({ ...i, model: null })) ?? null })) };

    expect(migConfigName(migPartedEntries(reassigned))).toBe(migConfigName(migPartedEntries(node)));
  });

  it("disables MIG on GPUs of a MIG pool that the plan leaves whole", () => {
    const plan = basePlan();
    const node = plan.placement[0]!.nodes[0]!;
    const mixed = { ...node, gpus: node.gpus.map((g) => (g.index >= 6 ? { ...g, migInstances: null } : g)) };

    expect(migPartedEntries(mixed)).toEqual([
      { devices: [0, 1, 2, 3, 4, 5], "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } },
      { devices: [6, 7], "mig-enabled": false },
    ]);
  });

  it("labels nodes through partial Node objects Argo CD never prunes or deletes (labelMode nodeLabels)", () => {
    const [node] = nodeLabelsOf(render());

    expect(node).toEqual({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "gpu-a100-0",
        labels: { "nvidia.com/mig.config": expect.stringMatching(/^vllm-/) },
        annotations: { "argocd.argoproj.io/sync-options": "ServerSideApply=true,Prune=false,Delete=false" },
      },
    });
  });

  it("lists the labels each layout's nodes need, with node counts, for a node-pool provisioner (labelMode nodePool)", () => {
    const raw = baseRawConfig();
    const pools = (raw.pools as Record<string, unknown>[]).map((p) => (p.name === "a100" ? { ...p, mig: { enabled: true, labelMode: "nodePool" }, nodeNames: undefined } : p));
    const plan = basePlan({ gpu7OfFirstA100Node: Array.from({ length: 7 }, () => "1g.10gb") });

    const files = render({ ...raw, pools }, plan);

    const [configMap] = nodeLabelsOf(files);
    expect(configMap.kind).toBe("ConfigMap");
    expect(configMap.metadata).toMatchObject({ name: "vllm-gitops-mig-node-pools-a100", namespace: "gpu-operator" });
    const layouts = parse(configMap.data["layouts.yaml"]);
    const { config } = migPartedOf(files);
    const [name] = Object.keys(config["mig-configs"]);
    expect(layouts).toEqual({ pool: "a100", gpu: "A100-80GB", layouts: [{ migConfig: name, nodeCount: 2, nodeLabels: { "nvidia.com/mig.config": name } }] });
  });

  it("renders no MIG files for pools without MIG", () => {
    const files = render();

    expect([...files.keys()].filter((p) => p.includes("/gpu/h100/"))).toEqual([]);
  });
});
