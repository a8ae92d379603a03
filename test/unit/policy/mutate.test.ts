// mutate rules: RFC 6902 with Kyverno's options, strategic merge with mutate anchors, foreach,
// variables, statuses and autogen. The kyverno/policies corpus (74 mutate expectations with
// patched resources) checks the same code against Kyverno through the conformance runner.
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, mutatePolicy, preprocessOverlay, strategicMerge } from '../../../src/policy/mutate';
import { resourcesEqual, tidy } from '../../../src/policy/kyverno-test';

type Obj = Record<string, any>;

const pod = (spec: Obj = {}, metadata: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...metadata },
  spec: { containers: [{ name: 'app', image: 'nginx:1' }], ...spec },
});

const policy = (rules: Obj[], annotations?: Obj): Obj => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'm', ...(annotations ? { annotations } : {}) },
  spec: { rules: rules.map((r, i) => ({ name: `r${i}`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, ...r })) },
});

const psm = (doc: Obj, overlay: unknown) => {
  const p = preprocessOverlay(overlay, doc);
  return p.condition ? doc : strategicMerge(doc, p.overlay);
};

describe('patchesJson6902', () => {
  const doc = { a: { 'x/y': 1, 'm~n': 2 }, l: [1, 2, 3] };
  it('adds, appends with /-, and inserts at an index', () => {
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/l/-', value: 4 }])).toEqual({ ...doc, l: [1, 2, 3, 4] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/l/0', value: 0 }])).toEqual({ ...doc, l: [0, 1, 2, 3] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/l/-1', value: 9 }])).toEqual({ ...doc, l: [1, 2, 3, 9] });
  });
  it('unescapes ~1 and ~0', () => {
    expect(applyJsonPatch(doc, [{ op: 'replace', path: '/a/x~1y', value: 5 }, { op: 'remove', path: '/a/m~0n' }])).toEqual({ a: { 'x/y': 5 }, l: [1, 2, 3] });
  });
  it('creates missing parents on add (arrays before index tokens)', () => {
    expect(applyJsonPatch({}, [{ op: 'add', path: '/spec/terms/-1/exprs/-1', value: { k: 1 } }])).toEqual({ spec: { terms: [{ exprs: [{ k: 1 }] }] } });
    expect(applyJsonPatch({}, [{ op: 'add', path: '/metadata/labels/a', value: 'b' }])).toEqual({ metadata: { labels: { a: 'b' } } });
  });
  it('negative indexes address from the end; remove of a missing path is a no-op', () => {
    expect((applyJsonPatch(doc, [{ op: 'remove', path: '/l/-1' }]) as Obj).l).toEqual([1, 2]);
    expect(applyJsonPatch(doc, [{ op: 'remove', path: '/nope/x' }])).toEqual(doc);
  });
  it('replace needs the path; move, copy and test work', () => {
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/b', value: 1 }])).toThrow(/operation 0 \(replace \/b\)/);
    expect(applyJsonPatch(doc, [{ op: 'move', from: '/l', path: '/k' }])).toEqual({ a: doc.a, k: [1, 2, 3] });
    expect((applyJsonPatch(doc, [{ op: 'copy', from: '/l/0', path: '/c' }]) as Obj).c).toBe(1);
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/l/0', value: 2 }])).toThrow(/test failed/);
    // `test` compares JSON values: map key order does not matter, also inside lists.
    const withMaps = { l: [{ a: 1, b: 2 }] };
    expect(applyJsonPatch(withMaps, [{ op: 'test', path: '/l', value: [{ b: 2, a: 1 }] }])).toEqual(withMaps);
    expect(() => applyJsonPatch(withMaps, [{ op: 'test', path: '/l', value: [{ b: 2, a: 2 }] }])).toThrow(/test failed/);
    expect(doc.l).toEqual([1, 2, 3]); // input untouched
  });
});

describe('patchStrategicMerge', () => {
  it('merges maps, deletes on null, replaces scalar lists', () => {
    const r = psm(pod({ nodeSelector: { a: '1', b: '2' } }), { spec: { nodeSelector: { b: null, c: '3' }, containers: [{ name: 'app', args: ['x'] }] } });
    expect(r.spec.nodeSelector).toEqual({ a: '1', c: '3' });
    expect(r.spec.containers).toEqual([{ name: 'app', image: 'nginx:1', args: ['x'] }]);
  });
  it('merges known lists by key; new elements come first', () => {
    const r = psm(pod(), { spec: { containers: [{ name: 'side', image: 'busybox' }, { name: 'app', imagePullPolicy: 'Always' }] } });
    expect(r.spec.containers.map((c: Obj) => c.name)).toEqual(['side', 'app']);
    expect(r.spec.containers[1]).toEqual({ name: 'app', image: 'nginx:1', imagePullPolicy: 'Always' });
  });
  it('replaces lists Kubernetes does not merge (tolerations)', () => {
    const r = psm(pod({ tolerations: [{ key: 'a' }] }), { spec: { tolerations: [{ key: 'b' }] } });
    expect(r.spec.tolerations).toEqual([{ key: 'b' }]);
  });
  it('honours $patch: delete and replace', () => {
    const two = pod({ containers: [{ name: 'app', image: 'a' }, { name: 'b', image: 'b' }] });
    expect(psm(two, { spec: { containers: [{ name: 'b', $patch: 'delete' }] } }).spec.containers).toEqual([{ name: 'app', image: 'a' }]);
    expect(psm(pod({ nodeSelector: { a: '1' } }), { spec: { nodeSelector: { $patch: 'replace', z: '9' } } }).spec.nodeSelector).toEqual({ z: '9' });
  });
  it('+(key) adds only when absent', () => {
    const o = { metadata: { labels: { '+(team)': 'x', '+(tier)': 'y' } } };
    expect(psm(pod({}, { labels: { team: 'kept' } }), o).metadata.labels).toEqual({ team: 'kept', tier: 'y' });
  });
  it('(key) conditions in list elements apply the overlay per matching element, named after it', () => {
    const two = pod({ containers: [{ name: 'a', image: 'corp/a' }, { name: 'b', image: 'other/b' }] });
    const r = psm(two, { spec: { containers: [{ '(image)': 'corp/*', securityContext: { privileged: false } }] } });
    expect(r.spec.containers).toEqual([
      { name: 'a', image: 'corp/a', securityContext: { privileged: false } },
      { name: 'b', image: 'other/b' },
    ]);
  });
  it('a failing (key) condition on a map drops the overlay', () => {
    const o = { metadata: { annotations: { '(inject)': 'true' } }, spec: { nodeSelector: { x: 'y' } } };
    expect(psm(pod({}, { annotations: { inject: 'false' } }), o).spec.nodeSelector).toBeUndefined();
    expect(psm(pod({}, { annotations: { inject: 'true' } }), o).spec.nodeSelector).toEqual({ x: 'y' });
    expect(psm(pod({}, { annotations: { inject: 'true' } }), o).metadata.annotations).toEqual({ inject: 'true' });
  });
  it('<(key) global conditions: one matching list element is enough, none drops the overlay', () => {
    const o = { metadata: { annotations: { '+(evict)': 'true' } }, spec: { volumes: [{ '<(emptyDir)': {} }] } };
    expect(psm(pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }] }), o).metadata.annotations).toEqual({ evict: 'true' });
    expect(psm(pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] }), o).metadata.annotations).toBeUndefined();
    expect(psm(pod(), o).metadata.annotations).toBeUndefined();
  });
});

describe('mutate rules through the policy', () => {
  it('pass with Kyverno\'s message when the resource changes, skip when not; rules see earlier output', () => {
    const p = policy([
      { mutate: { patchStrategicMerge: { metadata: { labels: { '+(team)': 'a' } } } } },
      { mutate: { patchStrategicMerge: { metadata: { labels: { copy: '{{ request.object.metadata.labels.team }}' } } } } },
      { mutate: { patchStrategicMerge: { metadata: { labels: { '+(team)': 'b' } } } } },
    ]);
    const r = mutatePolicy(p, pod());
    expect(r.results.map((x) => [x.rule, x.status, x.message])).toEqual([
      ['r0', 'pass', 'mutated Pod/p in namespace default'],
      ['r1', 'pass', 'mutated Pod/p in namespace default'],
      ['r2', 'skip', 'no patches applied'],
    ]);
    expect((r.patched as Obj).metadata.labels).toEqual({ team: 'a', copy: 'a' });
  });

  it('preconditions false → skip; unresolved variable in a patch → error', () => {
    const p = policy([
      { preconditions: { all: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'DELETE' }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } },
      { mutate: { patchStrategicMerge: { metadata: { labels: { a: '{{ request.object.metadata.labels.missing }}' } } } } },
    ]);
    expect(mutatePolicy(p, pod()).results.map((x) => x.status)).toEqual(['skip', 'error']);
  });

  it('foreach with elementIndex and Descending order removes by index safely', () => {
    const p = policy([
      {
        mutate: {
          foreach: [
            {
              list: 'request.object.spec.volumes[]',
              order: 'Descending',
              preconditions: { all: [{ key: 'hostPath', operator: 'AnyIn', value: '{{ element.keys(@) }}' }] },
              patchesJson6902: '- path: /spec/volumes/{{elementIndex}}\n  op: remove',
            },
          ],
        },
      },
    ]);
    const r = mutatePolicy(p, pod({ volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'b', emptyDir: {} }, { name: 'c', hostPath: { path: '/c' } }] }));
    expect((r.patched as Obj).spec.volumes).toEqual([{ name: 'b', emptyDir: {} }]);
    expect(r.results[0].status).toBe('pass');
  });

  it('foreach strategic merge with element variables (in keys too)', () => {
    const p = policy([
      {
        mutate: {
          foreach: [
            {
              list: 'request.object.spec.containers',
              patchStrategicMerge: {
                metadata: { annotations: { 'c/{{element.name}}': '{{element.image}}' } },
                spec: { containers: [{ '(name)': '{{element.name}}', resources: { requests: { '+(cpu)': '100m' } } }] },
              },
            },
          ],
        },
      },
    ]);
    const r = mutatePolicy(p, pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', resources: { requests: { cpu: '1' } } }] }));
    expect((r.patched as Obj).metadata.annotations).toEqual({ 'c/a': 'x', 'c/b': 'y' });
    expect((r.patched as Obj).spec.containers).toEqual([
      { name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } },
      { name: 'b', image: 'y', resources: { requests: { cpu: '1' } } },
    ]);
  });

  it('autogen wraps the overlay for controllers (autogen-<rule> under spec.template)', () => {
    const p = policy([{ name: 'label', mutate: { patchStrategicMerge: { metadata: { labels: { '+(team)': 'a' } } } } }]);
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { metadata: {}, spec: pod().spec } } };
    const r = mutatePolicy(p, deploy);
    expect(r.results[0]).toMatchObject({ rule: 'autogen-label', status: 'pass', message: 'mutated Deployment/d in namespace default' });
    expect((r.patched as Obj).spec.template.metadata.labels).toEqual({ team: 'a' });
    expect(deploy.spec.template.metadata).toEqual({}); // input untouched
  });

  it('cluster-scoped resources get the short message', () => {
    const p = { ...policy([{ mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } }]) };
    p.spec.rules[0].match = { any: [{ resources: { kinds: ['Namespace'] } }] };
    const r = mutatePolicy(p, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    expect(r.results[0].message).toBe('mutated Namespace/ns');
  });
});

describe('patched resource comparison (kyverno test)', () => {
  it('tidies null, {} and [] and ignores generate labels', () => {
    expect(tidy({ a: null, b: {}, c: [], d: { e: [{}] }, f: 1 })).toEqual({ f: 1 });
    const a = { kind: 'Pod', metadata: { name: 'x', labels: { 'generate.kyverno.io/x': 'y' } }, spec: { volumes: [] } };
    expect(resourcesEqual(a, { kind: 'Pod', metadata: { name: 'x' } })).toBe(true);
    expect(resourcesEqual(a, { kind: 'Pod', metadata: { name: 'y' } })).toBe(false);
  });
});

describe('mutation as document edits', () => {
  it('sets and deletes only what changed (lists of maps element by element)', async () => {
    const { diffEdits } = await import('../../../src/policy/mutate');
    const before = { metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'x' }], tolerations: ['t'] } };
    const after = { metadata: { name: 'p', labels: { a: '9', c: '3' } }, spec: { containers: [{ name: 'c', image: 'y' }], tolerations: ['t', 'u'] } };
    expect(diffEdits(before, after)).toEqual([
      { op: 'delete', path: ['metadata', 'labels', 'b'] },
      { op: 'set', path: ['metadata', 'labels', 'a'], value: '9' },
      { op: 'set', path: ['metadata', 'labels', 'c'], value: '3' },
      { op: 'set', path: ['spec', 'containers', 0, 'image'], value: 'y' },
      { op: 'set', path: ['spec', 'tolerations'], value: ['t', 'u'] },
    ]);
    expect(diffEdits(before, JSON.parse(JSON.stringify(before)))).toEqual([]);
  });
});

describe('mutations for the render (patches and findings)', () => {
  it('names what changed as JSON pointers (escaped), added/changed/removed', async () => {
    const { describeChanges } = await import('../../../src/checks/policy/mutations');
    const before = { metadata: { labels: { 'app.kubernetes.io/name': 'a', old: 'x' } }, spec: { replicas: 1 } };
    const after = { metadata: { labels: { 'app.kubernetes.io/name': 'b', 'a~b': 'y' } }, spec: { replicas: 2 } };
    expect(describeChanges(before, after)).toBe('removed /metadata/labels/old, changed /metadata/labels/app.kubernetes.io~1name, added /metadata/labels/a~0b, changed /spec/replicas');
  });

  it('turns applied mutate rules into set patches and info findings', async () => {
    const { applyMutations } = await import('../../../src/checks/policy/mutations');
    const p = policy([{ name: 'team', mutate: { patchStrategicMerge: { metadata: { labels: { '+(team)': 'a' } } } } }]);
    const loaded = { name: 'm', source: 'test', policy: p, kinds: new Set(['Pod']), actions: new Map(), mutates: true };
    const ref = { index: 3, line: 10, kind: 'Pod', name: 'p' };
    const on = { apply: true, mode: 'audit' as const };
    const input = pod();
    const out = applyMutations([loaded], input, { index: 3, ref }, on);
    expect(out.patches).toEqual([{ op: 'set', doc: 3, path: ['metadata', 'labels'], value: { team: 'a' }, reason: 'mutated by m/team' }]);
    expect(out.findings).toEqual([{ check: 'policy', rule: 'm/team', result: 'info', enforce: false, message: 'Pod/p in namespace default mutated: added /metadata/labels', document: ref }]);
    expect((out.resource as Obj).metadata.labels).toEqual({ team: 'a' });
    expect(input.metadata).not.toHaveProperty('labels'); // the parsed document is not changed
    const none = applyMutations([loaded], pod({}, { labels: { team: 'b' } }), { index: 3, ref }, on);
    expect(none.patches).toEqual([]);
    expect(none.findings).toEqual([]);
    // apply off: the same finding as "would be", no patch, the input handed on
    const off = applyMutations([loaded], input, { index: 3, ref }, { apply: false, mode: 'audit' });
    expect(off.patches).toEqual([]);
    expect(off.resource).toBe(input);
    expect(off.findings[0].message).toBe('Pod/p in namespace default would be mutated: added /metadata/labels (not applied: --no-mutate)');
  });
});
