// What `npm run bench` measures: a table of workloads and a table of runtimes.
//
// A workload is one entry in WORKLOADS. Two kinds:
//
//   kind: 'warden'   warden itself on a generated stream, run by every runtime in RUNTIMES that
//                    the workload lists (default: all). Fields:
//                      args      the --post-renderer-args (Helm's extraArgs) for this workload
//                      setup     optional (ctx, stream) => ({ args?, skip? }) run once per stream
//                                before measuring (e.g. an ownership snapshot of that stream)
//                      verify    (input: string, output: string, report) => null | 'why it is wrong'
//                                Every measured call is verified; a wrong result fails the benchmark.
//                                `report` is the plugin's {text, exitCode, summary} (null for wazero,
//                                whose report goes to a file).
//   kind: 'command'  an external program on the same stream (helm template, kyverno apply, a
//                    baseline). Fields:
//                      runtime   the label of the runtime column (helm, kyverno, process)
//                      requires  (ctx) => null | 'skip reason' (e.g. binary not built)
//                      prepare   optional async (ctx, stream) => null | 'skip reason', once per stream
//                      command   (ctx, stream: {path, bytes, label}) => { argv, stdin?: path, env?,
//                                cacheDir? (emptied before the first = cold run) }
//                      exitCodes the exit codes that mean success (default [0])
//                      verify    (input: string, stdout: Buffer, stderr: string, ctx, stream) => null | 'why'
//                    Measured as a child process: wall time, peak RSS; first run = cold.
//
// Both kinds may set `limits(bytes) => { runs?, timeoutS? }`: fewer warm runs (0 = the cold call
// only) and a longer per-call timeout for big streams, so that the full benchmark stays within
// minutes while slow cells still get measured.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChart } from './gen.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const MB = 1024 * 1024;
// Size classes for limits(): the generated streams land a few hundred bytes around their target,
// so "the 10 MB stream" is anything from 5 MB up and "the 1 MB stream" anything from 512 KB up.
const BIG = 5 * MB;
const MEDIUM = MB / 2;

/** Output must equal the input byte for byte. */
export function identical(input, output) {
  if (output === input) return null;
  const a = Buffer.from(input);
  const b = Buffer.isBuffer(output) ? output : Buffer.from(String(output));
  if (a.equals(b)) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.subarray(0, i).toString('utf8').split('\n').length;
  return `output differs from input at byte ${i} (line ${line}; input ${a.length} bytes, output ${b.length} bytes)`;
}

// ---- the external programs ------------------------------------------------------------------

const cacheRoot = () => process.env.WARDEN_CACHE || join(homedir(), '.cache', 'warden');
export const HELM_VERSION = 'v4.3.1';
export const KYVERNO_VERSION = 'v1.19.1';

/** The cached Helm build (build/setup.sh makes it); WARDEN_HELM overrides. */
export function helmPath() {
  return process.env.WARDEN_HELM || join(cacheRoot(), 'helm', HELM_VERSION, 'helm');
}

/** The cached Kyverno CLI (build/kyverno/install-kyverno.sh makes it); WARDEN_KYVERNO overrides. */
export function kyvernoPath() {
  return process.env.WARDEN_KYVERNO || join(cacheRoot(), 'kyverno', KYVERNO_VERSION, 'kyverno');
}

/**
 * The policy files of the pack folders under src/packs, in folder then file order, as Kyverno
 * reads them. restrict-image-registries is left out, as warden leaves it out when no registries
 * are allowed (the default).
 */
export function packPolicyFiles(folders) {
  const out = [];
  for (const pack of folders) {
    const dir = join(root, 'src', 'packs', pack);
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.yaml') && f !== 'restrict-image-registries.yaml') out.push(join(dir, f));
    }
  }
  return out;
}

/**
 * The policy files of warden's zero-configuration packs (pod-security-baseline + best-practices,
 * as src/packs/index.ts composes them: best-practices adds disallow-privilege-escalation from the
 * restricted folder).
 */
export function defaultPackFiles() {
  return [...packPolicyFiles(['pod-security-baseline', 'best-practices']), join(root, 'src', 'packs', 'pod-security-restricted', 'disallow-privilege-escalation.yaml')];
}

/** The warden-exec binary `npm run build` leaves for this machine (`flag`, when given, wins). */
export function execPath(flag) {
  if (flag) return flag;
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform] ?? process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  return join(root, 'dist', 'warden-exec', 'bin', `warden-exec-${os}-${arch}${os === 'windows' ? '.exe' : ''}`);
}

/**
 * One Helm home for the whole run (data + config with two post-renderer plugins installed:
 * `identity` = cat, and warden-exec from dist/), created on first use. Every cell passes its own
 * HELM_CACHE_HOME: warden-exec keeps its wazero compilation cache in `<helm cache>/wazero-build`,
 * so an emptied cache home is a cold start.
 */
function helmHome(ctx) {
  if (ctx.helmHome) return ctx.helmHome;
  const dir = mkdtempSync(join(ctx.tmp, 'helm-home-'));
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HELM_') && k !== 'KUBECONFIG' && k !== 'EXTISM_ENABLE_WASI_OUTPUT' && k !== 'WARDEN_CACHE_DIR') env[k] = v;
  Object.assign(env, {
    HELM_DATA_HOME: join(dir, 'data'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_CACHE_HOME: join(dir, 'cache'),
    KUBECONFIG: join(dir, 'no-kubeconfig'),
    NO_COLOR: '1',
    WARDEN_NO_TTY: '1',
    // the plugin.wasm under test (--wasm), not necessarily the one next to dist/warden-exec
    WARDEN_WASM: ctx.wasm,
  });
  for (const d of ['data', 'config', 'cache']) mkdirSync(join(dir, d), { recursive: true });
  const install = (plugin) => execFileSync(helmPath(), ['plugin', 'install', plugin], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  install(join(root, 'test', 'e2e', 'fixtures', 'identity-plugin'));
  install(ctx.execPlugin); // the run's copy of dist/warden-exec (see snapshotArtefacts in run.mjs)
  ctx.helmHome = { dir, env };
  return ctx.helmHome;
}

/** The generated chart that renders a stream (bench/gen.mjs writeChart), written once per run. */
function chartFor(ctx, stream) {
  ctx.charts ??= new Map();
  if (!ctx.charts.has(stream.bytes)) ctx.charts.set(stream.bytes, writeChart(stream.bytes, { seed: ctx.flags.seed }));
  return ctx.charts.get(stream.bytes);
}

const helmTemplate = (ctx, stream) => [helmPath(), 'template', 'prod', chartFor(ctx, stream), '--namespace', 'prod'];

/**
 * What `helm template` through the identity (`cat`) post-renderer prints for this stream's chart:
 * Helm re-serialises post-rendered documents, so this (not plain `helm template`) is what a
 * post-renderer that changes nothing must produce byte for byte. Computed once per stream.
 */
function identityReference(ctx, stream) {
  ctx.references ??= new Map();
  if (!ctx.references.has(stream.bytes)) {
    const { env } = helmHome(ctx);
    const out = execFileSync(helmTemplate(ctx, stream)[0], [...helmTemplate(ctx, stream).slice(1), '--post-renderer', 'identity'], {
      env,
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ctx.references.set(stream.bytes, out);
  }
  return ctx.references.get(stream.bytes);
}

const countKinds = (text) => (String(text).match(/^kind: /gm) ?? []).length;

function helmRequires(ctx) {
  if (!existsSync(helmPath())) return `no Helm ${HELM_VERSION} at ${helmPath()} (run bash build/setup.sh, or set WARDEN_HELM)`;
  return null;
}

function helmWithWardenRequires(ctx) {
  return helmRequires(ctx) ?? (ctx.execPlugin ? null : 'no dist/warden-exec (run npm run build)');
}

/** A helm-template workload through a post-renderer plugin, checked against the identity output. */
function helmPostRendered(id, description, plugin, extraArgs, limits) {
  return {
    id,
    kind: 'command',
    runtime: 'helm',
    description,
    requires: plugin === 'identity' ? helmRequires : helmWithWardenRequires,
    prepare: (ctx, stream) => {
      identityReference(ctx, stream);
      return null;
    },
    command: (ctx, stream) => {
      const { env } = helmHome(ctx);
      const cacheDir = join(ctx.tmp, `helm-cache-${id}-${stream.label}`);
      const args = extraArgs.length ? ['--post-renderer-args', extraArgs.join(',')] : [];
      return { argv: [...helmTemplate(ctx, stream), '--post-renderer', plugin, ...args], stdin: null, env: { ...env, HELM_CACHE_HOME: cacheDir }, cacheDir, replaceEnv: true };
    },
    verify: (_input, stdout, _stderr, ctx, stream) => identical(identityReference(ctx, stream).toString('utf8'), stdout),
    limits,
  };
}

// ---- the workloads ---------------------------------------------------------------------------

/**
 * An ownership snapshot of the stream's objects as a fresh install would see them: most absent,
 * every 10th owned by this release, by another release, or unowned (the last two are conflicts).
 * Objects are listed in stream order while the snapshot fits Helm's 128 KiB per-argument limit
 * (base64url adds a third): all of them up to ~1 MB streams, the first ~1,300 of a 10 MB one.
 */
function snapshotFor(text) {
  const states = [0, 0, 0, 0, 0, 0, 0, ['Helm', 'prod', 'prod'], ['Helm', 'other', 'prod'], [null, null, null]];
  const o = {};
  let size = 0;
  let n = 0;
  for (const doc of text.split(/^---$/m)) {
    const api = /^apiVersion: *(\S+)/m.exec(doc);
    const kind = /^kind: *(\S+)/m.exec(doc);
    const name = /^ {2}name: *(\S+)/m.exec(doc);
    if (!api || !kind || !name) continue;
    const ns = /^ {2}namespace: *(\S+)/m.exec(doc);
    const cluster = kind[1].startsWith('Cluster') || kind[1] === 'CustomResourceDefinition';
    const key = `${api[1]}/${kind[1]}/${ns ? ns[1] : cluster ? '' : 'prod'}/${name[1]}`;
    const state = states[n++ % states.length];
    size += key.length + 6 + (state === 0 ? 1 : JSON.stringify(state).length);
    if (size > 90_000) break;
    o[key] = state;
  }
  return 'ws1.' + Buffer.from(JSON.stringify({ v: 1, r: 'prod', n: 'prod', o }), 'utf8').toString('base64url');
}

export const WORKLOADS = [
  {
    id: 'pass-through',
    kind: 'warden',
    description: 'every check off: the pipeline alone (read, apply, emit) must hand the stream back unchanged',
    args: ['--skip=policy,ownership,ingress'],
    verify: (input, output, report) => identical(input, output) ?? (report && report.exitCode !== 0 ? `exit code ${report.exitCode}` : null),
  },
  {
    id: 'default-packs',
    kind: 'warden',
    description:
      'the policy check alone with the zero-configuration packs (pod-security-baseline + best-practices, audit): ' +
      'workload documents parsed and evaluated, findings reported, the stream handed back unchanged',
    args: ['--checks=policy'],
    verify: (input, output, report) => {
      const same = identical(input, output);
      if (same) return same;
      if (report && report.exitCode !== 0) return `exit code ${report.exitCode}`;
      // the generated streams always hold workloads that violate the packs
      if (report && report.summary && !(report.summary.fail > 0)) return 'no policy findings reported';
      return null;
    },
    limits: (bytes) => (bytes >= BIG ? { runs: 1, timeoutS: 300 } : bytes >= MEDIUM ? { runs: 3 } : {}),
  },
  {
    id: 'all-checks',
    kind: 'warden',
    description:
      'every check: default packs, ownership with a live-state snapshot (absent, owned, foreign and unowned objects) and ' +
      'the ingress-nginx migration rewriting every Ingress into Gateway API routes (audit)',
    args: ['--release=prod', '--namespace=prod', '--ingress-mode=rewrite'],
    setup: (_ctx, stream) => ({ args: ['--release=prod', '--namespace=prod', '--ingress-mode=rewrite', `--snapshot=${snapshotFor(readFileSync(stream.path, 'utf8'))}`] }),
    verify: (input, output, report) => {
      if (report && report.exitCode !== 0) return `exit code ${report.exitCode}`;
      if (output.indexOf('\nkind: HTTPRoute\n') < 0) return 'no HTTPRoute in the output (the ingress rewrite did not happen)';
      if (input.indexOf('\nkind: Ingress\n') >= 0 && report && report.summary && !(report.summary.removed > 0)) return 'no Ingress removed';
      if (report && report.summary && !(report.summary.fail > 0)) return 'no findings reported';
      return null;
    },
    limits: (bytes) => (bytes >= BIG ? { runs: 0, timeoutS: 600 } : bytes >= MEDIUM ? { runs: 2 } : {}),
  },
  {
    id: 'io-baseline',
    kind: 'command',
    runtime: 'process',
    description: '`cat` of the stream through a pipe: the floor any subprocess post-renderer pays for process start and I/O',
    requires: () => (existsSync('/bin/cat') ? null : '/bin/cat missing'),
    command: (_ctx, stream) => ({ argv: ['/bin/cat'], stdin: stream.path }),
    verify: (input, stdout) => identical(input, stdout),
  },
  {
    id: 'helm-template',
    kind: 'command',
    runtime: 'helm',
    description: `plain \`helm template\` (Helm ${HELM_VERSION}) of a generated chart that renders the stream's objects`,
    requires: helmRequires,
    command: (ctx, stream) => {
      const { env } = helmHome(ctx);
      return { argv: helmTemplate(ctx, stream), stdin: null, env, replaceEnv: true };
    },
    verify: (input, stdout) => {
      const want = countKinds(input);
      const got = countKinds(stdout.toString('utf8'));
      return got === want ? null : `helm rendered ${got} objects, the stream has ${want}`;
    },
  },
  helmPostRendered('helm+identity', '`helm template --post-renderer identity` (a `cat` plugin): Helm\u2019s own post-render cost', 'identity', [], (bytes) => (bytes >= BIG ? { runs: 2 } : {})),
  helmPostRendered(
    'helm+warden-exec pass-through',
    '`helm template --post-renderer warden-exec` with every check off; output must equal the identity post-renderer\u2019s',
    'warden-exec',
    ['--skip=policy,ownership,ingress'],
    (bytes) => (bytes >= BIG ? { runs: 2 } : {}),
  ),
  helmPostRendered(
    'helm+warden-exec default-packs',
    '`helm template --post-renderer warden-exec --post-renderer-args --checks=policy` (the zero-configuration packs, audit); output equals the identity post-renderer\u2019s',
    'warden-exec',
    ['--checks=policy'],
    (bytes) => (bytes >= BIG ? { runs: 1, timeoutS: 300 } : bytes >= MEDIUM ? { runs: 2 } : {}),
  ),
  {
    id: 'kyverno-apply',
    kind: 'command',
    runtime: 'kyverno',
    description: `\`kyverno apply\` (Kyverno CLI ${KYVERNO_VERSION}) with the default packs\u2019 policy files on the stream`,
    requires: () => (existsSync(kyvernoPath()) ? null : `no Kyverno CLI at ${kyvernoPath()} (run bash build/kyverno/install-kyverno.sh, ~5 min cold)`),
    // Kyverno refuses a stream holding a comment-only document (`Object 'Kind' is missing`), which
    // Helm 3 streams have: it gets the same objects without those.
    prepare: (ctx, stream) => {
      const docs = readFileSync(stream.path, 'utf8').split(/^---$/m).filter((d) => /^kind: /m.test(d));
      ctx.kyvernoInput ??= new Map();
      const path = join(ctx.tmp, `kyverno-${stream.label}.yaml`);
      writeFileSync(path, docs.map((d) => `---${d}`).join(''));
      ctx.kyvernoInput.set(stream.bytes, path);
      return null;
    },
    command: (ctx, stream) => ({
      argv: [kyvernoPath(), 'apply', ...defaultPackFiles(), '--resource', ctx.kyvernoInput.get(stream.bytes)],
      stdin: null,
      env: { HOME: ctx.tmp, KUBECONFIG: join(ctx.tmp, 'no-kubeconfig') },
    }),
    // kyverno apply exits 1 when a policy fails, which the generated streams always make happen
    exitCodes: [0, 1],
    verify: (_input, stdout) => {
      const m = /pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)/.exec(stdout.toString('utf8'));
      if (!m) return `no result summary in kyverno's output: ${stdout.toString('utf8').slice(-300)}`;
      if (Number(m[2]) === 0) return 'kyverno reported no failures (the generated streams always violate the packs)';
      return null;
    },
    limits: (bytes) => (bytes >= BIG ? { runs: 0, timeoutS: 600 } : bytes >= MEDIUM ? { runs: 1, timeoutS: 180 } : {}),
  },
];

/**
 * The runtimes a 'warden' workload runs in. `where` says how it is measured:
 *   'worker'  in a fresh Node child process (bench/worker.mjs), so peak RSS belongs to that cell alone
 *   'process' warden-exec as a child process (wall time, its own timing line, peak RSS)
 */
export const RUNTIMES = [
  { id: 'extism', label: 'plugin.wasm in @extism/extism (Node, V8 Wasm)', where: 'worker', needs: 'wasm' },
  { id: 'node', label: 'same core in Node/V8 (esbuild bundle of src/core.ts)', where: 'worker', needs: 'core' },
  { id: 'wazero', label: 'warden-exec (Go, extism go-sdk on wazero: Helm\u2019s runtime)', where: 'process', needs: 'exec' },
];

