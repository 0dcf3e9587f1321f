/**
 * The cluster's child Argo CD Application (DESIGN.md 4), applied by the static app-of-apps in `manifests/`,
 * which points at `clusters/<cluster>/argocd/`.
 */
import type { FleetConfig } from "../config/index.js";
import { InvariantError } from "../errors.js";
import { clusterDir, fleetLabels } from "./names.js";
import type { Manifest } from "./yaml-text.js";

/** A Deployment whose `spec.replicas` KEDA owns. */
export interface KedaManagedDeployment {
  readonly namespace: string;
  readonly name: string;
}

/** The in-cluster API server address Argo CD uses for the cluster it runs in. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";

/**
 * The Application `vllm-gitops-<cluster>`: source = the rendered branch at `clusters/<cluster>` (a
 * kustomization), destination = the cluster Argo CD runs in; automated sync with prune and self-heal
 * (`allowEmpty` stays false, so a render that lost every resource is not synced as a mass deletion).
 *
 * Argo CD must not fight KEDA (FIELD-REPORTS #8–#11): one `ignoreDifferences` entry **per KEDA-managed
 * Deployment** — `{group: apps, kind: Deployment, name, namespace, jsonPointers: [/spec/replicas]}` — plus the
 * sync option `RespectIgnoreDifferences=true` (without it a sync still re-applies the ignored field).
 * Never an Application-wide rule: it would freeze the replicas of `autoscaler: none` models.
 * No `resources-finalizer`: deleting the Application must not cascade to the running models.
 *
 * @param kedaDeployments - in any order; entries are sorted by namespace, then name
 * @throws InvariantError without `cluster.argocd.repoURL` (checkRenderable reports it first)
 */
export function renderApplication(config: FleetConfig, kedaDeployments: readonly KedaManagedDeployment[]): Manifest {
  const { argocd, name: cluster } = config.cluster;
  if (argocd.repoURL === undefined) throw new InvariantError("the Application reached the renderer without cluster.argocd.repoURL", { cluster });
  const ignoreDifferences = [...kedaDeployments]
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))
    .map(({ namespace, name }) => ({ group: "apps", kind: "Deployment", name, namespace, jsonPointers: ["/spec/replicas"] }));
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: `vllm-gitops-${cluster}`, namespace: argocd.namespace, labels: fleetLabels() },
    spec: {
      project: argocd.project,
      source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: clusterDir(cluster) },
      destination: { server: IN_CLUSTER_SERVER },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ["RespectIgnoreDifferences=true", "PruneLast=true"],
        retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
      },
      ignoreDifferences,
    },
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
