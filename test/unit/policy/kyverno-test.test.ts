// The kyverno-test runner on an in-memory file tree: discovery, loading errors, every way a row
// passes, fails or is skipped, patched/generated resource comparison, values, summaries and the
// baseline comparison. (The real oracle is the kyverno/policies corpus in corpus.test.ts.)
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, findTestFiles, formatSummary, formatTestResult, formatTestSummary, runTests, summarize, type TestFs } from '../../../src/policy/kyverno-test';

function memFs(files: Record<string, string>): TestFs {
  return {
    list(dir) {
      const prefix = dir.endsWith('/') ? dir : dir + '/';
      const names = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length);
        const i = rest.indexOf('/');
        names.set(i < 0 ? rest : rest.slice(0, i), i >= 0);
      }
      if (names.size === 0) throw new Error(`ENOENT: ${dir}`);
      return [...names].map(([name, d]) => ({ name, dir: d }));
    },
    read(file) {
      if (!(file in files)) throw new Error(`ENOENT: no such file ${file}`);
      return files[file];
    },
  };
}

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  rules:
  - name: team
    match:
      any:
      - resources:
          kinds: [Pod]
    preconditions:
      all:
      - key: "{{ request.operation }}"
        operator: NotEquals
        value: DELETE
    validate:
      pattern:
        metadata:
          labels:
            team: "?*"
  - name: add-tier
    match:
      any:
      - resources:
          kinds: [Pod]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(tier): web
  - name: quota
    match:
      any:
      - resources:
          kinds: [Namespace]
    generate:
      apiVersion: v1
      kind: ResourceQuota
      name: q
      namespace: "{{ request.object.metadata.name }}"
      data:
        spec:
          hard: {pods: "10"}
`;
const RESOURCES = `apiVersion: v1
kind: Pod
metadata: {name: good, labels: {team: a}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: other}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`;
const test = (results: string, extra = '') =>
  `apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [../policy.yaml]\nresources: [../resources.yaml]\n${extra}results:\n${results}`;

function run(results: string, extra = '', more: Record<string, string> = {}) {
  const fs = memFs({ '/c/cat/policy.yaml': POLICY, '/c/cat/resources.yaml': RESOURCES, '/c/cat/.kyverno-test/kyverno-test.yaml': test(results, extra), ...more });
  const [t] = runTests(fs, '/c');
  return t;
}

describe('discovery and loading', () => {
  it('finds tests in hidden folders, skips .git, sorted', () => {
    const fs = memFs({ '/r/b/kyverno-test.yaml': '', '/r/a/.kyverno-test/kyverno-test.yaml': '', '/r/.git/x/kyverno-test.yaml': '', '/r/a/other.yaml': '' });
    expect(findTestFiles(fs, '/r')).toEqual(['/r/a/.kyverno-test/kyverno-test.yaml', '/r/b/kyverno-test.yaml']);
  });
  it('a missing policy file fails every row of the test, naming the file', () => {
    const fs = memFs({ '/c/x/kyverno-test.yaml': 'policies: [nope.yaml]\nresources: []\nresults:\n- policy: p\n  rule: r\n  resources: [a, b]\n  result: pass\n' });
    const [t] = runTests(fs, '/c');
    expect(t.error).toContain('/c/x/nope.yaml');
    expect(t.rows.map((r) => r.outcome)).toEqual(['fail', 'fail']);
  });
  it('invalid YAML names the file and line', () => {
    const t = run('- policy: require-team\n  rule: team\n  resources: [good]\n  result: pass\n', '', { '/c/cat/policy.yaml': 'a: [\n' });
    expect(t.error).toMatch(/\/c\/cat\/policy\.yaml:\d+: invalid YAML/);
  });
});

describe('rows', () => {
  it('Ok, Want x got y, Not found, Excluded; ns/name; category', () => {
    const t = run(
      [
        '- {policy: require-team, rule: team, resources: [good], result: pass}',
        '- {policy: require-team, rule: team, resources: [other/bad], result: pass}',
        '- {policy: require-team, rule: team, resources: [missing], result: pass}',
        '- {policy: require-team, rule: team, resources: [cm], result: fail}',
        '- {policy: nope, rule: team, resources: [good], result: pass}',
      ].join('\n') + '\n',
    );
    expect(t.category).toBe('cat');
    expect(t.rows.map((r) => [r.resource, r.outcome, r.reason])).toEqual([
      ['good', 'pass', 'Ok'],
      ['other/bad', 'fail', 'Want pass, got fail'],
      ['missing', 'fail', 'Not found'],
      ['cm', 'pass', 'Excluded'],
      ['good', 'fail', 'Not found'],
    ]);
    expect(t.rows[0].checks[0].resource).toBe('v1/Pod/default/good'); // default namespace added
  });

  it('values: globalValues set request.operation (pattern rules give nothing on DELETE)', () => {
    const row = '- {policy: require-team, rule: team, resources: [other/bad], result: pass}\n';
    expect(run(row).rows[0]).toMatchObject({ outcome: 'fail' });
    expect(run(row, 'values:\n  globalValues:\n    request.operation: DELETE\n').rows[0]).toMatchObject({ outcome: 'pass', reason: 'Excluded' });
  });

  it('scored: "false" turns fail into warn', () => {
    const scored = POLICY.replace('  name: require-team\n', '  name: require-team\n  annotations:\n    policies.kyverno.io/scored: "false"\n');
    const t = run('- {policy: require-team, rule: team, resources: [bad], result: warn}\n', '', { '/c/cat/policy.yaml': scored });
    expect(t.rows[0].outcome).toBe('pass');
  });

  it('mutation runs before validation and patched resources are compared', () => {
    const patched = (tier: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: default, labels: {team: a, tier: ${tier}}}\nspec: {containers: [{name: c, image: nginx}]}\n`;
    const row = '- {policy: require-team, rule: add-tier, resources: [good], result: pass, patchedResources: patched.yaml}\n';
    expect(run(row, '', { '/c/cat/.kyverno-test/patched.yaml': patched('web') }).rows[0]).toMatchObject({ outcome: 'pass', reason: 'Ok' });
    expect(run(row, '', { '/c/cat/.kyverno-test/patched.yaml': patched('db') }).rows[0]).toMatchObject({ outcome: 'fail', reason: 'Resource diff' });
  });

  it('generated resources are compared', () => {
    const gen = (pods: string) => `apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: ns1}\nspec: {hard: {pods: "${pods}"}}\n`;
    const row = '- {policy: require-team, rule: quota, resources: [ns1], result: pass, generatedResource: gen.yaml}\n';
    expect(run(row, '', { '/c/cat/.kyverno-test/gen.yaml': gen('10') }).rows[0]).toMatchObject({ outcome: 'pass', reason: 'Ok' });
    expect(run(row, '', { '/c/cat/.kyverno-test/gen.yaml': gen('11') }).rows[0]).toMatchObject({ outcome: 'fail', reason: 'Resource diff' });
  });

  it('unsupported policy kinds are skipped with the reason, never passed', () => {
    const dpol = 'apiVersion: policies.kyverno.io/v1alpha1\nkind: DeletingPolicy\nmetadata: {name: m}\nspec: {}\n';
    const t = run('- {policy: m, resources: [good], result: pass}\n', '', { '/c/cat/policy.yaml': dpol });
    expect(t.rows[0]).toMatchObject({ outcome: 'skip', reason: 'not supported yet: policy kind DeletingPolicy' });
  });
});

describe('summaries and baseline', () => {
  const t = run(['- {policy: require-team, rule: team, resources: [good], result: pass}', '- {policy: require-team, rule: team, resources: [bad], result: pass}'].join('\n') + '\n');
  const s = summarize([t]);
  it('counts per category and lists failures; last line N passed, M failed', () => {
    expect(s.categories).toEqual({ cat: { passed: 1, failed: 1, skipped: 0 } });
    expect(s.failures).toEqual(['cat/.kyverno-test/kyverno-test.yaml: require-team/team bad: Want pass, got fail']);
    expect(formatSummary(s).trimEnd().split('\n').pop()).toBe('1 passed, 1 failed');
    expect(formatTestSummary([t])).toContain('Test Summary: 1 tests passed and 1 tests failed');
    expect(formatTestResult(t)).toMatch(/│ 2\s+│ require-team │ team\s+│ v1\/Pod\/other\/bad\s+│ Fail\s+│ Want pass, got fail/);
  });
  it('regressions: fewer passes in a category, or a new failure', () => {
    expect(compareWithBaseline(s, { categories: { cat: { passed: 1 } }, failures: s.failures })).toEqual([]);
    expect(compareWithBaseline(s, { categories: { cat: { passed: 2 } }, failures: s.failures })).toEqual(['category cat: 1 passed, the baseline has 2']);
    expect(compareWithBaseline(s, { categories: { cat: { passed: 1 } }, failures: [] })).toEqual([`new failure: ${s.failures[0]}`]);
  });
});
