/**
 * Checks of `metadata` the OpenAPI schemas do not make but the API server does
 * (k8s.io/apimachinery `pkg/util/validation`): required names, name syntax per kind, namespace
 * syntax, label key/value syntax. For custom resources, also the ObjectMeta schema itself (their
 * CRDs declare `metadata` as a bare object).
 */
import { validateCoreObject } from "./core-objects.js";
import type { FieldProblem } from "./types.js";

/** DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ 63 characters. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1035 label (Service names): starts with a letter. */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: dot-separated DNS-1123 labels, ≤ 253 characters. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label value / label-key name part: ≤ 63, alphanumeric at both ends, `-_.` inside. */
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

type NameRule = "dns1123-label" | "dns1035-label" | "dns1123-subdomain";

/** How the API server checks `metadata.name`, per kind (default: DNS-1123 subdomain). */
const NAME_RULES: Readonly<Record<string, NameRule>> = { Namespace: "dns1123-label", Service: "dns1035-label" };

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case "dns1123-label":
      return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : "must be a DNS-1123 label (lower-case letters, digits, '-'; at most 63 characters)";
    case "dns1035-label":
      return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : "must be a DNS-1035 label (starts with a letter; lower-case letters, digits, '-'; at most 63 characters)";
    case "dns1123-subdomain":
      return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined : "must be a DNS-1123 subdomain (lower-case letters, digits, '-', '.'; at most 253 characters)";
  }
}

/** Label or annotation key: `[prefix/]name`, prefix a DNS-1123 subdomain ≤ 253, name ≤ 63. */
function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return "key prefix must be a DNS-1123 subdomain";
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return "key name must be at most 63 characters: alphanumerics at both ends, '-', '_', '.' inside";
  return undefined;
}

/** Problems of one label map (`metadata.labels`, `matchLabels`, a Service selector). */
export function checkLabels(labels: unknown, at: readonly (string | number)[]): FieldProblem[] {
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) return [];
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const badKey = keyProblem(key);
    if (badKey !== undefined) problems.push({ at: [...at, key], message: `label ${badKey}` });
    if (typeof value === "string" && value !== "" && (value.length > 63 || !QUALIFIED_NAME_PART.test(value))) {
      problems.push({ at: [...at, key], message: "label value must be at most 63 characters: alphanumerics at both ends, '-', '_', '.' inside" });
    }
  }
  return problems;
}

/** Label maps below `spec` of workloads: every `…metadata.labels`, `matchLabels`, and a Service's `spec.selector`. */
function nestedLabelMaps(kind: string, spec: unknown): FieldProblem[] {
  if (kind === "Service") return checkLabels((spec as { selector?: unknown } | undefined)?.selector, ["spec", "selector"]);
  if (kind !== "Deployment" && kind !== "RayCluster") return [];
  const problems: FieldProblem[] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, [...at, i]));
    if (typeof node !== "object" || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === "matchLabels") problems.push(...checkLabels(child, [...at, key]));
      else if (key === "metadata" && typeof child === "object" && child !== null) problems.push(...checkLabels((child as { labels?: unknown }).labels, [...at, key, "labels"]));
      else walk(child, [...at, key]);
    }
  };
  walk(spec, ["spec"]);
  return problems;
}

/** The ObjectMeta schema of kubernetes-models, applied by validating a ConfigMap that only has this metadata. */
function objectMetaProblems(metadata: unknown): FieldProblem[] {
  return validateCoreObject({ apiVersion: "v1", kind: "ConfigMap", metadata }).filter((p) => p.at[0] === "metadata");
}

/**
 * Metadata problems of one object of `kind`.
 * @param customResource also check `metadata` against the ObjectMeta schema (CRDs leave it open).
 * @param clusterScoped `metadata.namespace` must be absent.
 */
export function checkMetadata(object: Readonly<Record<string, unknown>>, kind: string, options: { customResource: boolean; clusterScoped: boolean }): FieldProblem[] {
  const metadata = object.metadata;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return [{ at: ["metadata"], message: metadata === undefined ? "required field is missing" : "must be object" }];
  }
  const meta = metadata as { name?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown };
  const problems: FieldProblem[] = options.customResource ? objectMetaProblems(metadata) : [];
  if (meta.name === undefined) problems.push({ at: ["metadata", "name"], message: "required field is missing" });
  else if (typeof meta.name === "string") {
    const bad = nameProblem(meta.name, NAME_RULES[kind] ?? "dns1123-subdomain");
    if (bad !== undefined) problems.push({ at: ["metadata", "name"], message: bad });
  }
  if (options.clusterScoped && meta.namespace !== undefined) problems.push({ at: ["metadata", "namespace"], message: `must not be set: ${kind} is cluster-scoped` });
  else if (typeof meta.namespace === "string") {
    const bad = nameProblem(meta.namespace, "dns1123-label");
    if (bad !== undefined) problems.push({ at: ["metadata", "namespace"], message: bad });
  }
  problems.push(...checkLabels(meta.labels, ["metadata", "labels"]));
  if (typeof meta.annotations === "object" && meta.annotations !== null) {
    for (const key of Object.keys(meta.annotations)) {
      const bad = keyProblem(key);
      if (bad !== undefined) problems.push({ at: ["metadata", "annotations", key], message: `annotation ${bad}` });
    }
  }
  problems.push(...nestedLabelMaps(kind, object.spec));
  return problems;
}
