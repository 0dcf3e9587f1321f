/**
 * Unknown-field detection for validators that only *read* the fields they know, such as the
 * precompiled ajv validators inside kubernetes-models (which let unknown fields pass, TOOLCHAIN.md).
 *
 * The validator runs on a Proxy of the object that records, per nested object, which keys it read
 * and whether it enumerated the keys. Afterwards:
 * - an object whose keys were enumerated is a map (labels, resources.limits, data…): any key is fine;
 * - an object the validator never touched is free-form (RawExtension, or below a type error): skipped;
 * - otherwise every own key the validator never read is unknown to the schema.
 * That mirrors what the API server does on a strict decode (`kubectl apply --validate=strict`).
 */
import type { FieldProblem } from "./types.js";

interface Visit {
  readonly read: Set<string>;
  enumerated: boolean;
}

/** Runs `validate` on a recording view of `value` and returns the unknown fields it implies. */
export function withUnknownFieldTracking<T>(value: T, validate: (view: T) => void): FieldProblem[] {
  const visits = new Map<object, Visit>();
  const views = new WeakMap<object, object>();

  function view(target: unknown): unknown {
    if (typeof target !== "object" || target === null) return target;
    const cached = views.get(target);
    if (cached !== undefined) return cached;
    // The visit starts at the validator's first look *into* the object, not when it is handed over.
    const visitOf = (): Visit => {
      let visit = visits.get(target);
      if (visit === undefined) {
        visit = { read: new Set(), enumerated: false };
        visits.set(target, visit);
      }
      return visit;
    };
    const proxy = new Proxy(target, {
      get(t, key) {
        if (typeof key === "string") visitOf().read.add(key);
        return view(Reflect.get(t, key));
      },
      ownKeys(t) {
        visitOf().enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    views.set(target, proxy);
    return proxy;
  }

  validate(view(value) as T);

  const problems: FieldProblem[] = [];
  function walk(node: unknown, at: (string | number)[]): void {
    if (typeof node !== "object" || node === null) return;
    const visit = visits.get(node);
    if (visit === undefined) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i]));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (!visit.enumerated && !visit.read.has(key)) problems.push({ at: [...at, key], message: "unknown field" });
      else walk(child, [...at, key]);
    }
  }
  walk(value, []);
  return problems;
}
