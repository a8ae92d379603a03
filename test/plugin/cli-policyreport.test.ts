// `warden check --format policyreport` next to the real Kyverno CLI's `kyverno apply --policy-report`
// on the same policy and resources: the same report kind, the same subject for each result (a
// namespaced object with its namespace, a cluster-scoped one without), and every field Kyverno
// fills in a result filled by warden too. (warden's report lists findings; Kyverno's lists passes
// as well, so only Kyverno's non-pass results are compared.)
//
// Needs the Kyverno CLI v1.19.1 (bash build/kyverno/install-kyverno.sh builds it into
// ~/.cache/warden/kyverno/v1.19.1/kyverno; WARDEN_KYVERNO=<path> uses another binary); without it the
// test is skipped with a note. test/unit/report/formats.test.ts covers the same rules without it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const KYVERNO = process.env.WARDEN_KYVERNO || join(process.env.WARDEN_CACHE || join(homedir(), '.cache', 'warden'), 'kyverno', 'v1.19.1', 'kyverno');

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
  annotations:
    policies.kyverno.io/category: Best Practices
    policies.kyverno.io/severity: medium
spec:
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [ConfigMap, ClusterRole]
      validate:
        message: "every object needs a team label"
        pattern:
          metadata:
            labels:
              team: "?*"
`;

const RESOURCES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unlabelled
  namespace: prod
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: labelled
  namespace: prod
  labels:
    team: a
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
`;

type Result = { policy: string; rule: string; result: string; subjects?: Record<string, string>[]; resources?: Record<string, string>[]; [k: string]: unknown };
type Report = { apiVersion: string; kind: string; results?: Result[] };

const ref = (r: Result) => {
  const s = (r.subjects ?? r.resources ?? [])[0] ?? {};
  const out: Record<string, string> = {};
  for (const k of ['apiVersion', 'kind', 'name', 'namespace']) if (s[k] !== undefined && s[k] !== '') out[k] = s[k];
  return out;
};
const key = (r: Result) => `${r.policy}/${r.rule} ${ref(r).kind}/${ref(r).name}`;

describe('PolicyReport next to kyverno apply --policy-report', () => {
  it.skipIf(!existsSync(KYVERNO))(`same kind, subjects and result fields as Kyverno (${KYVERNO})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-policyreport-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    writeFileSync(join(dir, 'resources.yaml'), RESOURCES);
    const k = spawnSync(KYVERNO, ['apply', join(dir, 'policy.yaml'), '--resource', join(dir, 'resources.yaml'), '--policy-report', '--output-format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig'), NO_COLOR: '1' },
      maxBuffer: 64 << 20,
    });
    expect([0, 1], k.stderr).toContain(k.status);
    const line = k.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"results"'));
    expect(line, k.stdout).toBeDefined();
    const theirs = JSON.parse(line!) as Report;

    const w = spawnSync(
      process.execPath,
      [join(root, 'bin', 'warden.mjs'), 'check', join(dir, 'resources.yaml'), '--no-config', '--packs=none', '--checks=policy', '--policy', join(dir, 'policy.yaml'), '--format', 'policyreport', '--timestamp', '-n', 'prod'],
      { encoding: 'utf8', cwd: dir },
    );
    expect(w.status, w.stderr).toBe(0);
    const ours = JSON.parse(w.stdout) as Report;

    expect({ apiVersion: ours.apiVersion, kind: ours.kind }).toEqual({ apiVersion: theirs.apiVersion, kind: theirs.kind });
    const mine = new Map((ours.results ?? []).map((r) => [key(r), r]));
    // warden reports what is wrong; Kyverno lists passes too (the labelled ConfigMap)
    expect((theirs.results ?? []).map((r) => `${key(r)}: ${r.result}`).sort()).toEqual([
      'require-team-label/check-team ClusterRole/reader: fail',
      'require-team-label/check-team ConfigMap/labelled: pass',
      'require-team-label/check-team ConfigMap/unlabelled: fail',
    ]);
    for (const r of (theirs.results ?? []).filter((x) => x.result !== 'pass')) {
      const o = mine.get(key(r));
      expect(o, `warden has no result for ${key(r)}`).toBeDefined();
      expect(o!.result, key(r)).toBe(r.result);
      expect(ref(o!), key(r)).toEqual(ref(r));
      for (const field of Object.keys(r)) expect(Object.keys(o!), `${key(r)}: Kyverno fills "${field}"`).toContain(field);
    }
    // the point of the comparison: the ClusterRole carries no namespace on either side
    expect(ref((theirs.results ?? []).find((r) => ref(r).kind === 'ClusterRole')!).namespace).toBeUndefined();
  });
});
