// plugin.wasm under @extism/extism, called exactly as Helm calls it.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenWasm } from '../../src/cli/wasm';
import { handleHelmInput, HELM_BUG_MESSAGE } from '../../src/core';

const root = join(__dirname, '..', '..');
const wasmPath = join(root, 'dist', 'warden', 'plugin.wasm');

const STREAMS: Record<string, string> = {
  helm: [
    '---',
    '# Source: web/templates/cm.yaml',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: web',
    '  annotations:',
    '    postrenderer.helm.sh/postrender-filename: web/templates/cm.yaml',
    'data:',
    '  s: |',
    '    ---',
    '    ünïcödé ✓ 𝄞',
    '---',
    '# only a comment',
    '',
  ].join('\n'),
  crlf: '---\r\napiVersion: v1\r\nkind: A\r\nmetadata:\r\n  name: a\r\n',
  bom: '\uFEFF---\napiVersion: v1\nkind: A\n',
  'no trailing newline': '---\napiVersion: v1\nkind: A',
  empty: '',
  'end markers': 'apiVersion: v1\nkind: A\n...\n---\napiVersion: v1\nkind: B\n...\n',
};

let plugin: WardenWasm;
beforeAll(async () => {
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: run "npm run build" (npm test does)`);
  plugin = await WardenWasm.load(wasmPath);
});
afterAll(async () => plugin?.close());

describe('plugin.wasm pass-through', () => {
  for (const [name, s] of Object.entries(STREAMS)) {
    it(`returns ${name} byte-for-byte`, async () => {
      const r = await plugin.render(s, []);
      expect(r.error).toBeUndefined();
      expect(r.manifests).toBe(s);
    });
  }

  it('returns a large generated stream unchanged and the same as the Node core', async () => {
    const doc = (i: number) =>
      `---\n# Source: big/templates/cm-${i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(i % 200)}"\n`;
    const s = Array.from({ length: 5000 }, (_, i) => doc(i)).join('');
    const input = JSON.stringify({ manifests: s, extraArgs: ['--mode=enforce'] });
    const wasm = await plugin.callRaw(input);
    const node = handleHelmInput(input);
    expect(wasm.error).toBeUndefined();
    expect('output' in node && node.output).toBe(wasm.output);
    expect(JSON.parse(wasm.output!).manifests).toBe(s);
  });
});

describe('plugin.wasm errors travel in the error text', () => {
  it('detects the released-Helm {"manifests":{}} bug', async () => {
    const r = await plugin.callRaw('{"manifests":{},"extraArgs":[]}');
    expect(r.error).toBe(HELM_BUG_MESSAGE);
  });

  it('rejects bad arguments with the option named', async () => {
    const r = await plugin.render('', ['--mode=later']);
    expect(r.error).toBe('warden: --mode must be audit or enforce (got "later")');
  });

  it('blocks broken YAML naming the document and line', async () => {
    const r = await plugin.render('---\napiVersion: v1\nkind: A\n---\nfoo: {a\n', []);
    expect(r.error).toMatch(/^warden: 1 finding blocks this render/);
    expect(r.error).toContain('document 2 (line 4)');
  });

  it('gives the same result as the Node core for the same input', async () => {
    for (const s of Object.values(STREAMS)) {
      const input = JSON.stringify({ manifests: s, extraArgs: ['--report-format=json'] });
      const wasm = await plugin.callRaw(input);
      const node = handleHelmInput(input);
      expect(wasm.output).toBe('output' in node ? node.output : undefined);
    }
  });

  it('exports only memory and helm_plugin_main to Helm', () => {
    const mod = new WebAssembly.Module(readFileSync(wasmPath));
    const exports = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    expect(exports).toContain('helm_plugin_main');
    expect(exports).toContain('memory');
    const imports = WebAssembly.Module.imports(mod).map((i) => i.module);
    expect(new Set(imports)).toEqual(new Set(['extism:host/env', 'wasi_snapshot_preview1']));
  });
});

describe('plugin.wasm on hostile input', () => {
  it('answers a document nested 20,000 deep with a finding, not a trap', async () => {
    const deep = '---\napiVersion: v1\nkind: A\n---\nx: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';
    const r = await plugin.render(deep, []);
    expect(r.error).toMatch(/^warden: 1 finding blocks this render/);
    expect(r.error).toContain('document 2 (line 4) could not be read: it is nested too deeply to read');
    // The instance is still usable afterwards.
    const again = await plugin.render(STREAMS.helm, []);
    expect(again.manifests).toBe(STREAMS.helm);
  });

  it('passes a deeply nested object through untouched when nothing needs to parse it', async () => {
    const deep = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';
    const r = await plugin.render(deep, []);
    expect(r.manifests).toBe(deep);
  });
});
