// The progress line of `warden check` and `warden ingress` as installed (bin/warden.mjs →
// dist/cli/warden.mjs): on stderr only when stderr is a terminal. The terminal is a real
// pseudo-terminal: util-linux `script` runs the command with stdout redirected to a file, so what
// reaches the terminal (script's own stdout) is exactly warden's stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const BIN = join(root, 'bin', 'warden.mjs');
const CLEAR = '\r\u001b[K';
let helm = '';
let dir = '';

const STREAM = '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n';

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: Record<string, string | undefined> = { ...process.env, HELM: helm, TERM: 'xterm', NO_COLOR: '1', SHELL: '/bin/sh', ...extra };
  if (!('CI' in extra)) delete e.CI;
  return e as NodeJS.ProcessEnv;
}

/** Runs warden with stderr on a pseudo-terminal; returns what the terminal got and stdout's file. */
function onTerminal(args: string[], extra: Record<string, string> = {}) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const command = `${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')} > ${sh(out)}`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', cwd: dir, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, terminal: r.stdout, stdout: readFileSync(out, 'utf8') };
}

/** Runs warden with pipes (no terminal anywhere). */
function piped(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, env: env() });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(() => {
  helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  dir = mkdtempSync(join(tmpdir(), 'warden-progress-'));
  writeFileSync(join(dir, 'in.yaml'), STREAM);
});

describe('the progress line', () => {
  it('warden check: on a terminal, stderr shows each step and clears the line before the report', () => {
    const r = onTerminal(['check', 'in.yaml', '--no-config']);
    expect(r.status).toBe(0);
    expect(r.terminal).toMatch(/^\r\u001b\[Kchecking 0 KiB of manifests…\r\u001b\[K$/);
    expect(r.stdout).toContain('warden 0.1.0: in.yaml (mode audit)');
    expect(r.stdout).not.toContain('\u001b[');

    const chart = onTerminal(['check', join(root, 'charts-fixtures', 'webapp'), '--no-config']);
    expect(chart.status).toBe(0);
    const steps = chart.terminal.split(CLEAR).filter((s) => s !== '');
    expect(steps).toEqual([`rendering ${join(root, 'charts-fixtures', 'webapp')} with helm template…`, expect.stringMatching(/^checking \d+ KiB of manifests…$/)]);
    expect(chart.terminal.endsWith(CLEAR)).toBe(true);
  });

  it('warden check: nothing on stderr without a terminal, in CI, or with TERM=dumb', () => {
    const r = piped(['check', 'in.yaml', '--no-config']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('warden 0.1.0: in.yaml (mode audit)');
    expect(onTerminal(['check', 'in.yaml', '--no-config'], { CI: 'true' }).terminal).toBe('');
    expect(onTerminal(['check', 'in.yaml', '--no-config'], { TERM: 'dumb' }).terminal).toBe('');
  });

  it('warden check: the line is cleared before an error is printed', () => {
    const r = onTerminal(['check', join(root, 'charts-fixtures', 'webapp'), '--no-config', '-f', 'no-such-values.yaml']);
    expect(r.status).toBe(2);
    expect(r.terminal).toMatch(/^\r\u001b\[Krendering .* with helm template…\r\u001b\[Kwarden check: helm template failed/);
  });

  it('warden ingress: shows the render of a chart on a terminal only', () => {
    const chart = join(root, 'charts-fixtures', 'ingress-nginx-app');
    const r = onTerminal(['ingress', chart, '--target', 'traefik', '--no-config']);
    expect(r.terminal).toBe(`${CLEAR}rendering ${chart} with helm template…${CLEAR}`);
    expect(r.stdout).toContain('ingress-nginx → traefik (report)');
    const p = piped(['ingress', chart, '--target', 'traefik', '--no-config']);
    expect(p.stderr).toBe('');
    expect(p.stdout).toBe(r.stdout);
  });
});
