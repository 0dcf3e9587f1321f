// Whole rendered YAML, reviewed like code (STYLE.md "Tests"): one snapshot per kind of model, plus the
// cluster-level files. A change here is a change of what lands in clusters.
import { describe, expect, it } from "@jest/globals";
import { renderFleet } from "../../../lib/render/index.js";
import { basePlan, baseRawConfig, configOf } from "./fleet-fixtures.js";
import { CLUSTER } from "./parse.js";

const files = renderFleet({ config: configOf(baseRawConfig()), plan: basePlan() });

function filesUnder(prefix: string): string {
  return [...files]
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, body]) => `# ${path}\n${body}`)
    .join("\n");
}

describe("rendered YAML", () => {
  it.each([
    ["a MIG model under KEDA (llama-3-8b-awq on 1g.10gb)", "llm/llama-3-8b-awq/"],
    ["a tensor-parallel model under KEDA (llama-3-70b, TP 4)", "llm/llama-3-70b/"],
    ["a multi-node model (llama-405b, TP 8 × PP 2)", "llm/llama-405b/"],
    ["an autoscaler: none model (mistral-7b, 3 replicas)", "llm/mistral-7b/"],
    ["a scale-to-zero model with a wake-up trigger (qwen-coder)", "llm/qwen-coder/"],
    ["the MIG pool's mig-parted config and node labels", "gpu/a100/"],
    ["the Argo CD Application", "argocd/"],
  ])("matches the reviewed snapshot for %s", (_, folder) => {
    const text = filesUnder(`${CLUSTER}/${folder}`);

    expect(text.length).toBeGreaterThan(0);
    expect(text).toMatchSnapshot();
  });
});
