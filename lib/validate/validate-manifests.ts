/**
 * Validates rendered manifests before they are committed (DESIGN.md §7: rendered manifests always
 * validate). Every YAML document of every `.yaml`/`.yml` file is checked:
 * - core objects (Deployment, Service, ConfigMap, Node partials, Namespace, PriorityClass) against
 *   kubernetes-models 4.5.1's schemas, plus unknown fields;
 * - ScaledObject, Application, RayCluster, PodGroup against the upstream CRD schemas, plus unknown
 *   fields, list keys and known CEL rules;
 * - Kustomization with a small zod schema and resource paths;
 * - names, namespaces and labels as the API server checks them; the same object twice;
 * - anything else (unknown apiVersion/kind, not a mapping, bad YAML) is a problem.
 * Pure apart from a module-level cache of compiled schemas (./crd-objects.ts).
 */
import { LineCounter, parseAllDocuments, type Document } from "yaml";
import { CLUSTER_SCOPED_CORE_KINDS, coreKindKeys, isCoreKind, validateCoreObject } from "./core-objects.js";
import { CRD_KINDS } from "./crd-kinds.js";
import { crdKindOf, validateCustomResource } from "./crd-objects.js";
import { KUSTOMIZATION_API_VERSION, validateKustomization } from "./kustomization.js";
import { checkMetadata } from "./metadata.js";
import { formatFieldPath, type FieldProblem, type ManifestProblem } from "./types.js";

/** YAML alias expansion limit (billion-laughs guard; STYLE.md "YAML parsed with alias limits"). */
const MAX_ALIAS_COUNT = 100;

function supportedKinds(): string[] {
  return [...coreKindKeys(), ...CRD_KINDS.map((k) => `${k.apiVersion} ${k.kind}`), `${KUSTOMIZATION_API_VERSION} Kustomization`];
}

/** 1-based line of the deepest node on `at` that exists in the document. */
function lineOf(doc: Document, lineCounter: LineCounter, at: readonly (string | number)[]): number | undefined {
  for (let depth = at.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(at.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function problemsOfObject(object: Readonly<Record<string, unknown>>, path: string, files: ReadonlySet<string>): FieldProblem[] {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [{ at: typeof apiVersion !== "string" ? ["apiVersion"] : ["kind"], message: "required field is missing or not a string" }];
  }
  if (apiVersion === KUSTOMIZATION_API_VERSION && kind === "Kustomization") return validateKustomization(object, path, files);
  if (isCoreKind(apiVersion, kind)) {
    return [...validateCoreObject(object), ...checkMetadata(object, kind, { customResource: false, clusterScoped: CLUSTER_SCOPED_CORE_KINDS.has(kind) })];
  }
  const crdKind = crdKindOf(apiVersion, kind);
  if (crdKind !== undefined) {
    return [...validateCustomResource(object, crdKind), ...checkMetadata(object, kind, { customResource: true, clusterScoped: false })];
  }
  const sameKind = supportedKinds().filter((k) => k.endsWith(` ${kind}`));
  const message =
    sameKind.length > 0
      ? `unsupported apiVersion ${apiVersion} for kind ${kind} (supported: ${sameKind.map((k) => k.split(" ")[0]).join(", ")})`
      : `unknown apiVersion/kind ${apiVersion} ${kind} (supported: ${supportedKinds().join("; ")})`;
  return [{ at: sameKind.length > 0 ? ["apiVersion"] : ["kind"], message }];
}

function dedupe(problems: readonly FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatFieldPath(p.at)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Problems of a set of manifest files (path → YAML text), in file order (sorted by path), then
 * document and field order. An empty list means every document validated. Files not ending in
 * `.yaml`/`.yml` are ignored (e.g. `.vllm-gitops/state.json`). Never throws for bad input.
 */
export function validateManifests(files: ReadonlyMap<string, string>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const paths = new Set(files.keys());
  const identities = new Map<string, string>();

  for (const path of [...files.keys()].sort()) {
    if (!/\.ya?ml$/.test(path)) continue;
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(files.get(path) ?? "", { lineCounter, uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [];

    list.forEach((doc, document) => {
      const base = { path, document };
      if (doc.errors.length > 0) {
        // The first error is the one to fix; the rest usually follow from it.
        const [first] = doc.errors;
        const line = first?.linePos?.[0]?.line;
        const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML errors)` : "";
        problems.push({ ...base, kind: "", name: "", field: "", message: `invalid YAML: ${first?.message.split("\n")[0] ?? ""}${more}`, ...(line === undefined ? {} : { line }) });
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        problems.push({ ...base, kind: "", name: "", field: "", message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      if (value === null || value === undefined) return; // an empty document (e.g. a trailing `---`)
      if (typeof value !== "object" || Array.isArray(value)) {
        const line = lineOf(doc, lineCounter, []);
        problems.push({ ...base, kind: "", name: "", field: "", message: "a manifest document must be a mapping (a Kubernetes object)", ...(line === undefined ? {} : { line }) });
        return;
      }
      const object = value as Record<string, unknown>;
      const kind = typeof object.kind === "string" ? object.kind : "";
      const metadata = typeof object.metadata === "object" && object.metadata !== null ? (object.metadata as Record<string, unknown>) : {};
      const name = typeof metadata.name === "string" ? metadata.name : "";

      const found = dedupe(problemsOfObject(object, path, paths));
      if (kind !== "" && name !== "" && kind !== "Kustomization") {
        const identity = `${String(object.apiVersion)} ${kind} ${typeof metadata.namespace === "string" ? metadata.namespace : ""}/${name}`;
        const first = identities.get(identity);
        if (first === undefined) identities.set(identity, `${path}#${document}`);
        else found.push({ at: ["metadata", "name"], message: `the same object is already defined in ${first}` });
      }
      for (const problem of found) {
        const field = formatFieldPath(problem.at);
        const line = lineOf(doc, lineCounter, problem.at);
        problems.push({ ...base, kind, name, field, message: field === "" ? problem.message : `${field}: ${problem.message}`, ...(line === undefined ? {} : { line }) });
      }
    });
  }
  return problems;
}
