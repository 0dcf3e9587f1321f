/**
 * Deterministic YAML text for rendered manifests (STYLE.md principle 4): map keys sorted by code unit,
 * arrays kept in the order the renderers build them, no line folding, no anchors or aliases.
 */
import { Document, isScalar, isSeq, visit } from "yaml";

/**
 * A manifest or any other JSON-like value the renderers build. Readonly on purpose: renderers build fresh
 * objects and never mutate them after.
 */
export type YamlValue = string | number | boolean | null | undefined | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** A Kubernetes object as plain data (`apiVersion`, `kind`, `metadata`, …). */
export type Manifest = { readonly [key: string]: YamlValue };

/**
 * One YAML document, keys sorted. `undefined` values are left out (so optional fields can be written
 * as `field: condition ? value : undefined`).
 *
 * @param flowListKeys - keys whose list values are written in flow style (`devices: [0, 1]`), as the
 *   mig-parted examples do; the data model is the same either way.
 * @returns the text, ending with a newline
 */
export function toYaml(value: YamlValue, flowListKeys: readonly string[] = []): string {
  // aliasDuplicateObjects: false — a labels object used twice must be written twice, never as &a1/*a1.
  // version 1.1 — quote strings a YAML 1.1 reader takes for booleans or numbers ("on", "no", "0755"):
  // Kubernetes (sigs.k8s.io/yaml, go-yaml) and mig-parted read YAML 1.1; 1.2 readers get the same data.
  const doc = new Document(value, { version: "1.1", sortMapEntries: true, aliasDuplicateObjects: false });
  if (flowListKeys.length > 0) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && flowListKeys.includes(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
      },
    });
  }
  // lineWidth 0: no folding, so long PromQL and shell lines stay on one line whatever their length.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Several YAML documents in one file, separated by `---` lines, in the order given.
 * @returns the text, ending with a newline; empty when `values` is empty
 */
export function toYamlDocuments(values: readonly YamlValue[]): string {
  return values.map((v, i) => (i === 0 ? "" : "---\n") + toYaml(v)).join("");
}
