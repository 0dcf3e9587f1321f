/**
 * The custom resources vllm-gitops renders and validates against upstream CRD schemas, with where
 * each schema comes from (test/fixtures/crds/README.md; all Apache-2.0). One row per served version
 * we use; `lib/validate/extract-schemas.ts` turns each CRD into `schemas/<schemaFile>`.
 */
/** One custom resource kind and version we validate, and where its schema comes from. */
export interface CrdKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The CRD file under test/fixtures/crds/. */
  readonly crdFile: string;
  /** The extracted schema under lib/validate/schemas/. */
  readonly schemaFile: string;
  /** Upstream repository, path and snapshot commit of the CRD. */
  readonly source: string;
}

/** The custom resource kinds `validateManifests` checks against upstream CRD schemas. */
export const CRD_KINDS: readonly CrdKind[] = [
  {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    crdFile: "keda.sh_scaledobjects.yaml",
    schemaFile: "keda.sh_v1alpha1_scaledobject.json",
    source: "kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml @ 8b4f083ca8c8c2baf8477e322bd4d16ac4dfa09a (v2.20.1-117)",
  },
  {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    crdFile: "argoproj.io_applications.yaml",
    schemaFile: "argoproj.io_v1alpha1_application.json",
    source: "argoproj/argo-cd manifests/crds/application-crd.yaml @ 37ee0097cf851bc2dd7665fc081bbce61a7e836e (master)",
  },
  {
    apiVersion: "ray.io/v1",
    kind: "RayCluster",
    crdFile: "ray.io_rayclusters.yaml",
    schemaFile: "ray.io_v1_raycluster.json",
    source: "ray-project/kuberay ray-operator/config/crd/bases/ray.io_rayclusters.yaml @ feeaf72facab4881ba2b179248bb67315634e229 (v1.7.0-rc.0-5)",
  },
  {
    apiVersion: "scheduling.x-k8s.io/v1alpha1",
    kind: "PodGroup",
    crdFile: "scheduling.x-k8s.io_podgroups.yaml",
    schemaFile: "scheduling.x-k8s.io_v1alpha1_podgroup.json",
    source: "kubernetes-sigs/scheduler-plugins manifests/coscheduling/crd.yaml @ 903da7df82cb8794dda8f2d510ba1156111662dd (v0.35.4-devel-37)",
  },
];
