/**
 * Kubernetes core objects, validated with kubernetes-models 4.5.1 (its models embed the Kubernetes
 * OpenAPI schema as precompiled ajv validators) plus unknown-field detection
 * (./track-unknown-fields.ts). Pinned to 4.5.1: 5.x needs Node ≥ 22 (TOOLCHAIN.md).
 */
import type { ErrorObject } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Node } from "kubernetes-models/v1/Node";
import { Service } from "kubernetes-models/v1/Service";
import { withUnknownFieldTracking } from "./track-unknown-fields.js";
import { segmentsOfPointer, type FieldProblem } from "./types.js";

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

/** The core kinds vllm-gitops renders ("apiVersion kind" → model class). */
const CORE_MODELS: ReadonlyMap<string, ModelClass> = new Map(
  [Deployment, Service, ConfigMap, Node, Namespace, PriorityClass].map((model) => [`${model.apiVersion} ${model.kind}`, model as ModelClass]),
);

/** Core kinds without a namespace. */
export const CLUSTER_SCOPED_CORE_KINDS: ReadonlySet<string> = new Set(["Node", "Namespace", "PriorityClass"]);

/** "apiVersion kind" keys of the core kinds we validate, e.g. `apps/v1 Deployment`. */
export function coreKindKeys(): readonly string[] {
  return [...CORE_MODELS.keys()];
}

/** True when `apiVersion kind` is a core kind we validate. */
export function isCoreKind(apiVersion: string, kind: string): boolean {
  return CORE_MODELS.has(`${apiVersion} ${kind}`);
}

/** Messages for ajv errors, shared with the CRD validator. */
export function describeAjvError(error: ErrorObject, root: unknown): FieldProblem {
  const at = segmentsOfPointer(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { at: [...at, String(params.missingProperty)], message: "required field is missing" };
    case "additionalProperties":
      return { at: [...at, String(params.additionalProperty)], message: "unknown field" };
    case "enum":
      return { at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      return { at, message: `must be ${String(params.type)}` };
    default:
      return { at, message: error.message ?? error.keyword };
  }
}

function ajvErrorsOf(error: unknown): ErrorObject[] | undefined {
  if (typeof error === "object" && error !== null && "errors" in error && Array.isArray(error.errors)) return error.errors as ErrorObject[];
  return undefined;
}

/**
 * Validates one core object: the kubernetes-models schema (types, required fields, enums) and
 * unknown fields. The object must have the apiVersion and kind of a core kind ({@link isCoreKind}).
 * Returns problems; never throws for bad input.
 */
export function validateCoreObject(object: Readonly<Record<string, unknown>>): FieldProblem[] {
  const model = CORE_MODELS.get(`${String(object.apiVersion)} ${String(object.kind)}`);
  if (model === undefined) return [{ at: ["kind"], message: "not a core kind this validator knows" }];
  const problems: FieldProblem[] = [];
  const unknown = withUnknownFieldTracking(object, (view) => {
    try {
      // The model's validate() runs its precompiled ajv function on `this`; calling it on the view
      // (instead of `new Model(object)`, which deep-copies) lets the tracker see what it reads.
      model.prototype.validate.call(view);
    } catch (error) {
      const errors = ajvErrorsOf(error);
      if (errors === undefined) throw error;
      problems.push(...errors.map((e) => describeAjvError(e, object)));
    }
  });
  return [...problems, ...unknown.filter((p) => !isDroppedField(String(object.kind), p.at)), ...droppedFieldProblems(object)];
}

/**
 * Fields the kubernetes-models 4.5.1 generator lost: it strips every `description` key from the
 * OpenAPI schema, including properties *named* description, so their validators never read them.
 * Known per kind, each a string field.
 */
const DROPPED_STRING_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  PriorityClass: [["description"]],
};

function isDroppedField(kind: string, at: readonly (string | number)[]): boolean {
  return (DROPPED_STRING_FIELDS[kind] ?? []).some((path) => path.length === at.length && path.every((s, i) => s === at[i]));
}

function droppedFieldProblems(object: Readonly<Record<string, unknown>>): FieldProblem[] {
  return (DROPPED_STRING_FIELDS[String(object.kind)] ?? []).flatMap((path) => {
    let value: unknown = object;
    for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return value === undefined || typeof value === "string" ? [] : [{ at: [...path], message: "must be string" }];
  });
}
