import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/report/finding';
import { renderReport } from '../../../src/report/formats';
import { fingerprint } from '../../../src/report/formats/context';
import { renderJunit } from '../../../src/report/formats/junit';
import { renderPolicyReport } from '../../../src/report/formats/policyreport';
import { findingFingerprint, renderSarif } from '../../../src/report/formats/sarif';
import { renderHuman } from '../../../src/report/formats/text';
import { xmlAttr, xmlText } from '../../../src/report/formats/xml';
import { ctx, FINDINGS, SUMMARY } from './fixtures';
import { sarifValidator, wardenReportValidator } from './schemas';

const GOLDEN = join(__dirname, 'golden');

/** Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it (only deliberately). */
function golden(name: string, actual: string) {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('fingerprint', () => {
  it('is FNV-1a 64', () => {
    expect(fingerprint('')).toBe('cbf29ce484222325');
    expect(fingerprint('a')).toBe('af63dc4c8601ec8c');
    expect(fingerprint('foobar')).toBe('85944171f73967e8');
  });
});

describe('JSON report', () => {
  const out = renderReport('json', FINDINGS, SUMMARY, ctx());
  it('matches the golden file', () => golden('report.json', out));
  it('is valid against warden-report.schema.json', () => {
    const validate = wardenReportValidator();
    const ok = validate(JSON.parse(out));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const withTime = JSON.parse(renderReport('json', FINDINGS, SUMMARY, ctx({ timestamp: '2026-11-25T10:00:00Z' })));
    expect(validate(withTime)).toBe(true);
    // The schema is strict: a misspelt field is rejected.
    expect(validate({ ...JSON.parse(out), findngs: [] })).toBe(false);
  });
  it('counts failures per failOn and keeps optional fields', () => {
    const j = JSON.parse(out);
    expect(j.reportVersion).toBe('warden.report/v1');
    expect(j.summary.failures).toBe(3);
    expect(JSON.parse(renderReport('json', FINDINGS, SUMMARY, ctx({ failOn: 'warning' }))).summary.failures).toBe(4);
    expect(j.exitCode).toBe(1);
    const audit = FINDINGS.slice(2).map((f) => ({ ...f, enforce: false }));
    expect(JSON.parse(renderReport('json', audit, SUMMARY, ctx())).exitCode).toBe(0);
    expect(JSON.parse(renderReport('json', audit, SUMMARY, ctx({ failOn: 'error' }))).exitCode).toBe(1);
    expect(JSON.parse(renderReport('json', FINDINGS.slice(2, 3), SUMMARY, ctx({ failOn: 'error' }))).exitCode).toBe(0);
    expect(JSON.parse(renderReport('json', FINDINGS.slice(2, 3), SUMMARY, ctx({ failOn: 'warning' }))).exitCode).toBe(1);
    const pol = j.findings[3];
    expect(pol).toMatchObject({ severity: 'medium', category: 'Best Practices', file: 'charts/webapp/templates/deployment.yaml', object: 'Deployment prod/web' });
    expect(j.findings[2].file).toBe('charts/webapp/charts/sub/templates/rbac.yaml');
    expect(j.findings[5].object).toBe('stream');
  });
});

describe('text report', () => {
  it('matches the golden file (no colour)', () => golden('report.txt', renderHuman(FINDINGS, SUMMARY, ctx())));
  it('colours only when asked', () => {
    expect(renderHuman(FINDINGS, SUMMARY, ctx())).not.toContain('\u001b[');
    const c = renderHuman(FINDINGS, SUMMARY, ctx({ color: true }));
    expect(c).toContain('\u001b[31m');
    expect(c.replace(/\u001b\[\d+m/g, '')).toBe(renderHuman(FINDINGS, SUMMARY, ctx()));
  });
  it('says when nothing was found', () => {
    const s = renderHuman([], { ...SUMMARY, fail: 0, warn: 0, error: 0, skip: 0, info: 0, blocking: 0 }, ctx());
    expect(s).toMatch(/passed\n$/);
  });
});

describe('SARIF', () => {
  const validate = sarifValidator();
  const out = renderSarif(FINDINGS, SUMMARY, ctx());
  const log = JSON.parse(out);
  it('is valid against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // …and the validator does reject a broken log.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    const bad = JSON.parse(out);
    bad.runs[0].results[0].level = 'fatal';
    expect(validate(bad)).toBe(false);
  });
  it('describes the rules and points at the chart templates', () => {
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('warden');
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).not.toContain('team-a/require-labels/check-team'); // skip is not an alert
    for (const r of run.tool.driver.rules) {
      expect(r.help.text.length).toBeGreaterThan(20);
      expect(r.shortDescription.text.length).toBeGreaterThan(5);
    }
    const pol = run.tool.driver.rules.find((r: { id: string }) => r.id === 'disallow-latest-tag/validate-image-tag');
    expect(pol.properties['security-severity']).toBe('5.5');
    const byRule = (id: string) => run.results.find((r: { ruleId: string }) => r.ruleId === id);
    const conflict = byRule('ownership/conflict');
    expect(conflict.level).toBe('error');
    expect(run.tool.driver.rules[conflict.ruleIndex].id).toBe('ownership/conflict');
    expect(conflict.locations[0].physicalLocation.artifactLocation.uri).toBe('charts/webapp/templates/service.yaml');
    expect(conflict.locations[0].logicalLocations).toEqual([
      { name: 'web', fullyQualifiedName: 'Service prod/web', kind: 'object' },
      { name: 'prod', kind: 'namespace' },
      { name: 'Service', kind: 'type' },
    ]);
    expect(byRule('ownership/cluster-scoped-name').level).toBe('warning');
    expect(byRule('ownership/prediction')).toMatchObject({ kind: 'informational', level: 'none', locations: [] });
    expect(run.results).toHaveLength(5);
  });
  it('uses the template line the caller finds', () => {
    const r = JSON.parse(renderSarif(FINDINGS, SUMMARY, ctx({ templateLine: (f) => (f.document?.kind === 'Service' ? 7 : undefined) })));
    const regions = r.runs[0].results.map((x: { ruleId: string; locations: { physicalLocation?: { region: { startLine: number } } }[] }) => [x.ruleId, x.locations[0]?.physicalLocation?.region.startLine]);
    expect(regions).toContainEqual(['ownership/conflict', 7]);
    expect(regions).toContainEqual(['ownership/cluster-scoped-name', 1]);
  });
  it('points at the rendered file and line when manifests were read', () => {
    const r = JSON.parse(renderSarif(FINDINGS, SUMMARY, ctx({ chartRoot: undefined, targetKind: 'manifests', manifestsFile: 'out/all.yaml' })));
    const conflict = r.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'ownership/conflict');
    // Without a chart root the template path is reported as Helm names it.
    expect(conflict.locations[0].physicalLocation.artifactLocation.uri).toBe('webapp/templates/service.yaml');
    const noSource = JSON.parse(
      renderSarif([{ ...FINDINGS[1], document: { ...FINDINGS[1].document!, source: undefined } }], SUMMARY, ctx({ chartRoot: undefined, manifestsFile: 'out/all.yaml' })),
    );
    expect(noSource.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'out/all.yaml' }, region: { startLine: 1 } });
    expect(validate(r)).toBe(true);
  });
  it('fingerprints stay stable when messages, lines and order change', () => {
    const moved = FINDINGS.map((f) => ({ ...f, message: f.message + ' (again)', document: f.document && { ...f.document, line: f.document.line + 7, index: f.document.index + 1 } }));
    const again = JSON.parse(renderSarif([...moved].reverse(), SUMMARY, ctx()));
    const fp = (l: { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] }) =>
      Object.fromEntries(l.runs[0].results.map((r) => [r.ruleId, r.partialFingerprints['wardenFinding/v1']]));
    expect(fp(again)).toEqual(fp(log));
    // …but differ between objects.
    expect(findingFingerprint(FINDINGS[1])).not.toBe(findingFingerprint({ ...FINDINGS[1], document: { ...FINDINGS[1].document!, name: 'web2' } }));
    expect(renderSarif(FINDINGS, SUMMARY, ctx())).toBe(out);
  });
});

describe('JUnit', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
  const out = renderJunit(FINDINGS, SUMMARY, ctx());
  it('is well-formed XML', () => {
    expect(XMLValidator.validate(out)).toBe(true);
  });
  it('has one testcase per object × rule with failures, skips and passes', () => {
    const doc = parser.parse(out);
    const suites = doc.testsuites.testsuite as { name: string; tests: string; failures: string; skipped: string; testcase: Record<string, unknown>[] }[];
    expect(suites.map((s) => s.name)).toEqual(['warden read', 'warden ownership', 'warden policy']);
    expect(doc.testsuites).toMatchObject({ tests: '6', failures: '3', skipped: '1' });
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(6);
    const byName = (n: string) => cases.find((c) => (c.name as string).startsWith(n)) as Record<string, any>;
    expect(byName('read/yaml-syntax').failure.type).toBe('error');
    expect(byName('ownership/conflict Service prod/web').failure.message).toContain('belongs to release "other"');
    expect(byName('ownership/conflict').file).toBe('charts/webapp/templates/service.yaml');
    // Escaped and read back intact.
    expect(byName('ownership/cluster-scoped-name')['system-out']).toContain('does not depend on the release <name> & would "clash"');
    expect(byName('ownership/cluster-scoped-name').failure).toBeUndefined();
    expect(byName('disallow-latest-tag/validate-image-tag').failure.message).toContain("'latest' is not allowed.\ufffd");
    expect(byName('team-a/require-labels/check-team').skipped).toBeDefined();
    // With failOn=warning the warning fails.
    const strict = parser.parse(renderJunit(FINDINGS, SUMMARY, ctx({ failOn: 'warning' })));
    expect(strict.testsuites.failures).toBe('4');
  });
  it('groups several findings of one rule on one object into one testcase', () => {
    const two = [FINDINGS[1], { ...FINDINGS[1], message: 'second' }];
    const doc = parser.parse(renderJunit(two, SUMMARY, ctx()));
    expect(doc.testsuites.tests).toBe('1');
    expect(doc.testsuites.testsuite[0].testcase[0].failure['#text']).toContain('second');
  });
  it('escapes what XML cannot hold', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlAttr('"x"\n\'y\'')).toBe('&quot;x&quot;&#10;&apos;y&apos;');
    expect(xmlText('bell\u0007 \ud800 ok \ud83d\ude00')).toBe('bell\ufffd \ufffd ok \ud83d\ude00');
  });
});

describe('PolicyReport', () => {
  const open = JSON.parse(renderPolicyReport(FINDINGS, SUMMARY, ctx({ timestamp: '2026-11-25T10:00:00.250Z' }), 'openreports'));
  const wg = JSON.parse(renderPolicyReport(FINDINGS, SUMMARY, ctx(), 'wgpolicy'));
  it('puts cluster-wide rules in a ClusterReport "merged" and a namespaced policy in a Report', () => {
    expect(open).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    const [cluster, ns] = open.items;
    expect(cluster).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'ClusterReport', metadata: { name: 'merged' }, source: 'warden' });
    expect(cluster.metadata.namespace).toBeUndefined();
    expect(ns).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'Report', metadata: { name: 'merged', namespace: 'team-a' } });
    expect(ns.results[0]).toMatchObject({ policy: 'team-a/require-labels', rule: 'check-team', result: 'skip' });
    const [wc, wn] = wg.items;
    expect(wc).toMatchObject({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'ClusterPolicyReport' });
    expect(wn).toMatchObject({ kind: 'PolicyReport', metadata: { namespace: 'team-a' } });
    expect(wc.source).toBeUndefined();
  });
  it('fills the result fields Kyverno fills', () => {
    const cluster = open.items[0];
    const pol = cluster.results.find((r: { policy: string }) => r.policy === 'disallow-latest-tag');
    expect(pol).toMatchObject({
      source: 'warden',
      policy: 'disallow-latest-tag',
      rule: 'validate-image-tag',
      result: 'fail',
      scored: true,
      severity: 'medium',
      category: 'Best Practices',
      timestamp: { seconds: 1795600800, nanos: 250000000 },
      resources: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod' }],
      properties: { path: 'spec.template.spec.containers[0].image', template: 'charts/webapp/templates/deployment.yaml' },
    });
    expect(pol.message).toContain('mutable image tag');
    for (const r of cluster.results) {
      expect(['pass', 'fail', 'warn', 'error', 'skip']).toContain(r.result);
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['source', 'policy', 'rule', 'result', 'scored', 'message', 'category', 'resources', 'properties']));
    }
    expect(cluster.summary).toEqual({ pass: 1, fail: 2, warn: 1, error: 1, skip: 0 });
    // A cluster-scoped object carries no namespace; both APIs name the list `resources` in JSON.
    const cr = wg.items[0].results.find((r: { rule: string }) => r.rule === 'cluster-scoped-name');
    expect(cr.resources).toEqual([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' }]);
    expect(cr.subjects).toBeUndefined();
    expect(wg.items[0].results[0].timestamp).toBeUndefined();
  });
  it('gives namespaced objects their (or the release) namespace and cluster-scoped ones none, as Kyverno does', () => {
    const finding = (apiVersion: string, kind: string, namespace?: string): Finding => ({
      check: 'policy',
      rule: 'require-labels/check-team',
      result: 'fail',
      enforce: false,
      message: 'no team label',
      document: { index: 0, line: 1, apiVersion, kind, name: 'x', ...(namespace === undefined ? {} : { namespace }) },
    });
    const cases: [Finding, string | undefined][] = [
      [finding('v1', 'ConfigMap'), 'prod'], // no namespace in the manifest: Helm installs it into the release namespace
      [finding('v1', 'ConfigMap', 'other'), 'other'],
      [finding('rbac.authorization.k8s.io/v1', 'Role'), 'prod'],
      [finding('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'), undefined],
      [finding('v1', 'Namespace'), undefined],
      [finding('v1', 'PersistentVolume', 'prod'), undefined], // written on a cluster-scoped object, dropped by the API server
      [finding('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), undefined],
      [finding('cert-manager.io/v1', 'ClusterIssuer'), undefined], // a CRD the Kyverno CLI knows as cluster-scoped
      [finding('example.com/v1', 'Widget'), 'prod'], // unknown CRDs: namespaced, as the Kyverno CLI assumes
    ];
    for (const flavour of ['openreports', 'wgpolicy'] as const) {
      const rep = JSON.parse(renderPolicyReport(cases.map(([f]) => f), SUMMARY, ctx(), flavour));
      expect(rep.kind).toBe(flavour === 'openreports' ? 'ClusterReport' : 'ClusterPolicyReport');
      const refs = rep.results.map((r: Record<string, { namespace?: string; kind: string }[]>) => r.resources[0]);
      expect(refs.map((r: { kind: string }) => r.kind)).toEqual(cases.map(([f]) => f.document!.kind));
      expect(refs.map((r: { namespace?: string }) => r.namespace)).toEqual(cases.map(([, ns]) => ns));
      for (const r of refs) if (r.namespace === undefined) expect(Object.keys(r)).toEqual(['apiVersion', 'kind', 'name']);
    }
  });
  it('is one object when only cluster-wide rules reported', () => {
    const one = JSON.parse(renderReport('policyreport', FINDINGS.slice(0, 3), SUMMARY, ctx()));
    expect(one.kind).toBe('ClusterReport');
    expect(one.summary).toEqual({ pass: 0, fail: 1, warn: 1, error: 1, skip: 0 });
  });
});
