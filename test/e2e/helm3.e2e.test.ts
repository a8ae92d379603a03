// End-to-end tests of warden-exec as a Helm 3 post-renderer (every v3.X.Y
// pinned in build/helm/versions.txt, built and cached by
// build/helm/install-helm.sh).
//
// Helm 3 has no post-renderer plugins: `--post-renderer` takes an executable
// (a path, or a name looked up in $PATH) and `--post-renderer-args` passes
// arguments to it. So warden-exec's binary is used directly:
//
//   helm template demo ./chart --post-renderer <dist>/warden-exec/bin/warden-exec-<os>-<arch>
//
// It finds plugin.wasm in the directory above its own (bin/..), which is how
// the plugin directory is laid out.
//
// `helm install --dry-run=client` in Helm 3 is not client-only: it checks that
// the cluster is reachable, looks for an existing release (Secrets list), maps
// every object through API discovery and GETs it (conflict check). So those
// tests run against a tiny fake API server (startFakeKubeApi below) that knows
// the fixture charts' kinds, has no objects and no releases. Helm 4's
// `--dry-run=client` needs no cluster at all.
//
// Reference for "warden changed nothing": Helm 3 with an identity executable
// (`exec cat`, see writeIdentityExecutable in helm.ts) as the post-renderer.
//
// Artefacts: dist/warden-exec/ (WARDEN_E2E_DIST=<dir> tests <dir>/warden-exec).
// While it is not built yet the tests that need it are skipped with a note;
// WARDEN_E2E_REQUIRE_ARTEFACTS=1 turns its absence into a failure.
// WARDEN_E2E_HELM3_VERSIONS (space/comma separated) limits the Helm 3 versions.
//
// Cold run: building Helm 3 takes ~2-3 minutes on 2 cores; warm, the file runs in ~15 s.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, readFile, rm, symlink, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, test, type TestContext } from "vitest";
import {
  expectOk,
  expectSameBytes,
  needArtefact,
  CHARTS_DIR,
  REPO_ROOT,
  helmBinary,
  isolatedHelmEnv,
  pinnedHelmVersions,
  runHelm,
  writeIdentityExecutable,
  type HelmEnv,
  type RunResult,
} from "./helm.js";

// WARDEN_E2E_HELM3_VERSIONS="v3.22.0" restricts the run to some pinned Helm 3 versions.
const VERSIONS = (() => {
  const pinned = pinnedHelmVersions(3);
  const only = (process.env.WARDEN_E2E_HELM3_VERSIONS ?? "").split(/[\s,]+/).filter(Boolean);
  const unknown = only.filter((v) => !pinned.includes(v));
  if (unknown.length > 0) throw new Error(`WARDEN_E2E_HELM3_VERSIONS: not pinned in build/helm/versions.txt: ${unknown.join(", ")}`);
  const versions = only.length > 0 ? pinned.filter((v) => only.includes(v)) : pinned;
  if (versions.length === 0) throw new Error("no Helm 3 version pinned in build/helm/versions.txt");
  return versions;
})();
const CHARTS = ["webapp", "platform", "large"] as const;
type Chart = (typeof CHARTS)[number];
/** Top-level objects `helm template` renders with default values (hooks and tests included, crds/ excluded). */
const EXPECTED_OBJECTS: Record<Chart, number> = { webapp: 8, platform: 13, large: 1000 };

const RELEASE = "demo";
const NAMESPACE = "warden-e2e";
const HELM_BUILD_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 5 * 60_000;

const GO_OS: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin", win32: "windows" };
const GO_ARCH: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

// WARDEN_E2E_DIST points the suite at another build output (default: <repo>/dist).
const DIST = path.resolve(REPO_ROOT, process.env.WARDEN_E2E_DIST ?? "dist");
const WARDEN_EXEC_DIR = path.join(DIST, "warden-exec");
const WARDEN_EXEC_BIN = path.join(
  WARDEN_EXEC_DIR,
  "bin",
  `warden-exec-${GO_OS[process.platform] ?? process.platform}-${GO_ARCH[process.arch] ?? process.arch}${process.platform === "win32" ? ".exe" : ""}`,
);
const HAS_WARDEN_EXEC = existsSync(WARDEN_EXEC_BIN) && existsSync(path.join(WARDEN_EXEC_DIR, "plugin.wasm"));

/** warden's message for a bad --mode (plugin.wasm's error, printed by warden-exec on stderr). */
const BAD_MODE_MESSAGE = '--mode must be audit or enforce (got "bogus")';

/** Skips (or, with WARDEN_E2E_REQUIRE_ARTEFACTS=1, fails) a test whose artefact is missing. */
function needWardenExec(ctx: TestContext): void {
  needArtefact(ctx, HAS_WARDEN_EXEC, `${path.relative(REPO_ROOT, WARDEN_EXEC_BIN) || WARDEN_EXEC_BIN} (+ plugin.wasm)`);
}

/** Top-level objects of a YAML stream, as plain JS values (comments and layout ignored). */
function objects(stream: string): Array<Record<string, unknown>> {
  return parseAllDocuments(stream)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`YAML error: ${d.errors[0].message}`);
      return d.toJS() as Record<string, unknown> | null;
    })
    .filter((o): o is Record<string, unknown> => o !== null && o !== undefined);
}

function isHook(o: Record<string, unknown>): boolean {
  const ann = (o.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  return ann !== undefined && ann !== null && "helm.sh/hook" in ann;
}

interface DryRunRelease {
  manifest: string;
  hooks: Array<Record<string, unknown>>;
}

/** The parts of `helm install --dry-run=client -o json` a post-renderer influences. */
function dryRunParts(stdout: string): DryRunRelease {
  const rel = JSON.parse(stdout) as { manifest?: string; hooks?: Array<Record<string, unknown>> };
  return {
    manifest: rel.manifest ?? "",
    // last_run is runtime state; everything else of a hook comes from the rendered object
    hooks: (rel.hooks ?? []).map(({ last_run: _lastRun, ...rest }) => rest),
  };
}

// ---------------------------------------------------------------------------
// A fake Kubernetes API server: enough for Helm 3's `install --dry-run=client`.

interface FakeResource {
  name: string;
  kind: string;
  namespaced: boolean;
}
/** group/version -> resources: every kind the fixture charts render. */
const FAKE_API: Record<string, FakeResource[]> = {
  v1: [
    { name: "configmaps", kind: "ConfigMap", namespaced: true },
    { name: "namespaces", kind: "Namespace", namespaced: false },
    { name: "pods", kind: "Pod", namespaced: true },
    { name: "secrets", kind: "Secret", namespaced: true },
    { name: "serviceaccounts", kind: "ServiceAccount", namespaced: true },
    { name: "services", kind: "Service", namespaced: true },
  ],
  "apps/v1": [
    { name: "daemonsets", kind: "DaemonSet", namespaced: true },
    { name: "deployments", kind: "Deployment", namespaced: true },
  ],
  "autoscaling/v2": [{ name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true }],
  "batch/v1": [{ name: "jobs", kind: "Job", namespaced: true }],
  "networking.k8s.io/v1": [{ name: "ingresses", kind: "Ingress", namespaced: true }],
  "apiextensions.k8s.io/v1": [{ name: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false }],
  "rbac.authorization.k8s.io/v1": [
    { name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false },
    { name: "clusterroles", kind: "ClusterRole", namespaced: false },
    { name: "roles", kind: "Role", namespaced: true },
  ],
  "platform.example.com/v1alpha1": [{ name: "tenantquotas", kind: "TenantQuota", namespaced: true }],
};

interface FakeKubeApi {
  kubeconfig: string;
  /** "METHOD path" of every request, for diagnostics. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves discovery for FAKE_API, an empty list for every collection (so no
 * release exists yet) and 404 for every object (so nothing conflicts). Writes a
 * kubeconfig pointing at it into `dir`.
 */
async function startFakeKubeApi(dir: string): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const json = (res: import("node:http").ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const notFound = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "NotFound", code: 404, message: "not found" };
  const groups = Object.keys(FAKE_API).filter((gv) => gv.includes("/"));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const p = url.pathname.replace(/\/+$/, "");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method !== "GET") return json(res, 405, { ...notFound, reason: "MethodNotAllowed", code: 405, message: "read-only fake" });
    if (p === "/version") return json(res, 200, { major: "1", minor: "33", gitVersion: "v1.33.0", platform: "linux/amd64" });
    if (p === "/api") return json(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    if (p === "/apis") {
      return json(res, 200, {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: groups.map((gv) => {
          const [name, version] = gv.split("/");
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        }),
      });
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(\/.*)?$/.exec(p);
    const gv = m ? (m[1] ?? m[2]) : undefined;
    if (m && gv && FAKE_API[gv]) {
      const rest = m[3] ?? "";
      if (rest === "") {
        return json(res, 200, {
          kind: "APIResourceList",
          apiVersion: "v1",
          groupVersion: gv,
          resources: FAKE_API[gv].map((r) => ({
            name: r.name,
            singularName: r.kind.toLowerCase(),
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
          })),
        });
      }
      // /<resource> or /namespaces/<ns>/<resource>: an empty collection
      const coll = /^(?:\/namespaces\/[^/]+)?\/([^/]+)$/.exec(rest);
      const res0 = coll && FAKE_API[gv].find((r) => r.name === coll[1]);
      if (res0) return json(res, 200, { kind: `${res0.kind}List`, apiVersion: gv, metadata: { resourceVersion: "1" }, items: [] });
    }
    return json(res, 404, notFound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = path.join(dir, "kubeconfig-fake");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}`,
      "users:",
      "- name: fake\n  user: {}",
      "contexts:",
      "- name: fake\n  context:\n    cluster: fake\n    user: fake",
      "current-context: fake",
      "",
    ].join("\n"),
  );
  return { kubeconfig, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const chartPath = (c: Chart) => path.join(CHARTS_DIR, c);
/** `--post-renderer-args` given after `--post-renderer` (the order users usually write). */
const postRender = (postRenderer: string | undefined, prArgs: readonly string[]) =>
  postRenderer ? ["--post-renderer", postRenderer, ...prArgs.map((a) => `--post-renderer-args=${a}`)] : [];
const templateArgs = (c: Chart, postRenderer?: string, prArgs: readonly string[] = []) => [
  "template",
  RELEASE,
  chartPath(c),
  "--namespace",
  NAMESPACE,
  ...postRender(postRenderer, prArgs),
];
const dryRunArgs = (c: Chart, postRenderer: string, prArgs: readonly string[] = []) => [
  "install",
  RELEASE,
  chartPath(c),
  "--namespace",
  NAMESPACE,
  "--dry-run=client",
  // the fake API server has no OpenAPI documents (schema validation is not what is tested here)
  "--disable-openapi-validation",
  ...postRender(postRenderer, prArgs),
  "-o",
  "json",
];

// ---------------------------------------------------------------------------

describe.each(VERSIONS)("helm %s (Helm 3: --post-renderer <executable>)", (version) => {
  let bin = "";
  let h: HelmEnv;
  let identityExe = "";
  let captureExe = "";
  let kube: FakeKubeApi | undefined;
  /** h.env with KUBECONFIG pointing at the fake API server (Helm 3's install needs a cluster). */
  let kubeEnv: NodeJS.ProcessEnv = {};
  const identityTemplate = new Map<Chart, Promise<RunResult>>();
  const identityDryRun = new Map<Chart, Promise<RunResult>>();

  const helm = (args: string[], env: NodeJS.ProcessEnv = h.env) => runHelm(bin, args, { env, timeoutMs: TEST_TIMEOUT });

  /** Memoised reference output: `helm template` through the identity executable. */
  const identity = (c: Chart) => {
    let p = identityTemplate.get(c);
    if (!p) identityTemplate.set(c, (p = helm(templateArgs(c, identityExe))));
    return p;
  };
  const identityInstall = (c: Chart) => {
    let p = identityDryRun.get(c);
    if (!p) identityDryRun.set(c, (p = helm(dryRunArgs(c, identityExe), kubeEnv)));
    return p;
  };

  beforeAll(async () => {
    bin = await helmBinary(version);
    h = await isolatedHelmEnv();
    // warden-exec also copies its report to /dev/tty when there is one; keep the test terminal clean.
    h.env.WARDEN_NO_TTY = "1";
    identityExe = await writeIdentityExecutable(path.join(h.root, "bin"));
    // An identity that also keeps a copy of what Helm sends to the post-renderer, and its arguments.
    captureExe = path.join(h.root, "bin", "capture-postrenderer");
    await writeFile(
      captureExe,
      '#!/bin/sh\nprintf "%s\\n" "$@" > "$CAPTURE_DIR/args"\ntee "$CAPTURE_DIR/stdin"\n',
    );
    await chmod(captureExe, 0o755);
    kube = await startFakeKubeApi(h.root);
    kubeEnv = { ...h.env, KUBECONFIG: kube.kubeconfig };
  }, HELM_BUILD_TIMEOUT);

  afterAll(async () => {
    await kube?.close();
    await h?.cleanup();
  });

  test("reports its version", async () => {
    const r = await helm(["version", "--template", "{{.Version}}"]);
    expectOk(r, "helm version");
    expect(r.stdout.trim()).toBe(version);
  });

  describe("identity executable (sanity)", () => {
    test.each(CHARTS)("%s: output equals plain helm template byte for byte (Helm 3 does not re-serialise)", async (c) => {
      const [plain, id] = await Promise.all([helm(templateArgs(c)), identity(c)]);
      expectOk(plain, `helm template ${c}`);
      expectOk(id, `helm template ${c} --post-renderer identity`);
      expect(objects(id.stdout)).toHaveLength(EXPECTED_OBJECTS[c]);
      expectSameBytes(id.stdout, plain.stdout, `${version} identity ${c} vs plain`);
    }, TEST_TIMEOUT);

    test.each(CHARTS)("%s: Helm 3 sends '# Source:' comments and no hooks to the post-renderer", async (c) => {
      const dir = path.join(h.root, `capture-${c}`);
      await mkdir(dir, { recursive: true });
      const r = await helm(templateArgs(c, captureExe, ["--mode=audit", ""]), { ...h.env, CAPTURE_DIR: dir });
      expectOk(r, `helm template ${c} --post-renderer capture`);
      const sent = await readFile(path.join(dir, "stdin"), "utf8");
      const args = await readFile(path.join(dir, "args"), "utf8");
      expect(args).toBe("--mode=audit\n\n"); // passed unchanged, empty argument included
      expect(sent.startsWith("---\n# Source: ")).toBe(true);
      const sentObjects = objects(sent);
      const all = objects(r.stdout);
      expect(sentObjects.some(isHook)).toBe(false);
      expect(sentObjects).toEqual(all.filter((o) => !isHook(o)));
      // one `# Source:` comment per document
      expect(sent.match(/^# Source: /gm)?.length).toBe(sentObjects.length);
      // stdout = post-renderer output followed by the hooks, which Helm 3 never post-renders
      expect(r.stdout.startsWith(sent)).toBe(true);
    }, TEST_TIMEOUT);

    test("install --dry-run=client needs a cluster in Helm 3 (unlike Helm 4)", async () => {
      const r = await helm(dryRunArgs("webapp", identityExe)); // KUBECONFIG points nowhere
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("Kubernetes cluster unreachable");
    }, TEST_TIMEOUT);

    test("install --dry-run=client works with it (fake API server)", async () => {
      const r = await identityInstall("webapp");
      expectOk(r, "helm install --dry-run=client --post-renderer identity");
      const rel = dryRunParts(r.stdout);
      expect(objects(rel.manifest).length).toBeGreaterThan(0);
      expect(rel.hooks.map((x) => x.kind).sort()).toEqual(["Job", "Pod"]);
    }, TEST_TIMEOUT);
  });

  describe("warden-exec as --post-renderer <absolute path>", () => {
    test.for(CHARTS)("%s: helm template output equals the identity output byte for byte", { timeout: TEST_TIMEOUT }, async (c, ctx) => {
      needWardenExec(ctx);
      const [ref, r] = await Promise.all([identity(c), helm(templateArgs(c, WARDEN_EXEC_BIN))]);
      expectOk(ref, `identity ${c}`);
      expectOk(r, `helm template ${c} --post-renderer ${WARDEN_EXEC_BIN}`);
      expectSameBytes(r.stdout, ref.stdout, `${version} warden-exec ${c}`);
    });

    test.for(CHARTS)("%s: install --dry-run=client gives the identity manifest and hooks", { timeout: TEST_TIMEOUT }, async (c, ctx) => {
      needWardenExec(ctx);
      const [ref, r] = await Promise.all([identityInstall(c), helm(dryRunArgs(c, WARDEN_EXEC_BIN), kubeEnv)]);
      expectOk(ref, `identity install ${c}`);
      expectOk(r, `helm install --dry-run=client ${c} --post-renderer ${WARDEN_EXEC_BIN}`);
      const got = dryRunParts(r.stdout);
      const want = dryRunParts(ref.stdout);
      expectSameBytes(got.manifest, want.manifest, `${version} warden-exec ${c} dry-run manifest`);
      expect(got.hooks).toEqual(want.hooks);
    });

    test.for(CHARTS)("%s: --post-renderer-args=--mode=enforce (+ --release/--namespace) reaches warden and passes", { timeout: TEST_TIMEOUT }, async (c, ctx) => {
      needWardenExec(ctx);
      // The fixture charts break some default-pack rules on purpose (policy tests use them); this test is about the args.
      const args = ["--mode=enforce", "--packs=none", `--release=${RELEASE}`, `--namespace=${NAMESPACE}`];
      const [ref, r] = await Promise.all([identity(c), helm(templateArgs(c, WARDEN_EXEC_BIN, args))]);
      expectOk(ref, `identity ${c}`);
      expectOk(r, `helm template ${c} --post-renderer ${WARDEN_EXEC_BIN} ${args.join(" ")}`);
      expectSameBytes(r.stdout, ref.stdout, `${version} warden-exec --mode=enforce ${c}`);
    });

    test("--post-renderer-args=--mode=bogus fails; Helm 3's error carries warden-exec's stderr", async (ctx) => {
      needWardenExec(ctx);
      const r = await helm(templateArgs("webapp", WARDEN_EXEC_BIN, ["--mode=bogus"]));
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe("");
      // Helm 3 (pkg/postrender/exec.go) wraps the executable's whole stderr and exit status:
      //   Error: error while running post render on files: error while running command <path>. error output:
      //   <stderr>: exit status 1
      expect(r.stderr).toContain("error while running post render on files");
      expect(r.stderr).toContain(`error while running command ${WARDEN_EXEC_BIN}. error output:`);
      expect(r.stderr).toContain(BAD_MODE_MESSAGE);
      expect(r.stderr).toContain("exit status 1");
    }, TEST_TIMEOUT);

    test("--post-renderer-args before --post-renderer works too (both flag orders)", async (ctx) => {
      needWardenExec(ctx);
      const base = ["template", RELEASE, chartPath("webapp"), "--namespace", NAMESPACE];
      const bad = await helm([...base, "--post-renderer-args=--mode=bogus", "--post-renderer", WARDEN_EXEC_BIN]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain(BAD_MODE_MESSAGE);
      const [ref, ok] = await Promise.all([
        identity("webapp"),
        helm([...base, "--post-renderer-args=--mode=enforce", "--post-renderer-args=--packs=none", "--post-renderer", WARDEN_EXEC_BIN]),
      ]);
      expectOk(ok, "template with --post-renderer-args first");
      expectSameBytes(ok.stdout, ref.stdout, `${version} warden-exec args-first webapp`);
    }, TEST_TIMEOUT);

    test("install --dry-run=client with --mode=bogus fails the same way", async (ctx) => {
      needWardenExec(ctx);
      const r = await helm(dryRunArgs("webapp", WARDEN_EXEC_BIN, ["--mode=bogus"]), kubeEnv);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(BAD_MODE_MESSAGE);
    }, TEST_TIMEOUT);

    test("--post-renderer <name> via $PATH, through a symlink to the binary", async (ctx) => {
      needWardenExec(ctx);
      const linkDir = path.join(h.root, "path-bin");
      await mkdir(linkDir, { recursive: true });
      const link = path.join(linkDir, "warden-exec");
      await rm(link, { force: true });
      await symlink(WARDEN_EXEC_BIN, link);
      const env = { ...h.env, PATH: `${linkDir}${path.delimiter}${h.env.PATH ?? ""}` };
      const [ref, r] = await Promise.all([identity("webapp"), helm(templateArgs("webapp", "warden-exec"), env)]);
      expectOk(r, "helm template --post-renderer warden-exec (from $PATH)");
      expectSameBytes(r.stdout, ref.stdout, `${version} warden-exec via PATH webapp`);
    }, TEST_TIMEOUT);
  });
});
