import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { CRD_KINDS } from "../../../lib/validate/crd-kinds.js";
import { KNOWN_CEL_RULES, closeStructuralSchema, hoistRepeatedSubschemas, isTransitionRule } from "../../../lib/validate/crd-objects.js";
import { extractCrdSchema, stripDescriptions } from "../../../lib/validate/extract-schemas.js";
import { CRD_SCHEMAS } from "../../../lib/validate/schemas/index.js";
import { withUnknownFieldTracking } from "../../../lib/validate/track-unknown-fields.js";

const crdText = (file: string) => readFileSync(new URL(`../../fixtures/crds/${file}`, import.meta.url), "utf8");
const schemaText = (file: string) => readFileSync(new URL(`../../../lib/validate/schemas/${file}`, import.meta.url), "utf8");

function celRulesOf(schema: unknown): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const own = Array.isArray((schema as Record<string, unknown>)["x-kubernetes-validations"])
    ? ((schema as Record<string, unknown>)["x-kubernetes-validations"] as { rule: string }[]).map((v) => v.rule)
    : [];
  return [...own, ...Object.values(schema).flatMap(celRulesOf)];
}

describe("bundled CRD schemas", () => {
  it.each(CRD_KINDS.map((k) => [k.schemaFile, k] as const))("%s equals the extraction from test/fixtures/crds", (_, kind) => {
    const extracted = extractCrdSchema(crdText(kind.crdFile), kind);

    expect(schemaText(kind.schemaFile)).toBe(extracted);
  });

  it.each(CRD_KINDS.map((k) => [k.crdFile] as const))("%s is the upstream file recorded in test/fixtures/crds/README.md (sha256)", (file) => {
    const sources = readFileSync(new URL("../../fixtures/crds/README.md", import.meta.url), "utf8");

    const digest = createHash("sha256").update(crdText(file)).digest("hex");

    expect(sources).toMatch(new RegExp(`\`${file.replace(/\./g, "\\.")}\` \\|.*\`${digest}\``));
  });

  it("bundles a schema for every custom resource kind", () => {
    expect(Object.keys(CRD_SCHEMAS).sort()).toEqual(CRD_KINDS.map((k) => k.schemaFile).sort());
  });

  it("implements every CEL rule of the bundled schemas, except transition rules (oldSelf)", () => {
    const rules = Object.values(CRD_SCHEMAS).flatMap(celRulesOf);

    const unhandled = rules.filter((rule) => !KNOWN_CEL_RULES.has(rule) && !isTransitionRule(rule));

    expect(rules.length).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });
});

describe("stripDescriptions", () => {
  it("drops description keywords but keeps a property named description", () => {
    const schema = {
      description: "top",
      properties: { description: { type: "string", description: "the field" }, items: { type: "array", items: { description: "x", type: "string" } } },
      default: { description: "a default value stays" },
    };

    expect(stripDescriptions(schema)).toEqual({
      properties: { description: { type: "string" }, items: { type: "array", items: { type: "string" } } },
      default: { description: "a default value stays" },
    });
  });
});

describe("closeStructuralSchema", () => {
  it("closes objects with properties, keeps preserve-unknown-fields and maps open, leaves anyOf branches alone", () => {
    const schema = {
      type: "object",
      properties: {
        spec: { type: "object", properties: { a: { type: "string" } } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } },
        labels: { type: "object", additionalProperties: { type: "object", properties: { b: { type: "string" } } } },
        list: { type: "array", items: { type: "object", properties: { c: { type: "string" } } } },
      },
      anyOf: [{ properties: { spec: { required: ["a"] } } }],
    };

    const closed = closeStructuralSchema(schema) as any;

    expect(closed.additionalProperties).toBe(false);
    expect(closed.properties.spec.additionalProperties).toBe(false);
    expect(closed.properties.free.additionalProperties).toBeUndefined();
    expect(closed.properties.labels.additionalProperties.additionalProperties).toBe(false);
    expect(closed.properties.list.items.additionalProperties).toBe(false);
    expect(closed.anyOf).toEqual(schema.anyOf);
  });
});

describe("withUnknownFieldTracking", () => {
  it("reports keys the validator never read, except in maps it enumerated and subtrees it never touched", () => {
    const object = { known: { inner: 1, extra: 2 }, map: { anything: 1 }, opaque: { whatever: 1 }, typo: 3 };

    const problems = withUnknownFieldTracking(object, (view: any) => {
      void view.known.inner;
      void Object.keys(view.map);
      void view.opaque;
    });

    expect(problems).toEqual([
      { at: ["known", "extra"], message: "unknown field" },
      { at: ["typo"], message: "unknown field" },
    ]);
  });
});

describe("hoistRepeatedSubschemas", () => {
  it("moves a repeated subschema into definitions once and leaves unique ones in place", () => {
    const pod = { type: "object", properties: { containers: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } } } };
    const schema = { type: "object", properties: { head: pod, worker: { type: "object", properties: { template: pod } }, other: { type: "string" } } };

    const hoisted = hoistRepeatedSubschemas(schema, JSON.stringify(pod).length) as any;

    expect(hoisted.properties.head).toEqual({ $ref: "#/definitions/s0" });
    expect(hoisted.properties.worker.properties.template).toEqual({ $ref: "#/definitions/s0" });
    expect(hoisted.definitions.s0).toEqual(pod);
    expect(hoisted.properties.other).toEqual({ type: "string" });
  });
});
