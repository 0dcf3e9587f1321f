/**
 * The runbook of shape changes (DESIGN.md 5.2, 5.4, 5.5): a model whose TP, PP, MIG profile or kind
 * changes gets new pods that need the GPUs of the new shape, and its serving capacity drops while the old
 * pods go. Written into the commit message of disruptive commits and proposals, after the re-slice
 * runbook (a new MIG profile needs its instances first). Pure.
 */
import { namespaceOf, type FleetConfig } from "../config/index.js";
import type { FleetPlan, ModelPlan, ReplicaShape } from "../planner/index.js";
import { MODEL_LABEL, ROLE_LABEL, multiNodeReplicaName, startupBudgetSeconds } from "../render/index.js";
import type { ModelShapeSummary } from "../state/index.js";

/** Label KubeRay puts on every pod of a RayCluster. */
const RAY_CLUSTER_LABEL = "ray.io/cluster";
/** Minutes to wait per pod: its startup budget (the startup probe's) plus 10. */
const minutesPerPod = (shape: ReplicaShape): number => startupBudgetSeconds(shape) / 60 + 10;

function label(shape: ModelShapeSummary | ReplicaShape | null): string {
  if (shape === null) return "no shape";
  if (shape.kind === "mig") return `MIG ${shape.migProfile}`;
  if (shape.kind === "gpu") return `TP ${shape.tensorParallelSize}`;
  return `TP ${shape.tensorParallelSize} × PP ${shape.pipelineParallelSize}`;
}

function changed(was: ModelShapeSummary, now: ReplicaShape | null): boolean {
  return (
    now === null ||
    was.kind !== now.kind ||
    was.migProfile !== (now.kind === "mig" ? now.migProfile : null) ||
    was.tensorParallelSize !== now.tensorParallelSize ||
    was.pipelineParallelSize !== now.pipelineParallelSize
  );
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function steps(config: FleetConfig, m: ModelPlan, was: ModelShapeSummary, index: number): string[] {
  const model = config.models.find((x) => x.name === m.model);
  const ns = model ? namespaceOf(model, config) : config.cluster.namespace;
  const shape = m.shape;
  const replicas = m.reservedReplicas;
  const head = `${index}. ${ns}/${m.model}: ${label(was)} → ${label(shape)}, ${plural(replicas, "replica")} reserved`;
  if (shape === null) return [head, `   no shape fits any more: Argo CD removes its pods (${m.shapeError ?? "see the plan"})`];
  const wasMulti = was.kind === "multi-node";
  if (shape.kind === "multi-node") {
    const lines = [
      `${head} (${replicas <= 1 ? `RayCluster ${multiNodeReplicaName(m.model, 0)}` : `RayClusters ${multiNodeReplicaName(m.model, 0)} … ${multiNodeReplicaName(m.model, replicas - 1)}`}: a head and ${plural(shape.pipelineParallelSize - 1, "worker pod")} each, gang-scheduled)`,
      `   each replica needs ${shape.pipelineParallelSize} whole free nodes of pool ${m.pool} (${shape.tensorParallelSize} nvidia.com/gpu per pod, all GPUs of its node)`,
      wasMulti
        ? "   KubeRay does not restart the pods of a changed RayCluster: recreate them one replica at a time (that replica serves nothing until its head is Ready):"
        : `   Argo CD deletes Deployment ${m.model} with all its pods (prune): ${m.model} serves nothing until the first RayCluster head is Ready`,
    ];
    for (let i = 0; i < replicas; i++) {
      const cluster = multiNodeReplicaName(m.model, i);
      if (wasMulti) lines.push(`   kubectl -n ${ns} delete pod -l ${RAY_CLUSTER_LABEL}=${cluster}`);
      lines.push(`   kubectl -n ${ns} wait pod -l ${RAY_CLUSTER_LABEL}=${cluster},${ROLE_LABEL}=head --for=condition=Ready --timeout=${minutesPerPod(shape)}m`);
    }
    return lines;
  }
  const needs = shape.kind === "mig" ? `one ${shape.resourceName} instance (the re-slice runbook above makes them)` : `${shape.tensorParallelSize} free nvidia.com/gpu on one node of pool ${m.pool}`;
  const capacity = wasMulti
    ? `   Argo CD deletes the RayClusters of ${m.model} (prune): ${m.model} serves nothing until its first new pod is Ready`
    : replicas <= 1
      ? `   rollout maxSurge 0, maxUnavailable 1: the old pod stops before the new one starts; with ${plural(replicas, "replica")}, ${m.model} serves nothing until its new pod is Ready`
      : `   rollout maxSurge 0, maxUnavailable 1: each old pod stops before its new one starts, so ${m.model} serves 1 replica fewer than the ${replicas} reserved until the rollout completes`;
  return [
    `${head} (Deployment ${m.model})`,
    `   each new pod needs ${needs} (the plan holds them)`,
    capacity,
    `   kubectl -n ${ns} rollout status deployment/${m.model} --timeout=${Math.max(1, replicas) * minutesPerPod(shape)}m`,
    `   kubectl -n ${ns} get pods -l ${MODEL_LABEL}=${m.model} -o wide   # every pod Running and Ready`,
  ];
}

/**
 * One block per model whose shape changes from `before` (the current state's shapes) to `plan`; models
 * new to the fleet are not changes. Empty when no shape changes.
 */
export function buildShapeRunbook(config: FleetConfig, before: Readonly<Record<string, ModelShapeSummary | null>>, plan: FleetPlan): string[] {
  const lines: string[] = [];
  let index = 0;
  for (const m of plan.models) {
    const was = before[m.model];
    if (was == null || !changed(was, m.shape)) continue;
    lines.push(...steps(config, m, was, ++index));
  }
  if (lines.length === 0) return [];
  return ["Shape runbook (TP, PP or MIG profile changes; one model at a time; KEDA may scale the models meanwhile):", ...lines];
}
