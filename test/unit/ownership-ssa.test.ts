// Server-side apply conflict prediction (src/checks/ownership/ssa.ts, apply.ts). The managedFields
// below are what kube-apiserver v1.37.2 recorded for objects created with `?fieldManager=kubectl-create`
// (test/e2e/ownership.e2e.test.ts compares the predictions with real Helm on that server).
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/args';
import { runWarden } from '../../src/core';
import { encodeSnapshot, parseSnapshot } from '../../src/checks/ownership/snapshot';
import {
  applyConflicts,
  conflictMessage,
  helmApplyError,
  ownedFieldsForRender,
  valueHash,
  wholeObjectFields,
  withHelmMetadata,
  type ManagerFields,
  type OwnedTree,
} from '../../src/checks/ownership/ssa';

/** A Service created with spec.ports [{port: 80, name: http}, {port: 443, name: https}] and label app=a. */
const SVC_FIELDS = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:internalTrafficPolicy': {},
    'f:ports': {
      '.': {},
      'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} },
      'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} },
    },
    'f:selector': {},
    'f:sessionAffinity': {},
    'f:type': {},
  },
};
const SVC_LIVE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', labels: { app: 'a' } },
  spec: {
    internalTrafficPolicy: 'Cluster',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
    ],
    selector: { app: 'a', tier: 'x' },
    sessionAffinity: 'None',
    type: 'ClusterIP',
  },
};
const svc = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', ...(labels ? { labels } : {}) }, spec });

/** The snapshot's pruned tree, then the conflicts — the way the producer and the plugin split the work. */
function conflicts(fieldsV1: Record<string, unknown>, live: unknown, rendered: Record<string, unknown>, m: [string, 'A' | 'U', string, string] = ['kubectl-create', 'U', 'v1', ''], hashAll = false, all = false) {
  const applied = withHelmMetadata(rendered, 'rel', 'ns');
  const tree = ownedFieldsForRender(fieldsV1, applied, live, hashAll, all);
  return { tree, conflicts: tree ? applyConflicts([[...m, tree] as ManagerFields], applied) : [] };
}

describe('server-side apply conflicts (decision table, checked against kube-apiserver)', () => {
  it('a defaulted field the chart sets differently conflicts; key fields get their schema default (protocol TCP)', () => {
    const r = conflicts(SVC_FIELDS, SVC_LIVE, svc({ ports: [{ port: 80, targetPort: 8080 }] }));
    expect(r.conflicts.map((c) => c.path)).toEqual(['.spec.ports[port=80,protocol="TCP"].targetPort']);
    expect(conflictMessage(r.conflicts)).toBe('Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
    // Only the fields the render sets to another value are kept in the snapshot, with their live values.
    expect(r.tree).toEqual({ 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': { '=': 80 } } } } });
    expect(conflicts(SVC_FIELDS, SVC_LIVE, svc({ ports: [{ port: 80, targetPort: 8080 }] }), undefined, false, true).tree).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:port': { '=': 80 }, 'f:targetPort': { '=': 80 } } } },
    });
  });

  it('equal values, fields left out, new list items and new map keys never conflict', () => {
    for (const all of [false, true]) {
      // all: the equal leaves kept in the tree, so the plugin's own comparison decides.
      const a = conflicts(SVC_FIELDS, SVC_LIVE, svc({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80, name: 'http' }, { port: 8443 }] }, { app: 'a', other: 'b' }), undefined, false, all);
      expect(a.conflicts).toEqual([]);
      expect(a.tree === undefined).toBe(!all);
      const b = conflicts(SVC_FIELDS, SVC_LIVE, svc({ type: 'ClusterIP', selector: { tier: 'x', app: 'a' } }), undefined, false, all);
      expect(b.conflicts).toEqual([]);
      expect(b.tree === undefined).toBe(!all);
    }
  });

  it('values compare literally: "80" is not 80, "0.5" is not the stored 500m', () => {
    expect(conflicts(SVC_FIELDS, SVC_LIVE, svc({ ports: [{ port: 80, targetPort: '80' }] })).conflicts).toHaveLength(1);
    const cm = { 'f:data': { '.': {}, 'f:cpu': {} } };
    expect(conflicts(cm, { data: { cpu: '500m' } }, { data: { cpu: '0.5' } }).conflicts).toHaveLength(1);
  });

  it('atomic maps conflict as a whole (a subset is a change); granular structs only by their own fields', () => {
    const sub = conflicts(SVC_FIELDS, SVC_LIVE, svc({ selector: { app: 'a' } }));
    expect(sub.conflicts.map((c) => c.path)).toEqual(['.spec.selector']);
    const dep = { 'f:spec': { 'f:template': { 'f:spec': { 'f:securityContext': {} } } } };
    const live = { spec: { template: { spec: { securityContext: {} } } } };
    expect(conflicts(dep, live, { spec: { template: { spec: { securityContext: { runAsUser: 1 } } } } }).conflicts).toEqual([]);
  });

  it('several fields: one manager per block, leaves before sub-trees at each level, each sorted', () => {
    const r = conflicts(SVC_FIELDS, SVC_LIVE, svc({ selector: { app: 'b' }, ports: [{ port: 80, targetPort: 8080 }] }, { app: 'b' }));
    expect(conflictMessage(r.conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "kubectl-create" using v1:\n- .metadata.labels.app\n- .spec.selector\n- .spec.ports[port=80,protocol="TCP"].targetPort',
    );
  });

  it('managers are sorted by their identifier; an Apply manager is printed without "using"', () => {
    const rendered = withHelmMetadata({ data: { a: '9', e: '7', f: '0' } }, 'rel', 'ns');
    const live = { data: { a: '1', e: '5', f: '6' } };
    const mk = (name: string, op: 'A' | 'U', key: string): ManagerFields => [name, op, 'v1', '', ownedFieldsForRender({ 'f:data': { [`f:${key}`]: {} } }, rendered, live, false) as OwnedTree];
    const c = applyConflicts([mk('kubectl-edit', 'U', 'e'), mk('kubectl-create', 'U', 'a'), mk('argocd', 'A', 'f')], rendered);
    expect(conflictMessage(c)).toBe(
      'Apply failed with 3 conflicts: conflicts with "argocd":\n- .data.f\nconflicts with "kubectl-create" using v1:\n- .data.a\nconflicts with "kubectl-edit" using v1:\n- .data.e',
    );
  });

  it('containers by name, env by name, atomic args; Helm\'s labels are part of what it applies', () => {
    const fields = {
      'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:env': { 'k:{"name":"A"}': { 'f:value': {} } } } } } },
      },
    };
    const live = {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'kustomize' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1', args: ['a', 'b'], env: [{ name: 'A', value: '1' }] }] } } },
    };
    const rendered = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'side', image: 'x' }, { name: 'web', image: 'nginx:2', args: ['a'], env: [{ name: 'B', value: '1' }, { name: 'A', value: '2' }] }] } } } };
    const r = conflicts(fields, live, rendered, ['kubectl-create', 'U', 'apps/v1', '']);
    expect(r.conflicts.map((c) => c.path)).toEqual([
      '.metadata.labels.app.kubernetes.io/managed-by',
      '.spec.template.spec.containers[name="web"].args',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].env[name="A"].value',
    ]);
    expect(helmApplyError({ group: 'apps', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'web' }, r.conflicts)).toMatch(
      /^conflict occurred while applying object ns\/web apps\/v1, Kind=Deployment: Apply failed with 4 conflicts: conflicts with "kubectl-create" using apps\/v1:\n- /,
    );
  });

  it('Secrets and long values are hashed in the snapshot, and still compared', () => {
    const fields = { 'f:data': { 'f:password': {} } };
    const r = conflicts(fields, { data: { password: 'c2VjcmV0' } }, { data: { password: 'b3RoZXI=' } }, undefined, true);
    expect(JSON.stringify(r.tree)).not.toContain('c2VjcmV0');
    expect(r.tree).toEqual({ 'f:data': { 'f:password': { '#': valueHash('c2VjcmV0') } } });
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0].live).toBeUndefined();
    expect(conflicts(fields, { data: { password: 'c2VjcmV0' } }, { data: { password: 'c2VjcmV0' } }, undefined, true).conflicts).toEqual([]);
  });

  it('an object without managedFields: every field belongs to before-first-apply', () => {
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', uid: 'u', labels: { l: '1' } }, data: { k: 'v', same: 's' } };
    const f = wholeObjectFields(live);
    expect(f).toEqual({ 'f:metadata': { 'f:labels': { 'f:l': {} } }, 'f:data': { 'f:k': {}, 'f:same': {} } });
    const r = conflicts(f, live, { data: { k: 'w', same: 's' } }, ['before-first-apply', 'U', 'v1', '']);
    expect(conflictMessage(r.conflicts)).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.k');
  });
});

describe('apply conflicts in the ownership check', () => {
  const SVC = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: api',
    'spec:',
    '  ports:',
    '  - port: 80',
    '    targetPort: 8080',
    '',
  ].join('\n');
  const tree = { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': { '=': 80 } } } } };
  const snapshot = (extra: Record<string, unknown> = {}) =>
    encodeSnapshot({ v: 2, r: 'web', n: 'prod', o: { 'v1/Service/prod/api': [null, null, null] }, f: { 'v1/Service/prod/api': [['kubectl-create', 'U', 'v1', '', tree]] }, ...extra });
  const run = (args: string[]) => runWarden(SVC, parseArgs(['--checks=ownership', '--release=web', '--namespace=prod', `--snapshot=${snapshot()}`, ...args]));
  const expected = 'conflict occurred while applying object prod/api /v1, Kind=Service: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort';

  it('--take-ownership in enforce mode: blocks with the API server\'s message; audit: a warning', () => {
    const r = run(['--take-ownership', '--mode=enforce']);
    expect(r.exitCode).toBe(1);
    const f = r.findings.find((x) => x.rule === 'ownership/apply-conflict');
    expect(f?.result).toBe('fail');
    expect(f?.message).toContain(`the install fails with: ${expected}`);
    expect(f?.message).toContain('.spec.ports[port=80,protocol="TCP"].targetPort: chart 8080, live 80, owned by "kubectl-create" using v1');
    expect(r.findings.find((x) => x.rule === 'ownership/prediction')?.message).toMatch(new RegExp(`passes the ownership check, then its server-side apply would fail with: ${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const audit = run(['--take-ownership']);
    expect(audit.exitCode).toBe(0);
    expect(audit.findings.find((x) => x.rule === 'ownership/apply-conflict')?.result).toBe('warn');
  });

  it('no prediction while Helm stops at its ownership check; --force-conflicts and --server-side=false', () => {
    expect(run(['--mode=enforce']).findings.map((f) => f.rule)).not.toContain('ownership/apply-conflict');
    const forced = run(['--take-ownership', '--mode=enforce', '--force-conflicts']);
    expect(forced.exitCode).toBe(0);
    expect(forced.findings.find((x) => x.rule === 'ownership/apply-overwrites')?.message).toContain('--force-conflicts makes Helm the manager of 1 field');
    const csa = run(['--take-ownership', '--mode=enforce', '--server-side=false']);
    expect(csa.exitCode).toBe(0);
    expect(csa.findings.find((x) => x.rule === 'ownership/apply-not-predicted')?.message).toContain('--server-side=false');
  });

  it('Helm\'s own apply entry never conflicts; its Update entry only on an SSA→SSA upgrade', () => {
    const helmApply = encodeSnapshot({ v: 2, r: 'web', n: 'prod', o: { 'v1/Service/prod/api': [null, null, null] }, f: { 'v1/Service/prod/api': [['helm', 'A', 'v1', '', tree]] } });
    expect(runWarden(SVC, parseArgs(['--checks=ownership', '--take-ownership', '--mode=enforce', `--snapshot=${helmApply}`])).exitCode).toBe(0);
    const upd = (a: string) =>
      encodeSnapshot({ v: 2, r: 'web', n: 'prod', a, p: [], o: { 'v1/Service/prod/api': [null, null, null] }, f: { 'v1/Service/prod/api': [['helm', 'U', 'v1', '', tree]] } });
    expect(runWarden(SVC, parseArgs(['--checks=ownership', '--take-ownership', '--mode=enforce', `--snapshot=${upd('ssa')}`])).exitCode).toBe(1);
    // From a client-side release (csa) Helm upgrades client-side: no conflicts at all.
    expect(runWarden(SVC, parseArgs(['--checks=ownership', '--take-ownership', '--mode=enforce', `--snapshot=${upd('csa')}`])).exitCode).toBe(0);
  });

  it('the snapshot keeps "f" and "a" (version 2)', () => {
    const s = parseSnapshot(snapshot({ a: 'ssa' }));
    expect(s.version).toBe(2);
    expect(s.applyMethod).toBe('ssa');
    expect(s.fields?.get('|Service|prod|api')).toEqual([['kubectl-create', 'U', 'v1', '', tree]]);
  });
});

describe('manager names as the API server prints them', () => {
  it('a manager that wrote through a subresource (kubectl scale, the HPA controller)', () => {
    const rendered = withHelmMetadata({ spec: { replicas: 1 } }, 'rel', 'ns');
    const tree = ownedFieldsForRender({ 'f:spec': { 'f:replicas': {} } }, rendered, { spec: { replicas: 3 } }, false) as OwnedTree;
    const c = applyConflicts([['kubectl-scale', 'U', 'apps/v1', 'scale', tree]], rendered);
    expect(conflictMessage(c)).toBe('Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
  });
  it('keyed items in key order (numbers numerically)', () => {
    const fields = { 'f:spec': { 'f:ports': { 'k:{"port":443,"protocol":"TCP"}': { 'f:targetPort': {} }, 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': {} } } } };
    const live = { spec: { ports: [{ port: 443, protocol: 'TCP', targetPort: 443 }, { port: 80, protocol: 'TCP', targetPort: 80 }] } };
    const r = conflicts(fields, live, { spec: { ports: [{ port: 443, targetPort: 8443 }, { port: 80, targetPort: 8080 }] } });
    expect(r.conflicts.map((x) => x.path)).toEqual(['.spec.ports[port=80,protocol="TCP"].targetPort', '.spec.ports[port=443,protocol="TCP"].targetPort']);
  });
});
