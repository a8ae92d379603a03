// Builds the warden JS engine (QuickJS-ng + our Extism glue) as a wasm32-wasi
// reactor module, and turns engine + CommonJS bundle into a pre-initialised
// plugin module with Wizer.
//
//   buildEngine({cacheDir}) -> path of engine.wasm (cached by content hash)
//   snapshot({engineWasm, bundlePath, outPath}) -> outPath
//
// CLI: node build/engine/build.mjs <bundle.js> <out.wasm>
//
// Reproducibility: sources are copied into a scratch dir and compiled with
// relative paths (plus -ffile-prefix-map), no debug info, fixed flags; time is
// pinned inside the snapshot (see glue.c). Same inputs => same bytes.

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { CRATE_SHA256, defaultCacheDir, fetchQuickjs } from './fetch-quickjs.mjs';
import { LIBYAML_HEADERS, LIBYAML_SOURCES, SDIST_SHA256 as LIBYAML_SHA256, fetchLibyaml } from './fetch-libyaml.mjs';

const execFileP = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

export const CC = process.env.WARDEN_CC || 'clang-16';
export const C_STACK_SIZE = 8 * 1024 * 1024; // bytes of C (shadow) stack
// QuickJS stack limit, measured against the C (shadow) stack. The host's native stack is
// what really runs out first (wazero: ~8.6k plain JS frames / ~2.8k frames that
// recurse through C, e.g. Array.prototype.map callbacks; V8 much earlier), so
// the limit is set well below that: 1 MiB gives ~3.6k plain JS frames, ~950
// map-style frames, 66k-deep JSON.parse, ~390-deep YAML block nesting with the
// yaml package, and a JS RangeError instead of a trap under wazero.
export const JS_STACK_SIZE = Number(process.env.WARDEN_JS_STACK_SIZE) || 1024 * 1024;
export const OPT_LEVEL = process.env.WARDEN_ENGINE_OPT || '-O2';

const QJS_SOURCES = ['quickjs.c', 'libregexp.c', 'libunicode.c', 'dtoa.c'];
const OUR_SOURCES = ['glue.c', 'native_yaml.c'];
// libyaml's files are compiled under these names (no clash with quickjs-ng's).
const LIBYAML_NAMES = LIBYAML_SOURCES.map((f) => `libyaml-${f}`);

const CFLAGS = [
  '--target=wasm32-wasi',
  '--sysroot=/usr',
  '-isystem',
  '/usr/include/wasm32-wasi',
  OPT_LEVEL,
  '-std=gnu11',
  '-D_WASI_EMULATED_SIGNAL',
  '-D_WASI_EMULATED_PROCESS_CLOCKS',
  `-DWARDEN_JS_STACK_SIZE=${JS_STACK_SIZE}`,
  // Release build: quickjs-ng keeps its internal assert()s and dump hooks (ENABLE_DUMPS) unless
  // NDEBUG is set; they cost ~15 % of a policy run inside wazero (measured, build/engine/README.md).
  '-DNDEBUG',
  '-fno-ident',
  '-DHAVE_CONFIG_H', // libyaml: take the version from its config.h
  '-DYAML_DECLARE_STATIC',
  '-Wno-everything',
];

const LDFLAGS = [
  '--target=wasm32-wasi',
  '--sysroot=/usr',
  '-nostartfiles', // no crt1: no _initialize/_start export; glue calls the ctors in wizer.initialize
  '-Wl,--no-entry',
  `-Wl,-z,stack-size=${C_STACK_SIZE}`,
  '-Wl,--stack-first', // a C stack overflow traps instead of overwriting data
  '-Wl,--wrap=gettimeofday',
  '-Wl,--wrap=clock_gettime',
  '-Wl,--strip-debug',
  '-lwasi-emulated-signal',
  '-lwasi-emulated-process-clocks',
];

// quickjs-ng disables its C stack limit on WASI (update_stack_limit). We
// want deep recursion to raise a JS "stack overflow" error, not trap, so the
// check is re-enabled. The snippet must match exactly once.
const STACK_PATCH_FROM = '#if defined(__wasi__)\n    rt->stack_limit = 0; /* no limit */\n#else';
const STACK_PATCH_TO = '#if 0 /* warden: keep the stack limit on WASI */\n    rt->stack_limit = 0; /* no limit */\n#else';

// String.prototype.indexOf compares the needle at every position of the string (a C call
// per character); the reader's string search over a whole manifest stream spent most of its
// time there. Forward searches go through quickjs-ng's own string_indexof (first-character
// scan, then compare), and that scan uses memchr on 8-bit strings and looks at four 16-bit
// units at a time on wide ones. Same results.
const INDEXOF_PATCH_FROM = `    if (len >= v_len && inc * (stop - start) >= 0) {
        for (i = start;; i += inc) {`;
const INDEXOF_PATCH_TO = `    if (len >= v_len && inc * (stop - start) >= 0 && inc == 1) {
        ret = string_indexof(p, p1, start); /* warden: first-character scan */
    } else if (len >= v_len && inc * (stop - start) >= 0) {
        for (i = start;; i += inc) {`;
const INDEXOF_CHAR_PATCH_FROM = `    if (p->is_wide_char) {
        for (i = from; i < len; i++) {
            if (str16(p)[i] == c)
                return i;
        }
    } else {
        if ((c & ~0xff) == 0) {
            for (i = from; i < len; i++) {
                if (str8(p)[i] == (uint8_t)c)
                    return i;
            }
        }`;
const INDEXOF_CHAR_PATCH_TO = `    if (p->is_wide_char) {
        /* warden: four 16-bit units per step; a lane equal to c makes x's lane zero */
        const uint64_t ones = 0x0001000100010001ULL, highs = 0x8000800080008000ULL;
        const uint64_t pat = ones * (uint16_t)c;
        i = from;
        if ((c & ~0xffff) == 0) {
            for (; i + 4 <= len; i += 4) {
                uint64_t w;
                memcpy(&w, str16(p) + i, 8);
                uint64_t x = w ^ pat;
                if ((x - ones) & ~x & highs)
                    break;
            }
        }
        for (; i < len; i++) {
            if (str16(p)[i] == c)
                return i;
        }
    } else {
        if ((c & ~0xff) == 0 && from < len) { /* warden: memchr */
            const uint8_t *hit = memchr(str8(p) + from, c, len - from);
            return hit ? (int)(hit - str8(p)) : -1;
        }`;

// Every JS function keeps a copy of its own source text for Function.prototype.toString, and
// the copies nest: the bundle's outer function holds all ~1 MB of it, each module function its
// module, each method its body again. That was several MB of the Wizer snapshot, which wazero
// decodes and hashes on every process start. warden never prints a function's source, so none
// is kept (toString answers "function f() { [native code] }" like QuickJS for functions without one).
const SOURCE_PATCHES = [
  [
    `            fd->source_len = s->last_ptr - ptr;
            fd->source = js_strndup(ctx, (const char *)ptr, fd->source_len);
            if (!fd->source)
                goto fail;`,
    `            fd->source_len = 0; /* warden: no function source kept */
            fd->source = NULL;`,
    'arrow function source copy',
  ],
  [
    `        fd->source_len = s->buf_ptr - ptr;
        fd->source = js_strndup(ctx, (const char *)ptr, fd->source_len);
        if (!fd->source)
            goto fail;`,
    `        fd->source_len = 0; /* warden: no function source kept */
        fd->source = NULL;`,
    'function source copy',
  ],
  [
    `    ctor_fd->source_len = s->buf_ptr - class_start_ptr;
    ctor_fd->source = js_strndup(ctx, (const char *)class_start_ptr, ctor_fd->source_len);
    if (!ctor_fd->source)
        goto fail;`,
    `    ctor_fd->source_len = 0; /* warden: no class source kept */
    ctor_fd->source = NULL;`,
    'class source copy',
  ],
];

function replaceOnce(text, from, to, what) {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`quickjs.c: expected exactly one ${what}, found ${parts.length - 1}`);
  return parts.join(to);
}

export function patchQuickjs(text) {
  let out = replaceOnce(text, STACK_PATCH_FROM, STACK_PATCH_TO, 'update_stack_limit WASI block');
  out = replaceOnce(out, INDEXOF_PATCH_FROM, INDEXOF_PATCH_TO, 'js_string_indexOf search loop');
  out = replaceOnce(out, INDEXOF_CHAR_PATCH_FROM, INDEXOF_CHAR_PATCH_TO, 'string_indexof_char 8-bit loop');
  for (const [from, to, what] of SOURCE_PATCHES) out = replaceOnce(out, from, to, what);
  return out;
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

function preludeHeader(js) {
  const bytes = Buffer.from(js, 'utf8');
  const lines = [];
  for (let i = 0; i < bytes.length; i += 24) {
    lines.push('  ' + Array.from(bytes.subarray(i, i + 24), (b) => `0x${b.toString(16).padStart(2, '0')},`).join(''));
  }
  return [
    '/* generated from prelude.js by build/engine/build.mjs; do not edit */',
    'static const unsigned char warden_prelude[] = {',
    ...lines,
    '  0x00};',
    `static const unsigned long warden_prelude_len = ${bytes.length};`,
    '',
  ].join('\n');
}

async function toolVersion(cmd) {
  try {
    const { stdout } = await execFileP(cmd, ['--version']);
    return stdout.split('\n')[0];
  } catch (e) {
    throw new Error(`${cmd} not found: install Debian packages clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 (${e.message})`);
  }
}

async function runPool(tasks, limit) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, limit) }, async () => {
    while (next < tasks.length) {
      const t = tasks[next++];
      await t();
    }
  });
  await Promise.all(workers);
}

/**
 * Build engine.wasm (not yet pre-initialised). Cached under
 * <cacheDir>/engine-<hash>/engine.wasm, keyed by sources, flags and toolchain.
 * @param {{cacheDir?: string, log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>} absolute path of engine.wasm
 */
export async function buildEngine({ cacheDir = defaultCacheDir(), log = () => {} } = {}) {
  const qjsDir = await fetchQuickjs({ cacheDir, log });
  const yamlDir = await fetchLibyaml({ cacheDir, log });
  const ccVersion = await toolVersion(CC);

  const files = new Map(); // name -> content (what gets compiled)
  for (const f of fs.readdirSync(qjsDir).sort()) {
    if (f.endsWith('.h')) files.set(f, fs.readFileSync(path.join(qjsDir, f)));
  }
  for (const f of QJS_SOURCES) {
    let text = fs.readFileSync(path.join(qjsDir, f));
    if (f === 'quickjs.c') text = Buffer.from(patchQuickjs(text.toString('utf8')), 'utf8');
    files.set(f, text);
  }
  for (const f of LIBYAML_HEADERS) files.set(f, fs.readFileSync(path.join(yamlDir, f)));
  for (const f of LIBYAML_SOURCES) files.set(`libyaml-${f}`, fs.readFileSync(path.join(yamlDir, f)));
  for (const f of OUR_SOURCES) files.set(f, fs.readFileSync(path.join(HERE, f)));
  files.set('prelude.gen.h', Buffer.from(preludeHeader(fs.readFileSync(path.join(HERE, 'prelude.js'), 'utf8'))));

  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, crate: CRATE_SHA256, libyaml: LIBYAML_SHA256, cc: ccVersion, CFLAGS, LDFLAGS }));
  for (const libc of ['/usr/lib/wasm32-wasi/libc.a', '/usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a']) {
    if (fs.existsSync(libc)) h.update(sha256(fs.readFileSync(libc)));
  }
  for (const [name, content] of files) h.update(`${name}\0${sha256(content)}\0`);
  const key = h.digest('hex').slice(0, 20);

  const outDir = path.join(cacheDir, `engine-${key}`);
  const out = path.join(outDir, 'engine.wasm');
  if (fs.existsSync(out)) return out;

  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, '.engine-build-'));
  try {
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    for (const [name, content] of files) fs.writeFileSync(path.join(src, name), content);
    const prefixMap = [`-ffile-prefix-map=${work}/=`, `-ffile-prefix-map=${work}=.`];
    const sources = [...QJS_SOURCES, ...LIBYAML_NAMES, ...OUR_SOURCES];
    const t0 = Date.now();
    // Biggest first so the pool finishes early.
    const order = [...sources].sort((a, b) => files.get(b).length - files.get(a).length);
    // Object files are cached too (keyed by flags, toolchain, all headers and
    // the source), so a glue-only change recompiles only glue.c.
    const objCache = path.join(cacheDir, 'engine-objects');
    fs.mkdirSync(objCache, { recursive: true });
    const headerHash = sha256(
      [...files].filter(([n]) => n.endsWith('.h')).map(([n, c]) => `${n}\0${sha256(c)}`).join('\0'),
    );
    await runPool(
      order.map((f) => async () => {
        const obj = `${f.replace(/\.c$/, '')}.o`;
        const objKey = sha256(JSON.stringify({ ccVersion, CFLAGS, headerHash, src: sha256(files.get(f)), f }));
        const cached = path.join(objCache, `${f}-${objKey.slice(0, 20)}.o`);
        if (fs.existsSync(cached)) {
          fs.copyFileSync(cached, path.join(work, obj));
          return;
        }
        try {
          await execFileP(CC, [...CFLAGS, ...prefixMap, '-Isrc', '-c', `src/${f}`, '-o', obj], {
            cwd: work,
            maxBuffer: 64 << 20,
          });
        } catch (e) {
          throw new Error(`compiling ${f} failed:\n${e.stderr || e.message}`);
        }
        fs.copyFileSync(path.join(work, obj), `${cached}.tmp-${process.pid}`);
        fs.renameSync(`${cached}.tmp-${process.pid}`, cached);
      }),
      os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    );
    const objs = sources.map((f) => `${f.replace(/\.c$/, '')}.o`);
    try {
      await execFileP(CC, [...LDFLAGS, ...objs, '-o', 'engine.wasm'], { cwd: work, maxBuffer: 64 << 20 });
    } catch (e) {
      throw new Error(`linking engine.wasm failed:\n${e.stderr || e.message}`);
    }
    log(`engine built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const staged = path.join(work, 'out');
    fs.mkdirSync(staged);
    fs.renameSync(path.join(work, 'engine.wasm'), path.join(staged, 'engine.wasm'));
    fs.writeFileSync(
      path.join(staged, 'build-info.json'),
      JSON.stringify({ key, cc: ccVersion, CFLAGS, LDFLAGS, crateSha256: CRATE_SHA256, libyamlSdistSha256: LIBYAML_SHA256 }, null, 2) + '\n',
    );
    try {
      fs.renameSync(staged, outDir);
    } catch (e) {
      if (!fs.existsSync(out)) throw e; // a concurrent build won the race: fine
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}

async function wizerBinary() {
  try {
    const mod = await import('@bytecodealliance/wizer');
    if (mod.default && fs.existsSync(mod.default)) return mod.default;
  } catch {
    /* fall back to the .bin launcher */
  }
  return path.join(REPO, 'node_modules', '.bin', 'wizer');
}

function run(cmd, args, { stdinFile, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore';
    const child = spawn(cmd, args, { cwd, stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') fs.closeSync(stdin);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
}

/**
 * Pre-initialise engine.wasm with a CommonJS bundle: Wizer runs
 * `wizer.initialize`, which reads the bundle from WASI stdin (the bundle file
 * is connected to Wizer's stdin), evaluates it and snapshots the heap.
 * @param {{engineWasm: string, bundlePath: string, outPath: string,
 *          wasmOpt?: boolean, log?: (msg: string) => void}} opts
 * @returns {Promise<string>} outPath
 */
export async function snapshot({ engineWasm, bundlePath, outPath, wasmOpt = false, log = () => {} }) {
  if (!fs.existsSync(engineWasm)) throw new Error(`engine not found: ${engineWasm}`);
  if (!fs.existsSync(bundlePath)) throw new Error(`bundle not found: ${bundlePath}`);
  const wizer = await wizerBinary();
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  const tmp = `${outPath}.tmp-${process.pid}`;
  const args = [
    '--allow-wasi',
    '--inherit-stdio=true',
    '--inherit-env=false',
    '--init-func',
    'wizer.initialize',
    '--keep-init-func=false',
    '-o',
    tmp,
    engineWasm,
  ];
  const r = await run(wizer, args, { stdinFile: bundlePath });
  if (r.code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`wizer failed (exit ${r.code ?? r.signal}):\n${r.stderr.trim()}`);
  }
  if (r.stderr.trim()) log(r.stderr.trimEnd());
  if (wasmOpt) {
    const wasmOptBin = path.join(REPO, 'node_modules', '.bin', 'wasm-opt');
    const o = await run(wasmOptBin, ['-O2', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', tmp, '-o', `${tmp}.opt`]);
    if (o.code !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`wasm-opt failed:\n${o.stderr}`);
    }
    fs.renameSync(`${tmp}.opt`, tmp);
  }
  fs.renameSync(tmp, outPath);
  return outPath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [bundle, out] = process.argv.slice(2);
  if (!bundle || !out) {
    console.error('usage: node build/engine/build.mjs <bundle.js> <out.wasm>');
    process.exit(2);
  }
  const log = (m) => console.error(m);
  (async () => {
    const t0 = Date.now();
    const engineWasm = await buildEngine({ log });
    const t1 = Date.now();
    await snapshot({ engineWasm, bundlePath: bundle, outPath: out, log });
    const t2 = Date.now();
    console.error(
      `engine ${engineWasm} (${fs.statSync(engineWasm).size} B, ${t1 - t0} ms); ` +
        `${out} (${fs.statSync(out).size} B, wizer ${t2 - t1} ms)`,
    );
  })().catch((e) => {
    console.error(e.message || e);
    process.exit(1);
  });
}
