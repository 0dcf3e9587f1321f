// createLocalGitRepo against real bare repositories in temp folders; what git itself records is checked
// with an independent git invocation, not through the adapter.
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { ConfigError, ConflictError, UpstreamError } from "../../lib/errors.js";
import { createLocalGitRepo, initBareRepo, type GitOpsRepo } from "../../lib/gitops/index.js";
import { git, makeTempDir } from "./git-test-helpers.js";

const files = (entries: Record<string, string | null>): Map<string, string | null> => new Map(Object.entries(entries));

describe("createLocalGitRepo", () => {
  let root: string;
  let removeRoot: () => Promise<void>;
  let gitDir: string;
  let repo: GitOpsRepo;

  beforeEach(async () => {
    ({ dir: root, remove: removeRoot } = await makeTempDir("local-git"));
    gitDir = join(root, "fleet.git");
    await initBareRepo(gitDir);
    repo = createLocalGitRepo({ gitDir });
  });
  afterEach(async () => {
    await removeRoot();
  });

  it("writes several files and a delete as exactly one commit with exactly those changes (FR #34)", async () => {
    const base = await repo.commit({
      branch: "rendered",
      expectedHead: null,
      changes: files({ "clusters/p/llm/m/scaledobject.yaml": "a", "clusters/p/llm/m/deployment.yaml": "b", "clusters/p/gpu/a100/mig-config.yaml": "c", "old.yaml": "d", "same.yaml": "e" }),
      message: "base",
    });

    const next = await repo.commit({
      branch: "rendered",
      expectedHead: base,
      changes: files({ "clusters/p/llm/m/scaledobject.yaml": "a2", "clusters/p/llm/m/deployment.yaml": "b2", "clusters/p/gpu/a100/mig-config.yaml": "c2", "clusters/p/new.yaml": "n", "old.yaml": null, "same.yaml": "e" }),
      message: "Scale m\n\nDecision-Id: 01JDECISION",
    });

    const nameStatus = await git(gitDir, ["diff-tree", "--no-commit-id", "-r", "--name-status", base, next]);
    expect(nameStatus.split("\n").sort()).toEqual(
      ["A\tclusters/p/new.yaml", "D\told.yaml", "M\tclusters/p/gpu/a100/mig-config.yaml", "M\tclusters/p/llm/m/deployment.yaml", "M\tclusters/p/llm/m/scaledobject.yaml"].sort(),
    );
    expect(await git(gitDir, ["rev-list", "--count", "refs/heads/rendered"])).toBe("2");
    expect(await git(gitDir, ["rev-parse", `${next}^`])).toBe(base);
    expect(await git(gitDir, ["cat-file", "-p", `${next}:clusters/p/new.yaml`])).toBe("n");
    expect(await git(gitDir, ["log", "-1", "--format=%B", next])).toBe("Scale m\n\nDecision-Id: 01JDECISION\n");
  });

  it("records the default identity, or the configured one, as author and committer", async () => {
    const custom = createLocalGitRepo({ gitDir, author: { name: "Fleet Bot", email: "fleet-bot@example.org" } });

    const first = await repo.commit({ branch: "rendered", expectedHead: null, changes: files({ "a.txt": "a" }), message: "default" });
    const second = await custom.commit({ branch: "rendered", expectedHead: first, changes: files({ "a.txt": "b" }), message: "custom" });

    expect(await git(gitDir, ["log", "-1", "--format=%an|%ae|%cn|%ce", first])).toBe("vllm-gitops|vllm-gitops@localhost|vllm-gitops|vllm-gitops@localhost");
    expect(await git(gitDir, ["log", "-1", "--format=%an|%ae|%cn|%ce", second])).toBe("Fleet Bot|fleet-bot@example.org|Fleet Bot|fleet-bot@example.org");
  });

  it("refuses an author that git would mangle", () => {
    expect(() => createLocalGitRepo({ gitDir, author: { name: "Evil <x@y>", email: "a@b" } })).toThrow(ConfigError);
    expect(() => createLocalGitRepo({ gitDir, author: { name: "ok", email: "" } })).toThrow(ConfigError);
  });

  it("lets exactly one of two racing commits on the same head win; the other is a ConflictError", async () => {
    const base = await repo.commit({ branch: "rendered", expectedHead: null, changes: files({ "n.txt": "0" }), message: "base" });
    const other = createLocalGitRepo({ gitDir });

    const results = await Promise.allSettled(
      [repo, other, repo, other].map((r, i) => r.commit({ branch: "rendered", expectedHead: base, changes: files({ "n.txt": String(i + 1) }), message: `racer ${i}` })),
    );

    const won = results.filter((r): r is PromiseFulfilledResult<string> => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason)).toEqual([expect.any(ConflictError), expect.any(ConflictError), expect.any(ConflictError)]);
    expect(await repo.head("rendered")).toBe(won[0]!.value);
    expect(await git(gitDir, ["rev-list", "--count", "refs/heads/rendered"])).toBe("2");
  });

  it("reports a ref it cannot update for another reason (a stale lock) as UpstreamError, not a conflict", async () => {
    const base = await repo.commit({ branch: "rendered", expectedHead: null, changes: files({ "n.txt": "0" }), message: "base" });
    await writeFile(join(gitDir, "refs", "heads", "rendered.lock"), "");

    const attempt = repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "n.txt": "1" }), message: "blocked" });

    await expect(attempt).rejects.toThrow(UpstreamError);
    expect(await repo.head("rendered")).toBe(base);
  });

  it("keeps an executable file executable when its contents change", async () => {
    const blob = await git(gitDir, ["hash-object", "-w", "--stdin"], "#!/bin/sh\n");
    const tree = await git(gitDir, ["mktree"], `100755 blob ${blob}\trun.sh\n`);
    const base = await git(gitDir, ["commit-tree", tree, "-m", "seed"]);
    await git(gitDir, ["update-ref", "refs/heads/rendered", base]);

    const next = await repo.commit({ branch: "rendered", expectedHead: base, changes: files({ "run.sh": "#!/bin/sh\nexit 0\n", "plain.txt": "p" }), message: "edit" });

    expect(await git(gitDir, ["ls-tree", next])).toMatch(/^100644 blob [0-9a-f]{40}\tplain\.txt\n100755 blob [0-9a-f]{40}\trun\.sh$/);
  });

  it("reads a tree of 120 files of varied sizes in one round trip", async () => {
    const written: Record<string, string> = {};
    for (let i = 0; i < 120; i += 1) written[`clusters/c/ns/model-${i % 12}/file-${i}.yaml`] = `# ${i}\n${"x: y\n".repeat(i * 7)}`;
    written["clusters/c/empty.yaml"] = "";
    const sha = await repo.commit({ branch: "rendered", expectedHead: null, changes: files(written), message: "many" });

    const tree = await repo.readTree(sha, "clusters/");

    expect(Object.fromEntries(tree)).toEqual(written);
  });

  it("touches neither the repository of the current directory nor one named by GIT_* variables", async () => {
    const work = join(root, "other-work-tree");
    await mkdir(work);
    const otherGitDir = join(work, ".git");
    await git(otherGitDir, ["init", "-q", "-b", "main"]);
    await writeFile(join(work, "README"), "other\n");
    await git(otherGitDir, [`--work-tree=${work}`, "add", "README"]);
    await git(otherGitDir, [`--work-tree=${work}`, "commit", "-q", "-m", "other"]);
    const before = { refs: await git(otherGitDir, ["for-each-ref"]), index: await readFile(join(otherGitDir, "index")), objects: await git(otherGitDir, ["count-objects"]) };
    const hostile = { GIT_DIR: otherGitDir, GIT_INDEX_FILE: join(otherGitDir, "index"), GIT_WORK_TREE: work, GIT_OBJECT_DIRECTORY: join(otherGitDir, "objects"), GIT_NAMESPACE: "elsewhere" };
    const saved = new Map(Object.keys(hostile).map((key) => [key, process.env[key]]));
    const cwd = process.cwd();

    let sha: string;
    try {
      process.chdir(work);
      Object.assign(process.env, hostile);
      sha = await repo.commit({ branch: "main", expectedHead: null, changes: files({ "fleet.yaml": "models: []\n" }), message: "ours" });
    } finally {
      process.chdir(cwd);
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }

    expect(await git(gitDir, ["rev-parse", "refs/heads/main"])).toBe(sha);
    expect(await git(gitDir, ["cat-file", "-p", `${sha}:fleet.yaml`])).toBe("models: []");
    expect(await git(otherGitDir, ["for-each-ref"])).toBe(before.refs);
    expect(await readFile(join(otherGitDir, "index"))).toEqual(before.index);
    expect(await git(otherGitDir, ["count-objects"])).toBe(before.objects);
  });

  it("runs no hook and never signs, whatever the repository's config says", async () => {
    const marker = join(root, "hook-ran");
    await mkdir(join(gitDir, "hooks"), { recursive: true });
    const hook = join(gitDir, "hooks", "reference-transaction");
    await writeFile(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    await chmod(hook, 0o755);
    await git(gitDir, ["config", "commit.gpgSign", "true"]);
    await git(gitDir, ["config", "gpg.program", "/bin/false"]);

    const sha = await repo.commit({ branch: "rendered", expectedHead: null, changes: files({ "a.txt": "a" }), message: "quiet" });

    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
    expect(await git(gitDir, ["cat-file", "commit", sha])).not.toContain("gpgsig");
  });

  it("reports a missing repository as UpstreamError", async () => {
    const missing = createLocalGitRepo({ gitDir: join(root, "does-not-exist.git") });

    await expect(missing.head("main")).rejects.toThrow(UpstreamError);
  });
});

describe("initBareRepo", () => {
  it("creates a bare repository with main as HEAD and is idempotent", async () => {
    const { dir, remove } = await makeTempDir("init");
    try {
      const gitDir = join(dir, "nested", "fleet.git");
      await initBareRepo(gitDir);
      const sha = await createLocalGitRepo({ gitDir }).commit({ branch: "main", expectedHead: null, changes: files({ "fleet.yaml": "x" }), message: "m" });

      await initBareRepo(gitDir);

      expect(await git(gitDir, ["rev-parse", "--is-bare-repository"])).toBe("true");
      expect(await git(gitDir, ["symbolic-ref", "HEAD"])).toBe("refs/heads/main");
      expect(await git(gitDir, ["rev-parse", "refs/heads/main"])).toBe(sha);
    } finally {
      await remove();
    }
  });

  it("is not disturbed by GIT_* variables of the calling process", async () => {
    const { dir, remove } = await makeTempDir("init-env");
    const saved = process.env.GIT_DIR;
    try {
      process.env.GIT_DIR = join(dir, "elsewhere.git");
      await initBareRepo(join(dir, "fleet.git"));

      await expect(stat(join(dir, "fleet.git", "HEAD"))).resolves.toBeDefined();
      await expect(stat(join(dir, "elsewhere.git"))).rejects.toThrow(/ENOENT/);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
      await remove();
    }
  });
});
