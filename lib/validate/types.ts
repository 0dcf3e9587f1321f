/** One thing wrong with a manifest: which file and object, which field, and why. */
export interface ManifestProblem {
  /** File path, as the key of the map given to `validateManifests` (e.g. `clusters/prod/llm/m/scaledobject.yaml`). */
  readonly path: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** The object's `kind`, or "" when unknown (unparseable document). */
  readonly kind: string;
  /** The object's `metadata.name`, or "". */
  readonly name: string;
  /** The field, dotted with indices (`spec.triggers[0].metadata`); "" for the whole document. */
  readonly field: string;
  /** What is wrong, starting with the field when there is one. */
  readonly message: string;
  /** 1-based line of the field (or of the nearest enclosing node that exists) in the file, when known. */
  readonly line?: number;
}

/** A problem inside one object, before file, document and line are attached. */
export interface FieldProblem {
  /** Path segments from the object root (strings for keys, numbers for list indices). */
  readonly at: readonly (string | number)[];
  readonly message: string;
}

/** `spec.triggers[0].metadata` from `["spec", "triggers", 0, "metadata"]`. */
export function formatFieldPath(at: readonly (string | number)[]): string {
  let out = "";
  for (const segment of at) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Path segments from an ajv `instancePath` JSON pointer (`/spec/triggers/0` → `["spec", "triggers", 0]`). */
export function segmentsOfPointer(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const segments: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}
