// Conformance against the Kyverno CLI tests of kyverno/policies (read in place, never copied):
// every expected (policy, rule, resource, result) the engine supports must match.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deepMerge, evaluatePolicy, isLegacyPolicy, policyName, unsupportedFeature, type PolicyResult } from '../../../src/policy/engine';
import { rulesForKind } from '../../../src/policy/autogen';
import { setDotted } from '../../../src/policy/context';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.WARDEN_KYVERNO_CORPUS ?? resolve(here, '../../../../shared/corpus/kyverno-policies');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'ClusterPolicy', 'APIService', 'CSIDriver', 'CSINode', 'FlowSchema', 'PriorityLevelConfiguration', 'ClusterIssuer',
  'PodSecurityPolicy', 'VolumeSnapshotClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'ClusterPolicyReport', 'ClusterServingRuntime',
  'ClusterSecretStore', 'ClusterExternalSecret', 'GatewayClass', 'ClusterTask', 'ClusterTriggerBinding', 'NodePool', 'EC2NodeClass',
  'ClusterImagePolicy', 'Provisioner', 'AWSNodeTemplate', 'ClusterIssuer', 'SecurityContextConstraints', 'Project', 'ClusterVersion',
]);

function findTests(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (e === 'kyverno-test.yaml') out.push(p);
  }
  return out;
}

function loadDocs(file: string): Obj[] {
  const out: Obj[] = [];
  for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const v = d.toJS({ maxAliasCount: 1000 });
    if (!isObj(v)) continue;
    if (v.kind === 'List' && Array.isArray(v.items)) {
      for (const i of v.items) if (isObj(i)) out.push(i);
    } else {
      out.push(v);
    }
  }
  return out;
}

function withDefaultNamespace(r: Obj): Obj {
  const kind = String(r.kind ?? '');
  if (CLUSTER_SCOPED.has(kind)) return r;
  const meta = isObj(r.metadata) ? r.metadata : {};
  if (typeof meta.namespace === 'string' && meta.namespace !== '') return r;
  return { ...r, metadata: { ...meta, namespace: 'default' } };
}

function dotted(values: unknown): Obj {
  const out: Obj = {};
  if (isObj(values)) for (const [k, v] of Object.entries(values)) setDotted(out, k, v);
  return out;
}

interface Counts {
  total: number;
  supported: number;
  passed: number;
  excluded: number;
  mismatches: string[];
  unsupported: Map<string, number>;
}

function unsupportedReasonForTest(test: Obj, policies: Obj[]): string | undefined {
  if (test.userinfo !== undefined) return 'userinfo';
  if (test.context !== undefined) return 'context file';
  for (const p of policies) {
    if (!isLegacyPolicy(p)) continue;
    const spec = isObj(p.spec) ? p.spec : {};
    for (const r of Array.isArray(spec.rules) ? spec.rules : []) if (isObj(r) && r.mutate !== undefined) return 'mutate rules run before validation';
  }
  return undefined;
}

function runTest(file: string, counts: Counts): void {
  const dir = dirname(file);
  const test = loadDocs(file)[0] ?? {};
  const results = Array.isArray(test.results) ? (test.results as Obj[]) : [];
  const rowsOf = (r: Obj) => (Array.isArray(r.resources) ? r.resources.length : 0);
  const note = (reason: string, n: number) => {
    counts.total += n;
    counts.unsupported.set(reason, (counts.unsupported.get(reason) ?? 0) + n);
  };
  let policies: Obj[] = [];
  let resources: Obj[] = [];
  try {
    for (const p of (test.policies as string[]) ?? []) policies.push(...loadDocs(resolve(dir, p)));
    for (const r of (test.resources as string[]) ?? []) resources.push(...loadDocs(resolve(dir, r)).map(withDefaultNamespace));
  } catch (e) {
    for (const r of results) note('inputs do not load', rowsOf(r));
    return;
  }
  policies = policies.filter((p) => typeof p.kind === 'string');
  const testReason = unsupportedReasonForTest(test, policies);
  const valuesFile = typeof test.variables === 'string' ? loadDocs(resolve(dir, test.variables))[0] : isObj(test.values) ? test.values : undefined;
  const values = isObj(valuesFile) ? valuesFile : {};
  const globalValues = dotted(values.globalValues);
  const nsLabels = new Map<string, Record<string, string>>();
  for (const n of Array.isArray(values.namespaceSelector) ? values.namespaceSelector : []) {
    if (isObj(n) && typeof n.name === 'string') nsLabels.set(n.name, (n.labels as Record<string, string>) ?? {});
  }
  for (const n of Array.isArray(values.namespaces) ? values.namespaces : []) {
    if (isObj(n) && isObj(n.metadata) && typeof n.metadata.name === 'string') nsLabels.set(n.metadata.name, (n.metadata.labels as Record<string, string>) ?? {});
  }
  const valuesPolicies = Array.isArray(values.policies) ? (values.policies as Obj[]) : [];
  const cache = new Map<string, PolicyResult[]>();

  for (const row of results) {
    const pname = String(row.policy ?? '').split('/').pop()!;
    const policy = policies.find((p) => policyName(p) === pname);
    const rname = typeof row.rule === 'string' ? row.rule : '';
    const names = (Array.isArray(row.resources) ? row.resources : []).map(String);
    if (testReason) {
      note(testReason, names.length);
      continue;
    }
    if (!policy || !isLegacyPolicy(policy)) {
      note(policy ? `policy kind ${String(policy.kind)}` : 'policy not found', names.length);
      continue;
    }
    const pv = valuesPolicies.find((p) => p.name === pname);
    const ruleVals = new Map<string, Obj>();
    let foreachValues = false;
    for (const r of Array.isArray(pv?.rules) ? (pv!.rules as Obj[]) : []) {
      if (r.foreachValues !== undefined) foreachValues = true;
      if (typeof r.name === 'string' && isObj(r.values)) ruleVals.set(r.name, dotted(r.values));
    }
    for (const resName of names) {
      const parts = resName.split('/');
      const rn = parts.pop()!;
      const rns = parts.pop();
      const targets = resources.filter((r) => {
        const m = isObj(r.metadata) ? r.metadata : {};
        return m.name === rn && (rns === undefined || m.namespace === rns);
      });
      if (targets.length === 0) {
        counts.total++;
        counts.supported++;
        counts.mismatches.push(`${file}: ${pname}/${rname} ${resName}: resource not found`);
        continue;
      }
      // Every rule involved (same name or its autogen forms) must be supported.
      const involved = targets.flatMap((t) =>
        rulesForKind(policy, String(t.kind)).filter((r) => !rname || r.name === rname || r.name === `autogen-${rname}` || r.name === `autogen-cronjob-${rname}`),
      );
      const reason = foreachValues ? 'foreachValues' : involved.map((r) => unsupportedFeature(r)).find((x) => x !== undefined);
      if (reason) {
        note(reason, 1);
        continue;
      }
      let responses: PolicyResult[] = [];
      for (const t of targets) {
        const meta = isObj(t.metadata) ? t.metadata : {};
        const key = `${pname}|${String(t.apiVersion)}|${String(t.kind)}|${String(meta.namespace)}|${String(meta.name)}`;
        let rs = cache.get(key);
        if (!rs) {
          const rv = valuesPolicies.find((p) => p.name === pname);
          const resVals = (Array.isArray(rv?.resources) ? (rv!.resources as Obj[]) : []).find((x) => x.name === meta.name);
          const vals = deepMerge(globalValues, dotted(resVals?.values));
          const operation = typeof (vals.request as Obj | undefined)?.operation === 'string' ? String((vals.request as Obj).operation) : 'CREATE';
          const ns = String(meta.namespace ?? '');
          rs = evaluatePolicy(policy, t, {
            operation,
            // The CLI has no old object: on UPDATE it compares the resource with itself.
            oldObject: operation === 'UPDATE' ? t : undefined,
            values: vals,
            namespaceLabels: nsLabels.get(ns) ?? {},
            ruleValues: (r) => ruleVals.get(r),
          });
          cache.set(key, rs);
        }
        responses.push(...rs);
      }
      responses = responses.filter((r) => !rname || r.rule === rname || r.rule === `autogen-${rname}` || r.rule === `autogen-cronjob-${rname}`);
      const needs = responses.find((r) => r.needsClusterData);
      if (needs) {
        note('needs cluster data (unmocked context entry or namespace labels)', 1);
        continue;
      }
      counts.total++;
      counts.supported++;
      if (responses.length === 0) {
        if (process.env.WARDEN_CORPUS_VERBOSE) console.log(`excluded: ${file.slice(CORPUS.length + 1)} ${pname}/${rname} ${resName} (want ${String(row.result)})`);
        counts.excluded++;
        counts.passed++;
        continue;
      }
      const ann = isObj(policy.metadata) && isObj(policy.metadata.annotations) ? policy.metadata.annotations : {};
      const scored = ann['policies.kyverno.io/scored'] !== 'false';
      const want = String(row.result);
      const bad = responses.filter((r) => (r.status === 'fail' && !scored ? 'warn' : r.status) !== want);
      if (bad.length === 0) counts.passed++;
      else
        counts.mismatches.push(
          `${file.slice(CORPUS.length + 1)}: ${pname}/${rname} ${resName}: want ${want}, got ${bad.map((b) => `${b.rule}=${b.status} (${b.message})`).join('; ')}`,
        );
    }
  }
}

describe.skipIf(!existsSync(CORPUS))('kyverno/policies CLI tests (validate rules)', () => {
  it('matches every expected result it supports', () => {
    const counts: Counts = { total: 0, supported: 0, passed: 0, excluded: 0, mismatches: [], unsupported: new Map() };
    const files = findTests(CORPUS);
    for (const f of files) runTest(f, counts);
    const reasons = [...counts.unsupported.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${v} ${k}`);
    console.log(
      [
        `kyverno corpus: ${files.length} tests, ${counts.total} expected results`,
        `supported ${counts.supported}/${counts.total}: ${counts.passed} passed (${counts.excluded} as "Excluded"), ${counts.mismatches.length} mismatches`,
        'unsupported yet:',
        ...reasons,
        ...counts.mismatches.map((m) => `MISMATCH ${m}`),
      ].join('\n'),
    );
    expect(counts.mismatches).toEqual([]);
  });
});
