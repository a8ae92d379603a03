// The QuickJS-ng engine (build/engine): small esbuild bundles are
// pre-initialised with Wizer and run under the Extism Node host.
import createPlugin from '@extism/extism';
import { build as esbuild } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM build script without type declarations
import { buildEngine, snapshot } from '../../build/engine/build.mjs';

type Plugin = Awaited<ReturnType<typeof createPlugin>>;

let engineWasm: string;
let dir: string;

async function bundle(name: string, source: string): Promise<string> {
  const entry = join(dir, `${name}.ts`);
  const out = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  await esbuild({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'cjs',
    target: 'es2020',
    platform: 'neutral',
    logLevel: 'silent',
  });
  return out;
}

async function wasmFor(name: string, source: string): Promise<string> {
  const js = await bundle(name, source);
  const out = join(dir, `${name}.wasm`);
  await snapshot({ engineWasm, bundlePath: js, outPath: out });
  return out;
}

const logs: { level: string; msg: string }[] = [];
const logger = {
  info: (msg: string) => logs.push({ level: 'info', msg }),
  debug: (msg: string) => logs.push({ level: 'debug', msg }),
  warn: (msg: string) => logs.push({ level: 'warn', msg }),
  error: (msg: string) => logs.push({ level: 'error', msg }),
} as unknown as Console;

async function load(wasm: string, opts: Record<string, unknown> = {}): Promise<Plugin> {
  return createPlugin({ wasm: [{ data: readFileSync(wasm) }] }, { useWasi: true, logger, ...opts });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// One bundle serves most tests; Config "mode" selects the behaviour.
const MAIN = `
declare const Host: any, Config: any, Var: any, Http: any;
const loadedAt = Date.now();
const randomAtLoad = Math.random();
function run(): any {
  const mode = Config.get('mode');
  switch (mode) {
    case 'echo': Host.outputString(Host.inputString()); return 0;
    case 'bytes': Host.outputBytes(Host.inputBytes()); return 0;
    case 'length': Host.outputString(String(Host.inputString().length)); return 0;
    case 'json': {
      const msg = JSON.parse(Host.inputString());
      Host.outputString(JSON.stringify({ manifests: msg.manifests, args: msg.extraArgs.length }));
      return 0;
    }
    case 'throw-error': throw new Error(Host.inputString());
    case 'throw-type': { const o: any = null; return o.x; }
    case 'throw-string': throw Host.inputString();
    case 'throw-object': throw { toString() { return 'custom ' + Host.inputString(); } };
    case 'throw-empty': throw new Error('');
    case 'throw-undefined': throw undefined;
    case 'reject': return Promise.reject(new Error('async ' + Host.inputString()));
    case 'async': return Promise.resolve().then(() => { Host.outputString('async ok'); return 0; });
    case 'config': {
      Host.outputString(JSON.stringify([Config.get('greeting'), Config.get('missing')]));
      return 0;
    }
    case 'var': {
      const n = Number(Var.getString('count') ?? '0') + 1;
      Var.set('count', String(n));
      Var.set('bin', new Uint8Array([0, 255, 1, 128]));
      const b = new Uint8Array(Var.getBytes('bin'));
      Var.set('gone', 'x');
      Var.set('gone', null);
      Host.outputString(JSON.stringify({ n, bin: Array.from(b), gone: Var.getString('gone'), missing: Var.getBytes('nope') }));
      return 0;
    }
    case 'console': {
      console.log('log', 1, { a: [1, 'two'] }, null, undefined);
      console.info('info ✓');
      console.warn('warn');
      console.error(new Error('err'));
      console.debug('debug');
      Host.outputString('logged');
      return 0;
    }
    case 'text': {
      const enc = new TextEncoder();
      const dec = new TextDecoder();
      const u = enc.encode('héllo 😀 \\u0000 ✓');
      const lone = Array.from(enc.encode('a\\ud800b'));
      const bom = dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
      const keepBom = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
      let fatal = 'no';
      try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3, 0x28])); } catch (e: any) { fatal = e.name; }
      const lossy = dec.decode(new Uint8Array([0x61, 0xff, 0x62]));
      const s = new TextDecoder();
      const bytes = enc.encode('😀é');
      const streamed = s.decode(bytes.subarray(0, 2), { stream: true }) + s.decode(bytes.subarray(2, 5), { stream: true }) + s.decode(bytes.subarray(5));
      const into = new Uint8Array(5);
      const r = enc.encodeInto('aé😀', into);
      let badLabel = 'no';
      try { new TextDecoder('latin1'); } catch (e: any) { badLabel = e.name; }
      Host.outputString(JSON.stringify({
        u: Array.from(u), roundtrip: dec.decode(u), view: dec.decode(new DataView(u.buffer, 1, 2)),
        lone, bom: bom.length, keepBom: keepBom.length, fatal, lossy, streamed, into: [r.read, r.written, Array.from(into)],
        encoding: enc.encoding + '/' + dec.encoding, badLabel,
      }));
      return 0;
    }
    case 'deep-json': {
      const depth = Number(Host.inputString());
      const text = '['.repeat(depth) + ']'.repeat(depth);
      let result: string;
      try { JSON.parse(text); result = 'parsed'; } catch (e: any) { result = e.name + ': ' + e.message; }
      Host.outputString(result);
      return 0;
    }
    case 'recurse': {
      const f = (n: number): number => f(n + 1) + 1;
      let caught = '';
      try { f(0); } catch (e: any) { caught = e.name + ': ' + e.message; }
      Host.outputString(caught);
      return 0;
    }
    case 'recurse-uncaught': { const f = (n: number): number => f(n + 1) + 1; return f(0); }
    case 'time': {
      Host.outputString(JSON.stringify({ loadedAt, randomAtLoad, now: Date.now(), perf: typeof performance }));
      return 0;
    }
    case 'indexof': {
      // String.prototype.indexOf is patched in quickjs.c (build/engine/build.mjs): compare it
      // with a plain search over random wide (UTF-16) and narrow (Latin-1) strings.
      const plain = (str: string, needle: string, from?: number): number => {
        const start = from === undefined ? 0 : Math.min(Math.max(Math.trunc(from) || 0, 0), str.length);
        for (let i = start; i + needle.length <= str.length; i++) {
          let ok = true;
          for (let j = 0; j < needle.length; j++) if (str.charCodeAt(i + j) !== needle.charCodeAt(j)) { ok = false; break; }
          if (ok) return i;
        }
        return -1;
      };
      let seed = 3;
      const pick = (k: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
      const alphabets = ['ab\\n', 'ab\\n\\u2713', '\\u2713\\u2013a', 'a\\u00ff\\u0100', '\\uffff\\u0001a', 'a\\ud800\\udc00b'];
      let checked = 0;
      let wide = 0;
      const diffs: unknown[] = [];
      for (let k = 0; k < 30000; k++) {
        const al = alphabets[k % alphabets.length];
        let str = k % 3 === 0 ? '\\u2713' : '';
        for (let i = pick(40); i > 0; i--) str += al[pick(al.length)];
        let needle = '';
        for (let i = pick(4); i > 0; i--) needle += al[pick(al.length)];
        const from = k % 4 === 0 ? undefined : pick(str.length + 3) - 1;
        const got = from === undefined ? str.indexOf(needle) : str.indexOf(needle, from);
        checked++;
        if (/[^\\u0000-\\u00ff]/.test(str)) wide++;
        if (got !== plain(str, needle, from) && diffs.length < 5) diffs.push([str, needle, from, got]);
      }
      const big = 'x'.repeat(100000) + '\\u2713' + 'y'.repeat(100000) + 'kind:';
      Host.outputString(JSON.stringify({ checked, wide, diffs, big: [big.indexOf('kind:'), big.indexOf('\\u2713', 5), big.indexOf('z')] }));
      return 0;
    }
    case 'es2023': {
      const a = [3, 1, 2];
      Host.outputString(JSON.stringify([a.at(-1), a.toSorted(), Object.hasOwn({ x: 1 }, 'x'), a.findLast((x) => x > 1), [1, [2, [3]]].flat(Infinity).length]));
      return 0;
    }
    case 'http': {
      const req = JSON.parse(Host.inputString());
      const res = Http.request(req.request, req.body);
      Host.outputString(JSON.stringify(res));
      return 0;
    }
    case 'base64': {
      const b = new Uint8Array([0, 1, 2, 250, 251, 252, 65]);
      const s = Host.arrayBufferToBase64(b.buffer);
      Host.outputString(s + ' ' + Array.from(new Uint8Array(Host.base64ToArrayBuffer(s))).join(','));
      return 0;
    }
    default: throw new Error('unknown mode ' + mode);
  }
}
module.exports.helm_plugin_main = run;
`;

let mainWasm: string;
const plugins: Plugin[] = [];
async function main(mode: string, opts: Record<string, unknown> = {}): Promise<Plugin> {
  const { config = {}, ...rest } = opts as { config?: Record<string, string> };
  const p = await load(mainWasm, { config: { mode, ...config }, ...rest });
  plugins.push(p);
  return p;
}
async function callText(p: Plugin, input: string | Uint8Array = ''): Promise<string> {
  const out = await p.call('helm_plugin_main', input);
  return out ? out.text() : '';
}


// Runs calls on a fresh plugin instance inside a worker thread with a 64 MiB stack.
const extismCjs = createRequire(import.meta.url).resolve('@extism/extism');
function callInBigStack(mode: string, inputs: string[]): Promise<{ ok: boolean; text: string }[]> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { createPlugin } = require(workerData.extism);
    const quiet = { info() {}, debug() {}, warn() {}, error() {} };
    (async () => {
      const data = require('node:fs').readFileSync(workerData.wasm);
      const p = await createPlugin({ wasm: [{ data }] }, { useWasi: true, logger: quiet, config: { mode: workerData.mode } });
      const results = [];
      for (const input of workerData.inputs) {
        try {
          const out = await p.call('helm_plugin_main', input);
          results.push({ ok: true, text: out ? out.text() : '' });
        } catch (e) {
          results.push({ ok: false, text: String(e && e.message) });
        }
      }
      await p.close();
      parentPort.postMessage(results);
    })().catch((e) => parentPort.postMessage([{ ok: false, text: 'worker: ' + e.message }]));
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, {
      eval: true,
      workerData: { extism: extismCjs, wasm: mainWasm, mode, inputs },
      resourceLimits: { stackSizeMb: 64 },
    });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-engine-test-'));
  engineWasm = await buildEngine({});
  mainWasm = await wasmFor('main', MAIN);
}, 900_000);

afterAll(async () => {
  for (const p of plugins) await p.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine module', () => {
  it('exports only memory, helm_plugin_main and the conformance entry; imports only Extism and WASI', () => {
    const mod = new WebAssembly.Module(readFileSync(mainWasm));
    expect(WebAssembly.Module.exports(mod).map((e) => `${e.kind}:${e.name}`).sort()).toEqual([
      'function:helm_plugin_main',
      'function:warden_kyverno_test',
      'memory:memory',
    ]);
    const importModules = new Set(WebAssembly.Module.imports(mod).map((i) => i.module));
    expect([...importModules].sort()).toEqual(['extism:host/env', 'wasi_snapshot_preview1']);
  });

  it('gives identical bytes for the same sources (engine cache + snapshot)', async () => {
    const again = await buildEngine({});
    expect(again).toBe(engineWasm);
    const js1 = readFileSync(join(dir, 'main.js'));
    const js2 = readFileSync(await bundle('main', MAIN)); // same entry again
    expect(js2.equals(js1)).toBe(true);
    const out = join(dir, 'main-again.wasm');
    await snapshot({ engineWasm, bundlePath: join(dir, 'main.js'), outPath: out });
    expect(sha256(out)).toBe(sha256(mainWasm));
  });

  it('pins time during pre-initialisation but not at call time', async () => {
    const r = JSON.parse(await callText(await main('time')));
    expect(r.loadedAt).toBe(0);
    expect(r.now).toBeGreaterThan(Date.UTC(2024, 0, 1));
    expect(r.perf).toBe('object');
  });

  it('String.prototype.indexOf (patched for speed) finds what a plain search finds', async () => {
    const r = JSON.parse(await callText(await main('indexof')));
    expect(r.checked).toBe(30000);
    expect(r.wide).toBeGreaterThan(10000);
    expect(r.diffs).toEqual([]);
    expect(r.big).toEqual([200001, 100000, -1]);
  });

  it('runs modern JS (quickjs-ng)', async () => {
    expect(JSON.parse(await callText(await main('es2023')))).toEqual([2, [1, 2, 3], true, 2, 3]);
  });
});

describe('input and output', () => {
  it('round-trips strings byte-exactly, multi-byte UTF-8 included', async () => {
    const p = await main('echo');
    for (const s of ['', 'a', 'héllo ✓ 😀 日本語 \u0000 end', '\u{10FFFF}\u00e9\u20ac', 'x'.repeat(7), 'ü'.repeat(9)]) {
      const out = await p.call('helm_plugin_main', s);
      expect(Buffer.from(out ? out.bytes() : new Uint8Array()).equals(Buffer.from(s, 'utf8'))).toBe(true);
    }
  });

  it('round-trips a 10 MB input', async () => {
    const p = await main('echo');
    const unit = 'apiVersion: v1\nkind: ConfigMap # ✓ é 😀\n';
    const big = unit.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(unit)));
    const out = await p.call('helm_plugin_main', big);
    expect(out).not.toBeNull();
    const bytes = Buffer.from(out!.bytes());
    expect(bytes.length).toBe(Buffer.byteLength(big));
    expect(bytes.equals(Buffer.from(big, 'utf8'))).toBe(true);
    const len = await main('length');
    expect(await callText(len, big)).toBe(String(big.length));
  }, 120_000);

  it('round-trips arbitrary bytes with inputBytes/outputBytes', async () => {
    const p = await main('bytes');
    const data = new Uint8Array(1027).map((_, i) => (i * 37 + 11) & 255);
    const out = await p.call('helm_plugin_main', data);
    expect(Buffer.from(out!.bytes()).equals(Buffer.from(data))).toBe(true);
  });

  it('handles the Helm JSON message', async () => {
    const p = await main('json');
    const input = JSON.stringify({ manifests: 'a: 1\n---\nb: "ü"\n', extraArgs: ['--mode=enforce'] });
    expect(JSON.parse(await callText(p, input))).toEqual({ manifests: 'a: 1\n---\nb: "ü"\n', args: 1 });
  });
});

describe('errors', () => {
  const failure = async (mode: string, input = '') => {
    const p = await main(mode);
    try {
      await p.call('helm_plugin_main', input);
    } catch (e) {
      return (e as Error).message;
    }
    return 'did not fail';
  };

  it('turns a thrown Error into the call error, message only', async () => {
    expect(await failure('throw-error', 'boom: ünïcödé ✓')).toBe('Plugin-originated error: boom: ünïcödé ✓');
    expect(await failure('throw-type')).toMatch(/^Plugin-originated error: cannot read property 'x' of null$/);
  });

  it('uses String(value) for non-Error throws and never sends an empty message', async () => {
    expect(await failure('throw-string', 'plain')).toBe('Plugin-originated error: plain');
    expect(await failure('throw-object', 'thing')).toBe('Plugin-originated error: custom thing');
    expect(await failure('throw-empty')).toBe('Plugin-originated error: Error');
    expect(await failure('throw-undefined')).toBe('Plugin-originated error: undefined');
  });

  it('supports async entry functions', async () => {
    expect(await failure('reject', 'no')).toBe('Plugin-originated error: async no');
    expect(await callText(await main('async'))).toBe('async ok');
  });

  // The engine's JS stack limit (1 MiB of C stack) is sized for wazero, whose
  // native stack runs out only much later. V8 needs more native stack per
  // frame than a default Node thread has, so these run in a worker thread
  // with a big stack; there a too-deep recursion must be a JS error too.
  it('survives deep recursion with a JS error, not a trap', async () => {
    const r = await callInBigStack('recurse', ['', '']);
    expect(r[0]).toEqual({ ok: true, text: expect.stringMatching(/^RangeError: Maximum call stack size exceeded$/) });
    expect(r[1]).toEqual(r[0]); // the instance is still healthy afterwards
    const u = await callInBigStack('recurse-uncaught', ['']);
    expect(u[0]).toEqual({ ok: false, text: 'Plugin-originated error: Maximum call stack size exceeded' });
  });

  it('parses 10,000-deep JSON and reports 1,000,000-deep as a JS error', async () => {
    // (JSON.stringify of >66k-deep data also fails cleanly, but QuickJS's cycle check
    // makes that quadratic: ~16 s under V8, ~80 s under wazero; not tested here.)
    const r = await callInBigStack('deep-json', ['10000', '1000000', '10000']);
    expect(r).toEqual([
      { ok: true, text: 'parsed' },
      { ok: true, text: 'RangeError: Maximum call stack size exceeded' },
      { ok: true, text: 'parsed' },
    ]);
  }, 60_000);

  it('fails the build when top-level code calls the host', async () => {
    const js = await bundle('toplevel-host', 'declare const Host: any; const x = Host.inputString(); module.exports.helm_plugin_main = () => x;');
    await expect(snapshot({ engineWasm, bundlePath: js, outPath: join(dir, 'toplevel.wasm') })).rejects.toThrow(
      /not available while the bundle is pre-initialised/,
    );
  });

  it('fails the build when the bundle throws', async () => {
    const js = await bundle('toplevel-throw', 'throw new Error("bad bundle"); export {};');
    await expect(snapshot({ engineWasm, bundlePath: js, outPath: join(dir, 'bad.wasm') })).rejects.toThrow(/bad bundle/);
  });

  it('reports a missing entry function as an error', async () => {
    const wasm = await wasmFor('noentry', 'module.exports.other = () => 0;');
    const p = await load(wasm);
    plugins.push(p);
    await expect(p.call('helm_plugin_main', '')).rejects.toThrow(/module\.exports\.helm_plugin_main is not a function/);
  });
});

describe('js-pdk globals', () => {
  it('Config.get returns values and null', async () => {
    const p = await main('config', { config: { greeting: 'grüß dich' } });
    expect(JSON.parse(await callText(p))).toEqual(['grüß dich', null]);
  });

  it('Var.set / getString / getBytes persist across calls', async () => {
    const p = await main('var');
    expect(JSON.parse(await callText(p))).toEqual({ n: 1, bin: [0, 255, 1, 128], gone: null, missing: null });
    expect(JSON.parse(await callText(p)).n).toBe(2);
  });

  it('console goes to the host log functions', async () => {
    logs.length = 0;
    expect(await callText(await main('console'))).toBe('logged');
    expect(logs).toContainEqual({ level: 'info', msg: 'log 1 {"a":[1,"two"]} null undefined' });
    expect(logs).toContainEqual({ level: 'info', msg: 'info ✓' });
    expect(logs).toContainEqual({ level: 'warn', msg: 'warn' });
    expect(logs).toContainEqual({ level: 'debug', msg: 'debug' });
    expect(logs.find((l) => l.level === 'error')?.msg).toMatch(/^Error: err/);
  });

  it('TextEncoder / TextDecoder (utf-8)', async () => {
    const r = JSON.parse(await callText(await main('text')));
    expect(r.u).toEqual(Array.from(Buffer.from('héllo 😀 \u0000 ✓', 'utf8')));
    expect(r.roundtrip).toBe('héllo 😀 \u0000 ✓');
    expect(r.view).toBe(new TextDecoder().decode(Buffer.from('héllo', 'utf8').subarray(1, 3)));
    expect(r.lone).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
    expect(r.bom).toBe(1);
    expect(r.keepBom).toBe(2);
    expect(r.fatal).toBe('TypeError');
    expect(r.lossy).toBe('a\ufffdb');
    expect(r.streamed).toBe('😀é');
    expect(r.into).toEqual([2, 3, [0x61, 0xc3, 0xa9, 0, 0]]);
    expect(r.encoding).toBe('utf-8/utf-8');
    expect(r.badLabel).toBe('RangeError');
  });

  it('Host base64 helpers', async () => {
    expect(await callText(await main('base64'))).toBe(`${Buffer.from([0, 1, 2, 250, 251, 252, 65]).toString('base64')} 0,1,2,250,251,252,65`);
  });

  describe('Http.request', () => {
    let server: http.Server;
    let base: string;
    const seen: { method?: string; url?: string; header?: string; body: string }[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, header: req.headers['x-warden'] as string, body });
          res.statusCode = req.url === '/missing' ? 404 : 200;
          res.end(req.url === '/missing' ? 'nope' : `hello ✓ ${req.method} ${body}`);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('GET and POST against an allowed host', async () => {
      // The Node host implements http_request asynchronously: it needs runInWorker.
      const p = await main('http', { allowedHosts: ['127.0.0.1'], runInWorker: true });
      const get = JSON.parse(await callText(p, JSON.stringify({ request: { url: `${base}/a`, headers: { 'X-Warden': 1 } } })));
      expect(get).toEqual({ status: 200, body: 'hello ✓ GET ' });
      const post = JSON.parse(
        await callText(p, JSON.stringify({ request: { url: `${base}/b`, method: 'post' }, body: 'payload ü' })),
      );
      expect(post).toEqual({ status: 200, body: 'hello ✓ POST payload ü' });
      const missing = JSON.parse(await callText(p, JSON.stringify({ request: { url: `${base}/missing` } })));
      expect(missing).toEqual({ status: 404, body: 'nope' });
      expect(seen.slice(0, 2)).toEqual([
        { method: 'GET', url: '/a', header: '1', body: '' },
        { method: 'POST', url: '/b', header: undefined, body: 'payload ü' },
      ]);
    });

    it('rejects a host that is not allowed', async () => {
      const p = await main('http', { allowedHosts: ['example.invalid'], runInWorker: true });
      await expect(p.call('helm_plugin_main', JSON.stringify({ request: { url: `${base}/x` } }))).rejects.toThrow(/not allowed/);
    });
  });
});
