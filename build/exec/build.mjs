#!/usr/bin/env node
// Builds warden-exec (the subprocess post-renderer host, Go) and the
// `runtime: subprocess` flavour's plugin.yaml.
//
//   import { buildExec } from './build/exec/build.mjs';
//   await buildExec({ outDir: 'dist/warden-exec' });                 // default targets
//   await buildExec({ outDir, targets: ALL_TARGETS, wasm: 'plugin.wasm' });
//
//   node build/exec/build.mjs <outDir> [os/arch ...]                 // CLI
//
// Output: <outDir>/bin/warden-exec-<os>-<arch>[.exe] and <outDir>/plugin.yaml
// (plus <outDir>/plugin.wasm when `wasm` is given).
//
// Default targets: the host platform only (linux/amd64 if the host is not one
// of ALL_TARGETS), because a cold build of all five takes about 5 minutes on
// 2 cores. WARDEN_ALL_TARGETS=1 (or `targets: ALL_TARGETS`) builds all five;
// the package step should do that.
//
// Binaries are reproducible (CGO off, -trimpath, no build id, no VCS stamp,
// pinned GOAMD64/GOARM64) and cached under
// ${WARDEN_CACHE:-~/.cache/warden}/exec/<hash>/, the hash covering the Go
// sources, go.mod, go.sum, the Go version, the plugin version and the flags.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync,
  renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const srcDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(srcDir, '..', '..');
const log = (msg) => process.stderr.write(`build-exec: ${msg}\n`);

export const ALL_TARGETS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'];

/** Go's name for the host platform, e.g. "linux/amd64". */
export function hostTarget() {
  const os = { win32: 'windows' }[process.platform] ?? process.platform;
  const arch = { x64: 'amd64' }[process.arch] ?? process.arch;
  return `${os}/${arch}`;
}

export function defaultTargets() {
  if (process.env.WARDEN_ALL_TARGETS === '1') return [...ALL_TARGETS];
  const host = hostTarget();
  return [ALL_TARGETS.includes(host) ? host : 'linux/amd64'];
}

export function binaryName(target) {
  const [os, arch] = target.split('/');
  return `warden-exec-${os}-${arch}${os === 'windows' ? '.exe' : ''}`;
}

/** The Go inputs of the binary: go.mod, go.sum and the package's .go files (not testdata/). */
function sourceFiles() {
  const goFiles = readdirSync(srcDir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort();
  return ['go.mod', 'go.sum', ...goFiles];
}

function goEnv(target, extra = {}) {
  const [os, arch] = target.split('/');
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOOS: os,
    GOARCH: arch,
    GOAMD64: 'v1',
    GOARM64: 'v8.0',
    GOFLAGS: '-mod=readonly',
    GOWORK: 'off',
    GO111MODULE: 'on',
    ...extra,
  };
}

function goVersion() {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { cwd: srcDir, encoding: 'utf8', env: goEnv(hostTarget()) }).trim();
  } catch (e) {
    throw new Error(`warden-exec needs Go (>= 1.26, see build/exec/go.mod) on PATH: ${e.message}`);
  }
}

function readRootPlugin() {
  const meta = parseYaml(readFileSync(join(root, 'plugin.yaml'), 'utf8'));
  if (!meta?.version) throw new Error('plugin.yaml at the repo root has no version');
  return meta;
}

function ldflags(version) {
  return `-s -w -buildid= -X main.version=${version}`;
}

function goBuild(target, version, outPath, extraEnv = {}, extraArgs = []) {
  execFileSync('go', [
    'build', '-trimpath', '-buildvcs=false', ...extraArgs,
    '-ldflags', ldflags(version), '-o', outPath, '.',
  ], { cwd: srcDir, env: goEnv(target, extraEnv), stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The subprocess flavour's plugin.yaml (Helm 4 decodes the top level and `config` strictly). */
export function pluginYaml({ version, sourceURL }, targets) {
  const lines = [
    'apiVersion: v1',
    'name: warden-exec',
    `version: ${version}`,
    'type: postrenderer/v1',
    'runtime: subprocess',
  ];
  if (sourceURL) lines.push(`sourceURL: ${sourceURL}`);
  lines.push('config: {}', 'runtimeConfig:', '  platformCommand:');
  for (const t of targets) {
    const [os, arch] = t.split('/');
    lines.push(`    - os: ${os}`, `      arch: ${arch}`, `      command: \${HELM_PLUGIN_DIR}/bin/${binaryName(t)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Build warden-exec for `targets` into <outDir>/bin and write <outDir>/plugin.yaml.
 * `wasm`: optional plugin.wasm to copy into <outDir>.
 * `verify`: rebuild every package from scratch (`go build -a`) and require identical bytes (slow).
 * Returns { hash, cacheDir, goVersion, version, binaries: [{ target, path, bytes, cached, ms }] }.
 */
export async function buildExec({ outDir, targets = defaultTargets(), wasm, verify = false } = {}) {
  if (!outDir) throw new Error('buildExec: outDir is required');
  for (const t of targets) {
    if (!ALL_TARGETS.includes(t)) throw new Error(`buildExec: unsupported target ${t} (known: ${ALL_TARGETS.join(', ')})`);
  }
  const meta = readRootPlugin();
  const version = String(meta.version);
  const gov = goVersion();

  const h = createHash('sha256');
  h.update(`warden-exec build 1\0${gov}\0${version}\0${ldflags(version)}\0`);
  for (const f of sourceFiles()) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(srcDir, f)));
    h.update('\0');
  }
  const hash = h.digest('hex').slice(0, 24);
  const cacheRoot = process.env.WARDEN_CACHE || join(homedir(), '.cache', 'warden');
  const cacheDir = join(cacheRoot, 'exec', hash);
  mkdirSync(join(cacheDir, 'bin'), { recursive: true });

  const binDir = join(outDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  // Drop binaries of targets not built this time: plugin.yaml must list only what is there.
  const wanted = new Set(targets.map(binaryName));
  for (const f of readdirSync(binDir)) {
    if (f.startsWith('warden-exec-') && !wanted.has(f)) rmSync(join(binDir, f));
  }

  const binaries = [];
  for (const target of targets) {
    const name = binaryName(target);
    const cached = join(cacheDir, 'bin', name);
    const t0 = Date.now();
    const hit = existsSync(cached);
    if (!hit) {
      log(`go build ${target} (${gov})`);
      const tmp = `${cached}.${process.pid}.tmp`;
      goBuild(target, version, tmp);
      renameSync(tmp, cached);
    }
    if (verify) {
      const again = join(tmpdir(), `warden-exec-verify-${process.pid}-${name}`);
      goBuild(target, version, again, {}, ['-a']);
      const same = readFileSync(again).equals(readFileSync(cached));
      rmSync(again, { force: true });
      if (!same) throw new Error(`warden-exec ${target}: rebuild is not bit-identical`);
      log(`${target}: rebuild is bit-identical`);
    }
    const dest = join(binDir, name);
    // Copy beside and rename: replacing a binary that is running (a test, a Helm call) in place
    // fails with ETXTBSY on Linux; a rename swaps the directory entry and leaves the running one alone.
    const part = `${dest}.${process.pid}.part`;
    copyFileSync(cached, part);
    chmodSync(part, 0o755);
    renameSync(part, dest);
    binaries.push({ target, path: dest, bytes: statSync(dest).size, cached: hit, ms: Date.now() - t0 });
  }

  writeFileSync(join(outDir, 'plugin.yaml'), pluginYaml(meta, targets));
  if (wasm) copyFileSync(wasm, join(outDir, 'plugin.wasm'));
  return { hash, cacheDir, goVersion: gov, version, binaries };
}

async function main() {
  const [outDir, ...targets] = process.argv.slice(2);
  if (!outDir) {
    process.stderr.write('usage: node build/exec/build.mjs <outDir> [os/arch ...]\n');
    process.exit(2);
  }
  const t0 = Date.now();
  const res = await buildExec({
    outDir: resolve(outDir),
    targets: targets.length ? targets : undefined,
    verify: process.env.WARDEN_VERIFY_REPRO === '1',
  });
  for (const b of res.binaries) {
    log(`${b.target}: ${b.bytes} bytes${b.cached ? ' (cached)' : ''} in ${(b.ms / 1000).toFixed(1)} s`);
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s (cache ${res.cacheDir})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`build-exec failed: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
