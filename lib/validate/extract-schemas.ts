/**
 * Extracts the served `openAPIV3Schema` of each CRD in {@link CRD_KINDS} into
 * `lib/validate/schemas/*.json` (descriptions removed: they are most of the bytes and validate
 * nothing). Run after updating a CRD in test/fixtures/crds/:
 *
 *   npx tsx lib/validate/extract-schemas.ts            # rewrite lib/validate/schemas/
 *   npx tsx lib/validate/extract-schemas.ts --check    # exit 1 if a committed schema is stale
 *
 * `extractCrdSchema` is pure; a unit test compares its output with the committed files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { InvalidInputError } from "../errors.js";
import { CRD_KINDS, type CrdKind } from "./crd-kinds.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SCHEMA_MAPS = ["properties", "patternProperties", "definitions"] as const;
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"] as const;
const SCHEMA_VALUES = ["not", "additionalProperties", "items", "additionalItems"] as const;

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies a JSON schema without `description` keywords, walking only schema positions (a property named "description" stays). */
export function stripDescriptions(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "description") continue;
    if ((SCHEMA_MAPS as readonly string[]).includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripDescriptions(v)]));
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map(stripDescriptions);
    } else if ((SCHEMA_VALUES as readonly string[]).includes(key)) {
      out[key] = Array.isArray(value) ? value.map(stripDescriptions) : stripDescriptions(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The JSON schema text of `kind`'s served version in one CRD file, with a `$comment` naming its source.
 * @throws InvalidInputError when the CRD is not the expected group/kind or does not serve the version.
 */
export function extractCrdSchema(crdText: string, kind: CrdKind): string {
  const crd = parse(crdText) as {
    kind?: string;
    spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; deprecated?: boolean; schema?: { openAPIV3Schema?: Json } }[] };
  };
  const [group, version] = kind.apiVersion.split("/") as [string, string];
  if (crd.kind !== "CustomResourceDefinition" || crd.spec?.group !== group || crd.spec.names?.kind !== kind.kind) {
    throw new InvalidInputError("not the expected CustomResourceDefinition", [{ path: kind.crdFile, message: `expected ${kind.apiVersion} ${kind.kind}` }]);
  }
  const served = crd.spec.versions?.find((v) => v.name === version);
  const schema = served?.schema?.openAPIV3Schema;
  if (served?.served !== true || served.deprecated === true || !isObject(schema)) {
    throw new InvalidInputError("the CRD does not serve this version with a schema", [{ path: kind.crdFile, message: `version ${version}` }]);
  }
  const stripped = stripDescriptions(schema);
  const withSource = { $comment: `${kind.apiVersion} ${kind.kind}: openAPIV3Schema of ${kind.source}, Apache-2.0; descriptions removed by lib/validate/extract-schemas.ts`, ...(stripped as object) };
  return `${JSON.stringify(withSource, null, 1)}\n`;
}

function main(argv: readonly string[]): number {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  const { values } = parseArgs({
    args: [...argv],
    options: {
      crds: { type: "string", default: join(root, "test/fixtures/crds") },
      out: { type: "string", default: join(root, "lib/validate/schemas") },
      check: { type: "boolean", default: false },
    },
  });
  let stale = 0;
  for (const kind of CRD_KINDS) {
    const text = extractCrdSchema(readFileSync(join(values.crds, kind.crdFile), "utf8"), kind);
    const target = join(values.out, kind.schemaFile);
    if (values.check) {
      let current = "";
      try {
        current = readFileSync(target, "utf8");
      } catch {
        current = "";
      }
      if (current !== text) {
        stale += 1;
        console.error(`stale: ${target}`);
      }
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${target}`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
