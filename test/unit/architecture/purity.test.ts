// lib/planner, lib/render (and the other pure areas) take data in and give data out: no I/O module,
// no clock, no environment, no randomness (STYLE.md principle 1). This test reads their sources.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";

const root = path.resolve(import.meta.dirname, "../../..");
const PURE_AREAS = ["lib/planner", "lib/render", "lib/catalog", "lib/signals", "lib/config", "lib/state"];

const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [/from\s+["'](node:)?(fs|fs\/promises|http|https|net|child_process|os|dgram|dns|tls|worker_threads|crypto|process)["']/, "imports an I/O or system module"],
  [/from\s+["'](\.\.\/)+(gitops|audit|runtime|http|metrics|controller|solver)\//, "imports an I/O area"],
  [/from\s+["']highs["']/, "loads the HiGHS WASM module (the shell loads it once: lib/solver)"],
  [/\bprocess\.(env|argv|cwd|hrtime)\b/, "reads the process environment"],
  [/\bDate\.now\(|new Date\(\s*\)/, "reads the clock"],
  [/\bMath\.random\(/, "uses randomness"],
  [/\bperformance\.now\(/, "reads the clock"],
  [/\bfetch\(/, "does network I/O"],
];

function sourcesUnder(dir: string): string[] {
  const full = path.join(root, dir);
  return readdirSync(full).flatMap((name) => {
    const p = path.join(full, name);
    if (statSync(p).isDirectory()) return sourcesUnder(path.join(dir, name));
    return name.endsWith(".ts") ? [path.join(dir, name)] : [];
  });
}

describe("pure areas", () => {
  const files = PURE_AREAS.flatMap(sourcesUnder);

  it("has sources to check in every pure area", () => {
    for (const area of PURE_AREAS) expect(files.some((f) => f.startsWith(area))).toBe(true);
  });

  it.each(files)("%s does no I/O and reads no clock, environment or randomness", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");

    const violations = FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, why]) => why);

    expect(violations).toEqual([]);
  });

  it("catches a forbidden import (the check itself works)", () => {
    const sample = 'import { readFile } from "node:fs/promises";\nconst t = Date.now();';

    expect(FORBIDDEN.filter(([p]) => p.test(sample)).map(([, why]) => why)).toEqual(["imports an I/O or system module", "reads the clock"]);
  });
});
