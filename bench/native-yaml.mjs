#!/usr/bin/env node
// Native YAML reader vs the `yaml` package, measured where Helm users feel it: inside
// wazero, through warden-exec (the Go host with Helm v4.3.1's extism go-sdk + wazero).
//
//   node bench/native-yaml.mjs [--sizes=100KB,1MB,10MB] [--runs=3] [--only=parse-native,...] [--exec=PATH]
//
// Needs `npm run build` (dist/build/bundle.js and dist/warden-exec/bin/warden-exec-<os>-<arch>).
// It pre-initialises, from the same engine.wasm as plugin.wasm:
//   parse-native  a small bundle that reads every document of the stream with
//                 SourceDocument.value() (native reader, `yaml` for what it declines)
//   parse-yaml    the same bundle calling parseDocument(text).toJS() per document
//                 (what value() did before the native reader)
//   plugin        dist/build/bundle.js as it is (plugin.wasm)
//   plugin-yaml   the same bundle with the native reader hidden (the core falls back to `yaml`)
// and runs each on bench/gen.mjs streams (source style, seed 1) through warden-exec: warm
// compilation cache, median `callMs` of --runs runs (the call inside wazero), the time the
// bundle measured around the parse itself, and peak RSS of the process (/usr/bin/time -f %M).
// Prints a Markdown table.

import { build as esbuild } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildEngine, snapshot } from '../build/engine/build.mjs';
import { SIZES, generateStream } from './gen.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flags = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2]];
  }),
);
const sizes = (flags.sizes ?? '100KB,1MB,10MB').split(',');
const runs = Number(flags.runs ?? 3);
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
const exe = flags.exec ?? join(root, 'dist', 'warden-exec', 'bin', `warden-exec-${process.platform}-${arch}`);
const pluginBundle = join(root, 'dist', 'build', 'bundle.js');
for (const f of [exe, pluginBundle]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);

const ENTRY = `
import { parseDocument } from 'yaml';
import { readStream } from './src/read/document';
import { nativeYamlStats } from './src/read/native-yaml';
declare const Host: any;
export function helm_plugin_main(): number {
  const input = JSON.parse(Host.inputString());
  const mode = input.extraArgs[0] ?? 'native';
  const t0 = Date.now();
  const docs = readStream(input.manifests);
  let values = 0;
  for (const d of docs) {
    if (mode === 'yaml') {
      const doc = parseDocument(d.text, { uniqueKeys: true, prettyErrors: true, keepSourceTokens: false });
      if (doc.errors.length === 0 && doc.toJS({ maxAliasCount: 1000 }) !== undefined) values++;
    } else if ('value' in d.value()) values++;
  }
  const ms = Date.now() - t0;
  const stats = { mode, ms, docs: docs.length, values, native: nativeYamlStats.native, declined: nativeYamlStats.declined };
  Host.outputString(JSON.stringify({ manifests: JSON.stringify(stats) }));
  return 0;
}
`;

const work = mkdtempSync(join(tmpdir(), 'warden-native-yaml-bench-'));
try {
  const engineWasm = await buildEngine({});
  await esbuild({
    stdin: { contents: ENTRY, loader: 'ts', resolveDir: root, sourcefile: 'bench-entry.ts' },
    outfile: join(work, 'parse.js'),
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2020',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  // The plugin bundle with the native reader hidden: native-yaml.ts then finds no global.
  writeFileSync(join(work, 'plugin-yaml.js'), 'delete globalThis.__warden_yaml_parse;\n' + readFileSync(pluginBundle, 'utf8'));
  const wasm = {};
  for (const [name, bundle] of [
    ['parse', join(work, 'parse.js')],
    ['plugin', pluginBundle],
    ['plugin-yaml', join(work, 'plugin-yaml.js')],
  ]) {
    wasm[name] = join(work, `${name}.wasm`);
    await snapshot({ engineWasm, bundlePath: bundle, outPath: wasm[name] });
  }
  const cases = [
    { id: 'parse-native', wasm: wasm.parse, args: ['native'], what: 'SourceDocument.value() on every document' },
    { id: 'parse-yaml', wasm: wasm.parse, args: ['yaml'], what: 'parseDocument().toJS() on every document (before)' },
    { id: 'packs-native', wasm: wasm.plugin, args: ['--checks=policy'], what: 'plugin.wasm, default packs' },
    { id: 'packs-yaml', wasm: wasm['plugin-yaml'], args: ['--checks=policy'], what: 'plugin.wasm without the native reader, default packs (before)' },
    { id: 'all-native', wasm: wasm.plugin, args: [], what: 'plugin.wasm, default checks' },
    { id: 'all-yaml', wasm: wasm['plugin-yaml'], args: [], what: 'plugin.wasm without the native reader, default checks (before)' },
  ];
  const only = flags.only ? new Set(flags.only.split(',')) : null;
  const hasTime = existsSync('/usr/bin/time');
  const rows = [];
  for (const size of sizes) {
    const stream = join(work, `stream-${size}.yaml`);
    writeFileSync(stream, generateStream(SIZES[size], 1));
    for (const c of cases) {
      if (only && !only.has(c.id)) continue;
      const cache = join(work, `cache-${c.id}`);
      mkdirSync(cache, { recursive: true });
      const one = () => {
        const argv = hasTime ? ['/usr/bin/time', '-f', 'RSSKIB %M', exe, ...c.args] : [exe, ...c.args];
        const t0 = process.hrtime.bigint();
        const r = spawnSync(argv[0], argv.slice(1), {
          input: readFileSync(stream),
          env: { ...process.env, WARDEN_WASM: c.wasm, WARDEN_CACHE_DIR: cache, WARDEN_EXEC_TIMING: '1', WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(work, 'helm') },
          maxBuffer: 256 << 20,
        });
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const stderr = r.stderr.toString('utf8');
        if (r.status !== 0 && r.status !== 1) throw new Error(`${c.id} ${size}: exit ${r.status}\n${stderr}`);
        const timing = JSON.parse(stderr.split('\n').find((l) => l.startsWith('{"compileMs"')) ?? 'null');
        if (!timing) throw new Error(`${c.id} ${size}: no timing line\n${stderr}`);
        const rss = /RSSKIB (\d+)/.exec(stderr);
        let stats = null;
        if (c.id.startsWith('parse')) stats = JSON.parse(r.stdout.toString('utf8'));
        else if (r.stdout.length < 1000 && r.status !== 0) throw new Error(`${c.id} ${size}: ${stderr}`);
        return { wallMs, callMs: timing.callMs, rssMiB: rss ? Number(rss[1]) / 1024 : null, stats };
      };
      one(); // cold: fills the compilation cache
      const warm = Array.from({ length: runs }, one);
      const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const row = {
        size,
        id: c.id,
        what: c.what,
        callMs: med(warm.map((w) => w.callMs)),
        wallMs: med(warm.map((w) => w.wallMs)),
        parseMs: warm[0].stats ? med(warm.map((w) => w.stats.ms)) : null,
        rssMiB: Math.max(...warm.map((w) => w.rssMiB ?? 0)),
        stats: warm[0].stats,
      };
      rows.push(row);
      process.stderr.write(`${size} ${c.id}: call ${row.callMs.toFixed(0)} ms, parse ${row.parseMs ?? '-'} ms, RSS ${row.rssMiB.toFixed(0)} MiB\n`);
    }
  }
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  console.log(`warden-exec (wazero), warm compilation cache, median of ${runs}; commit ${commit}\n`);
  console.log('| stream | case | call in wazero (ms) | parse inside the call (ms) | peak RSS (MiB) | documents (native/declined) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const docs = r.stats ? `${r.stats.docs} (${r.stats.native}/${r.stats.declined})` : '';
    console.log(`| ${r.size} | ${r.id}: ${r.what} | ${r.callMs.toFixed(0)} | ${r.parseMs ?? ''} | ${r.rssMiB.toFixed(0)} | ${docs} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
