// Helpers for end-to-end tests that drive a real Helm 4 binary.
//
// - helmBinary(version): builds/caches Helm via build/helm/install-helm.sh and
//   resolves to the absolute path of the binary (memoised per process).
// - isolatedHelmEnv(): a throw-away HELM_DATA_HOME / HELM_CONFIG_HOME /
//   HELM_CACHE_HOME (plus KUBECONFIG pointing nowhere). HELM_PLUGINS is
//   deliberately left at its default (<HELM_DATA_HOME>/plugins): `helm plugin
//   install` of a local dir or .tgz ignores HELM_PLUGINS in every Helm 4
//   version, so a custom value makes installed plugins invisible to
//   --post-renderer (see /work/shared/docs/helm4-plugins.md, section 5).
// - runHelm(bin, args, { env, input }): runs Helm, never throws on a non-zero
//   exit, resolves to { code, stdout, stderr }.
// - installPlugin(bin, env, dirOrTgz, extraArgs): `helm plugin install`, throws
//   with Helm's output when it fails.
// - writeIdentityExecutable(dir): a `cat` script for Helm 3's
//   `--post-renderer <path>` (Helm 3 post-renderers are executables, not plugins).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const INSTALL_HELM = path.join(REPO_ROOT, "build/helm/install-helm.sh");
export const PACKAGE_PLUGIN = path.join(REPO_ROOT, "build/helm/package-plugin.sh");
export const CHARTS_DIR = path.join(REPO_ROOT, "charts-fixtures");
export const IDENTITY_PLUGIN_DIR = path.join(REPO_ROOT, "test/e2e/fixtures/identity-plugin");
/** Name of the identity post-renderer declared in its plugin.yaml. */
export const IDENTITY_PLUGIN = "identity";
export const IDENTITY_WASM_FIXTURE = path.join(REPO_ROOT, "test/e2e/fixtures/identity-wasm");
/** Name of the extism/v1 identity post-renderer (see buildIdentityWasmPlugin). */
export const IDENTITY_WASM_PLUGIN = "identity-wasm";

/**
 * Versions pinned in build/helm/versions.txt, in file order, of one Helm major
 * version: Helm 4 (the default; helm.e2e.test.ts) or Helm 3 (helm3.e2e.test.ts).
 */
export function pinnedHelmVersions(major: 3 | 4 = 4): string[] {
  const text = readFileSync(path.join(REPO_ROOT, "build/helm/versions.txt"), "utf8");
  return text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "")
    .filter((l) => l.startsWith(`v${major}.`));
}

/** True for our patched builds (post-renderer manifests as a JSON string). */
export function isFixedAbi(version: string): boolean {
  return version.endsWith("-fixedabi");
}

/** What `helm version --template {{.Version}}` prints for a pinned version. */
export function reportedVersion(version: string): string {
  return isFixedAbi(version) ? version.replace(/-fixedabi$/, "+fixedabi") : version;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Uint8Array;
  cwd?: string;
  /** Kill the process after this many ms (default: 5 minutes). */
  timeoutMs?: number;
}

/** Runs a command, collecting stdout/stderr; never rejects because of the exit code. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? REPO_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 5 * 60_000);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) stderr += `\n[killed after ${opts.timeoutMs ?? 300000} ms]`;
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
      });
    });
    child.stdin.on("error", () => {
      /* the process may exit before reading its input */
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

const binaries = new Map<string, Promise<string>>();

/**
 * Absolute path of a Helm binary for `version` (e.g. "v4.3.1" or
 * "v4.3.1-fixedabi"), built once and cached under
 * ${WARDEN_CACHE:-~/.cache/warden}/helm/<version>/helm. A cold build takes
 * about 2 minutes per version on 2 cores; give the calling hook a long timeout.
 */
export function helmBinary(version: string): Promise<string> {
  let p = binaries.get(version);
  if (!p) {
    p = run("bash", [INSTALL_HELM, version], { timeoutMs: 30 * 60_000 }).then((r) => {
      const bin = r.stdout.trim().split("\n").pop() ?? "";
      if (r.code !== 0 || !path.isAbsolute(bin) || !existsSync(bin)) {
        throw new Error(`install-helm.sh ${version} failed (exit ${r.code}):\n${r.stderr}`);
      }
      return bin;
    });
    p.catch(() => binaries.delete(version));
    binaries.set(version, p);
  }
  return p;
}

export interface HelmEnv {
  /** Full environment for child processes (process.env without HELM_* plus the isolated homes). */
  env: NodeJS.ProcessEnv;
  root: string;
  dataHome: string;
  configHome: string;
  cacheHome: string;
  /** Where `helm plugin install` puts plugins (the default HELM_PLUGINS). */
  pluginsDir: string;
  cleanup(): Promise<void>;
}

/** A fresh, empty set of Helm homes in a temporary directory. */
export async function isolatedHelmEnv(): Promise<HelmEnv> {
  const root = await mkdtemp(path.join(tmpdir(), "warden-helm-"));
  const dataHome = path.join(root, "data");
  const configHome = path.join(root, "config");
  const cacheHome = path.join(root, "cache");
  await Promise.all([dataHome, configHome, cacheHome].map((d) => mkdir(d, { recursive: true })));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Drop every inherited Helm setting (HELM_PLUGINS, HELM_DEBUG, HELM_NAMESPACE,
    // HELM_DRIVER, ...) and Extism's WASI output switch, which corrupts stdout.
    if (k.startsWith("HELM_") || k === "KUBECONFIG" || k === "EXTISM_ENABLE_WASI_OUTPUT") continue;
    env[k] = v;
  }
  Object.assign(env, {
    HELM_DATA_HOME: dataHome,
    HELM_CONFIG_HOME: configHome,
    HELM_CACHE_HOME: cacheHome,
    // no cluster: client-side commands only
    KUBECONFIG: path.join(root, "kubeconfig-absent"),
    NO_COLOR: "1",
  });
  return {
    env,
    root,
    dataHome,
    configHome,
    cacheHome,
    pluginsDir: path.join(dataHome, "plugins"),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Runs `bin args...` with the given environment. */
export function runHelm(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(bin, args, opts);
}

/**
 * `helm plugin install <dirOrTgz> [extraArgs]`. A directory is symlinked
 * (no verification); a .tgz needs `<tgz>.prov` or `--verify=false`.
 */
export async function installPlugin(
  bin: string,
  env: HelmEnv | NodeJS.ProcessEnv,
  dirOrTgz: string,
  extraArgs: readonly string[] = [],
): Promise<RunResult> {
  const e = isHelmEnv(env) ? env.env : env;
  const r = await runHelm(bin, ["plugin", "install", dirOrTgz, ...extraArgs], { env: e });
  if (r.code !== 0) {
    throw new Error(`helm plugin install ${dirOrTgz} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  }
  return r;
}

function isHelmEnv(x: HelmEnv | NodeJS.ProcessEnv): x is HelmEnv {
  return typeof (x as HelmEnv).cleanup === "function" && typeof (x as HelmEnv).env === "object";
}

/** Reads the top-level `name:` of a plugin.yaml (enough for our own plugins). */
export function pluginName(dir: string): string {
  const text = readFileSync(path.join(dir, "plugin.yaml"), "utf8");
  const m = /^name:\s*["']?([A-Za-z0-9_-]+)/m.exec(text);
  if (!m) throw new Error(`no name in ${dir}/plugin.yaml`);
  return m[1];
}

/**
 * Assembles the extism/v1 identity post-renderer into `<parentDir>/identity-wasm/`
 * (plugin.yaml + plugin.wasm compiled from identity.wat with binaryen) and
 * returns that directory. It echoes Helm's input message, so with a fixed-ABI
 * Helm it is an identity; on released Helm 4 it gets `{"manifests":{}}` and
 * Helm fails with `produced empty output` (helm/helm#31832).
 */
export async function buildIdentityWasmPlugin(parentDir: string): Promise<string> {
  const dir = path.join(parentDir, IDENTITY_WASM_PLUGIN);
  await mkdir(dir, { recursive: true });
  const { default: binaryen } = await import("binaryen");
  const mod = binaryen.parseText(await readFile(path.join(IDENTITY_WASM_FIXTURE, "identity.wat"), "utf8"));
  try {
    if (!mod.validate()) throw new Error("identity.wat does not validate");
    await writeFile(path.join(dir, "plugin.wasm"), mod.emitBinary());
  } finally {
    mod.dispose();
  }
  await copyFile(path.join(IDENTITY_WASM_FIXTURE, "plugin.yaml"), path.join(dir, "plugin.yaml"));
  return dir;
}

/** File name of the Helm 3 identity post-renderer written by writeIdentityExecutable. */
export const IDENTITY_EXECUTABLE = "identity-postrenderer";

/**
 * Writes `<dir>/identity-postrenderer`, an executable shell script that copies
 * stdin to stdout (`exec cat`), and returns its absolute path. Helm 3 takes a
 * post-renderer as an executable path (`--post-renderer <path>`), so this is
 * the Helm 3 counterpart of the identity plugin.
 */
export async function writeIdentityExecutable(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.resolve(dir, IDENTITY_EXECUTABLE);
  await writeFile(file, "#!/bin/sh\n# identity post-renderer: stdin to stdout, unchanged\nexec cat\n");
  await chmod(file, 0o755);
  return file;
}

// --- assertions shared by the end-to-end suites ---------------------------------------------

/** WARDEN_E2E_REQUIRE_ARTEFACTS=1 turns a missing build artefact into a failure instead of a skip. */
export const REQUIRE_ARTEFACTS = process.env.WARDEN_E2E_REQUIRE_ARTEFACTS === "1";

/** Skips (or, with WARDEN_E2E_REQUIRE_ARTEFACTS=1, fails) a test whose artefact is missing. */
export function needArtefact(ctx: { skip: (note?: string) => void }, present: boolean, what: string): void {
  if (present) return;
  const why = `${what} is not built yet (run \`npm run build\` first)`;
  if (REQUIRE_ARTEFACTS) throw new Error(why);
  ctx.skip(why);
}

/** Byte-for-byte equality with a short, readable failure message (the outputs can be 1 MB). */
export function expectSameBytes(actual: string, expected: string, label: string, reference = "the reference"): void {
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const around = (lines: string[]) =>
    lines
      .slice(Math.max(0, i - 3), i + 4)
      .map((l, k) => `${String(Math.max(0, i - 3) + k + 1).padStart(6)} | ${l}`)
      .join("\n");
  throw new Error(
    `${label}: output differs from ${reference} ` +
      `(${actual.length} vs ${expected.length} bytes; first difference at line ${i + 1})\n` +
      `--- expected\n${around(e)}\n--- actual\n${around(a)}`,
  );
}

/** Fails with the command's stderr and the head of its stdout unless it exited 0. */
export function expectOk(r: RunResult, label: string): void {
  if (r.code !== 0) throw new Error(`${label} exited ${r.code}\nstderr:\n${r.stderr}\nstdout (head):\n${r.stdout.slice(0, 2000)}`);
}

