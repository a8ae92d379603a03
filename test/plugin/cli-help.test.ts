// `warden <command> --help` as installed (bin/warden.mjs → dist/cli/warden.mjs): every command
// has examples (docs/cli.md promises them), and every option an example uses is one the help
// documents, so the examples cannot drift from the options.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
// outside the repository: no .warden.yaml is found on the way
const cwd = mkdtempSync(join(tmpdir(), 'warden-help-'));

const COMMANDS = ['check', 'render', 'test', 'ownership', 'snapshot', 'ingress', 'policies', 'config'];

function warden(args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' } });
}

/** The lines of the "Examples:" section: indented lines up to the next blank line. */
function examples(help: string): string[] {
  const lines = help.split('\n');
  const at = lines.indexOf('Examples:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '') break;
    out.push(line.trim());
  }
  return out;
}

describe('warden <command> --help', () => {
  it('the list of commands is the one warden --help shows', () => {
    const listed = [...new Set([...warden(['--help']).stdout.matchAll(/^ {2}warden ([a-z]+)/gm)].map((m) => m[1]))];
    expect(listed.sort()).toEqual([...COMMANDS].sort());
  });

  it.each(COMMANDS)('warden %s --help exits 0 with examples that use only documented options', (command) => {
    const r = warden([command, '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Examples:$/m);
    const list = examples(r.stdout);
    // the part of each example that runs this command (after a pipe, before a redirection)
    const own = list.map((l) => new RegExp(`\\bwarden ${command}\\b[^|>]*`).exec(l)?.[0]).filter((x): x is string => x !== undefined);
    expect(own.length, `no "warden ${command}" line among the examples:\n${list.join('\n')}`).toBeGreaterThanOrEqual(1);
    for (const example of own) {
      for (const option of example.match(/(?<=\s)--[a-z][a-z-]*/g) ?? []) {
        expect(r.stdout.replace(/^Examples:[\s\S]*?\n\n/m, ''), `"${example}" uses ${option}, which warden ${command} --help does not document`).toContain(option);
      }
    }
  });

  it('-h works as --help', () => {
    for (const command of ['check', 'test', 'ownership', 'snapshot', 'ingress', 'policies', 'config']) {
      expect(warden([command, '-h']).stdout, command).toMatch(/^Examples:$/m);
    }
  });
});
