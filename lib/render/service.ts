/**
 * The Service in front of a model's serving pods: the Deployment's pods, or the Ray heads of a
 * multi-node model (only the head runs the HTTP server).
 */
import { namespaceOf, type FleetConfig, type ModelConfig } from "../config/index.js";
import type { ReplicaShape } from "../planner/types.js";
import { HTTP_PORT, MODEL_LABEL, ROLE_LABEL, modelLabels } from "./names.js";
import type { Manifest } from "./yaml-text.js";

/** A ClusterIP Service `<model>` on port 8000 (`http`), selecting the pods that serve the model. */
export function renderService(model: ModelConfig, shape: ReplicaShape, config: FleetConfig): Manifest {
  const selector: Record<string, string> = { [MODEL_LABEL]: model.name };
  if (shape.kind === "multi-node") selector[ROLE_LABEL] = "head";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: model.name, namespace: namespaceOf(model, config), labels: modelLabels(model.name) },
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
