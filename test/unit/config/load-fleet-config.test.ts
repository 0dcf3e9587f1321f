import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { loadFleetConfig } from "../../../lib/config/index.js";
import { InvalidInputError } from "../../../lib/errors.js";

const example = readFileSync(new URL("../../../manifests/fleet.yaml", import.meta.url), "utf8");

function problemsOf(text: string): InvalidInputError {
  try {
    loadFleetConfig(text, "fleet.yaml");
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("loadFleetConfig", () => {
  it("accepts the shipped example fleet and applies defaults", () => {
    const config = loadFleetConfig(example);

    expect(config.cluster.name).toBe("prod-us-east-1");
    expect(config.models.map((m) => m.name)).toEqual(["llama-3-8b-awq", "llama-3-8b", "llama-3-70b"]);
    const llama8b = config.models[1]!;
    expect(llama8b.gpuMemoryUtilization).toBe(0.9);
    expect(llama8b.targetWaitingPerReplica).toBe(5);
    expect(llama8b.minConcurrency).toBe(1);
    expect(config.policy.scaleUpStep).toBe(4);
  });

  it("reports every problem at once, each with its path and line", () => {
    const text = example
      .replace("name: prod-us-east-1", "name: Prod_US")
      .replace("pool: h100\n", "pool: h200\n")
      .replace("replicas: {min: 1, max: 8, initial: 1}", "replicas: {min: 1, max: 8, initial: 9}");

    const error = problemsOf(text);

    const lines = text.split("\n");
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "cluster.name", line: lineOf("name: Prod_US") }),
        expect.objectContaining({ path: "models[1].replicas.initial", line: lineOf("initial: 9") }),
        expect.objectContaining({ path: "models[2].pool", line: lineOf("pool: h200") }),
      ]),
    );
    expect(error.issues).toHaveLength(3);
    expect(error.message).toContain(`fleet.yaml:${lineOf("name: Prod_US")}: cluster.name`);
  });

  it("reports cross-reference problems with lines once the schema passes", () => {
    const text = example.replace("pool: h100\n", "pool: h200\n");

    const error = problemsOf(text);

    const line = text.split("\n").findIndex((l) => l.includes("pool: h200")) + 1;
    expect(error.issues).toEqual([expect.objectContaining({ path: "models[2].pool", line, message: expect.stringContaining("no pool named 'h200'") })]);
  });

  it("refuses scale to zero without a wake-up trigger and says why", () => {
    const text = example.replace("replicas: {min: 1, max: 8, initial: 1}", "replicas: {min: 0, max: 8, initial: 1}");

    const error = problemsOf(text);

    expect(error.issues[0]?.path).toBe("models[1].replicas.min");
    expect(error.issues[0]?.message).toMatch(/wakeUp/);
  });

  it("names unknown keys and bad YAML with their lines", () => {
    expect(problemsOf(example.replace("maxModelLen: 8192\n    image", "maxModelLen: 8192\n    maxModelLenn: 1\n    image")).issues[0]).toMatchObject({
      message: "unknown key 'maxModelLenn'",
    });
    expect(problemsOf("apiVersion: vllm-gitops/v1\ncluster: [\n").issues[0]?.line).toBeGreaterThan(0);
  });

  it("limits YAML aliases", () => {
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join("\n");

    expect(() => loadFleetConfig(bomb)).toThrow(InvalidInputError);
  });
});

describe("loadFleetConfig type errors", () => {
  it("says what type was expected rather than 'required' for a present value of the wrong type", () => {
    const text = example.replace(/nodes: 2\b/, 'nodes: "two"');

    const error = problemsOf(text);

    expect(error.issues[0]).toMatchObject({ path: "pools[0].nodes", message: "expected number, received string" });
  });

  it("says 'required' for a missing key", () => {
    const error = problemsOf(example.replace("    image: vllm/vllm-openai:v0.11.0\n    pool: h100\n", "    pool: h100\n"));

    expect(error.issues[0]).toMatchObject({ path: "models[2].image", message: "required" });
  });
});

describe("loadFleetConfig collects everything", () => {
  it("reports schema and cross-reference problems in one pass", () => {
    const text = example
      .replace("name: prod-us-east-1", "name: Prod_US")
      .replace(/nodes: 2\b/, 'nodes: "two"')
      .replace("pool: h100\n", "pool: a10\n")
      .replace("replicas: {min: 1, max: 8, initial: 1}", "replicas: {min: 0, max: 8, initial: 1}");

    const error = problemsOf(text);

    expect(error.issues.map((i) => i.path).sort()).toEqual(["cluster.name", "models[1].replicas.min", "models[2].pool", "pools[0].nodes"]);
    expect(error.issues.every((i) => typeof i.line === "number")).toBe(true);
  });

  it("refuses an inline architecture whose heads cannot be grouped", () => {
    const text = example.replace(
      "architecture: llama-3-70b",
      "architecture: {parameters: 7.0e9, layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 7, intermediateSize: 14336}",
    );

    const error = problemsOf(text);

    expect(error.issues).toEqual([expect.objectContaining({ path: "models[2].architecture.kvHeads", message: "attentionHeads (32) must be a multiple of kvHeads (7)" })]);
  });
});
