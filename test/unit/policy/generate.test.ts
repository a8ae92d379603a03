// generate rules with data (the object to create, variables substituted); clone needs the cluster.
import { describe, expect, it } from 'vitest';
import { generateWithPolicy } from '../../../src/policy/generate/generate';
import { evaluateGeneratingPolicy } from '../../../src/policy/generate/generating-policy';

const policy = (generate: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'gen' },
  spec: { rules: [{ name: 'g', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate, ...extra }] },
});
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { owner: 'x' } } };

describe('generate', () => {
  it('builds the object from data with name, namespace and variables', () => {
    const [r] = generateWithPolicy(
      policy({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg-{{ request.object.metadata.name }}', namespace: '{{ request.object.metadata.name }}', data: { metadata: { labels: { o: '{{ request.object.metadata.labels.owner }}' } }, data: { k: 'v' } } }),
      ns,
    );
    expect(r).toMatchObject({ policy: 'gen', rule: 'g', status: 'pass' });
    expect(r.generated).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg-team-a', namespace: 'team-a', labels: { o: 'x' } }, data: { k: 'v' } });
  });
  it('skips on preconditions, needs cluster data for clone, nothing when the trigger does not match', () => {
    const pre = { preconditions: { all: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals', value: 'other' }] } };
    expect(generateWithPolicy(policy({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', data: {} }, pre), ns)[0].status).toBe('skip');
    const clone = generateWithPolicy(policy({ apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'n', clone: { name: 'x', namespace: 'y' } }), ns)[0];
    expect(clone).toMatchObject({ status: 'skip', needsClusterData: ['generate.clone'] });
    expect(generateWithPolicy(policy({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', data: {} }), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toEqual([]);
  });
});

describe('GeneratingPolicy', () => {
  const gpol = (generate: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'policies.kyverno.io/v1alpha1',
    kind: 'GeneratingPolicy',
    metadata: { name: 'gp' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['namespaces'] }] },
      variables: [{ name: 'ns', expression: 'object.metadata.name' }],
      generate: [{ expression: generate }],
      ...extra,
    },
  });

  it('collects the objects of generator.Apply, placed in the namespace given', () => {
    const rs = evaluateGeneratingPolicy(
      gpol('generator.Apply(variables.ns, [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": dyn({"name": "a"}), "data": dyn({"owner": object.metadata.labels.owner})}, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}])'),
      ns,
    );
    expect(rs.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(rs[0].generated).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team-a' }, data: { owner: 'x' } });
    expect(rs[1].generated).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'team-a' } });
    expect(rs[0].message).toBe('generates ConfigMap/a in namespace team-a');
  });

  it('no response when not matched, skip on a false match condition, error naming the expression, cluster data', () => {
    expect(evaluateGeneratingPolicy(gpol('generator.Apply("x", [])'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toEqual([]);
    const cond = evaluateGeneratingPolicy(gpol('generator.Apply("x", [])', { matchConditions: [{ name: 'owned', expression: 'object.metadata.name == "other"' }] }), ns);
    expect(cond).toMatchObject([{ status: 'skip', message: 'match condition "owned" not met' }]);
    expect(evaluateGeneratingPolicy(gpol('generator.Apply("x", [1])'), ns)).toMatchObject([{ status: 'error', message: expect.stringContaining('generated objects: generator.Apply: every element must be an object') }]);
    expect(evaluateGeneratingPolicy(gpol('generator.Apply("x", [object.missing])'), ns)).toMatchObject([{ status: 'error', message: expect.stringContaining('generate[0]') }]);
    const get = evaluateGeneratingPolicy(gpol('generator.Apply("x", [resource.Get("v1", "secrets", "a", "b")])'), ns);
    expect(get).toMatchObject([{ status: 'skip', needsClusterData: [expect.stringContaining('resource.Get')] }]);
  });
});
