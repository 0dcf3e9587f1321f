/**
 * A small check of `kustomization.yaml` (kustomize.config.k8s.io/v1beta1 Kustomization): known
 * top-level fields only (a typo is an error, kustomize rejects unknown fields too), the shapes of the
 * fields vllm-gitops writes, and resources that exist among the files being validated.
 * Field list: sigs.k8s.io/kustomize `api/types/kustomization.go`.
 */
import { posix } from "node:path";
import { z } from "zod";
import type { FieldProblem } from "./types.js";

/** apiVersion of the Kustomization files vllm-gitops writes. */
export const KUSTOMIZATION_API_VERSION = "kustomize.config.k8s.io/v1beta1";

const stringMap = z.record(z.string(), z.string());
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/"), "must be a relative path");

const kustomizationSchema = z.strictObject({
  apiVersion: z.literal(KUSTOMIZATION_API_VERSION),
  kind: z.literal("Kustomization"),
  metadata: z.strictObject({ name: z.string().optional(), namespace: z.string().optional(), labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
  resources: z
    .array(relativePath)
    .refine((list) => new Set(list).size === list.length, "must not list a resource twice")
    .optional(),
  components: z.array(relativePath).optional(),
  namespace: z.string().optional(),
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  labels: z
    .array(z.strictObject({ pairs: stringMap, includeSelectors: z.boolean().optional(), includeTemplates: z.boolean().optional(), fields: z.array(z.unknown()).optional() }))
    .optional(),
  patches: z
    .array(
      z.strictObject({
        path: z.string().optional(),
        patch: z.string().optional(),
        target: z.record(z.string(), z.string()).optional(),
        options: z.record(z.string(), z.boolean()).optional(),
      }),
    )
    .optional(),
  images: z
    .array(z.strictObject({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional(), digest: z.string().optional(), tagSuffix: z.string().optional() }))
    .optional(),
  replicas: z.array(z.strictObject({ name: z.string(), count: z.number().int().min(0) })).optional(),
  // Present in kustomize but not written by vllm-gitops: accepted with any shape.
  configMapGenerator: z.unknown().optional(),
  secretGenerator: z.unknown().optional(),
  generatorOptions: z.unknown().optional(),
  generators: z.unknown().optional(),
  transformers: z.unknown().optional(),
  validators: z.unknown().optional(),
  crds: z.unknown().optional(),
  openapi: z.unknown().optional(),
  buildMetadata: z.unknown().optional(),
  sortOptions: z.unknown().optional(),
  helmCharts: z.unknown().optional(),
  helmGlobals: z.unknown().optional(),
  replacements: z.unknown().optional(),
  patchesStrategicMerge: z.unknown().optional(),
  patchesJson6902: z.unknown().optional(),
  vars: z.unknown().optional(),
  bases: z.unknown().optional(),
  configurations: z.unknown().optional(),
});

/** A resource entry kustomize fetches remotely (not a local path to check). */
function isRemote(resource: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(resource) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(resource) || resource.startsWith("git@");
}

/**
 * Problems of one Kustomization document at `path`. `files` is every file being validated: a local
 * resource must be one of them, or a directory holding a `kustomization.yaml` among them.
 */
export function validateKustomization(object: unknown, path: string, files: ReadonlySet<string>): FieldProblem[] {
  const result = kustomizationSchema.safeParse(object);
  if (!result.success) {
    return result.error.issues.flatMap((issue): FieldProblem[] => {
      const at = issue.path.filter((s): s is string | number => typeof s !== "symbol");
      if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ at: [...at, key], message: "unknown field" }));
      return [{ at, message: issue.message }];
    });
  }
  const dir = posix.dirname(path);
  const problems: FieldProblem[] = [];
  (result.data.resources ?? []).forEach((resource, index) => {
    if (isRemote(resource)) return;
    const target = posix.normalize(posix.join(dir, resource));
    const found = files.has(target) || ["kustomization.yaml", "kustomization.yml", "Kustomization"].some((name) => files.has(posix.join(target, name)));
    if (!found) problems.push({ at: ["resources", index], message: `resource ${resource} is not among the files (nor a directory with a kustomization.yaml)` });
  });
  return problems;
}
