// Helpers for end-to-end tests against a real, throw-away Kubernetes API server
// (etcd + kube-apiserver built by build/kube/install-kube.sh, see
// /work/shared/docs/kube-apiserver.md).
//
// - kubeBinDir(): the cache directory of the binaries, or undefined when they are not built
//   (buildKube() builds them: ~7 minutes cold on 2 cores); kubectlBinary(): the real kubectl of
//   the same Kubernetes version (build/kube/install-kubectl.sh, which install-kube.sh runs too).
//   kubeSkipReason()/kubeBinaries(): what the suites use to skip, or to get (build) all three.
// - startKube(binDir, kubectl): temp dir, openssl CA + serving certificate + service-account key +
//   token, etcd and kube-apiserver on free loopback ports, waits for /readyz, writes a kubeconfig.
//   `stop()` kills both processes (apiserver, then etcd) by PID and removes the temp dir.
// - kube.request(): HTTPS requests with the bearer token (the test CA is trusted);
//   kube.kubectl(): the real kubectl with that kubeconfig.
// - createObject(): `kubectl create -f -`; startKubectlProxy(): `kubectl proxy --port=0`, with the
//   requests it forwarded (from its own -v=6 log).
// - liveSnapshot(): warden's `--snapshot=` for a render, read from the server (metadata only),
//   encoded with src/checks/ownership/snapshot.ts.
//
// The server has no controller-manager and no nodes: ConfigMaps, Services, RBAC objects and CRDs
// work; workloads never become ready and deleted namespaces stay Terminating.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { encodeSnapshot, type SnapshotJson } from "../../src/checks/ownership/snapshot";
import { REPO_ROOT, run, type RunResult } from "./helm.js";

export const KUBE_VERSION = "1.37.2";
export const ETCD_VERSION = "3.7.3";
export const INSTALL_KUBE = path.join(REPO_ROOT, "build/kube/install-kube.sh");
export const TOKEN = "warden-e2e-admin-token";

/** Where install-kube.sh caches the binaries for the pinned versions. */
export function kubeCacheDir(): string {
  const root = process.env.WARDEN_CACHE || path.join(homedir(), ".cache/warden");
  return path.join(root, "kube", `kube-${KUBE_VERSION}-etcd-${ETCD_VERSION}`);
}

/** The cached binaries' directory, or undefined when install-kube.sh has not built them. */
export function kubeBinDir(): string | undefined {
  const dir = kubeCacheDir();
  const ok =
    existsSync(path.join(dir, "kube-apiserver")) &&
    existsSync(path.join(dir, "etcd")) &&
    existsSync(path.join(dir, ".stamp"));
  return ok ? dir : undefined;
}

/** Where install-kubectl.sh caches kubectl (cmd/kubectl of the same k8s.io/kubernetes version). */
export function kubectlCacheDir(): string {
  const root = process.env.WARDEN_CACHE || path.join(homedir(), ".cache/warden");
  return path.join(root, "kube", `kubectl-${KUBE_VERSION}`);
}

/** The cached kubectl, or undefined when install-kubectl.sh has not built it. */
export function kubectlBinary(): string | undefined {
  const bin = path.join(kubectlCacheDir(), "kubectl");
  return existsSync(bin) && existsSync(path.join(kubectlCacheDir(), ".stamp")) ? bin : undefined;
}

/**
 * Builds (or reuses) the binaries with install-kube.sh, which also builds kubectl
 * (install-kubectl.sh); resolves to the directory of kube-apiserver and etcd.
 */
export async function buildKube(): Promise<string> {
  const r = await run("bash", [INSTALL_KUBE, KUBE_VERSION, ETCD_VERSION], { timeoutMs: 40 * 60_000 });
  const dir = r.stdout.trim().split("\n").pop() ?? "";
  if (r.code !== 0 || !path.isAbsolute(dir) || !existsSync(path.join(dir, "kube-apiserver")) || kubectlBinary() === undefined) {
    throw new Error(`install-kube.sh failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  }
  return dir;
}

/**
 * Why a suite needing the server is skipped: the binaries are not cached and WARDEN_E2E_REQUIRE_KUBE
 * is not 1 (then kubeBinaries() builds them, or fails). Undefined: run.
 */
export function kubeSkipReason(): string | undefined {
  if (process.env.WARDEN_E2E_REQUIRE_KUBE === "1") return undefined;
  if (kubeBinDir() === undefined) {
    return `kube-apiserver/etcd are not built (${kubeCacheDir()} missing): run build/kube/install-kube.sh (~7 min) or set WARDEN_E2E_REQUIRE_KUBE=1`;
  }
  if (kubectlBinary() === undefined) {
    return `kubectl is not built (${kubectlCacheDir()} missing): run build/kube/install-kube.sh or set WARDEN_E2E_REQUIRE_KUBE=1`;
  }
  return undefined;
}

/** The cached kube-apiserver/etcd directory and kubectl, built with install-kube.sh when missing. */
export async function kubeBinaries(): Promise<{ dir: string; kubectl: string }> {
  const cached = kubeBinDir();
  const dir = cached !== undefined && kubectlBinary() !== undefined ? cached : await buildKube();
  const kubectl = kubectlBinary();
  if (kubectl === undefined) throw new Error(`kubectl is missing from ${kubectlCacheDir()} after install-kube.sh`);
  return { dir, kubectl };
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  const r = await run("openssl", args, { cwd, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed (exit ${r.code}): ${r.stderr}`);
}

/** CA, serving certificate for 127.0.0.1/localhost, service-account key pair and token file. */
async function writeCredentials(dir: string): Promise<void> {
  await openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=warden-e2e-ca"]);
  await openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver"]);
  await writeFile(path.join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  await openssl(dir, [
    "x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", "apiserver.crt", "-days", "2", "-extfile", "ext.cnf",
  ]);
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  await writeFile(path.join(dir, "tokens.csv"), `${TOKEN},admin,admin-uid,system:masters\n`);
}

export interface KubeResponse {
  status: number;
  body: string;
  json<T = unknown>(): T;
}

export interface Kube {
  dir: string;
  server: string;
  kubeconfig: string;
  /** Milliseconds from spawning etcd to a ready /readyz. */
  startupMs: number;
  request(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<KubeResponse>;
  /** request() that throws unless the status is 2xx. */
  must(method: string, urlPath: string, body?: unknown): Promise<KubeResponse>;
  /** The real kubectl against this server: `--kubeconfig` is this kubeconfig, HOME the temp dir. */
  kubectl(args: readonly string[], input?: string): Promise<RunResult>;
  /** The kubectl binary kubectl() runs. */
  kubectlPath: string;
  /** The server's log files (tail), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** Spawns a server with stdout/stderr appended to `logFile`; stop() later kills exactly this PID. */
function spawnLogged(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
    child.on("error", () => {
      /* reported through the readiness wait (exitCode) */
    });
    return child;
  } finally {
    closeSync(fd);
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

function tail(file: string, n = 3000): string {
  try {
    const t = readFileSync(file, "utf8");
    return t.slice(-n);
  } catch {
    return "(no log)";
  }
}

/**
 * Starts etcd + kube-apiserver from `binDir` on free loopback ports; resolves when /readyz is ok.
 * `kubectl` is the binary kube.kubectl() and startKubectlProxy() run.
 */
export async function startKube(binDir: string, kubectl: string): Promise<Kube> {
  const dir = await mkdtemp(path.join(tmpdir(), "warden-kube-"));
  const started = Date.now();
  const children: ChildProcess[] = [];
  const etcdLog = path.join(dir, "etcd.log");
  const apiLog = path.join(dir, "kube-apiserver.log");
  let stopped = false;
  // Last resort if the test process exits without afterAll (crash, Ctrl-C): kill exactly our PIDs.
  const onExit = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  };
  process.once("exit", onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    // apiserver first, then etcd; each by its own PID.
    for (const c of [...children].reverse()) {
      if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
      await waitExit(c, 10_000);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeCredentials(dir);
    const ca = readFileSync(path.join(dir, "ca.crt"));
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    children.push(
      spawnLogged(
        path.join(binDir, "etcd"),
        [
          "--name", "warden-e2e", "--data-dir", path.join(dir, "etcd-data"),
          "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
          "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
          "--initial-cluster", `warden-e2e=${peerUrl}`, "--listen-metrics-urls", "",
          "--unsafe-no-fsync", "--log-level", "warn",
        ],
        etcdLog,
      ),
    );
    await waitFor(async () => (await httpGet(`${etcdUrl}/health`)) === 200, 30_000, () => `etcd did not become healthy:\n${tail(etcdLog)}`, children[0]);

    const server = `https://127.0.0.1:${apiPort}`;
    children.push(
      spawnLogged(
        path.join(binDir, "kube-apiserver"),
        [
          `--etcd-servers=${etcdUrl}`,
          "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${apiPort}`,
          `--tls-cert-file=${path.join(dir, "apiserver.crt")}`, `--tls-private-key-file=${path.join(dir, "apiserver.key")}`,
          `--client-ca-file=${path.join(dir, "ca.crt")}`, `--token-auth-file=${path.join(dir, "tokens.csv")}`,
          "--authorization-mode=AlwaysAllow",
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${path.join(dir, "sa.pub")}`, `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
          "--service-cluster-ip-range=10.0.0.0/24", "--endpoint-reconciler-type=none",
        ],
        apiLog,
      ),
    );
    const request = (method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) =>
      httpsRequest(server, ca, method, urlPath, body, headers);
    await waitFor(
      async () => (await request("GET", "/readyz").catch(() => ({ status: 0 }))).status === 200,
      90_000,
      () => `kube-apiserver did not become ready:\n${tail(apiLog)}`,
      children[1],
    );
    const kubeconfig = path.join(dir, "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: warden-e2e",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority: ${path.join(dir, "ca.crt")}`,
        "users:",
        "- name: admin",
        "  user:",
        `    token: ${TOKEN}`,
        "contexts:",
        "- name: warden-e2e",
        "  context: {cluster: warden-e2e, user: admin}",
        "current-context: warden-e2e",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const must = async (method: string, urlPath: string, body?: unknown) => {
      const r = await request(method, urlPath, body);
      if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${urlPath}: HTTP ${r.status}: ${r.body}`);
      return r;
    };
    // No ~/.kube of the user: discovery cache and kuberc are read from / written to the temp dir.
    const kubectlEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, KUBERC: "off" };
    return {
      dir,
      server,
      kubeconfig,
      startupMs: Date.now() - started,
      request,
      must,
      kubectl: (args, input) => run(kubectl, [`--kubeconfig=${kubeconfig}`, ...args], { env: kubectlEnv, input, cwd: dir, timeoutMs: 60_000 }),
      kubectlPath: kubectl,
      logs: () => `--- etcd\n${tail(etcdLog)}\n--- kube-apiserver\n${tail(apiLog)}`,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitFor(ok: () => Promise<boolean>, ms: number, why: () => string, child: ChildProcess): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}): ${why()}`);
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function httpGet(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

function httpsRequest(
  server: string,
  ca: Buffer,
  method: string,
  urlPath: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<KubeResponse> {
  const url = new URL(urlPath, server);
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          Accept: "application/json",
          ...(data !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(data)) } : {}),
          ...headers,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    if (data !== undefined) req.write(data);
    req.end();
  });
}

// ---------------------------------------------------------------------------
// Discovery and live snapshots

interface ApiResource {
  /** Plural resource name used in URLs. */
  resource: string;
  namespaced: boolean;
}

/** Kind → resource for one group/version, from the server's discovery (memoised per Kube). */
const discoveryCache = new WeakMap<Kube, Map<string, Promise<Map<string, ApiResource>>>>();

export function resources(kube: Kube, apiVersion: string): Promise<Map<string, ApiResource>> {
  let perKube = discoveryCache.get(kube);
  if (!perKube) discoveryCache.set(kube, (perKube = new Map()));
  let p = perKube.get(apiVersion);
  if (!p) {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    p = kube.must("GET", base).then((r) => {
      const list = r.json<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>();
      const m = new Map<string, ApiResource>();
      for (const res of list.resources) {
        if (res.name.includes("/")) continue; // subresources
        m.set(res.kind, { resource: res.name, namespaced: res.namespaced });
      }
      return m;
    });
    p.catch(() => perKube?.delete(apiVersion));
    perKube.set(apiVersion, p);
  }
  return p;
}

/** REST path of an object (collection path when name is undefined). */
export async function objectPath(kube: Kube, apiVersion: string, kind: string, namespace: string, name?: string): Promise<string> {
  const m = await resources(kube, apiVersion);
  const r = m.get(kind);
  if (!r) throw new Error(`the server has no kind ${kind} in ${apiVersion}`);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.resource}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * `kubectl create -f -` with the real kubectl: the object gets no Helm metadata, and the fields it
 * sets (defaults included) belong to kubectl's field manager, `kubectl-create`.
 */
export async function createObject(kube: Kube, obj: NewObject): Promise<void> {
  const r = await kube.kubectl(["create", "-f", "-"], JSON.stringify(obj));
  if (r.code !== 0) throw new Error(`kubectl create -f - (${obj.kind} ${obj.metadata.name}): exit ${r.code}: ${r.stderr}`);
}

/** Creates a namespace (no-op if it exists). */
export async function createNamespace(kube: Kube, name: string): Promise<void> {
  const r = await kube.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status}: ${r.body}`);
}

export interface LiveMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Metadata of a live object, or undefined when it does not exist. */
export async function getMeta(kube: Kube, apiVersion: string, kind: string, namespace: string, name: string): Promise<LiveMeta | undefined> {
  const p = await objectPath(kube, apiVersion, kind, namespace, name);
  const r = await kube.request("GET", p, undefined, { Accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json" });
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status}: ${r.body}`);
  const meta = r.json<{ metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }>().metadata ?? {};
  return { labels: meta.labels ?? {}, annotations: meta.annotations ?? {} };
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** As Helm's kube client sees it: namespaced objects default to the release namespace. */
  namespace: string;
  /** Helm's objectKey: `<group/version or version>/<Kind>/<namespace>/<name>`. */
  key: string;
  hook: boolean;
}

/**
 * The objects of a manifest stream (`helm template` output or `helm get manifest`), keyed as Helm
 * keys them: written independently of src/ so the test does not reuse the code under test.
 */
export async function manifestObjects(kube: Kube, stream: string, releaseNamespace: string): Promise<ManifestObject[]> {
  type Raw = {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
    items?: unknown;
  } | null;
  const out: ManifestObject[] = [];
  // Helm's Build flattens lists (`kind: List`, `ConfigMapList`, …) into their items.
  const flat: Raw[] = [];
  const add = (v: Raw) => {
    if (v && typeof v === "object" && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) {
      for (const it of v.items as Raw[]) add(it);
    } else flat.push(v);
  };
  for (const doc of parseAllDocuments(stream)) add(doc.toJS() as Raw);
  for (const v of flat) {
    if (!v || typeof v !== "object" || !v.apiVersion || !v.kind) continue;
    const res = (await resources(kube, v.apiVersion)).get(v.kind);
    if (!res) throw new Error(`the server does not serve ${v.apiVersion} ${v.kind}`);
    // cli-runtime (Helm's kube client Build): namespaced objects default to the release namespace;
    // FilterNamespace clears the namespace of cluster-scoped objects, even a written one.
    const written = v.metadata?.namespace ?? "";
    const namespace = res.namespaced ? written || releaseNamespace : "";
    const name = v.metadata?.name ?? "";
    out.push({
      apiVersion: v.apiVersion,
      kind: v.kind,
      name,
      namespace,
      key: `${v.apiVersion}/${v.kind}/${namespace}/${name}`,
      hook: v.metadata?.annotations?.["helm.sh/hook"] !== undefined,
    });
  }
  return out;
}

export interface SnapshotOptions {
  release: string;
  namespace: string;
  /** The previous release's manifest (`helm get manifest`), for upgrades. */
  previousManifest?: string;
}

/**
 * warden's `--snapshot=` for `render` (a `helm template` stream): the live Helm ownership metadata
 * of every rendered non-hook object, read from the API server, encoded as `ws1.<base64url JSON>`.
 */
export async function liveSnapshot(kube: Kube, render: string, opts: SnapshotOptions): Promise<{ arg: string; json: SnapshotJson }> {
  const json: SnapshotJson = { v: 1, r: opts.release, n: opts.namespace, o: {} };
  for (const o of await manifestObjects(kube, render, opts.namespace)) {
    if (o.hook || o.name === "") continue;
    const meta = await getMeta(kube, o.apiVersion, o.kind, o.namespace, o.name);
    json.o[o.key] = meta
      ? [
          meta.labels["app.kubernetes.io/managed-by"] ?? null,
          meta.annotations["meta.helm.sh/release-name"] ?? null,
          meta.annotations["meta.helm.sh/release-namespace"] ?? null,
        ]
      : 0;
  }
  if (opts.previousManifest !== undefined) {
    json.p = (await manifestObjects(kube, opts.previousManifest, opts.namespace)).filter((o) => !o.hook).map((o) => o.key);
  }
  return { arg: encodeSnapshot(json), json };
}

// ---------------------------------------------------------------------------
// kubectl proxy

export interface KubectlProxy {
  /** `http://127.0.0.1:<port>`, the port kubectl picked (`--port=0`) and printed. */
  url: string;
  /**
   * The paths (with query) kubectl proxy sent to the API server so far, in order, read from its
   * own client-go log (`-v=6`: one `"Response" verb=… url=…` line per request). Waits until the
   * log has caught up: a marker request sent now must show up first.
   */
  requests(): Promise<string[]>;
  /** Kills exactly this kubectl process. */
  close(): Promise<void>;
}

let proxyMarks = 0;

/** The real `kubectl proxy --port=0` on 127.0.0.1 with the test kubeconfig (plain HTTP in, TLS + token out). */
export async function startKubectlProxy(kube: Kube): Promise<KubectlProxy> {
  const child = spawn(kube.kubectlPath, [`--kubeconfig=${kube.kubeconfig}`, "proxy", "--port=0", "--address=127.0.0.1", "-v=6"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: kube.dir, KUBERC: "off" },
    cwd: kube.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let log = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (log += b.toString("utf8")));
  child.on("error", () => {
    /* reported through the wait below (exitCode) */
  });
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", onExit);
  const close = async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await waitExit(child, 5000);
  };
  let port = 0;
  try {
    await waitFor(
      async () => {
        // kubectl proxy: "Starting to serve on 127.0.0.1:40211"
        const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) port = Number(m[1]);
        return port > 0;
      },
      30_000,
      () => `kubectl proxy did not start:\n${out}\n${log.slice(-3000)}`,
      child,
    );
  } catch (e) {
    await close();
    throw e;
  }
  const url = `http://127.0.0.1:${port}`;
  const upstream = (): string[] => {
    const paths: string[] = [];
    for (const m of log.matchAll(/"Response" verb="[A-Z]+" url="([^"]+)"/g)) {
      if (m[1].startsWith(kube.server)) paths.push(m[1].slice(kube.server.length));
    }
    return paths;
  };
  const requests = async (): Promise<string[]> => {
    const mark = `/version?warden-mark=${++proxyMarks}`;
    if ((await httpGet(url + mark)) !== 200) throw new Error(`kubectl proxy at ${url} does not answer:\n${log.slice(-3000)}`);
    await waitFor(async () => upstream().includes(mark), 10_000, () => `kubectl proxy did not log ${mark}:\n${log.slice(-3000)}`, child);
    return upstream().filter((p) => !p.startsWith("/version?warden-mark="));
  };
  return { url, requests, close };
}
