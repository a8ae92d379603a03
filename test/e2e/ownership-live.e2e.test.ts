// End-to-end: warden reading the live cluster itself, against a real kube-apiserver + etcd and
// Helm v4.3.1 (the same servers as ownership.e2e.test.ts, test/e2e/kube.ts):
//   - `warden snapshot` (kubeconfig, HTTPS, release Secrets) reads exactly what the independent
//     reader in kube.ts reads, and the plugin given that snapshot predicts the error Helm then prints;
//   - `warden ownership`: the full conflict report, exit codes 0/1/2;
//   - after a failed upgrade the snapshot's previous keys come from the last *deployed* revision;
//   - the HTTP route: plugin.wasm with `--kube-proxy=URL` under @extism/extism (runInWorker, as the
//     Node host needs for http_request) and warden-exec inside `helm install`, through the real
//     `kubectl proxy --port=0` on 127.0.0.1 (plain HTTP in, the server's TLS + token out; the paths
//     it forwarded are read from its own -v=6 log);
//   - warden-exec `--snapshot-file`;
//   - the sample reports in README.md and docs/ownership.md are this run's output of the installed
//     CLI (WARDEN_UPDATE_DOCS=1 rewrites them instead of failing).
import createPlugin from "@extism/extism";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseSnapshot } from "../../src/checks/ownership/snapshot";
import { ownershipCommand } from "../../src/cli/ownership";
import { snapshotCommand } from "../../src/cli/snapshot";
import { WardenWasm } from "../../src/cli/wasm";
import type { Finding } from "../../src/report/finding";
import { REPO_ROOT, helmBinary, installPlugin, isolatedHelmEnv, needArtefact, pluginName, run, runHelm, type HelmEnv, type RunResult } from "./helm.js";
import { createNamespace, createObject, getMeta, kubeBinaries, kubeSkipReason, liveSnapshot, startKube, startKubectlProxy, type Kube, type KubectlProxy } from "./kube.js";

const HELM_VERSION = "v4.3.1";
/** Our build of v4.3.1 with the post-renderer ABI fix (helm/helm#31832): the Wasm flavour runs in it. */
const HELM_FIXED = "v4.3.1-fixedabi";
const SKIP_REASON = kubeSkipReason();
if (SKIP_REASON) console.warn(`ownership-live.e2e: skipped: ${SKIP_REASON}`);

const PLUGIN_WASM = path.join(REPO_ROOT, "dist/warden/plugin.wasm");
const HAS_WASM = existsSync(PLUGIN_WASM);
const WARDEN_EXEC_DIR = path.join(REPO_ROOT, "dist/warden-exec");
const HAS_WARDEN_EXEC = existsSync(path.join(WARDEN_EXEC_DIR, "plugin.yaml"));
/** The installed CLI (dist/cli/warden.mjs, its version stamped from package.json at build time). */
const WARDEN_BIN = path.join(REPO_ROOT, "bin/warden.mjs");
const HAS_CLI = existsSync(path.join(REPO_ROOT, "dist/cli/warden.mjs"));
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

let kube: Kube;
let helm: string;
let henv: HelmEnv;
let charts: string;
let proxy: KubectlProxy;

// --- charts ----------------------------------------------------------------

const cm = (name: string, extra = "") => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  k: v\n`;
const svc = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - port: 80\n    targetPort: 8080\n`;
const clusterRole = (name: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n`;

async function chart(name: string, templates: Record<string, string>, values = "extra: false\n"): Promise<string> {
  const dir = path.join(charts, name);
  await mkdir(path.join(dir, "templates"), { recursive: true });
  await writeFile(path.join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${name.toLowerCase()}\nversion: 0.1.0\n`);
  await writeFile(path.join(dir, "values.yaml"), values);
  for (const [file, text] of Object.entries(templates)) await writeFile(path.join(dir, "templates", file), text);
  return dir;
}

// --- helpers -----------------------------------------------------------------

async function helmOk(args: string[]): Promise<RunResult> {
  const r = await runHelm(helm, args, { env: henv.env });
  if (r.code !== 0) throw new Error(`helm ${args.join(" ")} failed (exit ${r.code}):\n${r.stderr}`);
  return r;
}

/** Helm's error line without the CLI prefix. */
function helmError(r: RunResult): string | undefined {
  return r.stderr
    .split("\n")
    .find((l) => l.startsWith("Error: "))
    ?.replace(/^Error: (INSTALLATION FAILED|UPGRADE FAILED): /, "");
}

/** Runs a warden CLI command in-process. */
async function cli(cmd: typeof snapshotCommand, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await cmd(args, {
    stdin: () => "",
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: { ...henv.env, KUBECONFIG: kube.kubeconfig },
  });
  return { code, stdout, stderr };
}

const kubeArgs = (release: string, ns: string) => ["--release", release, "-n", ns, "--kubeconfig", kube.kubeconfig, "--helm", helm];

/** The Helm error in an `ownership/prediction` finding, or undefined when it predicts a pass. */
function predicted(findings: readonly Pick<Finding, "rule" | "message">[]): string | undefined {
  const p = findings.filter((f) => f.rule === "ownership/prediction");
  expect(p).toHaveLength(1);
  const m = / would fail with: (.*)$/s.exec(p[0].message);
  if (!m) expect(p[0].message).toMatch(/ passes the ownership check$/);
  return m?.[1];
}

/**
 * Runs `warden ownership ARGS` with the installed CLI in the charts directory (KUBECONFIG and HELM from
 * the environment, as a user would) and checks that the text between `<!-- sample:NAME:start -->` and
 * `<!-- sample:NAME:end -->` in each of `docs` is exactly this run's command and output, the server
 * address shortened to https://127.0.0.1:6443 and the kubeconfig path left out.
 * WARDEN_UPDATE_DOCS=1 rewrites the blocks instead of failing.
 */
async function sample(name: string, args: string[], docs: string[]): Promise<RunResult> {
  const r = await run(process.execPath, [WARDEN_BIN, "ownership", ...args], {
    cwd: charts,
    env: { ...henv.env, KUBECONFIG: kube.kubeconfig, HELM: helm, NO_COLOR: "1", FORCE_COLOR: "" },
  });
  const shown = r.stdout
    .split(kube.server)
    .join("https://127.0.0.1:6443")
    .replace(/ \(context "[^"]*" in [^)]*\)/, "");
  const start = `<!-- sample:${name}:start -->\n`;
  const end = `<!-- sample:${name}:end -->`;
  const block = `${start}\`\`\`text\n$ warden ownership ${args.join(" ")}\n${shown}\`\`\`\n${end}`;
  for (const doc of docs) {
    const file = path.join(REPO_ROOT, doc);
    const text = await readFile(file, "utf8");
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    expect(a >= 0 && b > a, `the sample:${name} markers are in ${doc}`).toBe(true);
    if (process.env.WARDEN_UPDATE_DOCS === "1") {
      await writeFile(file, text.slice(0, a) + block + text.slice(b + end.length));
      continue;
    }
    expect(text.slice(a, b + end.length), `${doc}: the sample:${name} report is stale: run WARDEN_UPDATE_DOCS=1 npx vitest run test/e2e/ownership-live.e2e.test.ts`).toBe(block);
  }
  return r;
}

/** plugin.wasm under @extism/extism the way Helm's plugin.yaml configures it (allowedHosts). */
async function callWasm(manifests: string, extraArgs: string[], allowedHosts = ["127.0.0.1", "localhost"]): Promise<{ output?: { manifests: string; report: { text: string } }; error?: string }> {
  // The Node SDK takes allowedHosts as a plugin option (go-sdk: the manifest, filled from plugin.yaml).
  const plugin = await createPlugin({ wasm: [{ path: PLUGIN_WASM }] }, { useWasi: true, runInWorker: true, allowedHosts });
  try {
    const out = await plugin.call("helm_plugin_main", JSON.stringify({ manifests, extraArgs }));
    return { output: JSON.parse(out?.text() ?? "") };
  } catch (e) {
    return { error: String((e as Error).message ?? e) };
  } finally {
    await plugin.close();
  }
}

// --- setup -------------------------------------------------------------------

beforeAll(async () => {
  if (SKIP_REASON) return;
  const [bins, helmBin] = await Promise.all([kubeBinaries(), helmBinary(HELM_VERSION)]);
  helm = helmBin;
  kube = await startKube(bins.dir, bins.kubectl);
  henv = await isolatedHelmEnv();
  henv.env.KUBECONFIG = kube.kubeconfig;
  charts = await mkdtemp(path.join(tmpdir(), "warden-live-charts-"));
  proxy = await startKubectlProxy(kube);
}, 45 * 60_000);

afterAll(async () => {
  await proxy?.close();
  await kube?.stop();
  await henv?.cleanup();
  if (charts) await rm(charts, { recursive: true, force: true });
});

describe.skipIf(SKIP_REASON !== undefined)(`warden reads the cluster itself (Helm ${HELM_VERSION}, kube-apiserver)`, () => {
  let chartB: string;

  test("warden snapshot reads what an independent reader reads; the plugin with it predicts Helm's error", async (ctx) => {
    const ns = "snap";
    await createNamespace(kube, ns);
    const shared = await chart("shared", { "cm.yaml": cm("shared-config") });
    await helmOk(["install", "a", shared, "--namespace", ns]);
    await createObject(kube, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: ns }, spec: { ports: [{ port: 80, targetPort: 8080 }] } });
    chartB = await chart("b", { "cm.yaml": cm("shared-config"), "svc.yaml": svc("web"), "fresh.yaml": cm("fresh") });

    const json = await cli(snapshotCommand, [chartB, ...kubeArgs("b", ns), "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toMatch(/3 objects read from https:\/\/127\.0\.0\.1:\d+ for release "b" in "snap", no previous release/);
    const render = await helmOk(["template", "b", chartB, "--namespace", ns]);
    const oracle = await liveSnapshot(kube, render.stdout, { release: "b", namespace: ns });
    // Ownership metadata as the independent reader reads it; plus (version 2) the fields other managers
    // own that the chart sets to other values: none (the Service was created with the chart's values).
    const mine = JSON.parse(json.stdout);
    expect({ ...mine, v: 1, f: undefined }).toEqual(oracle.json);
    expect(mine.v).toBe(2);
    expect(mine.f).toEqual({});
    expect(oracle.json.o).toEqual({
      "v1/ConfigMap/snap/shared-config": ["Helm", "a", "snap"],
      "v1/ConfigMap/snap/fresh": 0,
      "v1/Service/snap/web": [null, null, null],
    });

    const ws1 = await cli(snapshotCommand, [chartB, ...kubeArgs("b", ns)]);
    expect(ws1.stdout).toMatch(/^ws1\.[A-Za-z0-9_-]+\n$/);
    expect(parseSnapshot(ws1.stdout.trim())).toEqual(parseSnapshot(json.stdout.trim()));

    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    const plugin = await WardenWasm.load(PLUGIN_WASM);
    let report: { findings: Finding[] };
    try {
      const r = await plugin.render(render.stdout, ["--checks=ownership", "--mode=enforce", "--release=b", `--namespace=${ns}`, `--snapshot=${ws1.stdout.trim()}`, "--report-format=json", "--report-only"]);
      expect(r.error).toBeUndefined();
      report = JSON.parse(r.report);
    } finally {
      await plugin.close();
    }
    const h = await runHelm(helm, ["install", "b", chartB, "--namespace", ns], { env: henv.env });
    expect(h.code).not.toBe(0);
    expect(predicted(report.findings)).toBe(helmError(h));
    expect(report.findings.filter((f) => f.rule === "ownership/conflict").map((f) => `${f.document?.kind}/${f.document?.name}`).sort()).toEqual([
      "ConfigMap/shared-config",
      "Service/web",
    ]);
  });

  test("warden ownership: every conflict with its owner and fix (exit 1); --take-ownership (exit 0); errors (exit 2)", async (ctx) => {
    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    needArtefact(ctx, HAS_CLI, "dist/cli/warden.mjs");
    const ns = "snap";
    const r = await cli(ownershipCommand, [chartB, ...kubeArgs("b", ns)]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toContain(`warden ownership: helm install b -n snap against ${kube.server}`);
    expect(r.stdout).toContain('ConfigMap "shared-config" in namespace "snap" belongs to Helm release "a" in namespace "snap"');
    expect(r.stdout).toContain('Service "web" in namespace "snap" exists without Helm ownership metadata');
    expect(r.stdout).toContain("kubectl label service/web --namespace snap app.kubernetes.io/managed-by=Helm --overwrite");
    expect(r.stdout).toContain("kubectl annotate service/web --namespace snap meta.helm.sh/release-name=b meta.helm.sh/release-namespace=snap --overwrite");
    expect(r.stdout).toContain("pass --take-ownership to helm install");
    // The sample in README.md and docs/ownership.md: this report from the installed CLI.
    const installed = await sample("ownership", ["./b", "--release", "b", "-n", ns], ["README.md", "docs/ownership.md"]);
    expect(installed.code, installed.stderr).toBe(1);
    expect(installed.stdout).toContain(`\nwarden ${PACKAGE_VERSION}: chart ./b (mode enforce, release b, namespace snap)\n`);
    expect(installed.stdout.slice(installed.stdout.indexOf("\n\n"))).toBe(r.stdout.slice(r.stdout.indexOf("\n\n")).replace("warden 0.0.0-dev: chart " + chartB, `warden ${PACKAGE_VERSION}: chart ./b`));

    // The same in JSON: the prediction is Helm's error.
    const j = await cli(ownershipCommand, [chartB, ...kubeArgs("b", ns), "--format", "json"]);
    expect(j.code).toBe(1);
    const h = await runHelm(helm, ["install", "b", chartB, "--namespace", ns], { env: henv.env });
    expect(predicted(JSON.parse(j.stdout).findings)).toBe(helmError(h));

    const take = await cli(ownershipCommand, [chartB, ...kubeArgs("b", ns), "--take-ownership"]);
    expect(take.code, take.stdout).toBe(0);
    expect(take.stdout).toContain("--take-ownership adopts it without checking");
    expect((await runHelm(helm, ["install", "b", chartB, "--namespace", ns, "--take-ownership"], { env: henv.env })).code).toBe(0);
    // Now b owns all three: an upgrade of b passes (the release exists, so warden predicts an upgrade).
    const again = await cli(ownershipCommand, [chartB, ...kubeArgs("b", ns)]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain("helm upgrade b -n snap");
    expect(again.stdout).toMatch(/release revision 1 \(deployed\) has 3 objects/);

    const audit = await cli(ownershipCommand, [chartB, ...kubeArgs("c", ns), "--mode=audit"]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('belongs to Helm release "b"');

    const bad = await cli(ownershipCommand, [chartB, "--release", "b", "-n", ns, "--kubeconfig", path.join(charts, "nope.yaml"), "--helm", helm]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^warden ownership: cannot read kubeconfig .*nope\.yaml: no such file/);
    const usage = await cli(ownershipCommand, [chartB, "-n", ns]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--release NAME is required");
  });

  test("after a failed upgrade, warden snapshot takes the previous keys from the last deployed revision", async (ctx) => {
    const ns = "failed";
    await createNamespace(kube, ns);
    const late = [
      "{{- if .Values.extra }}",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: late",
      "data:",
      '  {{ if .Values.fixed }}ok{{ else }}"bad key!"{{ end }}: v',
      "{{- end }}",
      "",
    ].join("\n");
    const c = await chart("failedup", { "cm.yaml": cm("base"), "late.yaml": late }, "extra: false\nfixed: false\n");
    await helmOk(["install", "f", c, "--namespace", ns]);
    const bad = await runHelm(helm, ["upgrade", "f", c, "--namespace", ns, "--set", "extra=true"], { env: henv.env });
    expect(bad.code).not.toBe(0);
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", namespace: ns }, data: { ok: "v" } });

    const sets = ["--set", "extra=true", "--set", "fixed=true"];
    const s = await cli(snapshotCommand, [c, ...kubeArgs("f", ns), ...sets, "--format", "json"]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/previous release revision 1 \(deployed, 1 objects\)/);
    const snap = JSON.parse(s.stdout);
    expect(snap.p).toEqual(["v1/ConfigMap/failed/base"]);
    expect(snap.o["v1/ConfigMap/failed/late"]).toEqual([null, null, null]);

    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    const o = await cli(ownershipCommand, [c, ...kubeArgs("f", ns), ...sets, "--upgrade", "--format", "json"]);
    expect(o.code).toBe(1);
    const h = await runHelm(helm, ["upgrade", "f", c, "--namespace", ns, ...sets], { env: henv.env });
    expect(h.code).not.toBe(0);
    expect(helmError(h)).toMatch(/^unable to continue with update: ConfigMap "late" in namespace "failed" exists/);
    expect(predicted(JSON.parse(o.stdout).findings)).toBe(helmError(h));
  });

  test("--kube-proxy: plugin.wasm under @extism/extism reads the server over HTTP (install and upgrade)", async (ctx) => {
    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    const ns = "proxy";
    await createNamespace(kube, ns);
    const base = await chart("pa", { "cm.yaml": cm("taken"), "role.yaml": clusterRole("proxy-reader") });
    await helmOk(["install", "pa", base, "--namespace", ns]);
    const other = await chart("pb", { "cm.yaml": cm("taken"), "new.yaml": cm("brand-new") });
    const args = (release: string, extra: string[] = []) => [`--kube-proxy=${proxy.url}`, `--release=${release}`, `--namespace=${ns}`, "--checks=ownership", "--mode=enforce", ...extra];

    const render = (await helmOk(["template", "pb", other, "--namespace", ns])).stdout;
    const before = (await proxy.requests()).length;
    const w = await callWasm(render, args("pb"));
    expect(w.error).toMatch(/warden: 1 finding blocks this render/);
    const h = await runHelm(helm, ["install", "pb", other, "--namespace", ns], { env: henv.env });
    expect(helmError(h)).toBe(
      'unable to continue with install: ConfigMap "taken" in namespace "proxy" exists and cannot be imported into the current release: ' +
        'invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "pb": current value is "pa"',
    );
    expect(w.error).toContain('ConfigMap "taken" in namespace "proxy" belongs to Helm release "pa"');
    // Metadata only: discovery, the object GETs and the release list; no Secret was read in full.
    const sent = (await proxy.requests()).slice(before);
    expect(sent).toContain("/api/v1/namespaces/proxy/configmaps/taken");
    expect(sent.some((u) => u.startsWith("/api/v1/namespaces/proxy/secrets/"))).toBe(false);

    // Upgrade of pa that adds an object someone created by hand: the plugin reads pa's stored release
    // (gzip, decoded in Wasm) and checks only the new object.
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "handmade", namespace: ns } });
    const grown = await chart("pa2", { "cm.yaml": cm("taken"), "role.yaml": clusterRole("proxy-reader"), "hand.yaml": cm("handmade") });
    const r2 = (await helmOk(["template", "pa", grown, "--namespace", ns])).stdout;
    const up = await callWasm(r2, args("pa", ["--report-only", "--report-format=json"]));
    expect(up.error).toBeUndefined();
    const findings = (JSON.parse(up.output?.report.text ?? "{}") as { findings: Finding[] }).findings;
    const hu = await runHelm(helm, ["upgrade", "pa", grown, "--namespace", ns], { env: henv.env });
    expect(hu.code).not.toBe(0);
    expect(predicted(findings)).toBe(helmError(hu));
    expect(helmError(hu)).toMatch(/^unable to continue with update: ConfigMap "handmade"/);
    expect((await proxy.requests()).some((u) => /^\/api\/v1\/namespaces\/proxy\/secrets\/sh\.helm\.release\.v1\.pa\.v1$/.test(u))).toBe(true);

    // A host not in allowedHosts: the Extism host refuses the request and the call fails.
    const denied = await callWasm(render, args("pb"), ["localhost"]);
    expect(denied.error).toMatch(/not allowed/);
  });

  test("warden-exec inside helm install: --kube-proxy and --snapshot-file block the conflicting install", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const ns = "exec";
    await createNamespace(kube, ns);
    const c = await chart("execchart", { "cm.yaml": cm("occupied"), "svc.yaml": svc("occupied") });
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "occupied", namespace: ns } });
    await installPlugin(helm, henv, WARDEN_EXEC_DIR);
    const name = pluginName(WARDEN_EXEC_DIR);
    const reportFile = path.join(henv.root, "exec-report.txt");
    const pr = (args: string[]) => ["--mode=enforce", "--checks=ownership", "--release=q", `--namespace=${ns}`, `--report-file=${reportFile}`, ...args].map((a) => `--post-renderer-args=${a}`);
    const expected =
      'unable to continue with install: ConfigMap "occupied" in namespace "exec" exists and cannot be imported into the current release: invalid ownership metadata; ' +
      'label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"';

    const viaProxy = await runHelm(helm, ["install", "q", c, "--namespace", ns, "--post-renderer", name, ...pr([`--kube-proxy=${proxy.url}`])], { env: henv.env });
    expect(viaProxy.code, viaProxy.stderr).not.toBe(0);
    expect(await readFile(reportFile, "utf8")).toContain(expected);

    const snapFile = path.join(henv.root, "q.snapshot");
    const s = await cli(snapshotCommand, [c, ...kubeArgs("q", ns), "--output", snapFile]);
    expect(s.code, s.stderr).toBe(0);
    await writeFile(reportFile, "");
    const viaFile = await runHelm(helm, ["install", "q", c, "--namespace", ns, "--post-renderer", name, ...pr([`--snapshot-file=${snapFile}`])], { env: henv.env });
    expect(viaFile.code, viaFile.stderr).not.toBe(0);
    expect(await readFile(reportFile, "utf8")).toContain(expected);
    expect(await getMeta(kube, "v1", "Service", ns, "occupied")).toBeUndefined();

    // Without the conflict (take-ownership) the same route lets Helm install.
    const ok = await runHelm(helm, ["install", "q", c, "--namespace", ns, "--take-ownership", "--post-renderer", name, ...pr([`--kube-proxy=${proxy.url}`, "--take-ownership"])], { env: henv.env });
    expect(ok.code, ok.stderr).toBe(0);
  });

  test("many objects of one kind: one paged LIST instead of GETs reads the same (CLI and --kube-proxy)", async (ctx) => {
    const ns = "many";
    await createNamespace(kube, ns);
    const names = Array.from({ length: 14 }, (_, i) => `many-${i}`);
    await helmOk(["install", "owner", await chart("owner", { "cm.yaml": cm("many-7") }), "--namespace", ns]);
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "many-3", namespace: ns } });
    const c = await chart("many", { "cms.yaml": names.map((n) => cm(n)).join("---\n") });
    const render = (await helmOk(["template", "big", c, "--namespace", ns])).stdout;
    const oracle = await liveSnapshot(kube, render, { release: "big", namespace: ns });
    const before = (await proxy.requests()).length;
    const s = await cli(snapshotCommand, [c, ...kubeArgs("big", ns), "--format", "json"]);
    expect(s.code, s.stderr).toBe(0);
    expect({ ...JSON.parse(s.stdout), v: 1, f: undefined }).toEqual(oracle.json);
    expect(oracle.json.o["v1/ConfigMap/many/many-7"]).toEqual(["Helm", "owner", "many"]);

    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    const w = await callWasm(render, [`--kube-proxy=${proxy.url}`, "--release=big", `--namespace=${ns}`, "--checks=ownership", "--mode=enforce", "--report-only", "--report-format=json"]);
    expect(w.error).toBeUndefined();
    const sent = (await proxy.requests()).slice(before);
    expect(sent).toContain(`/api/v1/namespaces/${ns}/configmaps?limit=500`);
    // No metadata GETs; one full GET: many-3 exists, was created without fields (so without managedFields),
    // and the server would give its fields to "before-first-apply" on Helm's apply (step 4 of live.ts).
    expect(sent.filter((u) => u.startsWith(`/api/v1/namespaces/${ns}/configmaps/`))).toEqual([`/api/v1/namespaces/${ns}/configmaps/many-3`]);
    const h = await runHelm(helm, ["install", "big", c, "--namespace", ns], { env: henv.env });
    expect(h.code).not.toBe(0);
    const findings = (JSON.parse(w.output?.report.text ?? "{}") as { findings: Finding[] }).findings;
    expect(predicted(findings)).toBe(helmError(h));
    expect(findings.filter((f) => f.rule === "ownership/conflict").map((f) => f.document?.name).sort()).toEqual(["many-3", "many-7"]);
  });

  test("server-side apply conflicts of an adoption: warden ownership, --snapshot and --kube-proxy predict Helm's error", async (ctx) => {
    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    needArtefact(ctx, HAS_CLI, "dist/cli/warden.mjs");
    const ns = "ssa-live";
    await createNamespace(kube, ns);
    const c = await chart("ssalive", { "svc.yaml": svc("edge"), "cm.yaml": cm("plain-cm") });
    await createObject(kube, { apiVersion: "v1", kind: "Service", metadata: { name: "edge", namespace: ns }, spec: { ports: [{ port: 80 }] } });
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "plain-cm", namespace: ns }, data: { k: "v" } });
    const expected =
      'conflict occurred while applying object ssa-live/edge /v1, Kind=Service: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort';

    // warden snapshot records the foreign field and its live value, only for the fields the chart sets to
    // another value (the ConfigMap's data.k is the chart's value: nothing recorded).
    const s = await cli(snapshotCommand, [c, ...kubeArgs("t", ns), "--format", "json"]);
    expect(s.code, s.stderr).toBe(0);
    const snap = JSON.parse(s.stdout);
    expect(snap.v).toBe(2);
    expect(snap.f).toEqual({
      "v1/Service/ssa-live/edge": [["kubectl-create", "U", "v1", "", { "f:spec": { "f:ports": { 'k:{"port":80,"protocol":"TCP"}': { "f:targetPort": { "=": 80 } } } } }]],
    });

    // The sample in docs/ownership.md: this report from the installed CLI.
    const shown = await sample("ownership-ssa", ["./ssalive", "--release", "t", "-n", ns, "--take-ownership"], ["docs/ownership.md"]);
    expect(shown.code, shown.stderr).toBe(1);
    expect(shown.stdout).toContain(`\nwarden ${PACKAGE_VERSION}: chart ./ssalive (mode enforce, release t, namespace ssa-live)\n`);
    const own = await cli(ownershipCommand, [c, ...kubeArgs("t", ns), "--take-ownership", "--format", "json"]);
    expect(own.code, own.stdout).toBe(1);
    const ownFindings = JSON.parse(own.stdout).findings as Finding[];
    expect(ownFindings.filter((f) => f.rule === "ownership/apply-conflict").map((f) => f.document?.name)).toEqual(["edge"]);

    const render = (await helmOk(["template", "t", c, "--namespace", ns])).stdout;
    const w = await callWasm(render, [`--kube-proxy=${proxy.url}`, "--release=t", `--namespace=${ns}`, "--take-ownership", "--checks=ownership", "--mode=enforce", "--report-only", "--report-format=json"]);
    expect(w.error).toBeUndefined();
    const viaProxy = (JSON.parse(w.output?.report.text ?? "{}") as { findings: Finding[] }).findings;

    const h = await runHelm(helm, ["install", "t", c, "--namespace", ns, "--take-ownership"], { env: henv.env });
    expect(h.code).not.toBe(0);
    expect(helmError(h)).toBe(expected);
    expect(predicted(ownFindings)).toBe(expected);
    expect(predicted(viaProxy)).toBe(expected);
  });

  // What Helm passes from plugin.yaml to go-sdk (internal/plugin/runtime_extismv1.go buildManifest):
  // runtimeConfig.allowedHosts and memory.maxHttpResponseBytes. The Wasm flavour needs a Helm with the
  // post-renderer ABI fix, so this runs on our v4.3.1-fixedabi build.
  test("the Wasm flavour inside helm install: live state by --kube-proxy (allowedHosts and maxHttpResponseBytes reach go-sdk) and by --snapshot", async (ctx) => {
    needArtefact(ctx, HAS_WASM, "dist/warden/plugin.wasm");
    const fixed = await helmBinary(HELM_FIXED);
    const ns = "wasm";
    await createNamespace(kube, ns);
    const c = await chart("wasmchart", { "cm.yaml": cm("claimed") });
    await createObject(kube, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "claimed", namespace: ns } });
    const yaml = await readFile(path.join(REPO_ROOT, "plugin.yaml"), "utf8");
    expect(yaml).toMatch(/allowedHosts:\n\s+- 127\.0\.0\.1/);
    const variants: Record<string, string> = {
      shipped: yaml,
      // Helm's default 0 (key left out): go-sdk fails every non-empty HTTP body.
      "no-max-http": yaml.replace(/\n\s*maxHttpResponseBytes: \d+/, ""),
      "no-hosts": yaml.replace(/\n\s*allowedHosts:\n(\s+- .*\n)+/, "\n"),
    };
    // The other way to give the plugin live state: a `warden snapshot` passed as an argument
    // (no HTTP at all, so it works with Helm's defaults too).
    const snap = await cli(snapshotCommand, [c, ...kubeArgs("w", ns)]);
    expect(snap.stdout).toMatch(/^ws1\.[A-Za-z0-9_-]+\n$/);
    variants["snapshot-arg, no-hosts"] = variants["no-hosts"];
    const results: Record<string, RunResult> = {};
    for (const [variant, text] of Object.entries(variants)) {
      expect(text === yaml).toBe(variant === "shipped");
      const live = variant.startsWith("snapshot-arg") ? `--snapshot=${snap.stdout.trim()}` : `--kube-proxy=${proxy.url}`;
      const env = await isolatedHelmEnv();
      try {
        env.env.KUBECONFIG = kube.kubeconfig;
        const dir = path.join(env.root, "warden");
        await mkdir(dir);
        await writeFile(path.join(dir, "plugin.yaml"), text);
        await writeFile(path.join(dir, "plugin.wasm"), await readFile(PLUGIN_WASM));
        await installPlugin(fixed, env, dir);
        results[variant] = await runHelm(
          fixed,
          ["install", "w", c, "--namespace", ns, "--post-renderer", "warden", ...[live, "--release=w", `--namespace=${ns}`, "--checks=ownership", "--mode=enforce"].map((a) => `--post-renderer-args=${a}`)],
          { env: env.env },
        );
      } finally {
        await env.cleanup();
      }
    }
    expect(results.shipped.code).not.toBe(0);
    expect(results.shipped.stderr).toContain('ConfigMap "claimed" in namespace "wasm" exists without Helm ownership metadata');
    expect(results.shipped.stderr).toContain("warden: 1 finding blocks this render");
    expect(results["no-max-http"].code).not.toBe(0);
    expect(results["no-max-http"].stderr).toContain("plugin error: http: request body too large");
    expect(results["no-hosts"].code).not.toBe(0);
    expect(results["no-hosts"].stderr).toMatch(/HTTP request to 'http:\/\/127\.0\.0\.1:\d+\/api\/v1' is not allowed/);
    expect(results["snapshot-arg, no-hosts"].code).not.toBe(0);
    expect(results["snapshot-arg, no-hosts"].stderr).toContain('ConfigMap "claimed" in namespace "wasm" exists without Helm ownership metadata');
    expect(results["snapshot-arg, no-hosts"].stderr).toContain("warden: 1 finding blocks this render");
    expect(await getMeta(kube, "v1", "ConfigMap", ns, "claimed")).toEqual({ labels: {}, annotations: {} });
  });
});
