// Differential test of the engine's native YAML reader (build/engine/native_yaml.c,
// libyaml building QuickJS values) against the `yaml` package in Node, the
// reference the TypeScript core is written against.
//
// The real engine (buildEngine: the same engine.wasm plugin.wasm is made from) is
// pre-initialised with a small bundle that runs the native reader through
// src/read/native-yaml.ts and returns each answer in a canonical typed form
// (yaml-canon.ts: numbers vs strings, -0, NaN, key order, shared objects). For
// every document of ../shared/corpus, the fixture charts rendered by Helm and a
// seeded fuzz corpus: where the native reader gives a value, `yaml` must give the
// same value and no error; where it declines, SourceDocument.value() uses `yaml`.
import createPlugin from '@extism/extism';
import { build as esbuild } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
// @ts-expect-error: plain ESM build script without type declarations
import { buildEngine, snapshot } from '../../build/engine/build.mjs';
import { buildExec, hostTarget } from '../../build/exec/build.mjs';
import { generateStream } from '../../bench/gen.mjs';
import { readStream } from '../../src/read/document';
import { helmBinary } from '../e2e/helm';
import { canon } from './yaml-canon';
import { fuzzDocuments, mutateDocument } from './yaml-fuzz';

type Plugin = Awaited<ReturnType<typeof createPlugin>>;
type Answer = { canon: string } | { declined: string } | { threw: string };

const root = join(__dirname, '..', '..');
const corpusRoot = join(root, '..', 'shared', 'corpus');

const ENTRY = `
import { nativeYamlAnswer } from ${JSON.stringify(join(root, 'src', 'read', 'native-yaml'))};
import { readStream } from ${JSON.stringify(join(root, 'src', 'read', 'document'))};
import { canon } from ${JSON.stringify(join(root, 'test', 'plugin', 'yaml-canon'))};
declare const Host: any;
export function helm_plugin_main(): number {
  const req = JSON.parse(Host.inputString());
  if (req.manifests !== undefined) {
    // Helm's post-renderer input (warden-exec): SourceDocument.value() of every document,
    // answered as {manifests} holding, per document, "value" or the error message.
    const out = readStream(req.manifests).map((d) => {
      const v = d.value();
      return 'value' in v ? 'value' : v.error.message;
    });
    Host.outputString(JSON.stringify({ manifests: JSON.stringify(out) }));
    return 0;
  }
  const out = (req.docs as string[]).map((text) => {
    try {
      const r = nativeYamlAnswer(text);
      if (!r) throw new Error('the engine has no native YAML reader');
      return 'declined' in r ? { declined: r.declined } : { canon: canon(r.value) };
    } catch (e) {
      return { threw: String(e) };
    }
  });
  Host.outputString(JSON.stringify(out));
  return 0;
}
`;

let dir: string;
let plugin: Plugin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-native-yaml-'));
  const engineWasm = await buildEngine({});
  writeFileSync(join(dir, 'entry.ts'), ENTRY);
  await esbuild({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, 'bundle.js'),
    bundle: true,
    format: 'cjs',
    target: 'es2020',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  await snapshot({ engineWasm, bundlePath: join(dir, 'bundle.js'), outPath: join(dir, 'native-yaml.wasm') });
  plugin = await createPlugin({ wasm: [{ data: readFileSync(join(dir, 'native-yaml.wasm')) }] }, { useWasi: true });
});

afterAll(async () => {
  await plugin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(req: unknown): Promise<string> {
  const out = await plugin.call('helm_plugin_main', JSON.stringify(req));
  if (!out) throw new Error('no output');
  return out.text();
}

async function native(docs: string[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  // Batches keep each call's input and output small.
  for (let i = 0; i < docs.length; i += 500) answers.push(...(JSON.parse(await call({ docs: docs.slice(i, i + 500) })) as Answer[]));
  return answers;
}

/** What the core gets from `yaml` (SourceDocument.value() without the native reader). */
function reference(text: string): { canon: string } | { error: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, keepSourceTokens: false });
  if (doc.errors.length > 0) return { error: doc.errors[0].message.split('\n')[0] };
  try {
    return { canon: canon(doc.toJS({ maxAliasCount: 1000 })) };
  } catch (e) {
    return { error: String(e) };
  }
}

interface Outcome {
  total: number;
  native: number;
  declined: Map<string, number>;
  mismatches: string[];
}

async function compare(docs: { name: string; text: string }[]): Promise<Outcome> {
  const answers = await native(docs.map((d) => d.text));
  const o: Outcome = { total: docs.length, native: 0, declined: new Map(), mismatches: [] };
  docs.forEach((d, i) => {
    const a = answers[i];
    if ('threw' in a) {
      o.mismatches.push(`${d.name}: the native reader threw ${a.threw}\n${JSON.stringify(d.text.slice(0, 300))}`);
      return;
    }
    if ('declined' in a) {
      const why = a.declined.replace(/ at line \d+, column \d+$/, '').replace(/\(.*\)/, '(…)');
      o.declined.set(why, (o.declined.get(why) ?? 0) + 1);
      return;
    }
    o.native++;
    const ref = reference(d.text);
    if ('error' in ref) {
      o.mismatches.push(`${d.name}: native gave a value, yaml says ${ref.error}\n${JSON.stringify(d.text.slice(0, 300))}`);
    } else if (ref.canon !== a.canon) {
      let at = 0;
      while (at < a.canon.length && a.canon[at] === ref.canon[at]) at++;
      const from = Math.max(0, at - 120);
      o.mismatches.push(
        `${d.name}: values differ at ${at}\n  native …${a.canon.slice(from, at + 120)}\n  yaml   …${ref.canon.slice(from, at + 120)}\n${JSON.stringify(d.text.slice(0, 300))}`,
      );
    }
  });
  return o;
}

function yamlFiles(dirPath: string, out: string[] = []): string[] {
  for (const name of readdirSync(dirPath).sort()) {
    const p = join(dirPath, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** The documents of a stream exactly as the core reads them (SourceDocument.text). */
function documentsOf(name: string, stream: string): { name: string; text: string }[] {
  return readStream(stream).map((d) => ({ name: `${name}#${d.index}`, text: d.text }));
}

function summary(o: Outcome): string {
  const reasons = [...o.declined].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} ${r}`);
  return `${o.native}/${o.total} read natively; declined: ${reasons.join('; ') || 'none'}`;
}

describe('native YAML reader = yaml package', () => {
  it('every document of ../shared/corpus', async () => {
    expect(existsSync(corpusRoot), `${corpusRoot} is missing`).toBe(true);
    const docs: { name: string; text: string }[] = [];
    for (const file of yamlFiles(corpusRoot)) docs.push(...documentsOf(file.slice(corpusRoot.length + 1), readFileSync(file, 'utf8')));
    expect(docs.length).toBeGreaterThan(2000);
    const o = await compare(docs);
    console.log(`corpus: ${summary(o)}`);
    expect(o.mismatches.slice(0, 10)).toEqual([]);
    // The native reader must actually do the work, not decline it.
    expect(o.native / o.total).toBeGreaterThan(0.97);

    // The same real documents with seeded character and line mutations (indentation moved,
    // lines repeated, dropped or moved, stray indicators): realistic structure, odd edges.
    const seed = Number(process.env.WARDEN_FUZZ_SEED) || 20261125;
    const mutated = docs.map((d, i) => ({ name: `${d.name} mutated`, text: mutateDocument(d.text, seed + i * 7919) }));
    const m = await compare(mutated);
    console.log(`mutated corpus: ${summary(m)}`);
    expect(m.mismatches.slice(0, 10)).toEqual([]);
    expect(m.native).toBeGreaterThan(mutated.length / 5);
  });

  it('the fixture charts rendered by Helm, and generated streams', async () => {
    const helm = await helmBinary('v4.3.1');
    const docs: { name: string; text: string }[] = [];
    for (const chart of ['webapp', 'platform', 'large']) {
      const stream = execFileSync(helm, ['template', 'rel', join(root, 'charts-fixtures', chart), '--namespace', 'apps'], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      docs.push(...documentsOf(chart, stream));
    }
    docs.push(...documentsOf('gen', generateStream(300_000, 5)), ...documentsOf('gen-helm4', generateStream(300_000, 6, { style: 'helm4' })));
    const o = await compare(docs);
    console.log(`charts: ${summary(o)}`);
    expect(o.mismatches.slice(0, 10)).toEqual([]);
    expect(o.native / o.total).toBeGreaterThan(0.99);

    const seed = Number(process.env.WARDEN_FUZZ_SEED) || 20261125;
    const mutated = docs.map((d, i) => ({ name: `${d.name} mutated`, text: mutateDocument(d.text, seed + i * 7919) }));
    const m = await compare(mutated);
    console.log(`mutated charts: ${summary(m)}`);
    expect(m.mismatches.slice(0, 10)).toEqual([]);
    expect(m.native).toBeGreaterThan(mutated.length / 5);
  });

  it('a seeded fuzz corpus (every scalar kind, styles, nesting, anchors, tags, broken text)', async () => {
    // WARDEN_FUZZ_SEED / WARDEN_FUZZ_COUNT explore other corpora; CI uses the fixed one.
    const seed = Number(process.env.WARDEN_FUZZ_SEED) || 20261125;
    const count = Number(process.env.WARDEN_FUZZ_COUNT) || 6000;
    const docs = fuzzDocuments(count, seed).map((text, i) => ({ name: `fuzz#${i}`, text }));
    // WARDEN_YAML_EXTRA: a JSON file holding an array of YAML texts, each also split like a stream.
    if (process.env.WARDEN_YAML_EXTRA) {
      const extra = JSON.parse(readFileSync(process.env.WARDEN_YAML_EXTRA, 'utf8')) as string[];
      extra.forEach((text, i) => docs.push({ name: `extra#${i}`, text }, ...documentsOf(`extra#${i}`, text)));
    }
    const o = await compare(docs);
    console.log(`fuzz: ${summary(o)}`);
    expect(o.mismatches.slice(0, 10)).toEqual([]);
    // The generator is meant to reach both sides.
    expect(o.native).toBeGreaterThan(docs.length / 3);
    expect(o.declined.size).toBeGreaterThan(5);
  });
});

describe('deep nesting inside wazero (warden-exec, the runtime Helm embeds)', () => {
  it('ends in a value or a clean "nested too deeply" error, never a trap', async () => {
    const { binaries } = await buildExec({ outDir: join(dir, 'exec'), targets: [hostTarget()] });
    const head = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec:\n';
    const block = (depth: number) => head + Array.from({ length: depth }, (_, d) => ' '.repeat(d * 2 + 2) + 'k:').join('\n') + ' v\n';
    const flow = (depth: number) => head + '  k: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n';
    const docs = [block(50), block(300), block(3000), flow(200), flow(300), flow(5000)];
    const r = spawnSync(binaries[0].path, [], {
      input: docs.join('---\n'),
      env: { PATH: process.env.PATH, WARDEN_WASM: join(dir, 'native-yaml.wasm'), WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(dir, 'helm') },
      maxBuffer: 64 << 20,
    });
    expect(r.status, r.stderr.toString()).toBe(0);
    const answers = JSON.parse(r.stdout.toString('utf8')) as string[];
    expect(answers).toHaveLength(docs.length);
    // Within the native reader's depth: values. Beyond it `yaml` decides, as before: a value
    // while its recursion fits the engine's stack, else the core's clean error.
    expect(answers.slice(0, 1)).toEqual(['value']);
    expect(answers[3]).toBe('value');
    for (const a of answers) expect(['value', 'it is nested too deeply to read']).toContain(a);
    expect(answers[2]).toBe('it is nested too deeply to read');
    expect(answers[5]).toBe('it is nested too deeply to read');
  });
});
