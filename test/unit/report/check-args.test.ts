// The parts of `warden check` that need no plugin: option parsing and reading back a
// blocked render's message.
import { describe, expect, it } from 'vitest';
import { parseCheckArgs } from '../../../src/cli/check';
import { findingLine, objectLabel } from '../../../src/report/text';
import type { Finding } from '../../../src/report/finding';

describe('parseCheckArgs', () => {
  it('pairs each --output with the --format before it, or with its extension', () => {
    const o = parseCheckArgs(['chart', '--format', 'sarif', '--output', 'a.sarif', '--format=junit', '--output=j.xml', '--output', 'r.json', '--format', 'text']);
    expect(o.input).toBe('chart');
    expect(o.outputs).toEqual([
      { format: 'sarif', file: 'a.sarif' },
      { format: 'junit', file: 'j.xml' },
      { format: 'json', file: 'r.json' },
      { format: 'text' },
    ]);
  });
  it('splits Helm, plugin and own options', () => {
    const o = parseCheckArgs(['c', '-f', 'v.yaml', '--values=w.yaml', '--set', 'a=1', '--set-string=b=2', '-n', 'prod', '--release', 'r', '--mode', 'enforce', '--take-ownership', '--fail-on=warning', '-a', 'x/v1', '--skip', 'ingress']);
    expect(o.helmArgs).toEqual(['--values', 'v.yaml', '--values', 'w.yaml', '--set', 'a=1', '--set-string', 'b=2', '--api-versions', 'x/v1']);
    expect(o.pluginArgs).toEqual(['--mode=enforce', '--take-ownership', '--skip=ingress']);
    expect(o).toMatchObject({ namespace: 'prod', release: 'r', failOn: 'warning' });
  });
  it('rejects what it does not know', () => {
    expect(() => parseCheckArgs(['c', '--frob'])).toThrow(/unknown option "--frob"/);
    expect(() => parseCheckArgs(['c', '--set'])).toThrow(/--set needs a value/);
    expect(() => parseCheckArgs(['c', '--output', 'x.bin'])).toThrow(/give --format before it/);
    expect(() => parseCheckArgs(['c', '--color=sometimes'])).toThrow(/--color/);
    expect(() => parseCheckArgs(['c', '--report-format=json'])).toThrow(/use --format/);
  });
});

