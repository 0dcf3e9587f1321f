import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { loadFleetConfig } from "../../../lib/config/index.js";
import { describeConfigChanges, MAX_CONFIG_CHANGE_LINES } from "../../../lib/controller/describe-config-changes.js";

const FLEET = readFileSync(new URL("../../../manifests/fleet.yaml", import.meta.url), "utf8");
const config = (text: string) => loadFleetConfig(text);

describe("describeConfigChanges", () => {
  it("names a changed value by model name, not by list index", () => {
    const after = FLEET.replace("replicas: {min: 1, max: 8, initial: 1}", "replicas: {min: 1, max: 6, initial: 1}").replace("approval: auto", "approval: pr");

    expect(describeConfigChanges(config(FLEET), config(after))).toEqual(['models[llama-3-8b].replicas.max: 8 → 6', 'policy.approval: "auto" → "pr"']);
  });

  it("reports added and removed models, and nothing for an unchanged file", () => {
    const withoutFirst = FLEET.replace(/  - name: llama-3-8b-awq[\s\S]*?(?=  - name: llama-3-8b\n)/, "");

    expect(describeConfigChanges(config(FLEET), config(FLEET))).toEqual([]);
    expect(describeConfigChanges(config(FLEET), config(withoutFirst))).toEqual(["models[llama-3-8b-awq]: removed"]);
    expect(describeConfigChanges(config(withoutFirst), config(FLEET))).toEqual(["models[llama-3-8b-awq]: added"]);
  });

  it("counts what it does not list", () => {
    let after = FLEET;
    for (let i = 0; i < 3; i++) after = after.replace(/image: vllm\/vllm-openai:v0\.11\.0/, "image: vllm/vllm-openai:v0.11.1");
    const many = config(after);
    const before = config(FLEET);
    const bigger = { ...many, models: many.models.map((m) => ({ ...m, priority: m.priority + 1, maxModelLen: m.maxModelLen * 2, minConcurrency: m.minConcurrency + 1, gpuMemoryUtilization: 0.8, targetWaitingPerReplica: 7, paused: true, quantizationGroupSize: 64 })) };

    const lines = describeConfigChanges(before, bigger);

    expect(lines).toHaveLength(MAX_CONFIG_CHANGE_LINES + 1);
    expect(lines.at(-1)).toMatch(/^… and \d+ more changes$/);
  });
});
