#!/usr/bin/env node
// The CLI entry: runs the TypeScript sources through tsx (no build step). See lib/cli/main.ts.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../lib/cli/main.ts");
await run(process.argv.slice(2));
