// Runs one kyverno-test.yaml the way `kyverno test` decides (cmd/cli/kubectl-kyverno/commands/test):
// per resource, all mutate rules of all policies first (each sees the previous output), then
// validation on the patched resource; each expected result is compared with the rule responses
// of its policy/rule for the named resources.

import { deepMerge, isLegacyPolicy, policyName, type EvaluateOptions, type PolicyResult } from '../engine';
import { setDotted } from '../context';
import { isMap } from '../operators/value';
import { hasMutateRules, mutateWithPolicy, validateWithPolicy, type MutationOutcome } from './evaluate';
import { isCelValidationPolicy } from '../validating-policy';
import { comparePatched } from './patched';
import { dirnamePath, field, joinPath, loadDocuments, stringList, withDefaultNamespace, type Obj } from './load';
import type { Check, RowResult, TestFs, TestResult } from './types';
import { errText } from '../json';

function dotted(values: unknown): Obj {
  const out: Obj = {};
  if (isMap(values)) for (const [k, v] of Object.entries(values)) setDotted(out, k, v);
  return out;
}

function lastSegment(s: string): string {
  const i = s.lastIndexOf('/');
  return i < 0 ? s : s.slice(i + 1);
}

export function resourceId(r: Obj): string {
  const meta = isMap(r.metadata) ? r.metadata : {};
  return `${String(r.apiVersion ?? '')}/${String(r.kind ?? '')}/${String(meta.namespace ?? '')}/${String(meta.name ?? '')}`;
}

function metaOf(r: Obj): Obj {
  return isMap(r.metadata) ? r.metadata : {};
}

/** Category of a test: the first folder of its path below the root (`.` at the root). */
export function categoryOf(relative: string): string {
  const i = relative.indexOf('/');
  return i < 0 ? '.' : relative.slice(0, i);
}

export function relativePath(root: string, file: string): string {
  const r = root.endsWith('/') ? root : root + '/';
  return file.startsWith(r) ? file.slice(r.length) : file;
}

interface PolicyResponses {
  /** Responses of the policy's mutate rules (also in `results`). */
  mutations: PolicyResult[];
  results: PolicyResult[];
  /** The resource after this policy's mutations (mutate policies only). */
  patched?: Obj;
}

/** Runs one test file. Never throws: load errors become a failed test naming the problem. */
export function runTestFile(fs: TestFs, file: string, root: string): TestResult {
  const relative = relativePath(root, file);
  const base: TestResult = { file, relative, category: categoryOf(relative), name: relative, rows: [] };
  let test: Obj;
  try {
    const docs = loadDocuments(fs, file);
    test = docs[0] ?? {};
  } catch (e) {
    return { ...base, error: errText(e) };
  }
  const meta = metaOf(test);
  base.name = typeof meta.name === 'string' ? meta.name : typeof test.name === 'string' ? test.name : relative;
  const results = Array.isArray(field(test, 'results')) ? (field(test, 'results') as unknown[]).filter(isMap) : [];
  const dir = dirnamePath(file);
  const failAll = (error: string): TestResult => ({
    ...base,
    error,
    rows: results.flatMap((r) =>
      resourceNames(r).map((res) => ({
        policy: String(field(r, 'policy') ?? ''),
        rule: String(field(r, 'rule') ?? ''),
        resource: res,
        expected: String(field(r, 'result') ?? ''),
        outcome: 'fail' as const,
        reason: 'Test error',
        checks: [],
      })),
    ),
  });

  let policies: Obj[] = [];
  let resources: Obj[] = [];
  let values: Obj = {};
  try {
    for (const p of stringList(field(test, 'policies'))) policies.push(...loadDocuments(fs, joinPath(dir, p)));
    for (const r of stringList(field(test, 'resources'))) resources.push(...loadDocuments(fs, joinPath(dir, r)).map(withDefaultNamespace));
    const variables = field(test, 'variables');
    if (typeof variables === 'string' && variables !== '') values = loadDocuments(fs, joinPath(dir, variables))[0] ?? {};
    else if (isMap(field(test, 'values'))) values = field(test, 'values') as Obj;
  } catch (e) {
    return failAll(errText(e));
  }
  policies = policies.filter((p) => typeof p.kind === 'string');

  // Inputs this runner does not model yet: every row of the test is skipped with the reason.
  let testSkip: string | undefined;
  // A Context file (cluster resources, image data) is modelled for CEL validation policies only.
  let cluster: { resources?: Obj[]; images?: Obj[] } | undefined;
  const contextFile = field(test, 'context');
  if (contextFile !== undefined) {
    if (typeof contextFile === 'string' && contextFile !== '' && policies.every(isCelValidationPolicy)) {
      try {
        const spec = field(loadDocuments(fs, joinPath(dir, contextFile))[0] ?? {}, 'spec');
        const list = (v: unknown) => (Array.isArray(v) ? v.filter(isMap) : undefined);
        cluster = isMap(spec) ? { resources: list(field(spec, 'resources')), images: list(field(spec, 'images')) } : {};
      } catch (e) {
        return failAll(errText(e));
      }
    } else testSkip = 'context file (cluster resources)';
  }
  // The request's user (kind: UserInfo): userInfo {username, groups}, roles, clusterRoles.
  let user: Obj = {};
  const userinfo = field(test, 'userinfo');
  if (typeof userinfo === 'string' && userinfo !== '') {
    try {
      user = loadDocuments(fs, joinPath(dir, userinfo))[0] ?? {};
    } catch (e) {
      return failAll(errText(e));
    }
  }

  const globalValues = dotted(field(values, 'globalValues'));
  const nsLabels = new Map<string, Record<string, string>>();
  const nsObjects = new Map<string, Obj>();
  for (const n of Array.isArray(field(values, 'namespaceSelector')) ? (field(values, 'namespaceSelector') as unknown[]) : []) {
    if (isMap(n) && typeof n.name === 'string') nsLabels.set(n.name, (isMap(n.labels) ? n.labels : {}) as Record<string, string>);
  }
  for (const n of Array.isArray(field(values, 'namespaces')) ? (field(values, 'namespaces') as unknown[]) : []) {
    if (isMap(n) && isMap(n.metadata) && typeof n.metadata.name === 'string') {
      nsLabels.set(n.metadata.name, (isMap(n.metadata.labels) ? n.metadata.labels : {}) as Record<string, string>);
      nsObjects.set(n.metadata.name, n);
    }
  }
  const valuesPolicies = Array.isArray(field(values, 'policies')) ? (field(values, 'policies') as unknown[]).filter(isMap) : [];
  const valuesOf = (pname: string) => valuesPolicies.find((p) => p.name === pname);

  const optsFor = (policy: Obj, resource: Obj): EvaluateOptions => {
    const pname = policyName(policy);
    const pv = valuesOf(pname);
    const resVals = (Array.isArray(pv?.resources) ? (pv!.resources as unknown[]).filter(isMap) : []).find((x) => x.name === metaOf(resource).name);
    const vals = deepMerge(globalValues, dotted(resVals?.values));
    const req = isMap(vals.request) ? vals.request : {};
    const operation = typeof req.operation === 'string' ? req.operation : 'CREATE';
    const ruleVals = new Map<string, Obj>();
    for (const r of Array.isArray(pv?.rules) ? (pv!.rules as unknown[]).filter(isMap) : []) {
      if (typeof r.name === 'string' && isMap(r.values)) ruleVals.set(r.name, dotted(r.values));
    }
    return {
      operation,
      // The CLI has no old object: on UPDATE it compares the resource with itself.
      oldObject: operation === 'UPDATE' ? resource : undefined,
      values: vals,
      namespaceLabels: nsLabels.get(String(metaOf(resource).namespace ?? '')) ?? {},
      namespaceObject: nsObjects.get(String(metaOf(resource).namespace ?? '')),
      cluster,
      ruleValues: (r) => ruleVals.get(r),
      userInfo: isMap(field(user, 'userInfo')) ? field(user, 'userInfo') : undefined,
      roles: stringList(field(user, 'roles')),
      clusterRoles: stringList(field(user, 'clusterRoles')),
    };
  };

  const mutating = policies.filter(hasMutateRules);
  // Per resource: the mutation phase once (every mutate policy in order, each on the previous
  // output), then validation of the final resource per policy, on demand.
  const mutated = new Map<number, { final: Obj; byPolicy: Map<Obj, MutationOutcome> }>();
  const validated = new Map<number, Map<Obj, PolicyResult[]>>();
  const responsesFor = (resIndex: number, policy: Obj): PolicyResponses => {
    let m = mutated.get(resIndex);
    if (!m) {
      let cur = resources[resIndex];
      const byPolicy = new Map<Obj, MutationOutcome>();
      for (const mp of mutating) {
        const o = mutateWithPolicy(mp, cur, optsFor(mp, cur));
        byPolicy.set(mp, o);
        cur = o.patched;
      }
      m = { final: cur, byPolicy };
      mutated.set(resIndex, m);
    }
    let vm = validated.get(resIndex);
    if (!vm) validated.set(resIndex, (vm = new Map()));
    let v = vm.get(policy);
    if (!v) vm.set(policy, (v = validateWithPolicy(policy, m.final, optsFor(policy, m.final))));
    const mo = m.byPolicy.get(policy);
    return { mutations: mo?.results ?? [], results: [...(mo?.results ?? []), ...v], patched: mo?.patched };
  };

  const rows: RowResult[] = [];
  for (const row of results) {
    const policyRef = String(field(row, 'policy') ?? '');
    const pname = lastSegment(policyRef);
    const rname = typeof field(row, 'rule') === 'string' ? String(field(row, 'rule')) : '';
    const expected = String(field(row, 'result') ?? field(row, 'status') ?? '');
    const patchedFile = field(row, 'patchedResources') ?? field(row, 'patchedResource');
    const generatedFiles = [...stringList(field(row, 'generatedResource')), ...stringList(field(row, 'generatedResources'))];
    const policy = policies.find((p) => policyName(p) === pname);
    const legacy = policy !== undefined && isLegacyPolicy(policy);
    const pv = valuesOf(pname);
    const foreachValues = (Array.isArray(pv?.rules) ? (pv!.rules as unknown[]) : []).some((r) => isMap(r) && r.foreachValues !== undefined);
    for (const resName of resourceNames(row)) {
      const out: RowResult = { policy: policyRef, rule: rname, resource: resName, expected, outcome: 'fail', reason: '', checks: [] };
      if (typeof patchedFile === 'string' && patchedFile !== '') out.mutate = true;
      rows.push(out);
      const skip = (reason: string) => {
        out.outcome = 'skip';
        out.reason = reason;
      };
      if (testSkip) {
        skip(testSkip);
        continue;
      }
      if (foreachValues) {
        skip('foreachValues in the values file');
        continue;
      }
      const parts = resName.split('/');
      const rn = parts.pop()!;
      const rns = parts.pop();
      const targets: number[] = [];
      resources.forEach((r, i) => {
        const m = metaOf(r);
        if (m.name === rn && (rns === undefined || m.namespace === rns)) targets.push(i);
      });
      if (!policy || targets.length === 0) {
        out.reason = 'Not found';
        continue;
      }
      const ann = isMap(metaOf(policy).annotations) ? (metaOf(policy).annotations as Obj) : {};
      const scored = ann['policies.kyverno.io/scored'] !== 'false';
      const checks: Check[] = [];
      let skipReason: string | undefined;
      let rowError: string | undefined;
      let dropped = 0;
      for (const ti of targets) {
        let pr: PolicyResponses;
        try {
          pr = responsesFor(ti, policy);
        } catch (e) {
          rowError = `engine error: ${errText(e)}`;
          break;
        }
        const rules = pr.results.filter((r) => !legacy || r.rule === rname || r.rule === `autogen-${rname}` || r.rule === `autogen-cronjob-${rname}`);
        const id = resourceId(resources[ti]);
        for (const r of rules) {
          if (r.unsupported) skipReason = skipReason ?? `not supported yet: ${r.unsupported}`;
          else if (r.needsClusterData) skipReason = skipReason ?? 'needs cluster data (unmocked context entry or namespace labels)';
          const got = r.status === 'fail' && !scored ? 'warn' : r.status;
          const check: Check = { rule: r.rule, resource: id, expected, got, ok: got === expected, reason: '', message: r.message };
          if (out.mutate && pr.patched !== undefined && pr.mutations.includes(r) && !r.unsupported) {
            const cmp = comparePatched(fs, joinPath(dir, String(patchedFile)), pr.patched);
            if (cmp === 'missing') {
              dropped++; // the CLI drops the row when no expected document matches
              continue;
            }
            if (cmp !== 'equal') {
              check.ok = false;
              check.reason = cmp === 'diff' ? 'Resource diff' : 'Resource error';
              if (cmp !== 'diff') check.message = cmp;
            }
          }
          const gen = (r as { generated?: Obj }).generated;
          if (generatedFiles.length > 0 && gen !== undefined) {
            // The document with the generated object's apiVersion/kind/namespace/name must be in one of the files.
            const cmps = generatedFiles.map((f) => comparePatched(fs, joinPath(dir, f), gen));
            const cmp = cmps.find((c) => c === 'equal') ?? cmps.find((c) => c === 'diff') ?? cmps.find((c) => c !== 'missing') ?? 'missing';
            if (cmp !== 'equal') {
              check.ok = false;
              check.reason = cmp === 'diff' ? 'Resource diff' : 'Resource error';
              check.message = cmp === 'diff' ? 'the generated resource differs from the expected one' : cmp === 'missing' ? `no expected document for ${resourceId(gen)}` : cmp;
            }
          }
          if (!check.reason) check.reason = check.ok ? 'Ok' : `Want ${expected}, got ${got}`;
          checks.push(check);
        }
      }
      out.checks = checks;
      if (rowError) {
        out.reason = rowError;
        continue;
      }
      if (skipReason) {
        skip(skipReason);
        continue;
      }
      if (checks.length === 0) {
        out.outcome = 'pass';
        out.reason = dropped > 0 ? 'Not compared: no expected patched document for this resource (the Kyverno CLI drops the row)' : 'Excluded';
        continue;
      }
      const bad = checks.find((c) => !c.ok);
      out.outcome = bad ? 'fail' : 'pass';
      out.reason = bad ? bad.reason : 'Ok';
    }
  }
  return { ...base, rows };
}

function resourceNames(row: Obj): string[] {
  const list = stringList(field(row, 'resources'));
  if (list.length > 0) return list;
  const one = field(row, 'resource');
  return typeof one === 'string' && one !== '' ? [one] : [];
}
