// `warden check` as installed (bin/warden.mjs → dist/cli/warden.mjs → plugin.wasm), with real
// Helm v4.3.1 (built once from the Go module proxy and cached by build/helm/install-helm.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifValidator, wardenReportValidator } from '../unit/report/schemas';

const root = join(__dirname, '..', '..');
let helm = '';
let dir = '';

function warden(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, HELM: helm, NO_COLOR: '', FORCE_COLOR: '', ...opts.env };
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), 'check', ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    cwd: opts.cwd ?? root,
    env: env as NodeJS.ProcessEnv,
  });
}

const junitParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' });

const DUP = '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

beforeAll(() => {
  helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  dir = mkdtempSync(join(tmpdir(), 'warden-check-'));
  // A chart whose duplicate ConfigMap appears only with --set dup=true, named after the release.
  const chart = join(dir, 'dupchart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: dupchart\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'dup: false\n');
  writeFileSync(join(chart, 'templates', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  x: "1"\n');
  writeFileSync(
    join(chart, 'templates', 'b.yaml'),
    '{{- if .Values.dup }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  x: "2"\n{{- end }}\n',
  );
  writeFileSync(join(dir, 'dup-values.yaml'), 'dup: true\n');
  writeFileSync(join(dir, 'dup.yaml'), DUP);
  writeFileSync(join(dir, 'broken.yaml'), '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nx: [\n');
});

describe('warden check on a chart (real Helm)', () => {
  it('renders charts-fixtures/webapp and writes valid SARIF, JUnit and JSON', () => {
    const out = join(dir, 'webapp');
    const r = warden([
      'charts-fixtures/webapp',
      '--release', 'web', '-n', 'prod',
      '--format', 'sarif', '--output', join(out, 'warden.sarif'),
      '--format', 'junit', '--output', join(out, 'junit.xml'),
      '--output', join(out, 'report.json'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0); // audit: nothing blocks
    expect(r.stdout).toContain('warden 0.1.0: chart charts-fixtures/webapp (mode audit, release web, namespace prod)');
    expect(r.stdout).not.toContain('\u001b['); // not a terminal

    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const validJson = wardenReportValidator();
    expect(validJson(json)).toBe(true);
    expect(json.target).toMatchObject({ kind: 'chart', name: 'charts-fixtures/webapp', chartRoot: 'charts-fixtures/webapp', release: 'web', namespace: 'prod' });
    expect(json.summary.objects).toBeGreaterThan(5);

    const sarif = JSON.parse(readFileSync(join(out, 'warden.sarif'), 'utf8'));
    const validSarif = sarifValidator();
    const ok = validSarif(sarif);
    expect(validSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    for (const res of sarif.runs[0].results) {
      for (const loc of res.locations) {
        if (loc.physicalLocation) expect(loc.physicalLocation.artifactLocation.uri).toMatch(/^charts-fixtures\/webapp\/templates\//);
      }
    }
    // Every finding on an object from a template is located at that template.
    for (const f of json.findings) {
      if (f.document?.source) expect(f.file).toBe('charts-fixtures/webapp/' + f.document.source.split('/').slice(1).join('/'));
    }

    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = junitParser.parse(xml);
    const cases = new Set(json.findings.map((f: { rule: string; object: string }) => `${f.rule} ${f.object}`));
    expect(Number(junit.testsuites.tests)).toBe(cases.size);
  });

  it('passes --set, --values and --release through to helm template', () => {
    const chart = join(dir, 'dupchart');
    const clean = warden([chart, '--release', 'r7', '--checks=ownership', '--format', 'json']);
    expect(clean.status).toBe(0);
    expect(JSON.parse(clean.stdout).findings.filter((f: { rule: string }) => f.rule === 'ownership/duplicate-object')).toEqual([]);

    const dup = warden([chart, '--release', 'r7', '-n', 'team', '--checks=ownership', '--set', 'dup=true', '--format', 'json']);
    const found = JSON.parse(dup.stdout).findings.filter((f: { rule: string }) => f.rule === 'ownership/duplicate-object');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ object: 'ConfigMap team/r7-cfg', result: 'warn' });
    expect(found[0].document.source).toBe('dupchart/templates/b.yaml');
    expect(dup.stderr).toContain('ConfigMap team/r7-cfg'); // the human report goes to stderr when stdout holds JSON

    const viaValues = warden([chart, '--release', 'r8', '--checks=ownership', '-f', join(dir, 'dup-values.yaml'), '--mode=enforce']);
    expect(viaValues.status).toBe(1);
    expect(viaValues.stdout).toMatch(/BLOCK ownership\/duplicate-object {2}ConfigMap "r8-cfg"/);
    expect(viaValues.stdout).toContain('the render would fail');
  });

  it('locates findings at the line of the object in its template', () => {
    const r = warden([join(dir, 'dupchart'), '--checks=ownership', '--set', 'dup=true', '--format', 'sarif'], { cwd: dir });
    const sarif = JSON.parse(r.stdout);
    expect(sarifValidator()(sarif)).toBe(true);
    const dupRes = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'ownership/duplicate-object');
    // b.yaml: line 1 `{{- if … }}`, line 2 `apiVersion: v1`, line 3 `kind: ConfigMap`.
    expect(dupRes.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'dupchart/templates/b.yaml' }, region: { startLine: 3 } });
  });

  it('reports Helm failures and a missing Helm as input errors (exit 2)', () => {
    const bad = warden([join(dir, 'dupchart'), '--set', 'x={']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('helm template failed');
    expect(warden([join(dir, 'dupchart'), '-f', join(dir, 'missing.yaml')]).status).toBe(2);
    const none = warden(['charts-fixtures/webapp'], { env: { HELM: join(dir, 'no-helm-here') } });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Helm is needed to render charts-fixtures/webapp');
  });
});

describe('warden check on rendered manifests', () => {
  it('exit codes follow --mode and --fail-on', () => {
    const file = join(dir, 'dup.yaml');
    const audit = warden([file, '--checks=ownership']);
    expect(audit.status).toBe(0);
    expect(audit.stdout).toContain('WARN  ownership/duplicate-object');
    expect(warden([file, '--checks=ownership', '--fail-on=warning']).status).toBe(1);
    expect(warden([file, '--checks=ownership', '--fail-on=error']).status).toBe(0);
    const enforce = warden([file, '--checks=ownership', '--mode=enforce', '--format', 'junit', '--output', join(dir, 'enf.xml')]);
    expect(enforce.status).toBe(1);
    const junit = junitParser.parse(readFileSync(join(dir, 'enf.xml'), 'utf8'));
    const failing = junit.testsuites.testsuite.flatMap((s: { testcase: { failure?: unknown; name: string }[] }) => s.testcase).filter((c: { failure?: unknown }) => c.failure);
    expect(failing.map((c: { name: string }) => c.name)).toEqual(['ownership/duplicate-object ConfigMap default/a']);
  });

  it('reads stdin, writes SARIF located in the rendered file for documents without a template', () => {
    const noSource = DUP.replace(/# Source: .*\n/g, '');
    writeFileSync(join(dir, 'plain.yaml'), noSource);
    const r = warden(['plain.yaml', '--checks=ownership', '--format', 'sarif'], { cwd: dir });
    expect(r.status).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expect(sarifValidator()(sarif)).toBe(true);
    const dupRes = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'ownership/duplicate-object');
    expect(dupRes.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'plain.yaml' }, region: { startLine: 6 } });

    const piped = warden(['-', '--checks=ownership', '--format', 'json'], { input: DUP });
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout).target).toEqual({ kind: 'manifests', name: '-' });
  });

  it('a document that is not YAML blocks even in audit mode', () => {
    const r = warden([join(dir, 'broken.yaml'), '--format', 'json', '--output', join(dir, 'broken.json')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('read/yaml-syntax');
    const json = JSON.parse(readFileSync(join(dir, 'broken.json'), 'utf8'));
    expect(json.findings.find((f: { rule: string }) => f.rule === 'read/yaml-syntax')).toMatchObject({ result: 'error', blocking: true, object: 'document 2' });
  });

  it('colours only on request or a terminal, and respects NO_COLOR', () => {
    const file = join(dir, 'dup.yaml');
    expect(warden([file, '--color=always']).stdout).toContain('\u001b[');
    expect(warden([file], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(warden([file], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('writes PolicyReports in both formats', () => {
    const file = join(dir, 'dup.yaml');
    const r = warden([file, '--checks=ownership', '--format', 'policyreport', '--output', join(dir, 'or.yaml'), '--format', 'policyreport:wgpolicy', '--output', join(dir, 'wg.yaml')]);
    expect(r.status).toBe(0);
    const or = JSON.parse(readFileSync(join(dir, 'or.yaml'), 'utf8'));
    const wg = JSON.parse(readFileSync(join(dir, 'wg.yaml'), 'utf8'));
    expect(or).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'ClusterReport' });
    expect(wg).toMatchObject({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'ClusterPolicyReport' });
    expect(or.results.find((x: { rule: string }) => x.rule === 'duplicate-object')).toMatchObject({
      source: 'warden',
      policy: 'ownership',
      result: 'warn',
      resources: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'default' }],
    });
  });

  it('usage errors exit 2; --help has examples', () => {
    expect(warden([]).status).toBe(2);
    expect(warden(['a.yaml', 'b.yaml']).stderr).toContain('only one chart or file');
    expect(warden(['x.yaml', '--format', 'html']).status).toBe(2);
    expect(warden(['x.yaml', '--format', 'json', '--format', 'sarif']).stderr).toContain('only one --format can go to stdout');
    expect(warden(['x.yaml', '--output', 'report.bin']).stderr).toContain('give --format before it');
    expect(warden(['x.yaml', '--fail-on=never']).status).toBe(2);
    expect(warden(['x.yaml', '--mode=maybe']).status).toBe(2);
    expect(warden(['/nonexistent.yaml']).stderr).toContain('cannot read /nonexistent.yaml');
    expect(warden([tmpdir()]).stderr).toContain('without Chart.yaml');
    const help = warden(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--format sarif --output warden.sarif');
  });
});
