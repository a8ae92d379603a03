import { describe, expect, it } from 'vitest';
import { defaultOptions, parseArgs, type WardenOptions } from '../../src/args';
import { handleHelmInput, runWarden } from '../../src/core';
import { readStream } from '../../src/read/document';
import { collectObjects } from '../../src/checks/ownership/objects';
import { staticProblems } from '../../src/checks/ownership/static';
import { encodeSnapshot, type SnapshotJson } from '../../src/checks/ownership/snapshot';
import type { Finding } from '../../src/report/finding';
import { obj, stream } from './ownership-helpers';

const RBAC = 'rbac.authorization.k8s.io/v1';

function statics(s: string, release?: string, namespace = 'default') {
  const objects = collectObjects(readStream(s), { releaseNamespace: namespace });
  return staticProblems(objects, { release, namespace }).map((p) => `${p.rule} ${p.object.kind}/${p.object.name}`);
}

describe('static problems', () => {
  it('finds duplicates by group/kind/namespace/name, across versions and defaulted namespaces', () => {
    const s = stream(
      obj('Deployment', 'web', { apiVersion: 'apps/v1' }),
      obj('Deployment', 'web', { apiVersion: 'apps/v1beta2', namespace: 'default' }),
      obj('ConfigMap', 'web'),
      obj('ConfigMap', 'web', { namespace: 'other' }),
      obj('ConfigMap', 'hooked', { hook: 'pre-install' }),
      obj('ConfigMap', 'hooked'),
    );
    expect(statics(s).filter((x) => x.startsWith('duplicate'))).toEqual(['duplicate-object Deployment/web']);
  });
  it('flags hard-coded namespaces', () => {
    const s = stream(
      obj('ConfigMap', 'a', { namespace: 'default' }),
      obj('ConfigMap', 'b', { namespace: 'kube-system' }),
      obj('ClusterRole', 'r-x', { apiVersion: RBAC, namespace: 'default' }),
    );
    expect(statics(s, 'r')).toEqual(['namespace-mismatch ConfigMap/b', 'namespace-ignored ClusterRole/r-x']);
  });
  it('says nothing about hard-coded namespaces when the release namespace was not given', () => {
    // Helm renders {{ .Release.Namespace }} as a literal: without --namespace it cannot be told apart.
    const s = stream(obj('ConfigMap', 'a', { namespace: 'prod' }), obj('ConfigMap', 'b', { namespace: 'kube-system' }));
    const rules = runWarden(s, defaultOptions()).findings.map((f) => f.rule);
    expect(rules).not.toContain('ownership/namespace-mismatch');
    const given = runWarden(s, { ...defaultOptions(), namespace: 'prod' }).findings.filter((f) => f.rule === 'ownership/namespace-mismatch');
    expect(given.map((f) => f.document?.name)).toEqual(['b']);
  });
  it('flags cluster-scoped names that ignore the release', () => {
    const s = stream(
      obj('ClusterRole', 'admin', { apiVersion: RBAC }),
      obj('ClusterRole', 'myrel-reader', { apiVersion: RBAC }),
      obj('ClusterRoleBinding', 'shared-binding', { apiVersion: RBAC }),
      obj('CustomResourceDefinition', 'widgets.example.com', { apiVersion: 'apiextensions.k8s.io/v1' }),
      obj('Namespace', 'monitoring'),
      obj('ConfigMap', 'config'),
    );
    expect(statics(s, 'myrel')).toEqual(['cluster-scoped-name ClusterRole/admin', 'cluster-scoped-name ClusterRoleBinding/shared-binding']);
    // Without a release name only single-word names are suspicious.
    expect(statics(s)).toEqual(['cluster-scoped-name ClusterRole/admin']);
  });
  it('notes each assumed kind once, and name plus generateName', () => {
    const s = stream(
      obj('Widget', 'a', { apiVersion: 'example.com/v1' }),
      obj('Widget', 'b', { apiVersion: 'example.com/v1' }),
      obj('Job', 'j', { apiVersion: 'batch/v1', generateName: 'j-' }),
    );
    expect(statics(s, 'r')).toEqual(['assumed-namespaced Widget/a', 'name-and-generate-name Job/j']);
  });
});

const CM = obj('ConfigMap', 'shared-config', { file: 'web/templates/cm.yaml' });
const SVC = obj('Service', 'web', { file: 'web/templates/svc.yaml' });
const CR = obj('ClusterRole', 'web-reader', { apiVersion: RBAC, file: 'web/templates/rbac.yaml' });
const INPUT = stream(SVC, CM, CR);

function opts(args: string[]): WardenOptions {
  const o = parseArgs(args);
  return { ...o, checks: { policy: false, ownership: true, ingress: false } };
}
const snap = (o: SnapshotJson['o'], extra: Partial<SnapshotJson> = {}) => `--snapshot=${encodeSnapshot({ v: 1, o, ...extra })}`;
const rules = (fs: Finding[]) => fs.filter((f) => f.check === 'ownership').map((f) => `${f.rule}:${f.result}`);

describe('ownership check through runWarden', () => {
  const live: SnapshotJson['o'] = {
    'v1/Service/prod/web': [null, null, null],
    'v1/ConfigMap/prod/shared-config': ['Helm', 'other', 'prod'],
    'rbac.authorization.k8s.io/v1/ClusterRole//web-reader': 0,
  };

  it('without live state: static checks only, one info finding', () => {
    for (const args of [[], ['--release=web'], [snap(live)]]) {
      const r = runWarden(INPUT, opts(args));
      expect(r.manifests).toBe(INPUT);
      expect(rules(r.findings)).toEqual(['ownership/cluster-checks-skipped:info']);
      expect(r.exitCode).toBe(0);
    }
    const r = runWarden(stream(obj('ClusterRole', 'admin', { apiVersion: RBAC })), opts([]));
    expect(rules(r.findings)).toEqual(['ownership/cluster-scoped-name:warn', 'ownership/cluster-checks-skipped:info']);
  });

  it('enforce: every conflict blocks, with owner, Helm text and the fixes; output unchanged', () => {
    const r = runWarden(INPUT, opts(['--mode=enforce', '--release=web', '--namespace=prod', snap(live)]));
    expect(r.manifests).toBe(INPUT);
    expect(r.exitCode).toBe(1);
    expect(rules(r.findings)).toEqual(['ownership/conflict:fail', 'ownership/conflict:fail', 'ownership/prediction:info']);
    const [cm, svc, prediction] = r.findings;
    // Helm visits ConfigMap before Service (InstallOrder) and stops there.
    expect(cm.document).toMatchObject({ kind: 'ConfigMap', name: 'shared-config', namespace: 'prod', source: 'web/templates/cm.yaml' });
    expect(cm.enforce).toBe(true);
    expect(cm.message).toContain('ConfigMap "shared-config" in namespace "prod" belongs to Helm release "other" in namespace "prod"');
    expect(cm.message).toContain(
      'Helm stops at this object with: unable to continue with install: ConfigMap "shared-config" in namespace "prod" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "web": current value is "other"',
    );
    expect(cm.fix).toBe(
      'pass --take-ownership to helm install; or adopt it by hand: kubectl annotate configmap/shared-config --namespace prod meta.helm.sh/release-name=web --overwrite; or rename it so each release has its own',
    );
    expect(svc.message).toContain('Service "web" in namespace "prod" exists without Helm ownership metadata');
    expect(svc.message).not.toContain('Helm stops');
    expect(svc.fix).toContain(
      'kubectl label service/web --namespace prod app.kubernetes.io/managed-by=Helm --overwrite && kubectl annotate service/web --namespace prod meta.helm.sh/release-name=web meta.helm.sh/release-namespace=prod --overwrite',
    );
    expect(prediction.message).toMatch(/^release "web" in namespace "prod": 3 objects checked \(1 other-release, 1 new, 1 unmanaged\)\. Helm install would fail with: unable to continue with install: ConfigMap "shared-config"/);
  });

  it('audit: conflicts are warnings and nothing blocks', () => {
    const r = runWarden(INPUT, opts(['--release=web', '--namespace=prod', snap(live)]));
    expect(r.exitCode).toBe(0);
    expect(rules(r.findings)).toEqual(['ownership/conflict:warn', 'ownership/conflict:warn', 'ownership/prediction:info']);
    expect(r.findings.every((f) => !f.enforce)).toBe(true);
  });

  it('--take-ownership: adoptions, a warning for the object taken from another release', () => {
    const r = runWarden(INPUT, opts(['--mode=enforce', '--release=web', '--namespace=prod', '--take-ownership', snap(live)]));
    expect(r.exitCode).toBe(0);
    expect(r.manifests).toBe(INPUT);
    // A version-1 snapshot has no field ownership: apply conflicts are not predicted, and it says so.
    expect(rules(r.findings)).toEqual(['ownership/will-adopt:warn', 'ownership/will-adopt:info', 'ownership/apply-not-predicted:info', 'ownership/prediction:info']);
    expect(r.findings[0].message).toContain('Release "other" still lists it in its manifest');
    expect(r.findings[3].message).toMatch(/with --take-ownership: .*Helm install passes the ownership check$/);
    expect(r.findings[2].message).toBe("server-side apply conflicts of existing objects not predicted: the snapshot has no field ownership (version 1; take it again with this warden)");
  });

  it('cluster-scoped fix commands have no --namespace; release and namespace may come from the snapshot', () => {
    const r = runWarden(stream(CR), opts(['--mode=enforce', snap({ 'rbac.authorization.k8s.io/v1/ClusterRole//web-reader': ['Helm', null, null] }, { r: 'web', n: 'prod' })]));
    expect(r.exitCode).toBe(1);
    expect(r.findings[0].fix).toContain(
      'kubectl annotate clusterrole.rbac.authorization.k8s.io/web-reader meta.helm.sh/release-name=web meta.helm.sh/release-namespace=prod --overwrite',
    );
    expect(r.findings[0].message).toContain('exists with partial Helm ownership metadata (app.kubernetes.io/managed-by=Helm, no meta.helm.sh/release-name, no meta.helm.sh/release-namespace)');
  });

  it('upgrade: objects of the previous release are not checked, but contested ones are reported', () => {
    const prev = { p: ['v1/ConfigMap/prod/shared-config', 'v1/Service/prod/web'] };
    const r = runWarden(INPUT, opts(['--mode=enforce', '--release=web', '--namespace=prod', snap(live, prev)]));
    expect(r.exitCode).toBe(0);
    // The release's own objects are applied again; the version-1 snapshot has no apply method: not predicted.
    expect(rules(r.findings)).toEqual(['ownership/contested:warn', 'ownership/contested:warn', 'ownership/apply-not-predicted:info', 'ownership/prediction:info']);
    expect(r.findings[3].message).toContain('Helm upgrade passes the ownership check');
  });

  it('upgrade without previous keys: conflicts are only warnings', () => {
    const r = runWarden(INPUT, opts(['--mode=enforce', '--upgrade', '--release=web', '--namespace=prod', snap(live)]));
    expect(r.exitCode).toBe(0);
    expect(rules(r.findings)).toEqual([
      'ownership/previous-release-unknown:info',
      'ownership/conflict:warn',
      'ownership/conflict:warn',
      'ownership/prediction:info',
    ]);
    expect(r.findings[1].message).toContain('unable to continue with update: ');
  });

  it('objects missing from the snapshot and failed lookups', () => {
    const r = runWarden(INPUT, opts(['--mode=enforce', '--release=web', '--namespace=prod', snap({ 'v1/Service/prod/web': 'forbidden' })]));
    expect(rules(r.findings)).toEqual([
      'ownership/not-in-snapshot:warn',
      'ownership/not-in-snapshot:warn',
      // Certain: Helm fails here or at an earlier object.
      'ownership/lookup-failed:fail',
      'ownership/prediction:info',
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.findings[2].message).toContain('could not get information about the resource Service "web" in namespace "prod": forbidden');
  });

  it('a snapshot for another release is an error', () => {
    const r = runWarden(INPUT, opts(['--release=web', snap(live, { r: 'api' })]));
    expect(rules(r.findings)).toEqual(['ownership/snapshot-mismatch:error']);
    expect(r.exitCode).toBe(1);
  });

  it('name and generateName blocks in enforce mode with Helm\'s text', () => {
    const s = stream(obj('Job', 'migrate', { apiVersion: 'batch/v1', generateName: 'migrate-' }));
    const r = runWarden(s, opts(['--mode=enforce']));
    expect(r.exitCode).toBe(1);
    expect(r.findings[0].message).toContain('"unable to continue with install: metadata.name and metadata.generateName cannot both be set"');
  });

  it('runs inside the Helm plugin ABI: one error message names every conflicting object, its owner and the fix', () => {
    const args = ['--mode=enforce', '--release=web', '--namespace=prod', snap(live)];
    const r = handleHelmInput(JSON.stringify({ manifests: INPUT, extraArgs: args }));
    const lines = ('error' in r ? r.error : '').split('\n');
    expect(lines[0]).toBe('warden: 2 findings block this render (mode enforce):');
    // Helm would stop at the ConfigMap; the message has both conflicts, one line each, in Helm's order.
    expect(lines.slice(1, 3).map((l) => /^ {2}(\S+ \S+) \(([^)]+)\): \[BLOCK\] ownership\/conflict: /.exec(l)?.slice(1))).toEqual([
      ['ConfigMap prod/shared-config', 'web/templates/cm.yaml'],
      ['Service prod/web', 'web/templates/svc.yaml'],
    ]);
    expect(lines[1]).toContain('belongs to Helm release "other" in namespace "prod"');
    expect(lines[1]).toContain(' — fix: pass --take-ownership to helm install; or adopt it by hand: kubectl annotate configmap/shared-config --namespace prod meta.helm.sh/release-name=web --overwrite');
    expect(lines[2]).toContain('Service "web" in namespace "prod" exists without Helm ownership metadata');
    expect(lines[2]).toContain('kubectl label service/web --namespace prod app.kubernetes.io/managed-by=Helm --overwrite');
    // The ClusterRole is new: not in the message.
    expect(lines.slice(3)).toEqual(['Fix the chart, or pass --post-renderer-args=--mode=audit to report these without blocking.']);
    const ok = handleHelmInput(JSON.stringify({ manifests: INPUT, extraArgs: [...args, '--take-ownership'] }));
    expect('output' in ok && JSON.parse(ok.output).manifests).toBe(INPUT);
    const bad = handleHelmInput(JSON.stringify({ manifests: INPUT, extraArgs: ['--snapshot=ws1.ab!d'] }));
    expect(bad).toEqual({ error: 'warden: --snapshot: the snapshot is not valid base64url (character "!" at 2)' });
  });

  it('the enforce message lists the first 25 blocking objects, then says how many more and points to warden check', () => {
    const message = (n: number) => {
      const names = Array.from({ length: n }, (_, i) => `cm-${String(i).padStart(2, '0')}`);
      const s = stream(...names.map((name) => obj('ConfigMap', name, { file: 'web/templates/cms.yaml' })));
      const o = Object.fromEntries(names.map((name): [string, [null, null, null]] => [`v1/ConfigMap/prod/${name}`, [null, null, null]]));
      const r = handleHelmInput(JSON.stringify({ manifests: s, extraArgs: ['--checks=ownership', '--mode=enforce', '--release=web', '--namespace=prod', snap(o)] }));
      return { names, lines: ('error' in r ? r.error : '').split('\n') };
    };
    const named = (lines: string[]) => lines.flatMap((l) => /^ {2}ConfigMap prod\/(\S+) \(web\/templates\/cms\.yaml\): \[BLOCK\] ownership\/conflict: /.exec(l)?.[1] ?? []);
    // 25: every one, no "more" line.
    const all = message(25);
    expect(all.lines[0]).toBe('warden: 25 findings block this render (mode enforce):');
    expect(named(all.lines)).toEqual(all.names);
    expect(all.lines).toHaveLength(1 + 25 + 1);
    expect(all.lines.some((l) => l.includes('more'))).toBe(false);
    // 30: the first 25 in Helm's order, then the count of the rest and where to see them.
    const capped = message(30);
    expect(capped.lines[0]).toBe('warden: 30 findings block this render (mode enforce):');
    expect(named(capped.lines)).toEqual(capped.names.slice(0, 25));
    expect(capped.lines[26]).toBe('  … and 5 more (run "warden ownership" for the full report)');
    expect(capped.lines.slice(27)).toEqual(['Fix the chart, or pass --post-renderer-args=--mode=audit to report these without blocking.']);
  });

  it('ignores the policies the chart ships that the policy check removes, and only those', () => {
    const policy = (kind: string, apiVersion: string) =>
      `${obj(kind, 'chart-policy', { apiVersion })}spec:\n  rules:\n    - name: r\n      match: {any: [{resources: {kinds: [ConfigMap]}}]}\n      validate: {message: m, pattern: {metadata: {name: "?*"}}}\n`;
    const s = stream(obj('ConfigMap', 'a'), policy('ClusterPolicy', 'kyverno.io/v1'));
    // the policy check runs here (opts() turns it off)
    const all = (args: string[]) => parseArgs(['--packs=none', '--skip=ingress', ...args]);
    const own = (args: string[]) => rules(runWarden(s, all(args)).findings);
    // removed by the policy check: no "kyverno.io/ClusterPolicy is not a built-in kind" noise
    expect(own([])).toEqual(['ownership/cluster-checks-skipped:info']);
    // kept in the output (--keep-policies) or the policy check off: it reaches the cluster, so it is checked
    expect(own(['--keep-policies'])).toEqual(['ownership/assumed-namespaced:info', 'ownership/cluster-checks-skipped:info']);
    expect(own(['--skip=policy'])).toEqual(['ownership/assumed-namespaced:info', 'ownership/cluster-checks-skipped:info']);
    // the same kind name from another API group is an ordinary object
    const other = stream(obj('ConfigMap', 'a'), obj('ClusterPolicy', 'x', { apiVersion: 'example.com/v1' }));
    expect(rules(runWarden(other, all([])).findings)).toEqual(['ownership/assumed-namespaced:info', 'ownership/cluster-checks-skipped:info']);
  });

  it('says nothing about streams without objects', () => {
    expect(rules(runWarden('---\nfoo: bar\n', defaultOptions()).findings)).toEqual([]);
  });
});
