/**
 * The extracted CRD schemas (see ./SOURCES.md), imported statically so bundlers inline them.
 * Typed as `object` on purpose: letting TypeScript infer a type for ~0.5 MB of JSON buys nothing.
 */
import application from "./argoproj.io_v1alpha1_application.json" with { type: "json" };
import scaledObject from "./keda.sh_v1alpha1_scaledobject.json" with { type: "json" };
import rayCluster from "./ray.io_v1_raycluster.json" with { type: "json" };
import podGroup from "./scheduling.x-k8s.io_v1alpha1_podgroup.json" with { type: "json" };

/** schemaFile (as in CRD_KINDS) → JSON schema. */
export const CRD_SCHEMAS: Readonly<Record<string, object>> = {
  "argoproj.io_v1alpha1_application.json": application,
  "keda.sh_v1alpha1_scaledobject.json": scaledObject,
  "ray.io_v1_raycluster.json": rayCluster,
  "scheduling.x-k8s.io_v1alpha1_podgroup.json": podGroup,
};
