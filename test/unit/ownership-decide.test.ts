import { describe, expect, it } from 'vitest';
import { readStream } from '../../src/read/document';
import { collectObjects, compareKinds } from '../../src/checks/ownership/objects';
import { goQuote, objectKey, resourceString } from '../../src/checks/ownership/keys';
import { ownershipProblems } from '../../src/checks/ownership/decide';
import { obj, predict, stream, type Scenario } from './ownership-helpers';

const CM = obj('ConfigMap', 'shared-config');
const CM_KEY = 'v1/ConfigMap/default/shared-config';
const PREFIX = 'unable to continue with install: ConfigMap "shared-config" in namespace "default" exists and cannot be imported into the current release: invalid ownership metadata; ';

describe('keys', () => {
  it('builds Helm objectKeys (GroupVersion.String(): no group for core)', () => {
    expect(objectKey('v1', 'ConfigMap', 'ns', 'x')).toBe('v1/ConfigMap/ns/x');
    expect(objectKey('apps/v1', 'Deployment', 'namespace', 'name')).toBe('apps/v1/Deployment/namespace/name');
    expect(objectKey('rbac.authorization.k8s.io/v1', 'ClusterRole', '', 'admin')).toBe('rbac.authorization.k8s.io/v1/ClusterRole//admin');
  });
  it('quotes like Go %q', () => {
    expect(goQuote('plain')).toBe('"plain"');
    expect(goQuote('a"b\\c\n\t')).toBe('"a\\"b\\\\c\\n\\t"');
    expect(goQuote('\u0001é\u00a0')).toBe('"\\x01é\\u00a0"');
    expect(resourceString('ClusterRole', 'admin', '')).toBe('ClusterRole "admin" in namespace ""');
  });
  it('sorts kinds like Helm InstallOrder (unknown last, alphabetically)', () => {
    const kinds = ['Widget', 'Deployment', 'Apple', 'Namespace', 'ConfigMap', 'ValidatingWebhookConfiguration'];
    expect([...kinds].sort(compareKinds)).toEqual(['Namespace', 'ConfigMap', 'Deployment', 'ValidatingWebhookConfiguration', 'Apple', 'Widget']);
  });
});

describe('namespace defaulting and scope', () => {
  const s = stream(
    obj('ConfigMap', 'plain'),
    obj('ConfigMap', 'pinned', { namespace: 'other' }),
    obj('ClusterRole', 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1' }),
    obj('ClusterRole', 'pinned-role', { apiVersion: 'rbac.authorization.k8s.io/v1', namespace: 'x' }),
    obj('Widget', 'w', { apiVersion: 'example.com/v1' }),
    obj('Gadget', 'g', { apiVersion: 'example.com/v1' }),
    obj('CustomResourceDefinition', 'gadgets.example.com', {
      apiVersion: 'apiextensions.k8s.io/v1',
      extra: 'spec:\n  group: example.com\n  scope: Cluster\n  names:\n    kind: Gadget\n    plural: gadgets',
    }),
  );
  const objects = collectObjects(readStream(s), { releaseNamespace: 'prod', scopes: { 'example.com/Thing': 'Cluster' } });
  const by = (name: string) => objects.find((o) => o.name === name)!;
  it.each([
    ['plain', 'prod', 'builtin', 'v1/ConfigMap/prod/plain'],
    ['pinned', 'other', 'builtin', 'v1/ConfigMap/other/pinned'],
    ['reader', '', 'builtin', 'rbac.authorization.k8s.io/v1/ClusterRole//reader'],
    // Helm's kube client (cli-runtime FilterNamespace) clears a namespace written on a cluster-scoped
    // object: verified against a real API server in test/e2e/ownership.e2e.test.ts
    ['pinned-role', '', 'builtin', 'rbac.authorization.k8s.io/v1/ClusterRole//pinned-role'],
    ['w', 'prod', 'assumed', 'example.com/v1/Widget/prod/w'],
    ['g', '', 'crd', 'example.com/v1/Gadget//g'],
  ])('%s → namespace "%s" (%s)', (name, ns, source, key) => {
    expect(by(name)).toMatchObject({ namespace: ns, scopeSource: source, key });
  });
  it('takes scopes from the snapshot', () => {
    const o = collectObjects(readStream(stream(obj('Thing', 't', { apiVersion: 'example.com/v2' }))), {
      releaseNamespace: 'prod',
      scopes: { 'example.com/Thing': 'Cluster' },
    });
    expect(o[0]).toMatchObject({ namespace: '', scope: 'Cluster', scopeSource: 'snapshot' });
  });
  it('flattens lists in place', () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata: {name: one}',
      '- apiVersion: v1',
      '  kind: Secret',
      '  metadata: {name: two, namespace: other}',
    ].join('\n');
    const o = collectObjects(readStream(stream(list)), { releaseNamespace: 'prod' });
    expect(o.map((x) => x.key)).toEqual(['v1/ConfigMap/prod/one', 'v1/Secret/other/two']);
  });
});

interface Row {
  name: string;
  docs: string[];
  sc: Scenario;
  /** Classification per object, in Helm's order. */
  classes?: string[];
  error?: string | RegExp | null;
}

const unmanaged = [null, null, null] as [null, null, null];
const rows: Row[] = [
  { name: 'install, object absent: created', docs: [CM], sc: { live: { [CM_KEY]: 0 } }, classes: ['new'], error: null },
  { name: 'install, owned by this release', docs: [CM], sc: { live: { [CM_KEY]: ['Helm', 'a', 'default'] } }, classes: ['owned'], error: null },
  {
    name: 'install over another release (helm install b after a; real Helm text)',
    docs: [CM],
    sc: { release: 'b', live: { [CM_KEY]: ['Helm', 'a', 'default'] } },
    classes: ['other-release'],
    error: PREFIX + 'annotation validation error: key "meta.helm.sh/release-name" must equal "b": current value is "a"',
  },
  {
    name: 'object created with kubectl create: all three problems in one message',
    docs: [CM],
    sc: { release: 'c', live: { [CM_KEY]: unmanaged } },
    classes: ['unmanaged'],
    error:
      PREFIX +
      'label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; ' +
      'annotation validation error: missing key "meta.helm.sh/release-name": must be set to "c"; ' +
      'annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "default"',
  },
  {
    name: 'same release name in another namespace',
    docs: [CM],
    sc: { live: { [CM_KEY]: ['Helm', 'a', 'staging'] } },
    classes: ['other-release'],
    error: PREFIX + 'annotation validation error: key "meta.helm.sh/release-namespace" must equal "default": current value is "staging"',
  },
  {
    name: 'partial: only the label',
    docs: [CM],
    sc: { live: { [CM_KEY]: ['Helm', null, null] } },
    classes: ['partial'],
    error:
      PREFIX +
      'annotation validation error: missing key "meta.helm.sh/release-name": must be set to "a"; ' +
      'annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "default"',
  },
  {
    name: 'partial: wrong label value, right annotations',
    docs: [CM],
    sc: { live: { [CM_KEY]: ['helm', 'a', 'default'] } },
    classes: ['partial'],
    error: PREFIX + 'label validation error: key "app.kubernetes.io/managed-by" must equal "Helm": current value is "helm"',
  },
  {
    name: 'partial: annotations without the label',
    docs: [CM],
    sc: { live: { [CM_KEY]: [null, 'a', 'default'] } },
    classes: ['partial'],
    error: PREFIX + 'label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"',
  },
  {
    name: 'explicit namespace: checked in that namespace',
    docs: [obj('ConfigMap', 'x', { namespace: 'kube-public' })],
    sc: { live: { 'v1/ConfigMap/kube-public/x': ['Helm', 'z', 'kube-public'] } },
    classes: ['other-release'],
    error:
      'unable to continue with install: ConfigMap "x" in namespace "kube-public" exists and cannot be imported into the current release: invalid ownership metadata; ' +
      'annotation validation error: key "meta.helm.sh/release-name" must equal "a": current value is "z"; ' +
      'annotation validation error: key "meta.helm.sh/release-namespace" must equal "default": current value is "kube-public"',
  },
  {
    name: 'cluster-scoped object owned elsewhere: namespace ""',
    docs: [obj('ClusterRole', 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1' })],
    sc: { live: { 'rbac.authorization.k8s.io/v1/ClusterRole//reader': ['Helm', 'other', 'ns2'] } },
    classes: ['other-release'],
    error:
      'unable to continue with install: ClusterRole "reader" in namespace "" exists and cannot be imported into the current release: invalid ownership metadata; ' +
      'annotation validation error: key "meta.helm.sh/release-name" must equal "a": current value is "other"; ' +
      'annotation validation error: key "meta.helm.sh/release-namespace" must equal "default": current value is "ns2"',
  },
  {
    name: 'CRD in templates is an ordinary object',
    docs: [obj('CustomResourceDefinition', 'widgets.example.com', { apiVersion: 'apiextensions.k8s.io/v1' })],
    sc: { live: { 'apiextensions.k8s.io/v1/CustomResourceDefinition//widgets.example.com': unmanaged } },
    classes: ['unmanaged'],
    error: /^unable to continue with install: CustomResourceDefinition "widgets.example.com" in namespace "" exists/,
  },
  {
    name: 'live entry at another version matches (versions serve one object)',
    docs: [obj('Deployment', 'web', { apiVersion: 'apps/v1' })],
    sc: { live: { 'apps/v1beta2/Deployment/default/web': unmanaged } },
    classes: ['unmanaged'],
    error: /^unable to continue with install: Deployment "web" in namespace "default" exists/,
  },
  {
    name: 'hooks are never checked',
    docs: [obj('ConfigMap', 'shared-config', { hook: 'pre-install' })],
    sc: { live: { [CM_KEY]: unmanaged } },
    classes: ['hook'],
    error: null,
  },
  {
    name: 'generateName alone is skipped',
    docs: [obj('Job', '', { apiVersion: 'batch/v1', noName: true, generateName: 'migrate-' })],
    sc: {},
    classes: ['generate-name'],
    error: null,
  },
  {
    name: 'name and generateName: Helm errors before any lookup',
    docs: [obj('Job', 'migrate', { apiVersion: 'batch/v1', generateName: 'migrate-' })],
    sc: {},
    classes: ['name-and-generate-name'],
    error: 'unable to continue with install: metadata.name and metadata.generateName cannot both be set',
  },
  {
    name: 'first conflict in Helm order: kind order beats document order',
    docs: [obj('Deployment', 'web', { apiVersion: 'apps/v1' }), CM],
    sc: { live: { 'apps/v1/Deployment/default/web': unmanaged, [CM_KEY]: ['Helm', 'x', 'default'] } },
    classes: ['other-release', 'unmanaged'],
    error: PREFIX + 'annotation validation error: key "meta.helm.sh/release-name" must equal "a": current value is "x"',
  },
  {
    name: 'first conflict in Helm order: file names sorted, then document order',
    docs: [obj('ConfigMap', 'in-b', { file: 'c/templates/b.yaml' }), obj('ConfigMap', 'in-a', { file: 'c/templates/a.yaml' })],
    sc: { live: { 'v1/ConfigMap/default/in-a': unmanaged, 'v1/ConfigMap/default/in-b': unmanaged } },
    classes: ['unmanaged', 'unmanaged'],
    error: /ConfigMap "in-a" in namespace "default" exists/,
  },
  {
    name: 'lookup error stops Helm',
    docs: [CM],
    sc: { live: { [CM_KEY]: 'configmaps "shared-config" is forbidden: User "ci" cannot get resource' } },
    classes: ['lookup-error'],
    error:
      'unable to continue with install: could not get information about the resource ConfigMap "shared-config" in namespace "default": configmaps "shared-config" is forbidden: User "ci" cannot get resource',
  },
  {
    name: '--take-ownership adopts without checking metadata',
    docs: [CM, obj('Secret', 's')],
    sc: { takeOwnership: true, live: { [CM_KEY]: ['Helm', 'b', 'default'], 'v1/Secret/default/s': unmanaged } },
    classes: ['unmanaged', 'other-release'],
    error: null,
  },
  {
    name: '--take-ownership still fails on a lookup error',
    docs: [CM],
    sc: { takeOwnership: true, live: { [CM_KEY]: 'timeout' } },
    classes: ['lookup-error'],
    error: /could not get information about the resource ConfigMap "shared-config"/,
  },
  {
    name: '--take-ownership still fails on name and generateName',
    docs: [obj('Job', 'migrate', { apiVersion: 'batch/v1', generateName: 'migrate-' })],
    sc: { takeOwnership: true },
    classes: ['name-and-generate-name'],
    error: 'unable to continue with install: metadata.name and metadata.generateName cannot both be set',
  },
  {
    name: 'upgrade a after b took the object over: not checked, succeeds',
    docs: [CM],
    sc: { upgrade: true, previous: [CM_KEY], live: { [CM_KEY]: ['Helm', 'b', 'default'] } },
    classes: ['in-previous-release'],
    error: null,
  },
  {
    name: 'upgrade adding an object that exists: "update"',
    docs: [CM, obj('Service', 'api')],
    sc: { upgrade: true, previous: [CM_KEY], live: { [CM_KEY]: ['Helm', 'a', 'default'], 'v1/Service/default/api': unmanaged } },
    classes: ['in-previous-release', 'unmanaged'],
    error: /^unable to continue with update: Service "api" in namespace "default" exists and cannot be imported into the current release: invalid ownership metadata; label validation error/,
  },
  {
    name: 'upgrade: an apiVersion change makes the object new to the release',
    docs: [obj('Ingress', 'web', { apiVersion: 'networking.k8s.io/v1' })],
    sc: {
      upgrade: true,
      previous: ['extensions/v1beta1/Ingress/default/web'],
      live: { 'networking.k8s.io/v1/Ingress/default/web': ['Helm', 'a', 'default'] },
    },
    classes: ['owned'],
    error: null,
  },
  {
    name: 'upgrade: name and generateName on a known object is not checked',
    docs: [obj('Job', 'migrate', { apiVersion: 'batch/v1', generateName: 'migrate-' })],
    sc: { upgrade: true, previous: ['batch/v1/Job/default/migrate'] },
    classes: ['name-and-generate-name'],
    error: null,
  },
  {
    name: 'unknown live state: no certain prediction',
    docs: [CM],
    sc: { live: {} },
    classes: ['unknown'],
    error: null,
  },
];

describe('decision table', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const res = predict(stream(...r.docs), r.sc);
    if (r.classes) expect(res.decisions.map((d) => d.classification)).toEqual(r.classes);
    if (r.error === null) expect(res.helmError).toBeUndefined();
    else if (typeof r.error === 'string') expect(res.helmError).toBe(r.error);
    else if (r.error) expect(res.helmError).toMatch(r.error);
  });

  it('lists every conflict, not only the first', () => {
    const res = predict(stream(obj('ConfigMap', 'a1'), obj('ConfigMap', 'a2'), obj('ConfigMap', 'a3')), {
      live: { 'v1/ConfigMap/default/a1': 0, 'v1/ConfigMap/default/a2': unmanaged, 'v1/ConfigMap/default/a3': ['Helm', 'b', 'default'] },
    });
    expect(res.decisions.map((d) => d.outcome)).toEqual(['ok', 'conflict', 'conflict']);
    expect(res.stopsAt?.object.name).toBe('a2');
    expect(res.uncertain).toBe(false);
  });

  it('marks the prediction uncertain when an unknown object precedes the stop', () => {
    const res = predict(stream(obj('ConfigMap', 'a1'), obj('ConfigMap', 'a2')), { live: { 'v1/ConfigMap/default/a2': unmanaged } });
    expect(res.stopsAt?.object.name).toBe('a2');
    expect(res.uncertain).toBe(true);
  });

  it('an upgrade without the previous keys checks everything, uncertainly', () => {
    const res = predict(stream(CM), { upgrade: true, live: { [CM_KEY]: unmanaged } });
    expect(res.decisions[0]).toMatchObject({ checked: true, uncertain: true, outcome: 'conflict' });
    expect(res.uncertain).toBe(true);
    expect(res.helmError).toMatch(/^unable to continue with update: /);
  });

  it('keeps what the live state says about unchecked objects', () => {
    const res = predict(stream(CM), { upgrade: true, previous: [CM_KEY], live: { [CM_KEY]: ['Helm', 'b', 'default'] } });
    expect(res.decisions[0]).toMatchObject({ checked: false, liveClassification: 'other-release' });
  });

  it('reproduces checkOwnership in order: label, release-name, release-namespace', () => {
    expect(ownershipProblems({ managedBy: 'Tiller', releaseName: 'x', releaseNamespace: 'y' }, 'r', 'n')).toEqual([
      'label validation error: key "app.kubernetes.io/managed-by" must equal "Helm": current value is "Tiller"',
      'annotation validation error: key "meta.helm.sh/release-name" must equal "r": current value is "x"',
      'annotation validation error: key "meta.helm.sh/release-namespace" must equal "n": current value is "y"',
    ]);
  });
});
