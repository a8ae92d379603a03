// The live-state reader (src/checks/ownership/live.ts), the gunzip the plugin uses for Helm's stored
// releases (inflate.ts), the --kube-proxy route of the check, and the CLI's kubeconfig reader, against
// fakes; test/e2e/ownership-live.e2e.test.ts runs them against a real kube-apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/args';
import { setOwnershipHttp } from '../../src/checks/ownership/host';
import { gunzip, InflateError } from '../../src/checks/ownership/inflate';
import { decodeReleaseManifest, pickRevision, readLiveState, runLiveReader, type KubeGet, type KubeReply } from '../../src/checks/ownership/live';
import { parseSnapshot } from '../../src/checks/ownership/snapshot';
import { runOwnership } from '../../src/checks/ownership';
import { readStream } from '../../src/read/document';
import { KubeconfigError, resolveKubeconfig } from '../../src/cli/kube/kubeconfig';
import { obj, stream } from './ownership-helpers';

describe('gunzip (inflate.ts) against node:zlib', () => {
  const samples: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['short text', Buffer.from('hello ✓ world\n')],
    ['repetitive YAML', Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'.repeat(5000))],
    ['random bytes (stored blocks)', Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 2654435761) >>> 24))],
  ];
  it.each(samples)('%s at every level', (_, data) => {
    for (const level of [0, 1, 6, 9]) {
      const z = gzipSync(data, { level });
      expect(Buffer.from(gunzip(new Uint8Array(z))).equals(data), `level ${level}`).toBe(true);
    }
  });
  it('fixed-Huffman blocks (short input, strategy FIXED)', () => {
    const data = Buffer.from('abcabcabcabc-fixed-huffman');
    const z = gzipSync(data, { strategy: 4 /* Z_FIXED */ });
    expect(Buffer.from(gunzip(new Uint8Array(z))).toString()).toBe(data.toString());
  });
  it('rejects damaged data with a clear error', () => {
    expect(() => gunzip(new Uint8Array([1, 2, 3]))).toThrow(InflateError);
    const z = gzipSync(Buffer.from('x'.repeat(1000)));
    z[z.length - 4] ^= 1; // the size in the trailer
    expect(() => gunzip(new Uint8Array(z))).toThrow(/differs from the gzip trailer/);
    expect(deflateRawSync(Buffer.from('x')).length).toBeGreaterThan(0);
  });
});

/** managedFields of an object only Helm's server-side apply wrote: no foreign fields, no full GET. */
const HELM_ONLY = [{ manager: 'helm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }];

/** A fake API server: discovery for v1 and rbac, objects by path, release Secrets. */
function fakeServer(objects: Record<string, { labels?: Record<string, string>; annotations?: Record<string, string> } | number>, secrets: Record<string, { status: string; version: number; manifest: string }> = {}) {
  const seen: KubeGet[] = [];
  const discovery: Record<string, unknown> = {
    '/api/v1': { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'namespaces', kind: 'Namespace', namespaced: false }, { name: 'configmaps/status', kind: 'ConfigMap', namespaced: true }] },
    '/apis/rbac.authorization.k8s.io/v1': { resources: [{ name: 'clusterroles', kind: 'ClusterRole', namespaced: false }] },
    '/apis/example.com/v1': { resources: [{ name: 'widgets', kind: 'Widget', namespaced: false }] },
  };
  const send = (req: KubeGet): KubeReply => {
    seen.push(req);
    if (req.path in discovery) return { status: 200, body: JSON.stringify(discovery[req.path]) };
    if (req.path.startsWith('/api/v1/namespaces/prod/secrets?labelSelector=')) {
      expect(decodeURIComponent(req.path.split('=').slice(1).join('='))).toBe('owner=helm,name=web');
      expect(req.accept).toContain('as=PartialObjectMetadataList');
      const items = Object.entries(secrets).map(([name, s]) => ({ metadata: { name, labels: { owner: 'helm', name: 'web', status: s.status, version: String(s.version) } } }));
      return { status: 200, body: JSON.stringify({ items }) };
    }
    const sec = /^\/api\/v1\/namespaces\/prod\/secrets\/(.+)$/.exec(req.path);
    if (sec && secrets[sec[1]]) {
      const rel = gzipSync(Buffer.from(JSON.stringify({ name: 'web', manifest: secrets[sec[1]].manifest }))).toString('base64');
      return { status: 200, body: JSON.stringify({ data: { release: Buffer.from(rel).toString('base64') } }) };
    }
    const o = objects[req.path];
    if (o === undefined) return { status: 404, body: '{"kind":"Status","message":"not found"}' };
    if (typeof o === 'number') return { status: o, body: JSON.stringify({ kind: 'Status', message: `configmaps "x" is forbidden: HTTP ${o}` }) };
    expect(req.accept).toContain('as=PartialObjectMetadata;');
    return { status: 200, body: JSON.stringify({ kind: 'PartialObjectMetadata', metadata: { name: 'x', managedFields: HELM_ONLY, ...o } }) };
  };
  return { send, seen };
}

const RENDER = stream(
  obj('ConfigMap', 'owned-by-a'),
  obj('ConfigMap', 'plain'),
  obj('ConfigMap', 'secret-ish'),
  obj('ConfigMap', 'hooked', { hook: 'pre-install' }),
  obj('ConfigMap', '', { noName: true, generateName: 'gen-' }),
  obj('ClusterRole', 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1', namespace: 'prod' }),
  obj('Widget', 'w', { apiVersion: 'example.com/v1' }),
  obj('Gadget', 'g', { apiVersion: 'unknown.example/v1' }),
);

describe('readLiveState', () => {
  it('reads discovery, each checkable object (metadata only) and the deployed revision', () => {
    const srv = fakeServer(
      {
        '/api/v1/namespaces/prod/configmaps/owned-by-a': { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'a', 'meta.helm.sh/release-namespace': 'prod' } },
        '/api/v1/namespaces/prod/configmaps/plain': {},
        '/api/v1/namespaces/prod/configmaps/secret-ish': 403,
      },
      {
        'sh.helm.release.v1.web.v1': { status: 'superseded', version: 1, manifest: obj('ConfigMap', 'old') },
        'sh.helm.release.v1.web.v2': { status: 'deployed', version: 2, manifest: obj('ConfigMap', 'plain') + '---\n' + obj('ClusterRole', 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1' }) },
        'sh.helm.release.v1.web.v3': { status: 'failed', version: 3, manifest: obj('ConfigMap', 'owned-by-a') },
      },
    );
    const r = runLiveReader(readLiveState(RENDER, { release: 'web', namespace: 'prod', gunzip: (b) => gunzipSync(b).toString() }), srv.send);
    expect(r.snapshot).toEqual({
      // Version 2: the release's apply method ("" = none recorded) and the field ownership of existing
      // objects new to the release ("owned-by-a": only Helm's own apply entry, so nothing recorded).
      v: 2,
      a: '',
      f: {},
      r: 'web',
      n: 'prod',
      o: {
        'v1/ConfigMap/prod/owned-by-a': ['Helm', 'a', 'prod'],
        'v1/ConfigMap/prod/plain': [null, null, null],
        'v1/ConfigMap/prod/secret-ish': 'configmaps "x" is forbidden: HTTP 403',
        // The written namespace is dropped for a cluster-scoped kind, as Helm does.
        'rbac.authorization.k8s.io/v1/ClusterRole//reader': 0,
        // Scope from discovery: cluster-scoped, so no namespace in the key.
        'example.com/v1/Widget//w': 0,
        'unknown.example/v1/Gadget/prod/g': 'the server does not serve unknown.example/v1: Gadget cannot be looked up (Helm fails to build the release\'s objects too)',
      },
      // Revision 3 failed: Helm compares with the last deployed one, 2.
      p: ['v1/ConfigMap/prod/plain', 'rbac.authorization.k8s.io/v1/ClusterRole//reader'],
      k: { 'example.com/Widget': 'c' },
    });
    expect(r.revision).toEqual({ number: 2, status: 'deployed' });
    expect(r.notes).toEqual([]);
    // Hooks and generateName objects are never read; every object GET asks for metadata only.
    expect(srv.seen.map((s) => s.path)).not.toContain('/api/v1/namespaces/prod/configmaps/hooked');
    expect(srv.seen.filter((s) => s.path.includes('/configmaps/')).every((s) => s.accept.includes('PartialObjectMetadata'))).toBe(true);
    expect(r.requests).toBe(srv.seen.length);
    // The result is a valid snapshot.
    expect(parseSnapshot(JSON.stringify(r.snapshot)).previous?.size).toBe(2);
  });

  it('without a stored release: no "p"; without gunzip: a note', () => {
    const srv = fakeServer({});
    const r = runLiveReader(readLiveState(obj('ConfigMap', 'a'), { release: 'web', namespace: 'prod' }), srv.send);
    expect(r.snapshot.p).toBeUndefined();
    expect(r.revision).toBeUndefined();
    const srv2 = fakeServer({}, { 'sh.helm.release.v1.web.v1': { status: 'deployed', version: 1, manifest: '' } });
    const r2 = runLiveReader(readLiveState(obj('ConfigMap', 'a'), { release: 'web', namespace: 'prod' }), srv2.send);
    expect(r2.snapshot.p).toBeUndefined();
    expect(r2.notes[0]).toMatch(/cannot decompress it/);
    const r3 = runLiveReader(readLiveState(obj('ConfigMap', 'a'), { release: 'web', namespace: 'prod', previous: false }), srv2.send);
    expect(r3.snapshot.p).toBeUndefined();
  });

  it('lists (paged, metadata only) a kind with many objects in one namespace; falls back to GETs when LIST is refused', () => {
    const names = Array.from({ length: 12 }, (_, i) => `cm-${i}`);
    const render = stream(...names.map((n) => obj('ConfigMap', n)), ...names.map((n) => obj('ConfigMap', n, { namespace: 'other' })));
    const seen: KubeGet[] = [];
    const send = (req: KubeGet): KubeReply => {
      seen.push(req);
      if (req.path === '/api/v1') return { status: 200, body: JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }) };
      const list = /^\/api\/v1\/namespaces\/(\w+)\/configmaps\?limit=500(?:&continue=(\w+))?$/.exec(req.path);
      if (list && list[1] === 'prod') {
        expect(req.accept).toContain('as=PartialObjectMetadataList');
        // Two pages: cm-0 … cm-4 (+ an unrelated object), then cm-5 only; the rest do not exist.
        const page = list[2] === undefined ? ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'unrelated'] : ['cm-5'];
        const items = page.map((n) => ({ metadata: { name: n, managedFields: HELM_ONLY, annotations: n === 'cm-1' ? { 'meta.helm.sh/release-name': 'x' } : undefined } }));
        return { status: 200, body: JSON.stringify({ items, metadata: list[2] === undefined ? { continue: 'tok' } : {} }) };
      }
      if (list) return { status: 403, body: JSON.stringify({ message: 'configmaps is forbidden: cannot list' }) };
      if (req.path.startsWith('/api/v1/namespaces/other/configmaps/')) return { status: req.path.endsWith('/cm-3') ? 200 : 404, body: JSON.stringify({ metadata: { managedFields: HELM_ONLY } }) };
      return { status: 404, body: '{}' };
    };
    const r = runLiveReader(readLiveState(render, { release: 'web', namespace: 'prod', previous: false }), send);
    expect(r.snapshot.o['v1/ConfigMap/prod/cm-1']).toEqual([null, 'x', null]);
    expect(r.snapshot.o['v1/ConfigMap/prod/cm-5']).toEqual([null, null, null]);
    expect(r.snapshot.o['v1/ConfigMap/prod/cm-6']).toBe(0);
    expect(r.snapshot.o['v1/ConfigMap/other/cm-3']).toEqual([null, null, null]);
    expect(r.snapshot.o['v1/ConfigMap/other/cm-4']).toBe(0);
    expect(Object.keys(r.snapshot.o)).toHaveLength(24);
    // discovery, 2 LISTs, the continuation, 12 GETs after the refused LIST
    expect(seen.map((x) => x.path.replace(/\/cm-\d+$/, '/cm-N'))).toEqual([
      '/api/v1',
      '/api/v1/namespaces/prod/configmaps?limit=500',
      '/api/v1/namespaces/other/configmaps?limit=500',
      '/api/v1/namespaces/prod/configmaps?limit=500&continue=tok',
      ...names.map(() => '/api/v1/namespaces/other/configmaps/cm-N'),
    ]);
    expect(r.requests).toBe(16);
  });

  it('picks the revision Helm upgrades from', () => {
    const rev = (number: number, status: string) => ({ name: `v${number}`, number, status });
    expect(pickRevision([rev(1, 'superseded'), rev(2, 'deployed')], 'r').revision?.number).toBe(2);
    expect(pickRevision([rev(1, 'deployed'), rev(2, 'failed')], 'r').revision?.number).toBe(1);
    expect(pickRevision([rev(1, 'superseded'), rev(2, 'failed')], 'r').revision?.number).toBe(2);
    expect(pickRevision([rev(1, 'deployed'), rev(2, 'pending-upgrade')], 'r').note).toMatch(/operation in progress/);
    expect(pickRevision([rev(1, 'uninstalled')], 'r').note).toMatch(/no deployed revision/);
    expect(pickRevision([], 'r')).toEqual({});
  });

  it('decodes a release Secret, gzipped or not', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\n';
    const gz = gzipSync(Buffer.from(JSON.stringify({ manifest }))).toString('base64');
    const secret = JSON.stringify({ data: { release: Buffer.from(gz).toString('base64') } });
    expect(decodeReleaseManifest(secret, (b) => Buffer.from(gunzip(b)).toString())).toBe(manifest);
    const plain = Buffer.from(Buffer.from(JSON.stringify({ manifest })).toString('base64')).toString('base64');
    expect(decodeReleaseManifest(JSON.stringify({ data: { release: plain } }), () => 'unused')).toBe(manifest);
    expect(() => decodeReleaseManifest('{}', () => '')).toThrow('the Secret has no data.release');
  });
});

describe('--kube-proxy in the core (the plugin registers Extism Http.request)', () => {
  afterEach(() => setOwnershipHttp(undefined));

  it('reads through the registered HTTP function and predicts the conflict', () => {
    const srv = fakeServer({ '/api/v1/namespaces/prod/configmaps/plain': {} }, { 'sh.helm.release.v1.web.v1': { status: 'deployed', version: 1, manifest: obj('ConfigMap', 'owned-by-a') } });
    const urls: string[] = [];
    setOwnershipHttp((req) => {
      urls.push(req.url);
      expect(req.url.startsWith('http://127.0.0.1:8001/')).toBe(true);
      return srv.send({ path: req.url.slice('http://127.0.0.1:8001'.length), accept: req.headers.Accept });
    });
    const r = runOwnership(readStream(stream(obj('ConfigMap', 'plain'), obj('ConfigMap', 'owned-by-a'))), parseArgs(['--kube-proxy=http://127.0.0.1:8001/', '--release=web', '--namespace=prod', '--checks=ownership', '--mode=enforce']));
    expect(r.findings.filter((f) => f.enforce).length).toBe(1);
    const conflicts = r.findings.filter((f) => f.rule === 'ownership/conflict');
    expect(conflicts.map((f) => f.document?.name)).toEqual(['plain']);
    // The gzipped release was decoded by the plugin's own gunzip: an upgrade, owned-by-a is not checked.
    expect(r.findings.find((f) => f.rule === 'ownership/prediction')?.message).toMatch(/unable to continue with update: ConfigMap "plain" in namespace "prod" exists/);
    expect(urls.length).toBeGreaterThan(2);
  });

  it('says what is missing instead of guessing', () => {
    const run = (args: string[]) => runOwnership(readStream(obj('ConfigMap', 'x')), parseArgs(['--checks=ownership', ...args])).findings.filter((f) => f.rule === 'ownership/kube-proxy-failed').map((f) => f.message);
    expect(run(['--kube-proxy=http://127.0.0.1:1', '--release=r'])[0]).toMatch(/works only inside the plugin/);
    setOwnershipHttp(() => ({ status: 200, body: '{}' }));
    expect(run(['--kube-proxy=http://127.0.0.1:1'])[0]).toMatch(/needs --release/);
    expect(run(['--kube-proxy=http://127.0.0.1:1', '--release=r', '--snapshot={"v":1,"o":{}}'])[0]).toMatch(/both given/);
    expect(() => parseArgs(['--kube-proxy=127.0.0.1:8001'])).toThrow(/must be an http:\/\/ URL/);
    setOwnershipHttp(() => ({ status: 0, body: '' }));
    expect(run(['--kube-proxy=http://127.0.0.1:1', '--release=r'])[0]).toBe(
      'reading the cluster through http://127.0.0.1:1 failed: the host made no request for /api/v1 (status 0): it does not allow HTTP to this host',
    );
  });
});

describe('kubeconfig reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-kubeconfig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('resolves the current context: server, CA file relative to the kubeconfig, token, namespace', () => {
    write('ca.crt', 'CA PEM');
    const f = write(
      'a.yaml',
      'clusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:6443/", certificate-authority: ca.crt}\nusers:\n- name: u\n  user: {token: T}\n' +
        'contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: team}\ncurrent-context: x\n',
    );
    const c = resolveKubeconfig({ kubeconfig: f, env: {} });
    expect(c).toMatchObject({ server: 'https://127.0.0.1:6443', token: 'T', namespace: 'team', insecure: false });
    expect(c.ca?.toString()).toBe('CA PEM');
  });

  it('merges $KUBECONFIG files (first wins), data fields, client certs, exec plugins', () => {
    const a = write('m1.yaml', 'current-context: y\nclusters:\n- name: c\n  cluster: {server: "https://a", insecure-skip-tls-verify: true}\n');
    const cert = Buffer.from('CERT').toString('base64');
    const key = Buffer.from('KEY').toString('base64');
    const b = write(
      'm2.yaml',
      `clusters:\n- name: c\n  cluster: {server: "https://b"}\nusers:\n- name: u\n  user: {client-certificate-data: ${cert}, client-key-data: ${key}}\n- name: e\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: ["-c", "echo \\"{\\\\\\"status\\\\\\":{\\\\\\"token\\\\\\":\\\\\\"$TOK\\\\\\"}}\\""]\n      env: [{name: TOK, value: from-exec}]\n` +
        'contexts:\n- name: y\n  context: {cluster: c, user: u}\n- name: z\n  context: {cluster: c, user: e}\n',
    );
    const env = { KUBECONFIG: `${a}:${join(dir, 'missing.yaml')}:${b}` };
    const c = resolveKubeconfig({ env });
    expect(c).toMatchObject({ server: 'https://a', insecure: true });
    expect(c.cert?.toString()).toBe('CERT');
    expect(c.key?.toString()).toBe('KEY');
    expect(resolveKubeconfig({ env, context: 'z' }).token).toBe('from-exec');
  });

  it('names what is wrong', () => {
    const f = write('bad.yaml', 'clusters: []\ncontexts:\n- name: x\n  context: {cluster: nope}\ncurrent-context: x\n');
    expect(() => resolveKubeconfig({ kubeconfig: f, env: {} })).toThrow(/context "x" names cluster "nope", which is not in/);
    expect(() => resolveKubeconfig({ kubeconfig: f, context: 'other', env: {} })).toThrow(/context "other" is not in .*\(contexts: x\)/);
    expect(() => resolveKubeconfig({ kubeconfig: join(dir, 'none.yaml'), env: {} })).toThrow(KubeconfigError);
    const ap = write('ap.yaml', 'clusters:\n- name: c\n  cluster: {server: "https://a"}\nusers:\n- name: u\n  user: {auth-provider: {name: gcp}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n');
    expect(() => resolveKubeconfig({ kubeconfig: ap, env: {} })).toThrow(/auth-provider "gcp", which warden does not support/);
  });
});

describe('warden snapshot / warden ownership: usage', () => {
  const io = () => {
    const o = { out: '', err: '' };
    return { o, io: { stdin: () => '', stdout: (s: string) => (o.out += s), stderr: (s: string) => (o.err += s), env: {} } };
  };
  it('exit 2 with a message naming the problem; --help exits 0', async () => {
    const { snapshotCommand, parseKubeArgs } = await import('../../src/cli/snapshot');
    const { ownershipCommand } = await import('../../src/cli/ownership');
    const cases: [typeof snapshotCommand, string[], RegExp][] = [
      [snapshotCommand, ['./chart'], /^warden snapshot: --release NAME is required/],
      [snapshotCommand, ['--release', 'r'], /^warden snapshot: give a chart directory/],
      [snapshotCommand, ['./chart', '--release', 'r', '--bogus'], /^warden snapshot: unknown option "--bogus"/],
      [snapshotCommand, ['./chart', '--release', 'r', '--format', 'yaml'], /^warden snapshot: --format must be ws1 or json/],
      [snapshotCommand, ['./chart', '--release'], /^warden snapshot: --release needs a value/],
      [ownershipCommand, ['./chart', '--release', 'r', '--mode=strict'], /^warden ownership: --mode must be audit or enforce/],
      [ownershipCommand, ['./chart', '--release', 'r', '--kubeconfig', '/nonexistent/kubeconfig'], /^warden ownership: cannot read kubeconfig \/nonexistent\/kubeconfig: no such file/],
    ];
    for (const [cmd, args, msg] of cases) {
      const { o, io: x } = io();
      await expect(cmd(args, x)).resolves.toBe(2);
      expect(o.err).toMatch(msg);
    }
    const { o, io: x } = io();
    await expect(snapshotCommand(['--help'], x)).resolves.toBe(0);
    expect(o.out).toContain('--post-renderer-args=--snapshot=$(warden snapshot');
    expect(parseKubeArgs(['a', '-f', 'v.yaml', '--set=x=1', '--context', 'c', '-n', 'ns', 'b', '--upgrade'], new Set())).toEqual({
      inputs: ['a', 'b'], renderArgs: ['-f', 'v.yaml', '--set', 'x=1'], context: 'c', namespace: 'ns', help: false, rest: ['--upgrade'],
    });
  });
});
