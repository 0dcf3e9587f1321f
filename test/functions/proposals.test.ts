// Disruptive plans under policy.approval: pr — proposed on a branch off the rendered head, never
// committed to the rendered branch — and the re-slice runbook in the messages of disruptive changes.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { decisionIdOf } from "../../lib/controller/index.js";
import type { MigSolver } from "../../lib/planner/index.js";
import { loadMigSolver } from "../../lib/solver/index.js";
import { parseState, STATE_PATH } from "../../lib/state/index.js";
import { createWorld, type World } from "../fakes/controller-world.js";

const render = { kind: "cli" as const, ref: "test" };

/** One A100-80GB with MIG (node gpu-a100-0). `small` (4-bit Llama-3-8B) takes 1g.10gb; `mid` (Mistral-7B at 8192 × 4) 3g.40gb. */
function fleet(options: { approval: "auto" | "pr"; withMid: boolean }): string {
  const mid = `
  - name: mid
    source: mistralai/Mistral-7B-Instruct-v0.2
    architecture: mistral-7b
    maxModelLen: 8192
    minConcurrency: 4
    image: vllm/vllm-openai:v0.11.0
    pool: a100
    replicas: {min: 1, max: 2}
    priority: 10`;
  return `apiVersion: vllm-gitops/v1
cluster:
  name: test
  prometheus: {serverAddress: "http://prometheus:9090"}
  argocd: {repoURL: "https://example.com/fleet.git"}
pools:
  - name: a100
    gpu: A100-80GB
    nodes: 1
    gpusPerNode: 1
    mig: {enabled: true, labelMode: nodeLabels}
    nodeNames: [gpu-a100-0]
models:
  - name: small
    source: hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4
    architecture: llama-3-8b
    quantization: awq
    maxModelLen: 4096
    minConcurrency: 2
    image: vllm/vllm-openai:v0.11.0
    pool: a100
    replicas: {min: 1, max: 7, initial: 3}${options.withMid ? mid : ""}
policy:
  approval: ${options.approval}
`;
}

/** The first render (7 × 1g.10gb, 3 in use), then fleet.yaml gains `mid`, whose 3g.40gb forces a re-slice of the GPU in use. */
async function worldAfterEdit(approval: "auto" | "pr", solver: MigSolver): Promise<World & { renderedBefore: string }> {
  const world = await createWorld(fleet({ approval, withMid: false }), { render: true, deps: { solver } });
  await world.repo.seed("main", { "fleet.yaml": fleet({ approval, withMid: true }) }, "add mid");
  return { ...world, renderedBefore: (await world.repo.head("rendered"))! };
}

describe("disruptive plans", () => {
  let solver: MigSolver;
  beforeAll(async () => {
    solver = await loadMigSolver();
  });

  it("with approval: pr, commits the change to a proposal branch off the rendered head, not to the rendered branch", async () => {
    const w = await worldAfterEdit("pr", solver);

    const result = await w.controller.reconcile(render);

    expect(result.outcome).toBe("proposed");
    expect(await w.repo.head("rendered")).toBe(w.renderedBefore);
    const outcome = w.audit.recordsOf(result.decisionId).find((r) => r.phase === "outcome")!;
    expect(outcome).toMatchObject({ outcome: "proposed", commit: result.commit });
    expect(outcome.pr).toMatch(/^vllm-gitops\/proposal-(config-)?[0-9a-f]{12}$/);
    const [proposal, base] = await w.repo.log(outcome.pr!, 2);
    expect(proposal).toMatchObject({ sha: result.commit, parents: [w.renderedBefore] });
    expect(base!.sha).toBe(w.renderedBefore);
    expect(decisionIdOf(proposal!.message)).toBe(result.decisionId);
    const state = parseState((await w.repo.readFile(result.commit!, STATE_PATH))!);
    expect(state.models.mid?.reservedReplicas).toBe(1);
  });

  it("writes the re-slice runbook for the node into the proposal: cordon, drain, relabel, wait for success, uncordon", async () => {
    const w = await worldAfterEdit("pr", solver);

    const result = await w.controller.reconcile(render);

    const [proposal] = await w.repo.log(w.audit.recordsOf(result.decisionId).find((r) => r.pr)!.pr!, 1);
    const message = proposal!.message;
    expect(message).toMatch(/^vllm-gitops proposal: /);
    expect(message).toContain("Proposed, not applied: this plan is disruptive and policy.approval is pr.");
    expect(message).toContain("DISRUPTIVE");
    const runbook = message.slice(message.indexOf("Re-slice runbook"));
    expect(runbook).toMatch(/1\. a100\/gpu-a100-0 \(runs replicas now\) → nvidia\.com\/mig\.config=vllm-[0-9a-f]{8}/);
    const steps = ["kubectl cordon gpu-a100-0", "kubectl drain gpu-a100-0", "mig-node-labels.yaml", "nvidia\\.com/mig\\.config\\.state}'=success", "kubectl uncordon gpu-a100-0"];
    const positions = steps.map((s) => runbook.indexOf(s));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("proposes the same plan on the same branch only once", async () => {
    const w = await worldAfterEdit("pr", solver);

    const first = await w.controller.reconcile(render);
    const second = await w.controller.reconcile(render);

    const branchOf = (id: string): string | undefined => w.audit.recordsOf(id).find((r) => r.phase === "outcome")!.pr;
    expect(second).toMatchObject({ outcome: "proposed", commit: first.commit });
    expect(branchOf(second.decisionId)).toBe(branchOf(first.decisionId));
    expect(second.reason).toContain("(proposed before)");
    expect(await w.repo.log(branchOf(first.decisionId)!, 5)).toHaveLength(2);
  });

  it("with approval: auto, commits the disruptive change to the rendered branch with the runbook", async () => {
    const w = await worldAfterEdit("auto", solver);

    const result = await w.controller.reconcile(render);

    expect(result.outcome).toBe("applied");
    const [head] = await w.repo.log("rendered", 1);
    expect(head!.sha).toBe(result.commit);
    expect(head!.message).toContain("Re-slice runbook");
    expect(head!.message).toContain("kubectl cordon gpu-a100-0");
  });

  it("commits a change that re-slices nothing in use directly even with approval: pr, without a runbook", async () => {
    const { repo, controller } = await createWorld(fleet({ approval: "pr", withMid: false }), { deps: { solver } });

    const result = await controller.reconcile(render);

    expect(result.outcome).toBe("applied");
    expect((await repo.log("rendered", 1))[0]!.message).not.toContain("Re-slice runbook");
  });

  it("writes a runbook for a TP change too: the GPUs each new pod needs, the replica maxSurge 0 takes away, the rollout to watch", async () => {
    const example = readFileSync(new URL("../../manifests/fleet.yaml", import.meta.url), "utf8").replace("approval: auto", "approval: pr");
    const { repo, audit, controller } = await createWorld(example, { render: true, deps: { solver } });
    // Llama-3-70B at minConcurrency 1 fits TP 2 instead of TP 4.
    await repo.seed("main", { "fleet.yaml": example.replace("minConcurrency: 8", "minConcurrency: 1") }, "70B to minConcurrency 1");

    const result = await controller.reconcile(render);

    expect(result.outcome).toBe("proposed");
    const [proposal] = await repo.log(audit.recordsOf(result.decisionId).find((r) => r.pr)!.pr!, 1);
    const message = proposal!.message;
    const runbook = message.slice(message.indexOf("once the runbook below is under way"));
    expect(runbook).toContain("llm/llama-3-70b: TP 4 → TP 2");
    expect(runbook).toContain("each new pod needs 2 free nvidia.com/gpu on one node of pool h100");
    expect(runbook).toContain("maxSurge 0");
    expect(runbook).toContain("kubectl -n llm rollout status deployment/llama-3-70b");
  });
});
