// MutatingPolicy (CEL): typed-literal rewriting, matching, matchConditions, JSONPatch and
// ApplyConfiguration mutations. The corpus (*-mpol categories) compares against Kyverno.
import { describe, expect, it } from 'vitest';
import { rewriteMutationExpression } from '../../../src/policy/mutate/cel-rewrite';
import { evaluateMutatingPolicy } from '../../../src/policy/mutate/mutating-policy';

type Obj = Record<string, any>;

describe('expression rewriting', () => {
  it('turns typed object literals into maps, quoting field names at their level only', () => {
    expect(rewriteMutationExpression('Object{metadata: Object.metadata{labels: Object.metadata.labels{foo: "bar"}}}')).toBe(
      '{"metadata": {"labels": {"foo": "bar"}}}',
    );
    expect(rewriteMutationExpression('[JSONPatch{op: "add", path: "/a", value: {"k": x ? y : z}}]')).toBe('[{"op": "add", "path": "/a", "value": {"k": x ? y : z}}]');
  });
  it('leaves strings alone and expands jsonpatch.escapeKey', () => {
    expect(rewriteMutationExpression('"Object{a: b}" + \'JSONPatch{\'')).toBe('"Object{a: b}" + \'JSONPatch{\'');
    expect(rewriteMutationExpression('"/m/" + jsonpatch.escapeKey("a/b")')).toBe('"/m/" + ("a/b").replace("~", "~0").replace("/", "~1")');
  });
});

const mpol = (spec: Obj): Obj => ({
  apiVersion: 'policies.kyverno.io/v1alpha1',
  kind: 'MutatingPolicy',
  metadata: { name: 'mp' },
  spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, ...spec },
});
const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

describe('MutatingPolicy', () => {
  it('ApplyConfiguration merges maps and keyed lists', () => {
    const p = mpol({
      mutations: [
        {
          patchType: 'ApplyConfiguration',
          applyConfiguration: {
            expression: 'Object{metadata: Object.metadata{labels: Object.metadata.labels{b: "2"}}, spec: Object.spec{containers: [Object.spec.containers{name: "c", imagePullPolicy: "Always"}]}}',
          },
        },
      ],
    });
    const r = evaluateMutatingPolicy(p, pod);
    expect(r.results).toEqual([{ policy: 'mp', rule: '', status: 'pass', message: 'mutated Pod/p in namespace default' }]);
    expect((r.patched as Obj).metadata.labels).toEqual({ a: '1', b: '2' });
    expect((r.patched as Obj).spec.containers).toEqual([{ name: 'c', image: 'nginx', imagePullPolicy: 'Always' }]);
  });

  it('JSONPatch mutations run in order, each on the previous result; strict RFC 6902', () => {
    const p = mpol({
      mutations: [
        { patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("x/y"), value: "1"}]' } },
        { patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/metadata/annotations", value: {"n": string(size(object.metadata.labels))}}]' } },
      ],
    });
    const r = evaluateMutatingPolicy(p, pod);
    expect((r.patched as Obj).metadata.labels).toEqual({ a: '1', 'x/y': '1' });
    expect((r.patched as Obj).metadata.annotations).toEqual({ n: '2' });
    const missing = mpol({ mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/spec/nope/x", value: 1}]' } }] });
    expect(evaluateMutatingPolicy(missing, pod).results[0].status).toBe('error');
  });

  it('no response when not matched; skip when a match condition is false', () => {
    const p = mpol({ matchConditions: [{ name: 'c', expression: 'object.metadata.name == "other"' }], mutations: [] });
    expect(evaluateMutatingPolicy(p, pod).results[0]).toMatchObject({ status: 'skip' });
    expect(evaluateMutatingPolicy(p, { ...pod, kind: 'ConfigMap' }).results).toEqual([]);
  });
  it('a namespaceSelector needs the namespace labels: given, they decide; unknown, the policy needs cluster data', () => {
    const add = [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/metadata/labels/b", value: "2"}]' } }];
    const p = mpol({ mutations: add });
    p.spec.matchConstraints.namespaceSelector = { matchLabels: { env: 'prod' } };
    expect((evaluateMutatingPolicy(p, pod, { namespaceLabels: { env: 'prod' } }).patched as Obj).metadata.labels).toEqual({ a: '1', b: '2' });
    expect(evaluateMutatingPolicy(p, pod, { namespaceLabels: { env: 'dev' } }).results).toEqual([]);
    const unknown = evaluateMutatingPolicy(p, pod);
    expect(unknown.patched).toBe(pod);
    expect(unknown.results).toMatchObject([{ status: 'skip', needsClusterData: ['namespaceSelector (labels of namespace default)'] }]);
  });
});
