// `warden test` as installed (bin/warden.mjs → dist/cli/warden.mjs): Kyverno CLI tests run with
// warden's engine. Oracles: a corpus test Kyverno passes, and hand-made tests with a wrong expectation.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const CORPUS = join(root, '..', 'shared', 'corpus', 'kyverno-policies');
const warden = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), ...args], { encoding: 'utf8', cwd: root });

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: the label team is required
      pattern:
        metadata:
          labels:
            team: "?*"
`;
const RESOURCES = `apiVersion: v1
kind: Pod
metadata:
  name: good
  labels: {team: a}
spec:
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers: [{name: c, image: nginx}]
`;

function fixture(results: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  mkdirSync(join(dir, 'team'));
  writeFileSync(join(dir, 'team', 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'team', 'resources.yaml'), RESOURCES);
  writeFileSync(
    join(dir, 'team', 'kyverno-test.yaml'),
    `apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: team\npolicies: [policy.yaml]\nresources: [resources.yaml]\nresults:\n${results}`,
  );
  return dir;
}

describe('warden test', () => {
  it('passes when every expected result holds, with a Kyverno-like table', () => {
    const dir = fixture(
      '- policy: require-team\n  rule: check-team\n  resources: [good]\n  result: pass\n- policy: require-team\n  rule: check-team\n  resources: [bad]\n  result: fail\n',
    );
    const r = warden(['test', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('│ ID │ POLICY');
    expect(r.stdout).toMatch(/│ 1\s+│ require-team │ check-team │ v1\/Pod\/default\/good\s+│ Pass\s+│ Ok/);
    expect(r.stdout).toContain('Test Summary: 2 tests passed and 0 tests failed');
  });

  it('fails (exit 1) when a result differs or a resource is missing', () => {
    const dir = fixture(
      '- policy: require-team\n  rule: check-team\n  resources: [bad]\n  result: pass\n- policy: require-team\n  rule: check-team\n  resources: [nowhere]\n  result: pass\n',
    );
    const r = warden(['test', dir, '--detailed-results']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Want pass, got fail');
    expect(r.stdout).toContain('validation error: the label team is required. rule check-team failed at path /metadata/labels/');
    expect(r.stdout).toContain('Not found');
    expect(r.stdout).toContain('Test Summary: 0 tests passed and 2 tests failed');
  });

  it('fails on a test whose files cannot be loaded, naming the file', () => {
    const dir = fixture('- policy: require-team\n  rule: check-team\n  resources: [good]\n  result: pass\n');
    writeFileSync(join(dir, 'team', 'kyverno-test.yaml'), 'policies: [missing.yaml]\nresources: [resources.yaml]\nresults:\n- policy: p\n  rule: r\n  resources: [good]\n  result: pass\n');
    const r = warden(['test', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('missing.yaml');
  });

  it('compares patched resources of mutate rules (Resource diff when they differ)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-test-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: add-team\nspec:\n  rules:\n  - name: team\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    mutate:\n      patchStrategicMerge:\n        metadata:\n          labels:\n            +(team): platform\n',
    );
    writeFileSync(join(dir, 'resources.yaml'), RESOURCES);
    const patched = (team: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  namespace: default\n  labels: {team: ${team}}\nspec:\n  containers: [{name: c, image: nginx}]\n`;
    const test = 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [resources.yaml]\nresults:\n- policy: add-team\n  rule: team\n  resources: [bad]\n  patchedResources: patched.yaml\n  result: pass\n- policy: add-team\n  rule: team\n  resources: [good]\n  result: skip\n';
    writeFileSync(join(dir, 'kyverno-test.yaml'), test);
    writeFileSync(join(dir, 'patched.yaml'), patched('platform'));
    const ok = warden(['test', dir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Test Summary: 2 tests passed and 0 tests failed');
    writeFileSync(join(dir, 'patched.yaml'), patched('other'));
    const diff = warden(['test', dir]);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain('Resource diff');
  });

  it.skipIf(!existsSync(CORPUS))('agrees with Kyverno on a corpus test (autogen rows included)', () => {
    const r = warden(['test', join(CORPUS, 'best-practices', 'disallow-latest-tag')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('autogen-validate-image-tag');
    expect(r.stdout).toMatch(/Test Summary: [1-9]\d* tests passed and 0 tests failed/);
  });

  it('usage errors exit 2; --help exits 0', () => {
    expect(warden(['test']).status).toBe(2);
    expect(warden(['test', '--frobnicate', '.']).status).toBe(2);
    expect(warden(['test', '/nonexistent-dir']).stderr).toContain('no such file or directory');
    const h = warden(['test', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('kyverno-test.yaml');
    expect(warden(['--help']).stdout).toContain('warden test');
  });
});
