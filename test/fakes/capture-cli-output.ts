import { afterEach, beforeEach, jest } from "@jest/globals";

/**
 * Registers hooks that capture console.log / console.error of the CLI and reset process.exitCode.
 * @returns live arrays of the lines printed in the current test
 */
export function captureCliOutput(): { out: string[]; err: string[] } {
  const captured = { out: [] as string[], err: [] as string[] };
  beforeEach(() => {
    captured.out.length = 0;
    captured.err.length = 0;
    jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void captured.out.push(a.join(" ")));
    jest.spyOn(console, "error").mockImplementation((...a: unknown[]) => void captured.err.push(a.join(" ")));
    process.exitCode = undefined;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });
  return captured;
}
