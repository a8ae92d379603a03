#!/usr/bin/env node
// npm run bench — time and peak memory of warden on generated manifest streams, in every runtime:
//   extism  plugin.wasm in @extism/extism under Node (V8's Wasm tiers)
//   node    the same core (esbuild bundle of src/core.ts) in Node/V8
//   wazero  warden-exec: the Go host on extism go-sdk + wazero, i.e. Helm's runtime
// and, on the same streams, external programs: `helm template` of a chart rendering the stream
// (plain, through a `cat` post-renderer, through warden-exec) and `kyverno apply` with the same
// policies (bench/workloads.mjs). Prints Markdown tables, writes bench/results.json and, after a
// full run, docs/performance.md. Not part of the tests.
//
// Flags:
//   --sizes=100KB,1MB,10MB   stream sizes (any of 123, 50KB, 2.5MB)
//   --runs=N                 warm runs per cell (default 5; fewer when a cell exceeds --budget)
//   --budget=SECONDS         time budget per cell for warm runs (default 20)
//   --timeout=SECONDS        a single call (or warden-exec run) longer than this is stopped and the
//                            cell fails with "timeout"; larger sizes of that cell are then
//                            skipped (default 60)
//   --only=a,b               runtimes (extism,node,wazero) and/or workload ids to run
//   --workloads=a,b          workload ids to run (pass-through, default-packs, all-checks, io-baseline,
//                            helm-template, helm+identity, helm+warden-exec pass-through,
//                            helm+warden-exec default-packs, kyverno-apply); --runtimes=a,b likewise
//   --doc=PATH|none          where the Markdown tables go (default: docs/performance.md when every
//                            workload and size ran, else nowhere)
//   --seed=N --style=source|helm4   generator options (bench/gen.mjs)
//   --wasm=PATH --exec=PATH  artefacts (default dist/warden/plugin.wasm, dist/warden-exec/bin/warden-exec-<os>-<arch>)
//   --out=PATH               results file (default bench/results.json)
//
// How each number is taken (see also bench/README.md):
//   cold   extism: first call after createPlugin (createPlugin itself = "setup"); node: first call
//          after importing the bundle; wazero: a run with an empty compilation cache dir.
//   warm   median of the following calls (same plugin instance / same Node process), or for
//          wazero of runs reusing the now-filled cache dir.
//   memory extism: Wasm linear memory size after the calls (max) and the worker's peak RSS;
//          node: the worker's peak RSS; wazero and commands: peak RSS of the child process from
//          `/usr/bin/time -f %M` (Debian package `time`), else polled VmHWM from /proc (a lower bound).
// Every call's output is verified (pass-through: identical bytes); a wrong result fails the run.

import { build as esbuild } from 'esbuild';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir, totalmem, release as osRelease } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OUT_DIR, parseSize, sizeLabel, writeStream } from './gen.mjs';
import { RUNTIMES, WORKLOADS, execPath, helmPath, kyvernoPath } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const log = (s) => process.stderr.write(s + '\n');
const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

function parseFlags(argv) {
  const f = { sizes: ['100KB', '1MB', '10MB'], runs: 5, budget: 20, timeout: 60, only: [], seed: 1, style: 'source', wasm: null, exec: null, out: join(here, 'results.json'), doc: null, subset: false };
  for (const a of argv) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    const [, k, v = ''] = m;
    if (k === 'sizes') f.sizes = v.split(',').filter(Boolean);
    else if (k === 'runs') f.runs = Number(v);
    else if (k === 'budget') f.budget = Number(v);
    else if (k === 'timeout') f.timeout = Number(v);
    else if (k === 'only' || k === 'workloads' || k === 'runtimes') f.only.push(...v.split(',').filter(Boolean));
    else if (k === 'doc') f.doc = v;
    else if (k === 'seed') f.seed = Number(v);
    else if (k === 'style') f.style = v;
    else if (k === 'wasm') f.wasm = v;
    else if (k === 'exec') f.exec = v;
    else if (k === 'out') f.out = v;
    else if (k === 'help') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1).filter((l, i, a) => a.slice(0, i + 1).every((x) => x.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown flag --${k}`);
  }
  if (!Number.isInteger(f.runs) || f.runs < 1) throw new Error('--runs must be a positive integer');
  if (!(f.budget > 0)) throw new Error('--budget must be a positive number of seconds');
  if (!(f.timeout > 0)) throw new Error('--timeout must be a positive number of seconds');
  const known = new Set([...RUNTIMES.map((r) => r.id), ...WORKLOADS.map((w) => w.id)]);
  for (const o of f.only) if (!known.has(o)) throw new Error(`--only: unknown "${o}" (known: ${[...known].join(', ')})`);
  f.subset = f.only.length > 0 || argv.some((a) => a.startsWith('--sizes=') || a.startsWith('--style=') || a.startsWith('--seed='));
  return f;
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machineInfo() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memTotalMiB: Math.round(totalmem() / 1024 / 1024),
    platform: `${process.platform}-${process.arch}`,
    kernel: osRelease(),
    node: process.version,
    loadavg: loadavg().map((x) => round(x, 2)),
    v8: process.versions.v8,
    date: new Date().toISOString(),
    git: { commit: sh('git', ['rev-parse', 'HEAD']), dirty: (sh('git', ['status', '--porcelain']) ?? '') !== '' },
  };
}

function fileInfo(path, copyTo) {
  if (!path || !existsSync(path)) return null;
  const bytes = readFileSync(path);
  const info = { path: relative(root, path), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mtime: statSync(path).mtime.toISOString() };
  if (copyTo) {
    mkdirSync(dirname(copyTo), { recursive: true });
    writeFileSync(copyTo, bytes, { mode: 0o755 });
  }
  return info;
}

/**
 * Copies plugin.wasm and warden-exec into `dir` (and assembles a Helm plugin directory from
 * dist/warden-exec/plugin.yaml with that warden-exec and plugin.wasm) so that every cell of the
 * run measures the same bytes. Returns the copies' paths and the originals' info.
 */
function snapshotArtefacts(wasm, exec, dir) {
  const out = { wasm, exec, plugin: null, wasmInfo: fileInfo(wasm, join(dir, 'plugin.wasm')), execInfo: null };
  if (!out.wasmInfo) return out;
  out.wasm = join(dir, 'plugin.wasm');
  out.execInfo = fileInfo(exec, join(dir, 'bin', basename(exec)));
  if (!out.execInfo) return out;
  out.exec = join(dir, 'bin', basename(exec));
  const manifest = join(root, 'dist', 'warden-exec', 'plugin.yaml');
  if (existsSync(manifest)) {
    writeFileSync(join(dir, 'plugin.yaml'), readFileSync(manifest));
    out.plugin = dir;
  }
  return out;
}

function wasmPath(flag) {
  if (flag) return flag;
  if (process.env.WARDEN_WASM) return process.env.WARDEN_WASM;
  const dist = join(root, 'dist', 'warden', 'plugin.wasm');
  return existsSync(dist) ? dist : join(root, 'plugin.wasm');
}

/** The core for Node: the same sources the plugin bundles, as an ESM bundle. */
async function bundleCore() {
  const outfile = join(OUT_DIR, 'core.mjs');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await esbuild({
    entryPoints: [join(root, 'src', 'core.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { __WARDEN_VERSION__: JSON.stringify(pkg.version) },
    // CommonJS dependencies (yaml) require Node built-ins.
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

const hasTime = existsSync('/usr/bin/time');

/** Children still running (process group leaders), stopped when the benchmark is interrupted. */
const live = new Set();
let workDir = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    log(`bench: interrupted (${sig})`);
    process.exit(130);
  });
}

/** Peak RSS so far of a live process (KiB), from /proc. */
function vmHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Runs a child process; wall time, peak RSS (KiB), stdout bytes, stderr text; killed after timeoutMs. */
function measureProcess({ argv, stdin, env, replaceEnv, cwd, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const rssFile = hasTime ? join(mkdtempSync(join(tmpdir(), 'warden-bench-')), 'rss') : null;
    const full = hasTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...argv] : argv;
    const fd = stdin ? openSync(stdin, 'r') : 'ignore';
    const t0 = performance.now();
    // Own process group, so a timeout can stop /usr/bin/time and the measured program together.
    const child = spawn(full[0], full.slice(1), { stdio: [fd, 'pipe', 'pipe'], env: replaceEnv ? env : { ...process.env, ...env }, cwd: cwd ?? root, detached: true });
    live.add(child.pid);
    if (typeof fd === 'number') closeSync(fd);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    let hwm = 0;
    let timedOut = false;
    const poll = hasTime ? null : setInterval(() => (hwm = Math.max(hwm, vmHwm(child.pid) ?? 0)), 2);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      live.delete(child.pid);
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let maxRssKiB = hwm || null;
      if (rssFile) {
        const lines = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n') : [];
        maxRssKiB = Number(lines[lines.length - 1]) || null;
        rmSync(dirname(rssFile), { recursive: true, force: true });
      }
      resolve({ code, timedOut, wallMs, maxRssKiB, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs bench/worker.mjs; collects its event lines; kills it when one call exceeds timeoutMs. */
function runWorker(spec, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'worker.mjs'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      cwd: root,
      detached: true,
    });
    live.add(child.pid);
    const r = { setupMs: null, calls: [], wasm: [], error: null, memory: null };
    let buf = '';
    const err = [];
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const hwm = vmHwm(child.pid);
        r.error = `timeout: call ${r.calls.length + 1} ran over ${timeoutMs / 1000} s and was stopped`;
        r.memory = { ...(r.memory ?? {}), peakRssMiB: hwm ? hwm / 1024 : null };
        child.kill('SIGKILL');
      }, timeoutMs + (r.setupMs === null ? 30_000 : 0));
    };
    arm();
    child.stdout.on('data', (c) => {
      buf += c.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        let ev;
        try {
          ev = JSON.parse(line);
        } catch {
          continue; // something else printed to stdout
        }
        if ('setupMs' in ev) r.setupMs = ev.setupMs;
        if ('callMs' in ev) {
          r.calls.push(ev.callMs);
          if (ev.wasmMiB !== null) r.wasm.push(ev.wasmMiB);
        }
        if ('error' in ev) r.error = ev.error;
        if ('memory' in ev) r.memory = ev.memory;
        arm();
      }
    });
    child.stderr.on('data', (c) => err.push(c));
    child.on('close', (code) => {
      live.delete(child.pid);
      clearTimeout(timer);
      if (!r.error && (code !== 0 || !r.memory)) r.error = `worker exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`;
      resolve(r);
    });
  });
}

// ---- one cell per runtime ----------------------------------------------------------------

/** Warm runs and per-call timeout of a cell: the flags, capped by the workload's limits for this size. */
function cellLimits(ctx, workload, stream) {
  const l = workload.limits?.(stream.bytes) ?? {};
  return { runs: Math.min(ctx.flags.runs, l.runs ?? Infinity), timeoutS: Math.max(ctx.flags.timeout, l.timeoutS ?? 0) };
}

async function cellWorker(ctx, runtime, workload, stream, args) {
  const { runs, timeoutS } = cellLimits(ctx, workload, stream);
  const spec = { runtime: runtime.id, workload: workload.id, stream: stream.path, args, runs, budgetMs: ctx.flags.budget * 1000, wasm: ctx.wasm, core: ctx.core };
  const r = await runWorker(spec, timeoutS * 1000);
  const [cold = null, ...warm] = r.calls;
  return {
    ok: !r.error,
    error: r.error,
    setupMs: round(r.setupMs),
    cold: { ms: round(cold) },
    warm: { runs: warm.length, ms: warm.map((x) => round(x, 2)), median: round(median(warm)) },
    memory: {
      peakRssMiB: round(r.memory?.peakRssMiB),
      rssStartMiB: round(r.memory?.rssStartMiB),
      heapUsedMiB: round(r.memory?.heapUsedMiB),
      wasmMiB: r.wasm.length ? round(Math.max(...r.wasm)) : null,
      wasmAfterColdMiB: r.wasm.length ? round(r.wasm[0]) : null,
    },
  };
}

function timingLine(stderr) {
  for (const line of stderr.trim().split('\n').reverse()) {
    try {
      const t = JSON.parse(line);
      if (t && typeof t.totalMs === 'number') return t;
    } catch {
      /* not the timing line */
    }
  }
  return null;
}

async function cellProcess(ctx, stream, { argv, env, replaceEnv, stdin, verify, cacheDir, exitCodes = [0], limits }) {
  const input = readFileSync(stream.path, 'utf8');
  const { runs: warmRuns, timeoutS } = limits;
  const runs = [];
  let error = null;
  let spent = 0;
  for (let i = 0; i <= warmRuns && (i <= 1 || spent < ctx.flags.budget * 1000); i++) {
    if (cacheDir && i === 0) rmSync(cacheDir, { recursive: true, force: true }); // cold: empty cache dir
    const p = await measureProcess({ argv, stdin: stdin === undefined ? stream.path : stdin, env, replaceEnv, timeoutMs: timeoutS * 1000 });
    spent += p.wallMs;
    if (p.timedOut) {
      error = `timeout: run ${i + 1} (${i === 0 ? 'cold' : 'warm'}) ran over ${timeoutS} s and was stopped`;
      break;
    }
    const t = timingLine(p.stderr);
    runs.push({ wallMs: p.wallMs, maxRssKiB: p.maxRssKiB, timing: t });
    const why = !exitCodes.includes(p.code) ? `exit code ${p.code}: ${p.stderr.trim().slice(-1500)}` : verify(input, p.stdout, p.stderr);
    if (why) {
      error = `run ${i + 1}: wrong result: ${why}`;
      break;
    }
  }
  const [cold, ...warm] = runs;
  const tm = (rs, k) => (rs.every((r) => r.timing) ? rs.map((r) => r.timing[k]) : null);
  const warmCall = tm(warm, 'callMs');
  const warmCompile = tm(warm, 'compileMs');
  const rss = runs.map((r) => r.maxRssKiB).filter((x) => x);
  return {
    ok: !error,
    error,
    setupMs: cold?.timing ? round(cold.timing.compileMs + cold.timing.instantiateMs) : null,
    cold: cold ? { ms: round(cold.wallMs), callMs: round(cold.timing?.callMs), compileMs: round(cold.timing?.compileMs), instantiateMs: round(cold.timing?.instantiateMs), cacheHit: cold.timing?.cacheHit ?? null } : { ms: null },
    warm: {
      runs: warm.length,
      ms: warm.map((r) => round(r.wallMs, 2)),
      median: round(median(warm.map((r) => r.wallMs))),
      callMs: warmCall?.map((x) => round(x, 2)) ?? null,
      callMedian: warmCall ? round(median(warmCall)) : null,
      compileMedian: warmCompile ? round(median(warmCompile)) : null,
      cacheHit: warm.length ? warm.every((r) => r.timing?.cacheHit) : null,
    },
    memory: { peakRssMiB: rss.length ? round(Math.max(...rss) / 1024) : null, coldRssMiB: cold?.maxRssKiB ? round(cold.maxRssKiB / 1024) : null, method: hasTime ? '/usr/bin/time -f %M' : '/proc VmHWM polling (lower bound)' },
  };
}

// ---- report ------------------------------------------------------------------------------

/**
 * The time a cell's ratios use: the warm median of the call itself (wazero: `callMs` inside the
 * host); a cell measured cold only (big streams of slow workloads) uses its cold call.
 */
const callTime = (c) => {
  if (!c || !c.ok) return null;
  const warm = c.warm.callMedian ?? c.warm.median;
  if (warm !== null && warm !== undefined) return warm;
  return c.cold.callMs ?? c.cold.ms ?? null;
};
/** Whole-process wall time (commands, warden-exec): warm median, else the cold run. */
const wallTime = (c) => (c && c.ok ? (c.warm.median ?? c.cold.ms ?? null) : null);
const coldOnly = (c) => Boolean(c && c.ok && !c.warm.runs);
const ratio = (a, b) => (a !== null && a !== undefined && b !== null && b !== undefined && b > 0 ? round(a / b, 2) : null);
const fmt = (x, unit = '') => (x === null || x === undefined ? '–' : `${x}${unit}`);
const ms = (c, f) => (f(c) === null ? '–' : `${f(c)}${coldOnly(c) ? '*' : ''}`);

function tables(results, ctx) {
  const out = [];
  const find = (w, size, rt) => results.find((r) => r.workload === w && r.size === size && (rt === undefined || r.runtime === rt));
  out.push(`## warden benchmark — ${ctx.machine.date}`);
  out.push('');
  out.push(
    `${ctx.machine.cpu}, ${ctx.machine.cores} cores, Node ${ctx.machine.node}, commit ${ctx.machine.git.commit?.slice(0, 12) ?? '?'}${ctx.machine.git.dirty ? ' (dirty)' : ''}; ` +
      `stream style \`${ctx.flags.style}\`, seed ${ctx.flags.seed}; load average at start ${ctx.machine.loadavg.join(' ')}, at end ${ctx.loadavgEnd.join(' ')}; ${ctx.totalSeconds} s in all`,
  );
  out.push(
    `plugin.wasm: ${ctx.artefacts.wasm ? `${ctx.artefacts.wasm.path} (${ctx.artefacts.wasm.bytes} bytes, sha256 ${ctx.artefacts.wasm.sha256.slice(0, 12)})` : 'missing'}; ` +
      `warden-exec: ${ctx.artefacts.exec ? `${ctx.artefacts.exec.path} (${ctx.artefacts.exec.bytes} bytes)` : 'missing'}; ` +
      `helm: ${ctx.tools.helm ?? 'missing'}; kyverno: ${ctx.tools.kyverno ?? 'missing'}`,
  );
  out.push('');
  out.push('Times in ms. `*` = measured once (cold call only: too slow to repeat within the time budget). Streams: ' + ctx.streams.map((s) => `${s.label} = ${s.bytes} bytes, ${s.documents} documents`).join('; ') + '.');
  out.push('');
  out.push('### Every cell');
  out.push('');
  out.push('| workload | size | runtime | setup | cold | warm (median, n) | warm call | peak RSS MiB | Wasm memory MiB | result |');
  out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    if (r.skipped) {
      out.push(`| ${r.workload} | ${r.size} | ${r.runtime} | | | | | | | skipped: ${r.skipped} |`);
      continue;
    }
    const cold = r.cold.callMs !== undefined && r.cold.callMs !== null ? `${fmt(r.cold.ms)} (call ${r.cold.callMs}, compile ${fmt(r.cold.compileMs)})` : fmt(r.cold.ms);
    const warmCall = r.warm.callMedian !== undefined && r.warm.callMedian !== null ? fmt(r.warm.callMedian) : r.kind === 'warden' ? fmt(r.warm.median) : '–';
    out.push(
      `| ${r.workload} | ${r.size} | ${r.runtime} | ${fmt(r.setupMs)} | ${cold} | ${r.warm.runs ? `${fmt(r.warm.median)} (${r.warm.runs})` : '–'} | ${warmCall} | ${fmt(r.memory?.peakRssMiB)} | ${fmt(r.memory?.wasmMiB)} | ${r.ok ? 'ok' : 'FAIL: ' + String(r.error).split('\n')[0].slice(0, 160)} |`,
    );
  }
  out.push('');
  out.push('### warden in its three runtimes');
  out.push('');
  out.push('Warm call time (wazero: the call inside warden-exec, without process start and module load; "wall" = the whole warden-exec process) and ratios between runtimes.');
  out.push('');
  out.push('| workload | size | node | extism | wazero call | wazero wall | extism/node | wazero/node | wazero/extism | wazero wall/node |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of ctx.ratios.bySize) {
    const [e, n, z] = ['extism', 'node', 'wazero'].map((rt) => find(x.workload, x.size, rt));
    out.push(`| ${x.workload} | ${x.size} | ${ms(n, callTime)} | ${ms(e, callTime)} | ${ms(z, callTime)} | ${ms(z, wallTime)} | ${fmt(x.extismOverNode)} | ${fmt(x.wazeroOverNode)} | ${fmt(x.wazeroOverExtism)} | ${fmt(x.wazeroWallOverNode)} |`);
  }
  if (ctx.ratios.helm.length) {
    out.push('');
    out.push('### What Helm users feel: `helm template` of a chart that renders the stream');
    out.push('');
    out.push('Whole `helm template` wall time, warm (warden-exec\u2019s compilation cache filled; cold = empty `HELM_CACHE_HOME`, in the table above). `identity` is a `cat` post-renderer plugin: Helm\u2019s own cost of post-rendering (split, annotate, re-serialise).');
    out.push('');
    out.push('| size | plain | + identity | + warden-exec pass-through | + warden-exec default packs | identity/plain | pass-through/plain | pass-through/identity | default packs/plain | default packs/identity |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of ctx.ratios.helm) {
      const c = (w) => find(w, x.size);
      out.push(
        `| ${x.size} | ${ms(c('helm-template'), wallTime)} | ${ms(c('helm+identity'), wallTime)} | ${ms(c('helm+warden-exec pass-through'), wallTime)} | ${ms(c('helm+warden-exec default-packs'), wallTime)} | ${fmt(x.identityOverPlain)} | ${fmt(x.passOverPlain)} | ${fmt(x.passOverIdentity)} | ${fmt(x.packsOverPlain)} | ${fmt(x.packsOverIdentity)} |`,
      );
    }
  }
  if (ctx.ratios.kyverno.length) {
    out.push('');
    out.push('### warden vs `kyverno apply` with the same policies (the default packs\u2019 YAML files) on the same stream');
    out.push('');
    out.push('| size | kyverno apply (wall) | warden-exec default packs (wall) | plugin.wasm in Extism (call) | core in Node (call) | kyverno / warden-exec | kyverno / Extism | kyverno / Node |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of ctx.ratios.kyverno) {
      out.push(
        `| ${x.size} | ${ms(find('kyverno-apply', x.size), wallTime)} | ${ms(find('default-packs', x.size, 'wazero'), wallTime)} | ${ms(find('default-packs', x.size, 'extism'), callTime)} | ${ms(find('default-packs', x.size, 'node'), callTime)} | ${fmt(x.overWazeroWall)} | ${fmt(x.overExtism)} | ${fmt(x.overNode)} |`,
      );
    }
  }
  if (ctx.ratios.scaling.length) {
    out.push('');
    out.push('### Scaling: 10 MB time / 1 MB time (linear = 10)');
    out.push('');
    out.push('| workload | runtime | 1 MB | 10 MB | ratio |');
    out.push('|---|---|---:|---:|---:|');
    for (const x of ctx.ratios.scaling) out.push(`| ${x.workload} | ${x.runtime} | ${fmt(x.fromMs)} | ${fmt(x.toMs)} | ${fmt(x.ratio)} |`);
  }
  if (ctx.targets.length) {
    out.push('');
    out.push('### Targets (issues 4 and 9)');
    out.push('');
    out.push('| target | runtime | measured | pass |');
    out.push('|---|---|---:|---|');
    for (const t of ctx.targets) out.push(`| ${t.target} | ${t.runtime} | ${fmt(t.measured)} | ${t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL'} |`);
  }
  return out.join('\n');
}

function computeRatios(results) {
  const find = (w, size, rt) => results.find((r) => r.workload === w && r.size === size && (rt === undefined || r.runtime === rt) && !r.skipped);
  const bySize = [];
  const scaling = [];
  const helm = [];
  const kyverno = [];
  const wardenWorkloads = [...new Set(results.filter((r) => r.kind === 'warden').map((r) => r.workload))];
  const sizes = [...new Set(results.map((r) => r.size))];
  for (const w of wardenWorkloads) {
    for (const size of sizes) {
      const [e, n, z] = ['extism', 'node', 'wazero'].map((rt) => find(w, size, rt));
      if (!e && !n && !z) continue;
      bySize.push({
        workload: w,
        size,
        extismOverNode: ratio(callTime(e), callTime(n)),
        wazeroOverNode: ratio(callTime(z), callTime(n)),
        wazeroOverExtism: ratio(callTime(z), callTime(e)),
        wazeroWallOverNode: ratio(wallTime(z), callTime(n)),
      });
    }
  }
  for (const size of sizes) {
    const t = (w) => wallTime(find(w, size));
    const plain = t('helm-template');
    const id = t('helm+identity');
    const pass = t('helm+warden-exec pass-through');
    const packs = t('helm+warden-exec default-packs');
    if (plain !== null || id !== null || pass !== null || packs !== null) {
      helm.push({ size, identityOverPlain: ratio(id, plain), passOverPlain: ratio(pass, plain), passOverIdentity: ratio(pass, id), packsOverPlain: ratio(packs, plain), packsOverIdentity: ratio(packs, id) });
    }
    const k = t('kyverno-apply');
    if (k !== null) {
      kyverno.push({
        size,
        overWazeroWall: ratio(k, wallTime(find('default-packs', size, 'wazero'))),
        overExtism: ratio(k, callTime(find('default-packs', size, 'extism'))),
        overNode: ratio(k, callTime(find('default-packs', size, 'node'))),
      });
    }
  }
  if (sizes.includes('1MB') && sizes.includes('10MB')) {
    const pairs = new Set(results.filter((r) => !r.skipped).map((r) => `${r.workload}\u0000${r.runtime}`));
    for (const key of pairs) {
      const [w, rt] = key.split('\u0000');
      const a = find(w, '1MB', rt);
      const b = find(w, '10MB', rt);
      if (!a || !b) continue;
      const f = a.kind === 'warden' ? callTime : wallTime;
      scaling.push({ workload: w, runtime: rt, from: '1MB', to: '10MB', fromMs: f(a), toMs: f(b), ratio: ratio(f(b), f(a)) });
    }
  }
  return { bySize, scaling, helm, kyverno };
}

function computeTargets(results, ratios) {
  const t = [];
  const find = (w, size, rt) => results.find((r) => r.workload === w && r.size === size && (rt === undefined || r.runtime === rt));
  // A cell that failed (timeout, or skipped after a smaller size timed out) fails its targets.
  const check = (target, runtime, cell, value, limit, atLeast = false) => {
    if (!cell || (cell.skipped && cell.ok !== false)) return;
    if (cell.ok === false) t.push({ target, runtime, measured: String(cell.error ?? cell.skipped).startsWith('timeout') || cell.skipped ? 'timeout' : 'failed', pass: false });
    else t.push({ target, runtime, measured: value, pass: value === null || value === undefined ? null : atLeast ? value >= limit : value <= limit });
  };
  // issue 4: pass-through
  const e10 = find('pass-through', '10MB', 'extism');
  const z10 = find('pass-through', '10MB', 'wazero');
  check('10 MB pass-through ≤ 1000 ms (warm call)', 'extism', e10, callTime(e10), 1000);
  check('10 MB pass-through ≤ 1000 ms (warm call inside warden-exec)', 'wazero', z10, callTime(z10), 1000);
  check('10 MB pass-through ≤ 1000 ms (warm, whole warden-exec process)', 'wazero', z10, wallTime(z10), 1000);
  // issue 9
  const p1 = find('default-packs', '1MB', 'wazero');
  check('default packs, 1 MB, warden-exec warm ≤ 500 ms (whole process)', 'wazero', p1, wallTime(p1), 500);
  const k1 = ratios.kyverno.find((x) => x.size === '1MB');
  if (k1) check('default packs, 1 MB: kyverno apply / warden-exec ≥ 10', 'wazero', p1, k1.overWazeroWall, 10, true);
  for (const size of ['1MB', '10MB']) {
    const h = ratios.helm.find((x) => x.size === size);
    if (h) check(`helm template + warden-exec pass-through ≤ 1.5x plain helm template (${size})`, 'helm', find('helm+warden-exec pass-through', size), h.passOverPlain, 1.5);
  }
  for (const s of ratios.scaling) {
    const cell = find(s.workload, '10MB', s.runtime);
    check(`${s.workload}: 10 MB ≤ 10x the 1 MB time`, s.runtime, cell, s.ratio, 10);
  }
  for (const w of ['pass-through', 'default-packs', 'all-checks']) {
    const e = find(w, '10MB', 'extism');
    check(`${w}: peak memory ≤ 200 MiB at 10 MB (Wasm linear memory)`, 'extism', e, e?.memory?.wasmMiB, 200);
    const z = find(w, '10MB', 'wazero');
    check(`${w}: peak memory ≤ 200 MiB at 10 MB (warden-exec peak RSS)`, 'wazero', z, z?.memory?.peakRssMiB, 200);
  }
  return t;
}

/** Versions of the external programs the selected workloads run (null = absent). */
function toolVersions(workloads) {
  const ids = new Set(workloads.map((w) => w.id));
  const out = { helm: null, kyverno: null };
  const home = (p) => (p.startsWith(homedir() + '/') ? '~' + p.slice(homedir().length) : p);
  if ([...ids].some((id) => id.startsWith('helm')) && existsSync(helmPath())) {
    out.helm = `${sh(helmPath(), ['version', '--template', '{{.Version}}'])} (${home(helmPath())})`;
  }
  if (ids.has('kyverno-apply') && existsSync(kyvernoPath())) {
    const v = /Version:\s*(\S+)/.exec(sh(kyvernoPath(), ['version']) ?? '');
    out.kyverno = `${v ? v[1] : '?'} (${home(kyvernoPath())})`;
  }
  return out;
}

/**
 * docs/performance.md = the hand-written part above the marker line (kept as it is) + the
 * tables of this run below it.
 */
function writePerformanceDoc(path, tablesText) {
  const MARK = '<!-- bench:results (everything below is written by npm run bench) -->';
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const i = old.indexOf(MARK);
  const head = i >= 0 ? old.slice(0, i) : old || '# Performance\n\nFigures from `npm run bench` (bench/README.md).\n\n';
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${head}${MARK}\n\n${tablesText.replace(/^## /, '## Last full run: ')}\n`);
}

// ---- main --------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  const flags = parseFlags(process.argv.slice(2));
  const onlyRt = RUNTIMES.filter((r) => flags.only.includes(r.id)).map((r) => r.id);
  const onlyWl = WORKLOADS.filter((w) => flags.only.includes(w.id)).map((w) => w.id);
  const runtimes = RUNTIMES.filter((r) => !onlyRt.length || onlyRt.includes(r.id));
  const workloads = WORKLOADS.filter((w) => !onlyWl.length || onlyWl.includes(w.id));

  const work = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  workDir = work;
  // The whole run measures one copy of the artefacts: a `npm run build` elsewhere in the tree
  // during the run (other work goes on) must not swap plugin.wasm between cells.
  const snap = snapshotArtefacts(wasmPath(flags.wasm), execPath(flags.exec), join(work, 'artefacts'));
  const { wasm, exec } = snap;
  const ctx = {
    flags,
    wasm,
    exec,
    execPlugin: snap.plugin,
    tmp: work,
    machine: machineInfo(),
    artefacts: { wasm: snap.wasmInfo, exec: snap.execInfo },
    tools: toolVersions(workloads),
    core: await bundleCore(),
  };
  const missing = {
    wasm: ctx.artefacts.wasm ? null : `no plugin.wasm at ${relative(root, wasm)} (run npm run build, or pass --wasm=PATH)`,
    exec: ctx.artefacts.exec ? (ctx.artefacts.wasm ? null : 'warden-exec needs plugin.wasm') : `no warden-exec at ${relative(root, exec)} (run npm run build, or pass --exec=PATH)`,
    core: null,
  };
  for (const m of Object.values(missing)) if (m) log(`bench: skipping: ${m}`);

  const streams = [];
  for (const label of flags.sizes) {
    const bytes = parseSize(label);
    const { path, text } = writeStream(bytes, { seed: flags.seed, style: flags.style });
    streams.push({ label: sizeLabel(bytes), bytes: Buffer.byteLength(text), path, documents: text.split(/^---$/m).length - (text.startsWith('---') ? 1 : 0) });
  }
  ctx.streams = streams;

  const results = [];
  for (const w of workloads) {
    for (const stream of streams) {
      const base = { workload: w.id, kind: w.kind, size: stream.label, bytes: stream.bytes };
      if (w.kind === 'command') {
        const runtime = w.runtime ?? 'process';
        let skip = w.requires?.(ctx);
        const slower = results.find((r) => r.workload === w.id && r.bytes < stream.bytes && String(r.error).startsWith('timeout'));
        if (!skip && slower) skip = `${slower.size} already ran over its timeout`;
        if (!skip && w.prepare) {
          try {
            skip = await w.prepare(ctx, stream);
          } catch (e) {
            results.push({ ...base, runtime, ok: false, error: `prepare failed: ${String(e.stderr ?? '').slice(-1500) || e.message}` });
            log(`bench: FAILED ${w.id} ${stream.label}: prepare: ${e.message}`);
            continue;
          }
        }
        if (skip) {
          results.push({ ...base, runtime, skipped: skip, ...(slower ? { ok: false } : {}) });
          continue;
        }
        const cmd = w.command(ctx, stream);
        log(`bench: ${w.id} ${stream.label} ${runtime}`);
        const cell = await cellProcess(ctx, stream, {
          ...cmd,
          exitCodes: w.exitCodes,
          limits: cellLimits(ctx, w, stream),
          verify: (input, stdout, stderr) => w.verify(input, stdout, stderr, ctx, stream),
        });
        results.push({ ...base, runtime, argv: cmd.argv.map((a) => (a.startsWith(root) ? relative(root, a) : a.startsWith(homedir() + '/') ? '~' + a.slice(homedir().length) : a)), ...cell });
        if (!cell.ok) log(`bench: FAILED ${w.id} ${stream.label}: ${cell.error}`);
        continue;
      }
      const setup = w.setup ? await w.setup(ctx, stream) : {};
      if (setup.skip) {
        for (const rt of runtimes) results.push({ ...base, runtime: rt.id, skipped: setup.skip });
        continue;
      }
      const args = setup.args ?? w.args;
      for (const rt of runtimes) {
        if (w.runtimes && !w.runtimes.includes(rt.id)) continue;
        if (missing[rt.needs]) {
          results.push({ ...base, runtime: rt.id, skipped: missing[rt.needs] });
          continue;
        }
        const slower = results.find((r) => r.workload === w.id && r.runtime === rt.id && r.bytes < stream.bytes && String(r.error).startsWith('timeout'));
        if (slower) {
          results.push({ ...base, runtime: rt.id, skipped: `${slower.size} already ran over its timeout`, ok: false });
          continue;
        }
        log(`bench: ${w.id} ${stream.label} ${rt.id}`);
        let cell;
        if (rt.where === 'worker') cell = await cellWorker(ctx, rt, w, stream, args);
        else {
          const cacheDir = join(work, `wazero-cache-${w.id}-${stream.label}`);
          cell = await cellProcess(ctx, stream, {
            argv: [exec, ...args],
            cacheDir,
            limits: cellLimits(ctx, w, stream),
            // An isolated Helm cache home: warden-exec writes its default report file there.
            env: { WARDEN_EXEC_TIMING: '1', WARDEN_CACHE_DIR: cacheDir, WARDEN_WASM: wasm, WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(work, 'helm-cache') },
            verify: (input, stdout) => w.verify(input, stdout.toString('utf8'), null),
          });
        }
        results.push({ ...base, runtime: rt.id, args: args.map((a) => (a.length > 200 ? `${a.slice(0, 60)}… (${a.length} chars)` : a)), ...cell });
        if (!cell.ok) log(`bench: FAILED ${w.id} ${stream.label} ${rt.id}: ${cell.error}`);
      }
    }
  }
  rmSync(work, { recursive: true, force: true });

  ctx.ratios = computeRatios(results);
  ctx.targets = computeTargets(results, ctx.ratios);
  const totalS = round((performance.now() - t0) / 1000);
  ctx.totalSeconds = totalS;
  ctx.loadavgEnd = loadavg().map((x) => round(x, 2));
  const text = tables(results, ctx);
  process.stdout.write(text + '\n');
  log(`bench: done in ${totalS} s`);
  // The Markdown tables go to docs/performance.md after a full run (or to --doc=PATH).
  const docPath = flags.doc === 'none' ? null : flags.doc ? flags.doc : flags.subset ? null : join(root, 'docs', 'performance.md');
  if (docPath) {
    writePerformanceDoc(docPath, text);
    log(`bench: wrote ${relative(process.cwd(), docPath)}`);
  }
  const doc = {
    machine: ctx.machine,
    artefacts: ctx.artefacts,
    tools: ctx.tools,
    params: { sizes: flags.sizes, runs: flags.runs, budgetS: flags.budget, only: flags.only, seed: flags.seed, style: flags.style, memoryMethod: hasTime ? '/usr/bin/time -f %M' : '/proc VmHWM polling' },
    streams: streams.map((s) => ({ label: s.label, bytes: s.bytes, documents: s.documents, path: relative(root, s.path) })),
    runtimes: RUNTIMES.map(({ id, label }) => ({ id, label })),
    workloads: WORKLOADS.map(({ id, kind, runtime, description, args }) => ({ id, kind, runtime, description, args })),
    results,
    ratios: ctx.ratios,
    targets: ctx.targets,
    totalSeconds: totalS,
    loadavgEnd: ctx.loadavgEnd,
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, JSON.stringify(doc, null, 2) + '\n');
  log(`bench: wrote ${relative(process.cwd(), flags.out)}`);
  if (results.some((r) => !r.skipped && !r.ok)) process.exitCode = 1;
  // A full run also measures warden against the Kyverno CLI (bench/compare.mjs) when it is built.
  if (!flags.subset && existsSync(kyvernoPath())) {
    const r = spawnSync(process.execPath, [join(here, 'compare.mjs'), ...(flags.doc === 'none' ? ['--no-doc'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}

main().catch((e) => {
  log(`bench: ${e.stack ?? e}`);
  process.exitCode = 2;
});
