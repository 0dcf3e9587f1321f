// The GitOpsRepo contract, run against the real adapter (a bare repository on disk) and the in-memory
// fake, so the fake that handler tests rely on behaves like git for compare-and-swap, reads and refusals.
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { ConflictError, InvalidInputError } from "../../lib/errors.js";
import { createLocalGitRepo, initBareRepo, type GitOpsRepo } from "../../lib/gitops/index.js";
import { InMemoryGitOpsRepo } from "../fakes/in-memory-gitops-repo.js";
import { makeTempDir } from "./git-test-helpers.js";

type Fixture = { repo: GitOpsRepo; cleanup: () => Promise<void> };

const implementations: Array<[string, () => Promise<Fixture>]> = [
  [
    "createLocalGitRepo",
    async () => {
      const { dir, remove } = await makeTempDir("contract");
      await initBareRepo(dir);
      return { repo: createLocalGitRepo({ gitDir: dir }), cleanup: remove };
    },
  ],
  ["InMemoryGitOpsRepo", async () => ({ repo: new InMemoryGitOpsRepo(), cleanup: async () => undefined })],
];

const files = (entries: Record<string, string | null>): Map<string, string | null> => new Map(Object.entries(entries));

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe.each(implementations)("GitOpsRepo contract: %s", (_name, make) => {
  let repo: GitOpsRepo;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ repo, cleanup } = await make());
  });
  afterEach(async () => {
    await cleanup();
  });

  const createRendered = (changes: Record<string, string | null>, message = "first"): Promise<string> =>
    repo.commit({ branch: "rendered", expectedHead: null, changes: files(changes), message });

  it("reports no head and an empty log for a branch that does not exist", async () => {
    const head = await repo.head("rendered");
    const log = await repo.log("rendered", 10);

    expect(head).toBeNull();
    expect(log).toEqual([]);
  });

  it("creates a branch from nothing when expectedHead is null, as a root commit", async () => {
    const sha = await createRendered({ "clusters/a/kustomization.yaml": "resources: []\n" }, "Create rendered\n\nDecision-Id: 01J0\n");

    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.head("rendered")).toBe(sha);
    expect(await repo.log("rendered", 5)).toEqual([{ sha, parents: [], message: "Create rendered\n\nDecision-Id: 01J0" }]);
  });

  it("starts a new branch from a start point: its parent, and its tree under the changes", async () => {
    const base = await createRendered({ "a.txt": "1", "b.txt": "1" });

    const sha = await repo.commit({ branch: "vllm-gitops/proposal-abc", expectedHead: null, startPoint: base, changes: files({ "b.txt": "2", "c.txt": "3" }), message: "proposal" });

    expect(await repo.log("vllm-gitops/proposal-abc", 5)).toEqual([{ sha, parents: [base], message: "proposal" }, { sha: base, parents: [], message: "first" }]);
    expect(Object.fromEntries(await repo.readTree(sha))).toEqual({ "a.txt": "1", "b.txt": "2", "c.txt": "3" });
    expect(await repo.head("rendered")).toBe(base);
  });

  it("rebuilds an existing branch on a new start point, still only from the expected head", async () => {
    const base = await createRendered({ "a.txt": "1" });
    const proposal = await repo.commit({ branch: "vllm-gitops/proposal-abc", expectedHead: null, startPoint: base, changes: files({ "b.txt": "1" }), message: "proposal 1" });
    const moved = await repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "a.txt": "2" }), message: "rendered moved" });

    const stale = await thrown(repo.commit({ branch: "vllm-gitops/proposal-abc", expectedHead: base, startPoint: moved, changes: files({ "b.txt": "2" }), message: "x" }));
    const rebuilt = await repo.commit({ branch: "vllm-gitops/proposal-abc", expectedHead: proposal, startPoint: moved, changes: files({ "b.txt": "2" }), message: "proposal 2" });

    expect(stale).toBeInstanceOf(ConflictError);
    expect((await repo.log("vllm-gitops/proposal-abc", 1))[0]).toEqual({ sha: rebuilt, parents: [moved], message: "proposal 2" });
    expect(Object.fromEntries(await repo.readTree(rebuilt))).toEqual({ "a.txt": "2", "b.txt": "2" });
  });

  it("refuses a start point that is not a SHA, naming the field", async () => {
    const notSha = await thrown(repo.commit({ branch: "p", expectedHead: null, startPoint: "main", changes: files({ "a.txt": "2" }), message: "x" }));

    expect(notSha).toBeInstanceOf(InvalidInputError);
    expect((notSha as InvalidInputError).issues.map((i) => i.path)).toEqual(["startPoint"]);
  });

  it("refuses to create a branch that already exists and leaves it where it was", async () => {
    const first = await createRendered({ "a.txt": "1" });

    const error = await thrown(createRendered({ "a.txt": "2" }, "second"));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ branch: "rendered", expectedHead: null, actualHead: first });
    expect(await repo.head("rendered")).toBe(first);
    expect(await repo.readFile(first, "a.txt")).toBe("1");
  });

  it("reads back what it wrote: nested paths, unicode paths and contents, empty files", async () => {
    const written = {
      "clusters/prod/llm/llama-3-8b/deployment.yaml": "kind: Deployment\n",
      "clusters/prod/llm/llama-3-8b/service.yaml": "kind: Service\n",
      "clusters/prod/gpu/a100/mig-parted-config.yaml": "version: v1\n",
      "docs/模型/说明.md": "GPU: 3g.40gb — ünïcödé ✓ 🚀\n",
      ".vllm-gitops/state.json": '{"version":1}',
      "empty.txt": "",
    };

    const sha = await createRendered(written);

    expect(await repo.readFile(sha, "docs/模型/说明.md")).toBe("GPU: 3g.40gb — ünïcödé ✓ 🚀\n");
    expect(await repo.readFile(sha, "empty.txt")).toBe("");
    expect(Object.fromEntries(await repo.readTree(sha))).toEqual(written);
  });

  it("reads a folder with readTree by full path, with or without the trailing slash", async () => {
    const sha = await createRendered({ "clusters/a/x.yaml": "x", "clusters/a/b/y.yaml": "y", "clusters/ab.yaml": "no", "top.yaml": "no" });

    const withSlash = await repo.readTree(sha, "clusters/a/");
    const withoutSlash = await repo.readTree(sha, "clusters/a");
    const none = await repo.readTree(sha, "nothing-here");

    expect(Object.fromEntries(withSlash)).toEqual({ "clusters/a/x.yaml": "x", "clusters/a/b/y.yaml": "y" });
    expect(withoutSlash).toEqual(withSlash);
    expect(none.size).toBe(0);
  });

  it("returns null for an absent path, a folder, and a path below a file", async () => {
    const sha = await createRendered({ "clusters/a/x.yaml": "x" });

    expect(await repo.readFile(sha, "clusters/a/missing.yaml")).toBeNull();
    expect(await repo.readFile(sha, "clusters/a")).toBeNull();
    expect(await repo.readFile(sha, "clusters/a/x.yaml/deeper")).toBeNull();
  });

  it("rejects reads of a commit the repository does not have", async () => {
    const unknown = "0123456789abcdef0123456789abcdef01234567";

    await expect(repo.readFile(unknown, "a.txt")).rejects.toThrow(InvalidInputError);
    await expect(repo.readTree(unknown)).rejects.toThrow(InvalidInputError);
  });

  it("applies adds, changes and deletes as one commit on the expected head, keeping the rest", async () => {
    const first = await createRendered({ "keep.yaml": "k", "change.yaml": "old", "gone.yaml": "g", "dir/gone.yaml": "g" });

    const second = await repo.commit({
      branch: "rendered",
      expectedHead: first,
      changes: files({ "change.yaml": "new", "gone.yaml": null, "dir/gone.yaml": null, "new/file.yaml": "n" }),
      message: "second",
    });

    expect(Object.fromEntries(await repo.readTree(second))).toEqual({ "keep.yaml": "k", "change.yaml": "new", "new/file.yaml": "n" });
    expect(Object.fromEntries(await repo.readTree(first))).toEqual({ "keep.yaml": "k", "change.yaml": "old", "gone.yaml": "g", "dir/gone.yaml": "g" });
    expect((await repo.log("rendered", 10)).map((c) => [c.sha, c.parents])).toEqual([[second, [first]], [first, []]]);
  });

  it("loses the compare-and-swap when the branch moved, then succeeds on the new tip without force", async () => {
    const base = await createRendered({ "replicas.yaml": "replicas: 1\n" });
    const winner = await repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "replicas.yaml": "replicas: 2\n" }), message: "A" });

    const error = await thrown(repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "other.yaml": "x" }), message: "B" }));
    const headAfterLoss = await repo.head("rendered");
    const retried = await repo.commit({ branch: "rendered", expectedHead: winner, changes: files({ "other.yaml": "x" }), message: "B again" });

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ branch: "rendered", expectedHead: base, actualHead: winner });
    expect(headAfterLoss).toBe(winner);
    expect((await repo.log("rendered", 1))[0]).toEqual({ sha: retried, parents: [winner], message: "B again" });
    expect(Object.fromEntries(await repo.readTree(retried))).toEqual({ "replicas.yaml": "replicas: 2\n", "other.yaml": "x" });
  });

  it("conflicts when expectedHead names a commit but the branch does not exist", async () => {
    const other = await repo.commit({ branch: "main", expectedHead: null, changes: files({ "fleet.yaml": "models: []\n" }), message: "config" });

    const error = await thrown(repo.commit({ branch: "rendered", expectedHead: other, changes: files({ "a.txt": "a" }), message: "x" }));

    expect(error).toBeInstanceOf(ConflictError);
    expect(await repo.head("rendered")).toBeNull();
  });

  it("keeps branches independent: a commit on one never moves another", async () => {
    const config = await repo.commit({ branch: "main", expectedHead: null, changes: files({ "fleet.yaml": "v1" }), message: "config" });

    await createRendered({ "a.txt": "a" });

    expect(await repo.head("main")).toBe(config);
  });

  it("refuses an empty commit: no changes, identical contents, or only deletes of absent files", async () => {
    const base = await createRendered({ "a.txt": "a" });
    const attempts = [files({}), files({ "a.txt": "a" }), files({ "absent.txt": null })];

    for (const changes of attempts) {
      const error = await thrown(repo.commit({ branch: "rendered", expectedHead: base, changes, message: "nothing" }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues[0]?.path).toBe("changes");
    }
    expect(await repo.head("rendered")).toBe(base);
    expect(await repo.log("rendered", 10)).toHaveLength(1);
  });

  it("treats deleting an absent file as a no-op for that path when something else changes", async () => {
    const base = await createRendered({ "a.txt": "a" });

    const next = await repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "absent.txt": null, "b.txt": "b" }), message: "b" });

    expect(Object.fromEntries(await repo.readTree(next))).toEqual({ "a.txt": "a", "b.txt": "b" });
  });

  it.each([
    ["deleting a folder", { "dir": null }],
    ["a file where a folder is", { "dir": "x" }],
    ["a file inside a file", { "a.txt/b.txt": "x" }],
    ["a file and a folder of the same name at once", { "new": "x", "new/inner.txt": "y" }],
  ])("refuses %s and changes nothing", async (_what, changes) => {
    const base = await createRendered({ "a.txt": "a", "dir/inner.txt": "i" });

    const error = await thrown(repo.commit({ branch: "rendered", expectedHead: base, changes: files(changes), message: "bad" }));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(await repo.head("rendered")).toBe(base);
  });

  it.each(["", "/etc/passwd", "../escape.yaml", "a/../b.yaml", "a//b.yaml", "a/./b.yaml", "trailing/", ".git/config", "a/.GIT/x", "back\\slash", "new\nline", "nul\u0000byte"])(
    "rejects the path %j in commits and reads",
    async (path) => {
      const base = await createRendered({ "a.txt": "a" });

      const error = await thrown(repo.commit({ branch: "rendered", expectedHead: base, changes: files({ [path]: "x" }), message: "bad path" }));

      expect(error).toBeInstanceOf(InvalidInputError);
      await expect(repo.readFile(base, path)).rejects.toThrow(InvalidInputError);
      expect(await repo.head("rendered")).toBe(base);
    },
  );

  it("rejects a bad branch name, expectedHead and message, listing every problem at once", async () => {
    const error = await thrown(repo.commit({ branch: "bad..name", expectedHead: "HEAD~1", changes: files({ "../x": "x" }), message: " \n" }));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(["branch", "expectedHead", 'changes["../x"]', "message"]);
  });

  it.each(["", "-flag", "a b", "a..b", "a/.hidden", "x.lock", "a//b", "ends/", "@", "a@{b", "tilde~1", "colon:x"])("rejects the branch name %j", async (branch) => {
    await expect(repo.head(branch)).rejects.toThrow(InvalidInputError);
    await expect(repo.log(branch, 1)).rejects.toThrow(InvalidInputError);
  });

  it("rejects a commit SHA that is not 40 lower-case hex digits", async () => {
    await expect(repo.readFile("main", "a.txt")).rejects.toThrow(InvalidInputError);
    await expect(repo.readTree("ABCDEF0123456789ABCDEF0123456789ABCDEF01")).rejects.toThrow(InvalidInputError);
  });

  it("lists commits newest first, at most limit, with parents and messages", async () => {
    const c1 = await createRendered({ "n.txt": "1" }, "one");
    const c2 = await repo.commit({ branch: "rendered", expectedHead: c1, changes: files({ "n.txt": "2" }), message: "two\n\n\n" });
    const c3 = await repo.commit({ branch: "rendered", expectedHead: c2, changes: files({ "n.txt": "3" }), message: "three\n\nbody line\nDecision-Id: 01J3" });

    const all = await repo.log("rendered", 10);
    const two = await repo.log("rendered", 2);
    const none = await repo.log("rendered", 0);

    expect(all).toEqual([
      { sha: c3, parents: [c2], message: "three\n\nbody line\nDecision-Id: 01J3" },
      { sha: c2, parents: [c1], message: "two" },
      { sha: c1, parents: [], message: "one" },
    ]);
    expect(two.map((c) => c.sha)).toEqual([c3, c2]);
    expect(none).toEqual([]);
    await expect(repo.log("rendered", -1)).rejects.toThrow(InvalidInputError);
  });
});
