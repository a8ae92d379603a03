// warden-exec (build/exec): the Go subprocess host that runs plugin.wasm with
// the Extism Go SDK, as Helm 4 runs the subprocess flavour.
//
// Most tests use a small Go/wasip1 echo module (build/exec/testdata/echo-plugin)
// whose behaviour is driven by markers in the manifests (FAIL, NORET, PANIC,
// REPORT, PROBE). When the real plugin (dist/warden-exec/plugin.wasm) has been
// built, the host-level tests (cache, report file, locating the wasm) run
// against it as well.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
  renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TARGETS, buildExec, hostTarget, pluginYaml } from '../../build/exec/build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const echoSrc = join(root, 'build', 'exec', 'testdata', 'echo-plugin');
const realWasm = join(root, 'dist', 'warden-exec', 'plugin.wasm');
const supported = ALL_TARGETS.includes(hostTarget());

let dir: string; // scratch dir for this file
let pluginDir: string; // <plugin dir>/bin/warden-exec-<os>-<arch> + <plugin dir>/plugin.wasm
let exe: string;
let echoWasm: string;

/** Builds the echo test module once per source content, cached like the other build outputs. */
function buildEchoWasm(): string {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'main.go']) h.update(readFileSync(join(echoSrc, f)));
  const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  h.update(goVersion);
  const cacheRoot = process.env.WARDEN_CACHE || join(homedir(), '.cache', 'warden');
  const out = join(cacheRoot, 'exec', `echo-test-${h.digest('hex').slice(0, 16)}.wasm`);
  if (!existsSync(out)) {
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    const r = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-buildmode=c-shared', '-o', tmp, '.'], {
      cwd: echoSrc,
      env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`building the echo test module failed:\n${r.stderr}`);
    renameSync(tmp, out);
  }
  return out;
}

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A clean environment: no HELM_*, XDG_*, WARDEN_* from the caller; no terminal output. */
function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(HELM_|XDG_|WARDEN_|EXTISM_)/.test(k)) base[k] = v;
  }
  const out: NodeJS.ProcessEnv = { ...base, WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(dir, 'helm-cache') };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function run(input: string | Buffer, args: string[] = [], extra: Record<string, string | undefined> = {}, bin = exe): Run {
  const r = spawnSync(bin, args, { input, env: env(extra), maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Runs with the echo module. */
const echo = (input: string | Buffer, args: string[] = [], extra: Record<string, string | undefined> = {}) =>
  run(input, args, { WARDEN_WASM: echoWasm, ...extra });

function timingOf(r: Run): { compileMs: number; instantiateMs: number; callMs: number; totalMs: number; cacheHit: boolean } {
  const line = r.stderr.split('\n').find((l) => l.startsWith('{"compileMs"'));
  if (!line) throw new Error(`no timing line in stderr: ${r.stderr}`);
  return JSON.parse(line);
}

const SIMPLE = [
  '---',
  '# Source: web/templates/cm.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: web',
  '  annotations:',
  '    postrenderer.helm.sh/postrender-filename: web/templates/cm.yaml',
  'data:',
  '  a: "1"',
  '',
].join('\n');

describe.skipIf(!supported)('warden-exec', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-exec-test-'));
    pluginDir = join(dir, 'plugin');
    const res = await buildExec({ outDir: pluginDir, targets: [hostTarget()] });
    exe = res.binaries[0].path;
    echoWasm = buildEchoWasm();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('byte-exact manifests (echo module)', () => {
    const cases: [string, Buffer][] = [
      ['plain YAML', Buffer.from(SIMPLE)],
      ['CRLF line ends', Buffer.from('a: 1\r\nb: 2\r\n---\r\nc: 3\r\n')],
      ['a UTF-8 BOM', Buffer.from('\ufeffkind: ConfigMap\n')],
      ['no trailing newline', Buffer.from('kind: ConfigMap\nmetadata: {name: x}')],
      ['HTML-ish and escaped characters', Buffer.from('a: "<&>"\nb: \'\\u0000 \\t\'\nc: "\u00e9\u4e2d\ud83d\ude00"\n')],
      ['empty input', Buffer.alloc(0)],
    ];
    it.each(cases)('%s', (_name, input) => {
      const r = echo(input);
      expect(r.status).toBe(0);
      expect(r.stdout.equals(input)).toBe(true);
      expect(r.stderr).toBe('');
    });

    it('5 MB of manifests', () => {
      const doc = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  v: "${'x'.repeat(200)}"\n`;
      const parts: string[] = [];
      let size = 0;
      for (let i = 0; size < 5 * 1024 * 1024; i++) {
        parts.push(doc(i));
        size += parts[parts.length - 1].length;
      }
      const input = Buffer.from(parts.join(''));
      const r = echo(input);
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBe(input.length);
      expect(r.stdout.equals(input)).toBe(true);
    });
  });

  describe('what the plugin sees', () => {
    it('passes argv unchanged as extraArgs, [] without args', () => {
      const reportFile = join(dir, 'args-report.txt');
      const args = ['--mode=enforce', '--report-file', reportFile, 'with space', '--version'];
      const r = echo('REPORT\n', args);
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toBe('REPORT\n');
      expect(r.stderr).toBe(`echo report: extraArgs=${JSON.stringify(args)}\n`);
      expect(echo('REPORT').stderr).toBe('echo report: extraArgs=[]\n');
    });

    it('WASI like Helm: no env, no args, no filesystem, real wall clock', () => {
      const r = echo('PROBE', [], { SOME_VAR: 'x' });
      expect(r.status).toBe(0);
      const probe = JSON.parse(r.stderr);
      expect(probe.env).toEqual([]);
      expect(probe.args).toEqual([]);
      expect(probe.rootFsOpen).toBe(false);
      expect(probe.year).toBe(new Date().getFullYear());
    });
  });

  describe('failures', () => {
    it('plugin error: exit 1, nothing on stdout, error on stderr and in the report file', () => {
      const r = echo('kind: FAIL\n');
      expect(r.status).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toBe('warden: echo plugin: manifests contain FAIL\n');
      const file = join(dir, 'helm-cache', 'warden', 'last-report.txt');
      expect(readFileSync(file, 'utf8')).toBe('warden: echo plugin: manifests contain FAIL\n');
    });

    it('non-zero return without an error is a failure (as in Helm)', () => {
      const r = echo('NORET');
      expect(r.status).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toMatch(/^warden: helm_plugin_main returned 1 without an error message/);
    });

    it('a trap is a failure', () => {
      const r = echo('PANIC');
      expect(r.status).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toMatch(/^warden: wasm error: unreachable/);
    });

    it('WARDEN_WASM pointing nowhere: exit 2 with a clear message', () => {
      const r = run(SIMPLE, [], { WARDEN_WASM: join(dir, 'nope.wasm') });
      expect(r.status).toBe(2);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toContain('nope.wasm: no such file');
    });

    it('no plugin.wasm anywhere: exit 2, lists the places it looked', () => {
      const lonely = join(dir, 'lonely', 'bin');
      mkdirSync(lonely, { recursive: true });
      const bin = join(lonely, 'warden-exec');
      copyFileSync(exe, bin);
      const r = run(SIMPLE, [], { HELM_PLUGIN_DIR: join(dir, 'lonely-plugin') }, bin);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^warden: plugin\.wasm not found \(looked at .*lonely.bin.plugin\.wasm, .*lonely.plugin\.wasm, .*lonely-plugin.plugin\.wasm\)/);
      expect(readFileSync(join(dir, 'helm-cache', 'warden', 'last-report.txt'), 'utf8')).toContain('plugin.wasm not found');
    });
  });

  describe('locating plugin.wasm', () => {
    it('in the parent of the executable (package layout) and via HELM_PLUGIN_DIR', () => {
      // <plugin dir>/bin/warden-exec-* with <plugin dir>/plugin.wasm
      copyFileSync(echoWasm, join(pluginDir, 'plugin.wasm'));
      expect(run('a: 1\n').stdout.toString()).toBe('a: 1\n');
      rmSync(join(pluginDir, 'plugin.wasm'));

      const elsewhere = join(dir, 'helm-plugin-dir');
      mkdirSync(elsewhere, { recursive: true });
      copyFileSync(echoWasm, join(elsewhere, 'plugin.wasm'));
      const r = run('b: 2\n', [], { HELM_PLUGIN_DIR: elsewhere });
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toBe('b: 2\n');
    });
  });

  describe('report file', () => {
    const defaultFile = () => join(dir, 'helm-cache', 'warden', 'last-report.txt');

    it('default path under HELM_CACHE_HOME, rewritten on every run', () => {
      expect(echo('REPORT').status).toBe(0);
      expect(readFileSync(defaultFile(), 'utf8')).toBe('echo report: extraArgs=[]\n');
      expect(echo('FAIL').status).toBe(1);
      expect(readFileSync(defaultFile(), 'utf8')).toBe('warden: echo plugin: manifests contain FAIL\n');
      const ok = echo('quiet: true\n');
      expect(ok.status).toBe(0);
      expect(ok.stderr).toBe('');
      expect(readFileSync(defaultFile(), 'utf8')).toBe(''); // no stale report from the previous run
    });

    it('--report-file=PATH and --report-file PATH (still passed to the plugin)', () => {
      const a = join(dir, 'reports', 'a.txt');
      const b = join(dir, 'reports', 'deeper', 'b.txt');
      let r = echo('REPORT', [`--report-file=${a}`]);
      expect(r.status).toBe(0);
      expect(readFileSync(a, 'utf8')).toBe(`echo report: extraArgs=${JSON.stringify([`--report-file=${a}`])}\n`);
      r = echo('FAIL', ['--report-file', b]);
      expect(r.status).toBe(1);
      expect(readFileSync(b, 'utf8')).toBe('warden: echo plugin: manifests contain FAIL\n');
    });

    it('XDG_CACHE_HOME and HOME fallbacks, as Helm resolves its cache home', () => {
      const xdg = join(dir, 'xdg');
      expect(echo('REPORT', [], { HELM_CACHE_HOME: undefined, XDG_CACHE_HOME: xdg }).status).toBe(0);
      expect(existsSync(join(xdg, 'helm', 'warden', 'last-report.txt'))).toBe(true);
      expect(existsSync(join(xdg, 'helm', 'wazero-build'))).toBe(true);
      if (process.platform === 'linux') {
        const home = join(dir, 'home');
        mkdirSync(home);
        expect(echo('REPORT', [], { HELM_CACHE_HOME: undefined, HOME: home }).status).toBe(0);
        expect(existsSync(join(home, '.cache', 'helm', 'warden', 'last-report.txt'))).toBe(true);
      }
    });
  });

  describe('compilation cache', () => {
    it('is created in <HELM_CACHE_HOME>/wazero-build and reused', () => {
      const cacheHome = join(dir, 'cache-home');
      const first = echo(SIMPLE, [], { HELM_CACHE_HOME: cacheHome, WARDEN_EXEC_TIMING: '1' });
      expect(first.status).toBe(0);
      expect(timingOf(first).cacheHit).toBe(false);
      const versioned = readdirSync(join(cacheHome, 'wazero-build'));
      expect(versioned).toEqual([expect.stringMatching(/^wazero-v1\.12\.0-/)]);
      expect(readdirSync(join(cacheHome, 'wazero-build', versioned[0])).length).toBeGreaterThan(0);

      const second = echo(SIMPLE, [], { HELM_CACHE_HOME: cacheHome, WARDEN_EXEC_TIMING: '1' });
      expect(second.status).toBe(0);
      expect(second.stdout.toString()).toBe(SIMPLE);
      const t = timingOf(second);
      expect(t.cacheHit).toBe(true);
      expect(t.compileMs).toBeLessThan(timingOf(first).compileMs);
      for (const k of ['compileMs', 'instantiateMs', 'callMs', 'totalMs'] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
    });

    it('WARDEN_CACHE_DIR overrides; an unusable cache dir is not fatal', () => {
      const custom = join(dir, 'custom-cache');
      expect(echo('x: 1\n', [], { WARDEN_CACHE_DIR: custom }).status).toBe(0);
      expect(readdirSync(custom).length).toBe(1);

      const blocker = join(dir, 'not-a-dir');
      writeFileSync(blocker, '');
      const r = echo('x: 1\n', [], { WARDEN_CACHE_DIR: join(blocker, 'cache') });
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toBe('x: 1\n');
    });
  });

  describe('plugin.yaml of the subprocess flavour', () => {
    it('lists one platformCommand per built target', () => {
      const yaml = readFileSync(join(pluginDir, 'plugin.yaml'), 'utf8');
      const rootYaml = readFileSync(join(root, 'plugin.yaml'), 'utf8');
      const version = /^version:\s*(\S+)/m.exec(rootYaml)![1];
      expect(yaml).toContain(`version: ${version}\n`);
      expect(yaml).toContain('runtime: subprocess\n');
      expect(yaml).toContain('type: postrenderer/v1\n');
      expect(yaml).toContain(`command: \${HELM_PLUGIN_DIR}/bin/warden-exec-${hostTarget().replace('/', '-')}`);
      const all = pluginYaml({ version: '1.2.3' }, ALL_TARGETS);
      expect(all.match(/command: /g)).toHaveLength(5);
      expect(all).toContain('command: ${HELM_PLUGIN_DIR}/bin/warden-exec-windows-amd64.exe\n');
    });
  });

  describe.skipIf(!existsSync(realWasm) && process.env.WARDEN_E2E_REQUIRE_ARTEFACTS !== '1')('with the real plugin.wasm', () => {
    it('post-renders a simple stream, reuses the cache, writes the report file', () => {
      const cacheHome = join(dir, 'real-cache');
      const extra = { WARDEN_WASM: realWasm, HELM_CACHE_HOME: cacheHome, WARDEN_EXEC_TIMING: '1' };
      const first = run(SIMPLE, [], extra);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout.equals(Buffer.from(SIMPLE))).toBe(true);
      expect(existsSync(join(cacheHome, 'warden', 'last-report.txt'))).toBe(true);
      const second = run(SIMPLE, [], extra);
      expect(second.status).toBe(0);
      expect(second.stdout.equals(first.stdout)).toBe(true);
      expect(timingOf(second).cacheHit).toBe(true);
    });

    it('shows the plugin error once, with one "warden:" prefix', () => {
      const r = run(SIMPLE, ['--mode=bogus'], { WARDEN_WASM: realWasm });
      expect(r.status).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toContain('warden: --mode must be audit or enforce (got "bogus")');
      expect(r.stderr.toString()).not.toContain('warden: warden:');
    });

    // Helm discards a subprocess plugin's stderr: the report must reach the user's terminal.
    // `script` gives the process a controlling terminal; stdin, stdout and stderr are files,
    // as under Helm, so only what warden-exec writes to /dev/tty reaches script's output.
    it.skipIf(!existsSync('/usr/bin/script'))('writes the report and errors to the controlling terminal, unless WARDEN_NO_TTY=1', () => {
      const input = join(dir, 'tty-in.yaml');
      writeFileSync(input, SIMPLE);
      const underTty = (args: string, noTty: boolean) => {
        const cmd = `${exe} ${args} < ${input} > ${join(dir, 'tty-out.yaml')} 2> ${join(dir, 'tty-err.txt')}`;
        const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
          env: env({ WARDEN_WASM: realWasm, WARDEN_NO_TTY: noTty ? '1' : undefined }),
          encoding: 'utf8',
        });
        return r.stdout.replace(/\r/g, '');
      };
      const ok = underTty('', false);
      expect(ok).toContain('warden: 1 documents, 1 objects');
      expect(readFileSync(join(dir, 'tty-out.yaml'), 'utf8')).toBe(SIMPLE);
      const failed = underTty('--mode=bogus', false);
      expect(failed).toContain('warden: --mode must be audit or enforce (got "bogus")');
      expect(underTty('', true)).not.toContain('warden:');
    });

    it('--report-file reaches the plugin and the host', () => {
      const file = join(dir, 'real-report.txt');
      const r = run(SIMPLE, [`--report-file=${file}`], { WARDEN_WASM: realWasm });
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(file)).toBe(true);
    });
  });
});
