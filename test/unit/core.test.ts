import { describe, expect, it } from 'vitest';
import { defaultOptions, parseArgs, UsageError } from '../../src/args';
import { applyPatches } from '../../src/apply/apply';
import type { Check, Patch } from '../../src/checks/check';
import { emitStream } from '../../src/emit/emit';
import { readStream } from '../../src/read/document';
import { blockingMessage, handleHelmInput, HELM_BUG_MESSAGE, manifestsToken, runWarden } from '../../src/core';
import type { Finding } from '../../src/report/finding';

const STREAM = [
  '---',
  '# Source: web/templates/cm.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: web # the name',
  '  annotations:',
  '    postrenderer.helm.sh/postrender-filename: web/templates/cm.yaml',
  'data:',
  '  # keep me',
  '  b: "2"',
  '  a: "1"',
  '---',
  '# Source: web/templates/svc.yaml',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: web',
  'spec:',
  '  ports: [{port: 80}]',
  '',
].join('\n');

const patcher = (patches: Patch[]): Check => ({ name: 'policy', run: () => ({ findings: [], patches }) });

describe('pipeline', () => {
  it('passes untouched streams through unchanged', () => {
    for (const s of [STREAM, STREAM.replace(/\n/g, '\r\n'), '\uFEFF' + STREAM, STREAM.trimEnd(), '', '# nothing\n']) {
      const r = runWarden(s, defaultOptions());
      expect(r.manifests).toBe(s);
      expect(r.exitCode).toBe(0);
    }
  });

  it('edits a document in place and leaves the others byte-for-byte', () => {
    const r = runWarden(STREAM, defaultOptions(), [
      patcher([{ op: 'set', doc: 0, path: ['data', 'c'], value: '3', reason: 'test' }]),
    ]);
    const [cm, svc] = r.manifests.split(/(?=^---$)/m);
    expect(svc).toBe(STREAM.slice(STREAM.indexOf('---\n# Source: web/templates/svc.yaml')));
    expect(cm).toContain('# keep me');
    expect(cm).toContain('name: web # the name');
    expect(cm.indexOf('b: "2"')).toBeLessThan(cm.indexOf('a: "1"'));
    expect(cm).toContain('c: "3"');
    expect(cm.startsWith('---\n# Source: web/templates/cm.yaml\n')).toBe(true);
    expect(r.summary.changed).toBe(1);
  });

  it('reports every removed document', () => {
    const r = runWarden(STREAM, defaultOptions(), [patcher([{ op: 'remove', doc: 1, reason: 'replaced by HTTPRoute' }])]);
    expect(r.manifests).not.toContain('kind: Service');
    const note = r.findings.find((f) => f.rule === 'apply/removed');
    expect(note?.document).toMatchObject({ kind: 'Service', name: 'web', index: 1 });
    expect(note?.message).toContain('replaced by HTTPRoute');
    expect(r.summary.removed).toBe(1);
  });

  it('inserts new documents after the named one', () => {
    const docs = readStream(STREAM.trimEnd());
    const { pieces } = applyPatches(docs, [
      { op: 'insert', after: 1, value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, reason: 't' },
    ]);
    const out = emitStream(pieces);
    expect(out.startsWith(STREAM.trimEnd() + '\n---\n')).toBe(true);
    expect(out).toContain('kind: Namespace');
  });

  it('keeps a replacement and reports the edits of the same document it could not apply', () => {
    const docs = readStream(STREAM.trimEnd());
    const { pieces, findings } = applyPatches(docs, [
      { op: 'set', doc: 0, path: ['metadata', 'labels', 'team'], value: 'a', reason: 'add-team/default-team' },
      { op: 'replace', doc: 0, value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } }, reason: 'rewritten for Traefik' },
    ]);
    const out = emitStream(pieces);
    expect(out).toContain('name: new');
    expect(out).not.toContain('team: a');
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'apply/edits-dropped', result: 'error', document: expect.objectContaining({ index: 0 }) }),
    ]);
    expect(findings[0].message).toContain('(rewritten for Traefik), so 1 edit(s) of it were not applied: add-team/default-team');
  });

  it('blocks on broken YAML with the document and line', () => {
    const r = runWarden('---\napiVersion: v1\nkind: A\n---\nfoo: [1, 2\n', defaultOptions());
    expect(r.exitCode).toBe(1);
    const f = r.findings.find((x) => x.rule === 'read/yaml-syntax');
    expect(f?.message).toMatch(/document 2 \(line 4\) is not valid YAML at line \d+/);
  });

  it('warns about content that is not a Kubernetes object', () => {
    const r = runWarden('---\nfoo: bar\n', defaultOptions());
    expect(r.exitCode).toBe(0);
    expect(r.findings[0]).toMatchObject({ rule: 'read/not-a-kubernetes-object', result: 'warn' });
    expect(r.manifests).toBe('---\nfoo: bar\n');
  });
});

describe('args', () => {
  it('parses both --k=v and --k v forms', () => {
    const o = parseArgs(['--mode=enforce', '--release', 'r1', '--namespace=ns', '--skip=ingress', '--quiet']);
    expect(o).toMatchObject({ mode: 'enforce', release: 'r1', namespace: 'ns', quiet: true });
    expect(o.checks).toEqual({ policy: true, ownership: true, ingress: false });
  });
  for (const [args, msg] of [
    [['--mode=strict'], /--mode must be audit or enforce/],
    [['--nope'], /unknown option "--nope"/],
    [['enforce'], /unexpected argument "enforce"/],
    [['--release'], /--release needs a value/],
    [['--checks=policy,dns'], /unknown check "dns"/],
  ] as const) {
    it(`rejects ${args.join(' ')}`, () => {
      expect(() => parseArgs(args)).toThrow(UsageError);
      expect(() => parseArgs(args)).toThrow(msg);
    });
  }
});

describe('handleHelmInput', () => {
  it('returns the manifests in the fixed ABI', () => {
    const r = handleHelmInput(JSON.stringify({ manifests: STREAM, extraArgs: [] }));
    expect('output' in r).toBe(true);
    if ('output' in r) expect(JSON.parse(r.output).manifests).toBe(STREAM);
  });
  it('explains the released-Helm bug', () => {
    expect(handleHelmInput('{"manifests":{},"extraArgs":[]}')).toEqual({ error: HELM_BUG_MESSAGE });
    expect(HELM_BUG_MESSAGE).toContain('helm/helm#31832');
    expect(HELM_BUG_MESSAGE).toContain('warden-exec');
  });
  it('names bad input', () => {
    expect(handleHelmInput('nope')).toMatchObject({ error: expect.stringContaining('not JSON') });
    expect(handleHelmInput('{"extraArgs":[]}')).toMatchObject({ error: expect.stringContaining('no "manifests"') });
    expect(handleHelmInput('{"manifests":"","extraArgs":["--mode=x"]}')).toMatchObject({
      error: 'warden: --mode must be audit or enforce (got "x")',
    });
  });
  it('shows usage on --help', () => {
    const r = handleHelmInput('{"manifests":"","extraArgs":["--help"]}');
    expect('error' in r && r.error).toContain('--mode=audit|enforce');
  });
});

describe('hostile streams stay linear', () => {
  // A reader that searched on into later documents for a missing key would need
  // minutes here (documents x stream size); the suite's timeout bounds it.
  it('handles many documents without kind or apiVersion', () => {
    const s = '---\nmetadata:\n  name: x\n'.repeat(40_000);
    const r = runWarden(s, defaultOptions());
    expect(r.manifests).toBe(s);
    expect(r.findings.length).toBe(40_000);
    expect(r.findings[0].rule).toBe('read/not-a-kubernetes-object');
  });
  it('handles a stream without any document marker', () => {
    const s = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n' + '  k: v\n'.repeat(200_000);
    expect(runWarden(s, defaultOptions()).manifests).toBe(s);
  });
});

describe('--report-only', () => {
  it('returns manifests and the full report even when findings block', () => {
    const broken = '---\napiVersion: v1\nkind: A\n---\nx: [\n';
    const blocked = handleHelmInput(JSON.stringify({ manifests: broken, extraArgs: ['--mode=enforce'] }));
    expect('error' in blocked).toBe(true);
    const r = handleHelmInput(JSON.stringify({ manifests: broken, extraArgs: ['--mode=enforce', '--report-only', '--report-format=json'] }));
    expect('output' in r).toBe(true);
    if (!('output' in r)) return;
    const out = JSON.parse(r.output);
    expect(out.manifests).toBe(broken);
    expect(out.report.exitCode).toBe(1);
    expect(JSON.parse(out.report.text).findings.map((f: { rule: string }) => f.rule)).toContain('read/yaml-syntax');
  });
});

describe('manifestsToken (unchanged manifests go back as sent)', () => {
  const tricky = STREAM + '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "q\\\\ \\"<&>\\" \\u2028 é"\n';
  it('finds the exact string token, escapes and all, as Go would encode it', () => {
    // Go escapes <, > and & as \u003c...; the token must come back byte for byte.
    const goStyle = JSON.stringify({ manifests: tricky, extraArgs: ['--mode=audit'] }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
    const token = manifestsToken(goStyle);
    expect(token).toBe(goStyle.slice('{"manifests":'.length, goStyle.indexOf(',"extraArgs"')));
    expect(JSON.parse(token!)).toBe(tricky);
    const r = handleHelmInput(goStyle);
    if (!('output' in r)) throw new Error(r.error);
    expect(r.output.startsWith(`{"manifests":${token},"report":`)).toBe(true);
    expect(JSON.parse(r.output).manifests).toBe(tricky);
  });
  it('declines other layouts and a duplicate key (JSON.parse keeps the last)', () => {
    expect(manifestsToken(JSON.stringify({ extraArgs: [], manifests: 'x' }))).toBeUndefined();
    expect(manifestsToken('{ "manifests":"x"}')).toBeUndefined();
    const dup = '{"manifests":"a: 1\\n","manifests":"b: 2\\n"}';
    expect(manifestsToken(dup)).toBeUndefined();
    const r = handleHelmInput(dup);
    if (!('output' in r)) throw new Error(r.error);
    expect(JSON.parse(r.output).manifests).toBe('b: 2\n');
  });
});

describe('blockingMessage', () => {
  const finding = (check: Finding['check'], i: number): Finding => ({
    check,
    rule: check === 'policy' ? 'p/r' : 'ownership/conflict',
    result: 'fail',
    enforce: true,
    message: `problem ${i}`,
    document: { index: i, line: 1 + i * 5, kind: 'ConfigMap', name: `cm-${i}`, namespace: 'prod' },
  });

  it('lists 25 blocking findings, then says how many more and which command shows them all', () => {
    const policy = Array.from({ length: 27 }, (_, i) => finding('policy', i));
    const lines = blockingMessage(policy, 'enforce').split('\n');
    expect(lines[0]).toBe('warden: 27 findings block this render (mode enforce):');
    expect(lines.filter((l) => l.includes('problem ')).length).toBe(25);
    expect(lines).toContain('  … and 2 more (run "warden check" for the full report)');
    const mixed = [...Array.from({ length: 26 }, (_, i) => finding('ownership', i)), finding('policy', 99)];
    expect(blockingMessage(mixed, 'enforce')).toContain('… and 2 more (run "warden check" for the full report)');
    const ownership = Array.from({ length: 26 }, (_, i) => finding('ownership', i));
    expect(blockingMessage(ownership, 'enforce')).toContain('… and 1 more (run "warden ownership" for the full report)');
  });
});
