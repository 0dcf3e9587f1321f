/**
 * The whole rendered branch content for one cluster (DESIGN.md 4): path → YAML body, without the
 * generated-by header (the controller adds it per changed file). Pure and deterministic: the same config
 * and plan give the same bytes, whatever the order of models and pools.
 */
import { namespaceOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import { InvalidInputError, InvariantError } from "../errors.js";
import type { FleetPlan, ModelPlan } from "../planner/types.js";
import { renderApplication, type KedaManagedDeployment } from "./argocd-application.js";
import { checkRenderable } from "./check-renderable.js";
import { renderDeployment } from "./deployment.js";
import { renderKustomization } from "./kustomization.js";
import { nodeMigConfigs, renderMigNodeLabels, renderMigPartedConfigMap } from "./mig-parted.js";
import { clusterDir, modelDir } from "./names.js";
import { renderPriorityClasses } from "./priority-classes.js";
import { renderPodGroup, renderRayCluster } from "./ray-cluster.js";
import { renderScaledObject } from "./scaled-object.js";
import { renderService } from "./service.js";
import { toYaml, toYamlDocuments } from "./yaml-text.js";

/** What `renderFleet` renders from: the validated config and the planner's plan for it. */
export interface RenderFleetInput {
  readonly config: FleetConfig;
  readonly plan: FleetPlan;
}

/**
 * Renders every file under `clusters/<cluster>/`, keys in code-unit order:
 * - per model with a shape, in `<namespace>/<model>/`: `service.yaml`; for MIG and whole-GPU shapes
 *   `deployment.yaml` and, under KEDA, `scaledobject.yaml`; for multi-node shapes `raycluster.yaml` and
 *   `podgroup.yaml`, one YAML document per replica (`<model>-0`, `<model>-1`, …; absent at 0 replicas);
 * - `priorityclasses.yaml` (when `cluster.priorityClasses` and a model is rendered);
 * - per MIG pool, `gpu/<pool>/mig-parted-config.yaml` and `gpu/<pool>/mig-node-labels.yaml`;
 * - `kustomization.yaml` listing all of the above, and `argocd/application.yaml` (not listed).
 *
 * A model whose plan has no shape renders nothing (its objects are pruned): no resources can be written
 * for it, and the plan carries the reason (`shapeError`). A shaped model with 0 reserved replicas is
 * rendered: `autoscaler: none` as `replicas: 0`, KEDA as described in `renderScaledObject`.
 *
 * @throws InvalidInputError listing every problem of `checkRenderable` (call it first to show them as values)
 * @throws InvariantError when the plan and the config disagree about which models or MIG pools exist
 */
export function renderFleet(input: RenderFleetInput): Map<string, string> {
  const { config, plan } = input;
  const issues = checkRenderable(config);
  if (issues.length > 0) throw new InvalidInputError("fleet.yaml cannot be rendered into working manifests", issues);
  const plans = modelPlansByName(config, plan);
  const root = clusterDir(config.cluster.name);
  const files = new Map<string, string>();
  const kedaDeployments: KedaManagedDeployment[] = [];
  const priorities: number[] = [];

  for (const model of config.models) {
    const modelPlan = plans.get(model.name);
    if (modelPlan === undefined || modelPlan.shape === null) continue;
    const shape = modelPlan.shape;
    const dir = modelDir(config.cluster.name, namespaceOf(model, config), model.name);
    priorities.push(model.priority);
    files.set(`${dir}/service.yaml`, toYaml(renderService(model, shape, config)));
    if (shape.kind === "multi-node") {
      const indices = Array.from({ length: modelPlan.reservedReplicas }, (_, i) => i);
      if (indices.length === 0) continue;
      files.set(`${dir}/raycluster.yaml`, toYamlDocuments(indices.map((i) => renderRayCluster(model, shape, i, config))));
      files.set(`${dir}/podgroup.yaml`, toYamlDocuments(indices.map((i) => renderPodGroup(model, shape, i, config))));
      continue;
    }
    files.set(`${dir}/deployment.yaml`, toYaml(renderDeployment(model, modelPlan, shape, config)));
    if (model.autoscaler === "keda") {
      files.set(`${dir}/scaledobject.yaml`, toYaml(renderScaledObject(model, modelPlan, shape, config)));
      kedaDeployments.push({ namespace: namespaceOf(model, config), name: model.name });
    }
  }

  if (config.cluster.priorityClasses && priorities.length > 0) {
    files.set(`${root}/priorityclasses.yaml`, toYamlDocuments(renderPriorityClasses(priorities)));
  }

  for (const pool of config.pools) {
    if (!pool.mig.enabled) continue;
    const placement = plan.placement.find((p) => p.pool === pool.name);
    if (placement === undefined) throw new InvariantError("a MIG pool has no placement in the plan", { pool: pool.name });
    if (placement.nodes.length === 0) continue;
    const nodes = nodeMigConfigs(placement);
    files.set(`${root}/gpu/${pool.name}/mig-parted-config.yaml`, toYaml(renderMigPartedConfigMap(pool, nodes)));
    files.set(`${root}/gpu/${pool.name}/mig-node-labels.yaml`, toYamlDocuments(renderMigNodeLabels(pool, nodes)));
  }

  const resources = [...files.keys()].map((path) => path.slice(root.length + 1));
  files.set(`${root}/kustomization.yaml`, toYaml(renderKustomization(resources)));
  files.set(`${root}/argocd/application.yaml`, toYaml(renderApplication(config, kedaDeployments)));

  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The plan of every configured model, by name; the plan must cover exactly the configured models. */
function modelPlansByName(config: FleetConfig, plan: FleetPlan): Map<string, ModelPlan> {
  const byName = new Map(plan.models.map((m) => [m.model, m]));
  const configured = new Set(config.models.map((m: ModelConfig) => m.name));
  const missing = [...configured].filter((name) => !byName.has(name)).sort();
  const unknown = [...byName.keys()].filter((name) => !configured.has(name)).sort();
  if (missing.length > 0 || unknown.length > 0) {
    throw new InvariantError("the plan does not cover exactly the configured models", { missing, unknown });
  }
  for (const model of config.models) {
    const modelPlan = byName.get(model.name);
    if (modelPlan !== undefined && modelPlan.pool !== model.pool) {
      throw new InvariantError("a model's plan is for another pool than its config", { model: model.name, configPool: model.pool, planPool: modelPlan.pool });
    }
  }
  return byName;
}
