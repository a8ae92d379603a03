// The `warden` command as installed by npm (bin/warden.mjs → dist/cli/warden.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const warden = (args: string[], input = '') =>
  spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), ...args], { input, encoding: 'utf8', cwd: root });

const STREAM = '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n';

describe('warden render', () => {
  it('prints the manifests unchanged and a report on stderr', () => {
    const r = warden(['render'], STREAM);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(STREAM);
    expect(r.stderr).toContain('warden: 1 documents, 1 objects');
  });

  it('reads a file and writes --output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
    writeFileSync(join(dir, 'in.yaml'), STREAM);
    const r = warden(['render', join(dir, 'in.yaml'), '--mode', 'enforce', `--output=${join(dir, 'out.yaml')}`]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toBe(STREAM);
  });

  it('exits 1 when findings block, with the reason on stderr', () => {
    const r = warden(['render'], '---\napiVersion: v1\nkind: A\n---\nx: [\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('read/yaml-syntax');
  });

  it('exits 2 on usage errors', () => {
    expect(warden(['render', '--mode=maybe']).status).toBe(2);
    expect(warden(['render', 'a.yaml', 'b.yaml']).stderr).toContain('only one input file');
    expect(warden(['frobnicate']).status).toBe(2);
    expect(warden(['render', '/nonexistent.yaml']).stderr).toContain('cannot read /nonexistent.yaml');
  });

  it('has help and a version', () => {
    expect(warden(['--help']).stdout).toContain('warden render');
    expect(warden(['--version']).stdout).toMatch(/^warden \d+\.\d+\.\d+\n$/);
  });
});
