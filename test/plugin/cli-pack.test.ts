// The npm package `helm-warden` (what `npx helm-warden …` fetches): `npm pack` builds first (the
// prepack script), the tarball carries the built CLI and plugin.wasm, and once installed, without
// the network, `npx --no-install helm-warden` runs the `warden` command from it.
// Uses the already-built dist/ (npm run build); the build itself is not re-run here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
};
let dir = '';

function npm(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } as NodeJS.ProcessEnv, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-pack-'));
});

describe('npm pack', () => {
  it('runs the build first (prepack), without building here: a recording shell stands in for it', () => {
    const log = join(dir, 'scripts.log');
    const shell = join(dir, 'record.sh');
    writeFileSync(shell, `#!/bin/sh\nprintf '%s\\n' "$npm_lifecycle_event: $2" >> '${log}'\n`);
    chmodSync(shell, 0o755);
    const r = npm(['pack', '--dry-run', '--json', `--script-shell=${shell}`], root);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('prepack: node build/build.mjs\n');
  });

  it('the tarball holds the built CLI, both plugin flavours and the bin, and no sources', () => {
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root);
    expect(r.status, r.stderr).toBe(0);
    const [report] = JSON.parse(r.stdout) as { name: string; files: { path: string }[] }[];
    expect(report.name).toBe('helm-warden');
    const files = report.files.map((f) => f.path);
    for (const f of ['bin/warden.mjs', 'dist/cli/warden.mjs', 'dist/cli/wasm-worker.mjs', 'dist/warden/plugin.wasm', 'dist/warden/plugin.yaml', 'dist/warden-exec/plugin.wasm', 'dist/warden-exec/plugin.yaml', 'plugin.yaml', 'package.json', 'README.md']) {
      expect(files, `${f} is in the package`).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|build|bench|node_modules|charts-fixtures)\/|^dist\/build\//.test(f))).toEqual([]);
    expect(pkg.bin).toEqual({ warden: 'bin/warden.mjs' });
  });
});

describe('npx helm-warden from the installed tarball (offline)', () => {
  let project = '';
  beforeAll(() => {
    const packs = join(dir, 'tarballs');
    mkdirSync(packs);
    const ours = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packs], root);
    expect(ours.status, ours.stderr).toBe(0);
    const tarball = join(packs, (JSON.parse(ours.stdout) as { filename: string }[])[0].filename);
    // The one runtime dependency, @extism/extism, as installed here by npm ci (a lockfile install
    // caches its tarball but not the registry's metadata, so "--offline" could not resolve it by name).
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['@extism/extism']);
    const dep = npm(['pack', join(root, 'node_modules', '@extism', 'extism'), '--ignore-scripts', '--json', '--pack-destination', packs], root);
    expect(dep.status, dep.stderr).toBe(0);
    const depTarball = join(packs, (JSON.parse(dep.stdout) as { filename: string }[])[0].filename);
    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-warden", "private": true }\n');
    // an empty cache: everything comes from the two tarballs
    const install = npm(['install', '--offline', '--no-audit', '--no-fund', '--cache', join(dir, 'npm-cache'), depTarball, tarball], project);
    expect(install.status, install.stderr).toBe(0);
  }, 300_000);

  const npx = (args: string[], input = '') =>
    spawnSync('npx', ['--no-install', 'helm-warden', ...args], {
      cwd: project,
      input,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true', WARDEN_WASM: '' } as NodeJS.ProcessEnv,
    });

  it('--help and --version', () => {
    const help = npx(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('warden check CHART|FILE|-');
    expect(npx(['--version']).stdout).toBe(`warden ${pkg.version}\n`);
    // in a project that depends on helm-warden, the command's own name finds the local bin too
    const local = spawnSync('npx', ['--no-install', 'warden', '--version'], { cwd: project, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } as NodeJS.ProcessEnv });
    expect(local.stdout).toBe(`warden ${pkg.version}\n`);
  });

  it('runs the packaged plugin.wasm', () => {
    const stream = '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    const r = npx(['render', '--no-config'], stream);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(stream);
    expect(r.stderr).toContain('warden: 1 documents, 1 objects');
  });
});
