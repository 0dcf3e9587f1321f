/**
 * Parse and validate fleet.yaml text into a `FleetConfig`, collecting every problem (YAML syntax,
 * schema, cross-references) with its path and 1-based line before failing.
 */
import { LineCounter, isMap, isNode, isSeq, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { InvalidInputError, type InputIssue } from "../errors.js";
import { fleetConfigSchema, type FleetConfig } from "./schema.js";

/** YAML aliases allowed when converting to data (a "billion laughs" guard). */
const MAX_ALIAS_COUNT = 100;

type PathKey = string | number;

/**
 * Parse fleet.yaml.
 *
 * @param text - the file's contents (UTF-8 text)
 * @param fileName - the name used in messages, e.g. `fleet.yaml`
 * @returns the validated config with defaults applied
 * @throws InvalidInputError with one `InputIssue` per problem (path, line, message), all at once
 */
export function loadFleetConfig(text: string, fileName = "fleet.yaml"): FleetConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: "",
      file: fileName,
      line: lineCounter.linePos(e.pos[0]).line,
      message: `YAML: ${e.message.split("\n")[0]}`,
    }));
    throw failure(fileName, issues);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new InvalidInputError(`${fileName}: ${(cause as Error).message}`, [{ path: "", file: fileName, message: (cause as Error).message }], { cause });
  }

  const parsed = fleetConfigSchema.safeParse(data ?? {});
  const lineOf = (path: readonly PathKey[]) => lineOfPath(doc, lineCounter, path);
  // Cross-reference checks read the raw data, so they are reported together with schema problems
  // (all problems at once), not only after the schema passes.
  const issues: InputIssue[] = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => toIssue(i, fileName, lineOf))),
    ...checkCrossReferences(data).map(({ path, message }) => ({ path: formatPath(path), message, file: fileName, line: lineOf(path) })),
  ];
  const unique = issues.filter((issue, i) => issues.findIndex((o) => o.path === issue.path && o.message === issue.message) === i);
  if (unique.length > 0 || !parsed.success) throw failure(fileName, unique);
  return parsed.data;
}

function failure(fileName: string, issues: InputIssue[]): InvalidInputError {
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lines = sorted.map((i) => `${i.file ?? fileName}:${i.line ?? "?"}: ${i.path ? `${i.path}: ` : ""}${i.message}`);
  return new InvalidInputError(`${fileName} is invalid (${sorted.length} problem${sorted.length === 1 ? "" : "s"}):\n${lines.join("\n")}`, sorted);
}

function toIssue(issue: z.core.$ZodIssue, fileName: string, lineOf: (p: readonly PathKey[]) => number | undefined): InputIssue {
  const path = issue.path.filter((k): k is PathKey => typeof k !== "symbol");
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) message = "required";
  else if (issue.code === "invalid_type") message = issue.message.replace(/^Invalid input: /, "");
  const keyPath = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
  return { path: formatPath(path), message, file: fileName, line: lineOf(keyPath) };
}

/** `models[1].replicas.max` */
export function formatPath(path: readonly PathKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), "");
}

/** Line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOfPath(doc: Document, lc: LineCounter, path: readonly PathKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    if (isNode(node) && node.range) {
      // For a map entry, point at the key rather than the value when we can.
      if (n > 0) {
        const parent = n === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
        const last = prefix[n - 1];
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === last);
          if (pair && isNode(pair.key) && pair.key.range) return lc.linePos(pair.key.range[0]).line;
        }
        if (isSeq(parent) && typeof last === "number") return lc.linePos(node.range[0]).line;
      }
      return lc.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

interface CrossIssue {
  path: PathKey[];
  message: string;
}

type Raw = Record<string, unknown>;
const asObject = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asNumber = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Checks that span several fields: unique names, pool references, scale-to-zero, MIG label mode.
 * Reads the raw parsed YAML defensively (fields of the wrong type are the schema's to report) and
 * applies the schema's defaults where it needs them (autoscaler `keda`, labelMode `nodePool`).
 */
function checkCrossReferences(data: unknown): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const root = asObject(data);
  const poolNames = new Set<string>();
  asArray(root["pools"]).forEach((value, i) => {
    const pool = asObject(value);
    const name = asString(pool["name"]);
    const nodes = asNumber(pool["nodes"]);
    const gpusPerNode = asNumber(pool["gpusPerNode"]);
    const mig = asObject(pool["mig"]);
    if (name !== undefined) {
      if (poolNames.has(name)) issues.push({ path: ["pools", i, "name"], message: `duplicate pool name '${name}'` });
      poolNames.add(name);
    }
    if (Array.isArray(pool["nodeNames"]) && nodes !== undefined && pool["nodeNames"].length !== nodes) {
      issues.push({ path: ["pools", i, "nodeNames"], message: `lists ${pool["nodeNames"].length} node names but the pool has nodes: ${nodes}` });
    }
    if (mig["enabled"] === true && mig["labelMode"] === "nodeLabels" && pool["nodeNames"] === undefined) {
      issues.push({ path: ["pools", i, "mig", "labelMode"], message: "labelMode nodeLabels needs nodeNames (one per node) to label each node" });
    }
    const quota = asNumber(pool["quotaGpus"]);
    if (quota !== undefined && nodes !== undefined && gpusPerNode !== undefined && quota > nodes * gpusPerNode) {
      issues.push({ path: ["pools", i, "quotaGpus"], message: `quotaGpus ${quota} exceeds the pool's ${nodes * gpusPerNode} GPUs` });
    }
  });
  const modelNames = new Set<string>();
  const served = new Map<string, string>();
  const models = asArray(root["models"]).map(asObject);
  models.forEach((model, i) => {
    const name = asString(model["name"]);
    if (name !== undefined) {
      if (modelNames.has(name)) issues.push({ path: ["models", i, "name"], message: `duplicate model name '${name}'` });
      modelNames.add(name);
      const servedName = asString(model["servedModelName"]) ?? name;
      const other = served.get(servedName);
      if (other !== undefined) issues.push({ path: ["models", i, "servedModelName"], message: `served model name '${servedName}' is also used by model '${other}'; alerts could not tell them apart` });
      served.set(servedName, name);
    }
    const pool = asString(model["pool"]);
    if (pool !== undefined && Array.isArray(root["pools"]) && !poolNames.has(pool)) {
      issues.push({ path: ["models", i, "pool"], message: `no pool named '${pool}' (pools: ${[...poolNames].join(", ")})` });
    }
    const autoscaler = model["autoscaler"] ?? "keda";
    const replicas = asObject(model["replicas"]);
    const wakeUp = model["wakeUp"] ?? null;
    if (autoscaler === "keda" && replicas["min"] === 0 && wakeUp === null) {
      issues.push({
        path: ["models", i, "replicas", "min"],
        message:
          "replicas.min 0 needs a wakeUp trigger ({query, threshold}) on a metric that exists with no model pods (a router or gateway request rate): at 0 replicas no vLLM pod exports vllm:* metrics, so KEDA could never wake the model",
      });
    }
    if (autoscaler === "none" && replicas["min"] === 0 && (asNumber(replicas["initial"]) ?? 0) === 0) {
      issues.push({ path: ["models", i, "replicas"], message: "autoscaler none with replicas.min 0 and no initial would never run a replica" });
    }
  });
  const cluster = asObject(root["cluster"]);
  if (models.some((m) => (m["autoscaler"] ?? "keda") === "keda") && asObject(cluster["prometheus"])["serverAddress"] === undefined && root["cluster"] !== undefined) {
    issues.push({ path: ["cluster", "prometheus", "serverAddress"], message: "required when any model uses autoscaler keda (KEDA's Prometheus scaler queries it)" });
  }
  if (root["cluster"] !== undefined && asObject(cluster["argocd"])["repoURL"] === undefined) {
    issues.push({ path: ["cluster", "argocd", "repoURL"], message: "required: the rendered Argo CD Application points at this repository" });
  }
  return issues;
}
