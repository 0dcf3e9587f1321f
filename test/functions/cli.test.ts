import { describe, expect, it } from "@jest/globals";
import { run } from "../../lib/cli/main.js";
import { captureCliOutput } from "../fakes/capture-cli-output.js";

const { out, err } = captureCliOutput();

describe("vllm-gitops CLI", () => {
  it("prints the plan of the example fleet with its memory arithmetic", async () => {
    await run(["plan", "--config", "manifests/fleet.yaml"]);

    expect(process.exitCode).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("llama-3-70b");
    expect(text).toMatch(/GiB/);
    expect(text).toMatch(/TP 4/); // Llama-3-70B bf16, maxModelLen 8192 × minConcurrency 8 needs TP 4 (DESIGN.md 6.4)
  });

  it.each([
    [["plan", "--bogus"], 2, /Unknown option '--bogus'/],
    [["frobnicate"], 2, /unknown command 'frobnicate'/],
    [["replay"], 2, /replay needs a payload file/],
    [["replay", "/nonexistent/payload.json"], 1, /cannot read \/nonexistent\/payload\.json: ENOENT/],
    [["plan", "--config", "test/fixtures/alertmanager/README.md"], 1, /is invalid/],
  ])("answers %j with exit code %i and a message, not a stack trace", async (argv, code, message) => {
    await run(argv);

    expect(process.exitCode).toBe(code);
    expect(err.join("\n")).toMatch(message);
    expect(err.join("\n")).not.toMatch(/\n\s+at /);
  });
});
