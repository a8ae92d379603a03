import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  encodeSnapshot,
  MAX_SNAPSHOT_LENGTH,
  parseSnapshot,
  SnapshotError,
  utf8Decode,
  utf8Encode,
  type SnapshotJson,
} from '../../src/checks/ownership/snapshot';
import { identityKey } from '../../src/checks/ownership/keys';
import { parseArgs, UsageError } from '../../src/args';

const EXAMPLE: SnapshotJson = {
  v: 1,
  r: 'web',
  n: 'prod',
  o: {
    'v1/ConfigMap/prod/shared': ['Helm', 'a', 'prod'],
    'v1/Secret/prod/creds': [null, null, null],
    'apps/v1/Deployment/prod/web': 0,
    'v1/Service/prod/api': 'forbidden',
    'rbac.authorization.k8s.io/v1/ClusterRole//web-reader': ['Helm', 'web', 'prod'],
  },
  p: ['apps/v1/Deployment/prod/web'],
  k: { 'example.com/Widget': 'c' },
};

describe('snapshot format', () => {
  it('round-trips through ws1.base64url and plain JSON', () => {
    const enc = encodeSnapshot(EXAMPLE);
    expect(enc.startsWith('ws1.')).toBe(true);
    expect(enc).toMatch(/^ws1\.[A-Za-z0-9_-]+$/);
    for (const text of [enc, JSON.stringify(EXAMPLE)]) {
      const s = parseSnapshot(text);
      expect(s).toMatchObject({ version: 1, release: 'web', namespace: 'prod', scopes: { 'example.com/Widget': 'Cluster' } });
      expect(s.previous).toEqual(new Set(['apps/v1/Deployment/prod/web']));
      expect(s.objects.get(identityKey('', 'ConfigMap', 'prod', 'shared'))).toEqual({
        found: true,
        managedBy: 'Helm',
        releaseName: 'a',
        releaseNamespace: 'prod',
      });
      expect(s.objects.get(identityKey('', 'Secret', 'prod', 'creds'))).toEqual({
        found: true,
        managedBy: undefined,
        releaseName: undefined,
        releaseNamespace: undefined,
      });
      expect(s.objects.get(identityKey('apps', 'Deployment', 'prod', 'web'))).toEqual({ found: false });
      expect(s.objects.get(identityKey('', 'Service', 'prod', 'api'))).toEqual({ found: 'error', error: 'forbidden' });
      expect(s.objects.get(identityKey('rbac.authorization.k8s.io', 'ClusterRole', '', 'web-reader'))).toBeDefined();
    }
  });

  it('encodes UTF-8 and base64url by hand, like Node', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'ü€😀', '{"x":"\u0000"}']) {
      const bytes = utf8Encode(s);
      expect(bytes).toEqual([...Buffer.from(s, 'utf8')]);
      expect(base64urlEncode(bytes)).toBe(Buffer.from(s, 'utf8').toString('base64url'));
      expect(utf8Decode(base64urlDecode(base64urlEncode(bytes)))).toBe(s);
    }
    expect(base64urlDecode('YQ==')).toEqual([97]);
  });

  it('fits well over a thousand typical objects in one argument', () => {
    const o: SnapshotJson['o'] = {};
    let n = 0;
    let last = '';
    const entry = (i: number) => `apps/v1/Deployment/my-namespace/my-release-component-${String(i).padStart(4, '0')}`;
    // Well inside the limit: no need to encode each step.
    for (; n < 1000; n++) o[entry(n)] = ['Helm', 'my-release', 'my-namespace'];
    for (;;) {
      o[entry(n)] = ['Helm', 'my-release', 'my-namespace'];
      try {
        last = encodeSnapshot({ v: 1, r: 'my-release', n: 'my-namespace', o });
      } catch (e) {
        expect(e).toBeInstanceOf(SnapshotError);
        expect((e as Error).message).toMatch(/more than fits in one command-line argument \(131039 bytes\); use a snapshot file through warden-exec \(--snapshot-file\) or the HTTP route \(--kube-proxy\)/);
        break;
      }
      n++;
    }
    expect(last.length).toBeLessThanOrEqual(MAX_SNAPSHOT_LENGTH);
    console.log(`snapshot capacity: ${n} objects of ~${Math.round(last.length / n)} bytes each`);
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(1400);
  });

  const bad: [string, string | RegExp][] = [
    ['nope', /the snapshot must be JSON \(\{"v":1,…\}\) or "ws1\." followed by base64url JSON \(got "nope"\)/],
    ['ws1.@@', /the snapshot is not valid base64url \(character "@" at 0\)/],
    ['ws1.' + Buffer.from([0xff]).toString('base64url'), /not valid UTF-8/],
    ['{"v":1,', /the snapshot is not valid JSON/],
    ['[]', 'the snapshot must be JSON ({"v":1,…}) or "ws1." followed by base64url JSON (got "[]")'],
    ['{"v":3,"o":{}}', 'the snapshot has version 3; this warden reads versions 1 and 2 ("v": 1 or 2)'],
    ['{"v":1,"o":{},"f":{}}', 'the snapshot fields "f" and "a" need version 2 ("v": 2)'],
    ['{"v":2,"o":{},"f":{"v1/ConfigMap/ns/x":[["kubectl-create","X","v1","",{}]]}}', 'snapshot "f" entry "v1/ConfigMap/ns/x", manager 1: must be [manager, "A"|"U", apiVersion, subresource, {fields}]'],
    ['{"o":{}}', 'the snapshot has version undefined'],
    ['{"v":1,"o":{},"x":1}', 'the snapshot has an unknown field "x" (known: v, r, n, o, p, k, f, a)'],
    ['{"v":1}', 'the snapshot needs "o"'],
    ['{"v":1,"r":5,"o":{}}', 'the snapshot field "r" (release name) must be a string or null (got 5)'],
    ['{"v":1,"o":{"ConfigMap/x":0}}', 'snapshot entry "ConfigMap/x": the key must be apiVersion/Kind/namespace/name'],
    ['{"v":1,"o":{"v1/ConfigMap/ns/":0}}', 'snapshot entry "v1/ConfigMap/ns/": the key must be'],
    ['{"v":1,"o":{"v1/ConfigMap/ns/x":1}}', 'snapshot entry "v1/ConfigMap/ns/x": must be 0 (not found), [managed-by, release-name, release-namespace] (null for a missing key) or an error text (got 1)'],
    ['{"v":1,"o":{"v1/ConfigMap/ns/x":["Helm"]}}', 'snapshot entry "v1/ConfigMap/ns/x": must be 0'],
    ['{"v":1,"o":{"v1/ConfigMap/ns/x":["Helm",1,null]}}', 'snapshot entry "v1/ConfigMap/ns/x": [1] (the meta.helm.sh/release-name annotation) must be a string or null (got 1)'],
    ['{"v":1,"o":{"apps/v1/Deployment/ns/x":0,"apps/v1beta1/Deployment/ns/x":0}}', 'snapshot entry "apps/v1beta1/Deployment/ns/x": the same object is listed twice'],
    ['{"v":1,"o":{},"p":"x"}', 'the snapshot field "p" must be a list'],
    ['{"v":1,"o":{},"p":["ok/v1/K/ns/n", 3]}', 'snapshot "p" entry 2 (3): must be a key apiVersion/Kind/namespace/name'],
    ['{"v":1,"o":{},"k":{"example.com/W":"cluster"}}', 'snapshot "k" entry "example.com/W": must be "c" (cluster-scoped) or "n" (namespaced), got "cluster"'],
  ];
  it.each(bad.map(([t, m]) => [t.length > 60 ? `${t.slice(0, 20)}… (${t.length} bytes)` : t, t, m] as const))('rejects %s', (_, text, msg) => {
    expect(() => parseSnapshot(text)).toThrow(SnapshotError);
    expect(() => parseSnapshot(text)).toThrow(msg);
  });

  it('parses snapshots of any size (warden-exec --snapshot-file and the CLI pass no argv)', () => {
    const big = '{"v":1,"o":{}}' + ' '.repeat(MAX_SNAPSHOT_LENGTH);
    expect(parseSnapshot(big).objects.size).toBe(0);
    expect(() => encodeSnapshot({ v: 1, o: { 'v1/ConfigMap/ns/x': 'e'.repeat(MAX_SNAPSHOT_LENGTH) } })).toThrow(SnapshotError);
    expect(encodeSnapshot({ v: 1, o: { 'v1/ConfigMap/ns/x': 'e'.repeat(MAX_SNAPSHOT_LENGTH) } }, Infinity).length).toBeGreaterThan(MAX_SNAPSHOT_LENGTH);
  });

  it('reaches the options as a usage error naming --snapshot', () => {
    expect(() => parseArgs(['--snapshot={"v":3,"o":{}}'])).toThrow(UsageError);
    expect(() => parseArgs(['--snapshot={"v":3,"o":{}}'])).toThrow('--snapshot: the snapshot has version 3');
    const o = parseArgs(['--snapshot', encodeSnapshot(EXAMPLE), '--take-ownership', '--upgrade']);
    expect(o).toMatchObject({ takeOwnership: true, upgrade: true });
    expect(o.snapshot?.release).toBe('web');
    expect(parseArgs([])).toMatchObject({ takeOwnership: false, upgrade: false });
    expect(parseArgs([]).snapshot).toBeUndefined();
    expect(() => parseArgs(['--upgrade=yes'])).toThrow('--upgrade takes no value');
  });
});
