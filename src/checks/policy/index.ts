// The policy check: runs the selected Kyverno policies (built-in packs, user and chart-shipped
// policies) over the rendered objects and reports every violation. Policies that mutate
// (ClusterPolicy/Policy mutate rules, MutatingPolicy) run first on each object, as Kyverno's
// admission does; their changes come back as patches (unless --no-mutate) and validation
// sees the mutated object (see mutations.ts). Nothing else changes a manifest.
//
// Only documents whose kind some rule can match are parsed: a stream of ConfigMaps and
// Services costs a header scan per document and nothing more.
//
// Verdicts and blocking (decided here, documented in USAGE and the README):
// - Rule statuses are Kyverno's: fail, error, skip (pass is not reported). Skips are reported
//   only when they say something the user must know (the rule needs cluster data, or uses a
//   feature not supported yet); "preconditions not met" and "conditional anchor not satisfied"
//   mean the rule does not apply, so they are dropped like passes.
// - No `--mode`: a fail/error blocks only when the rule's own failure action
//   (validate.failureAction, else spec.validationFailureAction/failureAction; for
//   ValidatingPolicy, validationActions with Deny) is Enforce — the policy says what Kyverno's
//   admission would do. The built-in packs set no failure action, so they only report.
//   `--mode=audit`: nothing blocks, whatever the policies say.
//   `--mode=enforce`: every fail/error blocks, unless the rule's failure action is Audit.

import { defaultOptions, type WardenOptions } from '../../args';
import { PACKS, REGISTRY_POLICY, withAllowedRegistries, type LoadedPolicy } from '../../packs';
import { evaluatePolicy, type PolicyResult } from '../../policy';
import { isMap } from '../../policy/operators/value';
import type { Finding } from '../../report/finding';
import type { SourceDocument } from '../../read/document';
import { emptyResult, type Check, type CheckResult } from '../check';
import { chartPolicies, checkUniqueNames, removedByPolicyCheck, type DeliveredPolicy } from './delivery';
import { applyMutations } from './mutations';

/** The policies of one run, indexed by the kinds they can match. */
export interface PolicySet {
  policies: readonly LoadedPolicy[];
  byKind: ReadonlyMap<string, readonly LoadedPolicy[]>;
  /** Policies with wildcard kinds: candidates for every document. */
  anyKind: readonly LoadedPolicy[];
}

function excluded(list: readonly string[], policy: string, rule?: string): boolean {
  for (const e of list) {
    if (e === policy) return true;
    if (rule === undefined) continue;
    const slash = e.indexOf('/');
    if (slash < 0 || e.slice(0, slash) !== policy) continue;
    const r = e.slice(slash + 1);
    if (r === rule || `autogen-${r}` === rule || `autogen-cronjob-${r}` === rule) return true;
  }
  return false;
}

export function indexPolicies(policies: readonly LoadedPolicy[]): PolicySet {
  const byKind = new Map<string, LoadedPolicy[]>();
  const anyKind: LoadedPolicy[] = [];
  for (const p of policies) {
    if (p.kinds === 'any') {
      anyKind.push(p);
      continue;
    }
    for (const k of p.kinds) {
      const list = byKind.get(k);
      if (list) list.push(p);
      else byKind.set(k, [p]);
    }
  }
  return { policies, byKind, anyKind };
}

const setCache = new Map<string, PolicySet>();

/** The built-in policies these options select (deduplicated across packs), indexed. Cached. */
export function selectPolicies(options: Pick<WardenOptions, 'packs' | 'allowedRegistries' | 'excludeRules'>): PolicySet {
  const key = JSON.stringify([options.packs, options.allowedRegistries, options.excludeRules]);
  let set = setCache.get(key);
  if (set) return set;
  const seen = new Set<string>();
  const out: LoadedPolicy[] = [];
  for (const pack of options.packs) {
    for (const p of PACKS[pack]) {
      if (seen.has(p.name) || excluded(options.excludeRules, p.name)) continue;
      seen.add(p.name);
      const chosen = p.name === REGISTRY_POLICY ? withAllowedRegistries(p, options.allowedRegistries) : p;
      if (chosen) out.push(chosen);
    }
  }
  set = indexPolicies(out);
  if (setCache.size > 16) setCache.clear();
  setCache.set(key, set);
  return set;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Kyverno's `/spec/containers/0/image/` as `spec.containers[0].image`. Kyverno joins keys
 * with `/` without escaping, so a key holding `/` (`app.kubernetes.io/name`) is found again
 * by walking the resource; keys that are not plain names are written `["key"]`.
 */
export function dottedPath(path: string | undefined, resource?: unknown): string | undefined {
  if (!path) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  let out = '';
  let cur: unknown = resource;
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i];
    if (Array.isArray(cur) || (cur === undefined && /^\d+$/.test(part))) {
      out += `[${part}]`;
      cur = Array.isArray(cur) ? cur[Number(part)] : undefined;
      continue;
    }
    if (!(isMap(cur) && part in cur)) {
      // a key with slashes: the shortest run of segments that names a key, or (for a missing
      // label or annotation) `prefix/name` when the segment looks like a DNS prefix
      let found = false;
      for (let j = i + 1; isMap(cur) && j < parts.length; j++) {
        const joined = parts.slice(i, j + 1).join('/');
        if (joined in cur) {
          part = joined;
          i = j;
          found = true;
          break;
        }
      }
      const parent = i > 0 ? parts[i - 1] : '';
      if (!found && (parent === 'labels' || parent === 'annotations') && part.indexOf('.') >= 0 && i + 1 < parts.length) {
        part = `${part}/${parts[++i]}`;
      }
    }
    out += PLAIN_KEY.test(part) ? (out === '' ? part : `.${part}`) : `[${JSON.stringify(part)}]`;
    cur = isMap(cur) ? cur[part] : undefined;
  }
  return out === '' ? undefined : out;
}

/** Kyverno's message without the parts the finding carries separately (rule name, path). */
function shortMessage(r: PolicyResult): string {
  let m = r.message;
  if (r.status === 'fail' && r.path) {
    const tail = ` rule ${r.rule} failed at path ${r.path}`;
    if (m.endsWith(tail)) m = m.slice(0, m.length - tail.length);
  }
  if (m.startsWith('validation error: ')) m = m.slice('validation error: '.length);
  return m.trim() === '' ? r.message : m.trim();
}

function reportable(r: PolicyResult): boolean {
  if (r.status === 'fail' || r.status === 'error') return true;
  if (r.status === 'skip') return r.unsupported !== undefined || (r.needsClusterData !== undefined && r.needsClusterData.length > 0);
  return false;
}

const trimmed = new WeakMap<LoadedPolicy, { key: string; policy: LoadedPolicy }>();

/**
 * A ClusterPolicy/Policy without the mutate rules --exclude-rules names (POLICY/RULE), so an
 * excluded rule changes nothing; the policy itself when none is excluded. Cached.
 */
function withoutExcludedRules(p: LoadedPolicy, excludeRules: readonly string[]): LoadedPolicy {
  if (excludeRules.length === 0) return p;
  const spec = isMap(p.policy.spec) ? p.policy.spec : undefined;
  if (!spec || !Array.isArray(spec.rules)) return p;
  const key = excludeRules.join(',');
  const hit = trimmed.get(p);
  if (hit && hit.key === key) return hit.policy;
  const rules = spec.rules.filter((r) => !(isMap(r) && r.mutate !== undefined && excluded(excludeRules, p.name, String(r.name ?? ''))));
  const out = rules.length === spec.rules.length ? p : { ...p, policy: { ...p.policy, spec: { ...spec, rules } } };
  trimmed.set(p, { key, policy: out });
  return out;
}

export function runPolicies(
  set: PolicySet,
  documents: readonly SourceDocument[],
  options: Pick<WardenOptions, 'mode' | 'excludeRules'> & Partial<Pick<WardenOptions, 'mutate' | 'modeGiven'>>,
  skipDocuments?: ReadonlySet<number>,
): CheckResult {
  const result = emptyResult();
  if (set.policies.length === 0) return result;
  const { byKind, anyKind } = set;
  for (const doc of documents) {
    if (doc.empty || skipDocuments?.has(doc.index)) continue;
    const kind = doc.identity.kind;
    if (kind === undefined) continue;
    const forKind = byKind.get(kind);
    if (!forKind && anyKind.length === 0) continue;
    const candidates = !forKind ? anyKind : anyKind.length === 0 ? forKind : [...forKind, ...anyKind];
    const parsed = doc.value();
    if ('error' in parsed || !isMap(parsed.value)) continue; // the read findings cover broken documents
    let resource = parsed.value;
    let ref: Finding['document'];
    if (candidates.some((p) => p.mutates)) {
      ref = doc.ref;
      const mutators = candidates.filter((p) => p.mutates).map((p) => withoutExcludedRules(p, options.excludeRules));
      const m = applyMutations(mutators, resource, { index: doc.index, ref }, { apply: options.mutate !== false, mode: options.mode });
      resource = m.resource;
      result.findings.push(...m.findings);
      result.patches.push(...m.patches);
    }
    for (const p of candidates) {
      if (p.validates === false) continue;
      let results: PolicyResult[];
      try {
        results = evaluatePolicy(p.policy, resource);
      } catch (e) {
        results = [{ policy: p.name, rule: '', status: 'error', message: `the policy engine failed: ${e instanceof Error ? e.message : String(e)}` }];
      }
      for (const r of results) {
        if (r.unsupported === 'mutate') continue; // answered in the mutation phase above
        if (!reportable(r) || excluded(options.excludeRules, p.name, r.rule)) continue;
        const action = p.actions.get(r.rule);
        ref = ref ?? doc.ref;
        const f: Finding = {
          check: 'policy',
          rule: r.rule === '' ? p.name : `${p.name}/${r.rule}`,
          result: r.status === 'fail' ? 'fail' : r.status === 'error' ? 'error' : 'skip',
          enforce: r.status !== 'skip' && blocks(action, options),
          message: shortMessage(r),
          document: ref,
        };
        const path = dottedPath(r.path, resource);
        if (path) f.path = path;
        if (p.severity) f.severity = p.severity;
        if (p.category) f.category = p.category;
        result.findings.push(f);
      }
    }
  }
  return result;
}

/** Whether a failing rule with this failure action blocks the render (see the header). */
function blocks(action: 'audit' | 'enforce' | undefined, options: Pick<WardenOptions, 'mode'> & Partial<Pick<WardenOptions, 'modeGiven'>>): boolean {
  if (options.mode === 'enforce') return action !== 'audit';
  return !options.modeGiven && action === 'enforce';
}

/**
 * Runs the default packs once over a small Pod, Deployment and CronJob at module load: in
 * plugin.wasm this happens inside the Wizer snapshot, so auto-generated rules, compiled
 * JMESPath expressions and the default policy index are ready before the first call.
 */
function warmUp(): void {
  const set = selectPolicies(defaultOptions());
  const pod = {
    metadata: { name: 'warm-up', labels: { app: 'warm-up' } },
    spec: { containers: [{ name: 'c', image: 'registry.example.com/c:1', ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] },
  };
  const resources = [
    { apiVersion: 'v1', kind: 'Pod', ...pod },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: pod.metadata, spec: { template: pod } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: pod.metadata, spec: { jobTemplate: { spec: { template: pod } } } },
  ];
  for (const r of resources) for (const p of set.byKind.get(r.kind) ?? []) evaluatePolicy(p.policy, JSON.parse(JSON.stringify(r)));
}
warmUp();

/**
 * The built-in policies plus user (--policy) and chart-shipped policies. A user or chart
 * policy named like a built-in one replaces it. Policies this build cannot evaluate are
 * reported as skipped, once each.
 */
function withDelivered(base: PolicySet, delivered: readonly DeliveredPolicy[], options: Pick<WardenOptions, 'excludeRules'>): { set: PolicySet; findings: Finding[] } {
  const findings: Finding[] = [];
  const names = new Set<string>();
  const extra: LoadedPolicy[] = [];
  for (const d of delivered) {
    if (excluded(options.excludeRules, d.name)) continue;
    if (d.loaded?.notAtRenderTime) {
      findings.push({ check: 'policy', rule: d.name, result: 'skip', enforce: false, message: `${d.kind} ${d.name} from ${d.origin} cannot be applied at render time: ${d.loaded.notAtRenderTime}` });
      continue;
    }
    if (d.loaded) {
      extra.push(d.loaded);
      names.add(d.name);
      continue;
    }
    findings.push({
      check: 'policy',
      rule: d.name,
      result: 'skip',
      enforce: false,
      message: `${d.kind} ${d.name} from ${d.origin} is not evaluated: ${d.unsupported ?? 'not supported'}`,
    });
  }
  const policies = [...base.policies.filter((p) => !names.has(p.name)), ...extra];
  return { set: indexPolicies(policies), findings };
}

export const policyCheck: Check = {
  name: 'policy',
  run({ documents, options }) {
    // Chart-shipped policies: found by their header, used, and removed from the output
    // (each removal is reported) unless --keep-policies.
    const chart = chartPolicies(documents, options.namespace);
    const delivered = [...(options.policies ?? []), ...chart.policies];
    if (delivered.length === 0) return runPolicies(selectPolicies(options), documents, options);
    checkUniqueNames(delivered);
    const { set, findings } = withDelivered(selectPolicies(options), delivered, options);
    const result = runPolicies(set, documents, options, chart.documents);
    result.findings.unshift(...findings);
    for (const p of chart.policies) {
      if (removedByPolicyCheck(documents[p.document as number], options)) {
        result.patches.push({
          op: 'remove',
          doc: p.document as number,
          reason: `${p.kind} ${p.name} is a policy the chart ships: warden ran it on this render and keeps it out of the cluster (--keep-policies installs it)`,
        });
      }
    }
    return result;
  },
};
