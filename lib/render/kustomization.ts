/**
 * `clusters/<cluster>/kustomization.yaml`: the list of resource files Argo CD builds for the cluster.
 */
import type { Manifest } from "./yaml-text.js";

/**
 * A Kustomization (kustomize.config.k8s.io/v1beta1) listing `resources` relative to the cluster folder,
 * sorted. The caller leaves out `argocd/`: the Application is applied by the app-of-apps, and listing it
 * here would make the Application manage itself.
 */
export function renderKustomization(resourcePaths: readonly string[]): Manifest {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [...resourcePaths].sort(),
  };
}
