// generate rules with `data` (Kyverno pkg/background/generate, as the CLI runs them offline):
// match → context → preconditions → variables substituted → the object to create is `data` with
// apiVersion, kind, name and namespace from the rule. `clone`/`cloneList` read the cluster:
// reported as needing cluster data. Nothing is created: the object is returned for comparison.

import { rulesForKind } from '../autogen';
import { buildContext } from '../context';
import { deepMerge, policyName, type EvaluateOptions, type PolicyResult } from '../engine';
import { matchRule } from '../match/match';
import { isMap } from '../operators/value';
import { prepareRule } from '../validate';
import { substituteAll } from '../variables/substitute';
import { errText } from '../json';

type Obj = Record<string, unknown>;

export interface GenerateResult extends PolicyResult {
  /** The object the rule would create (pass only). */
  generated?: Obj;
}

export function hasGenerateRules(policy: Obj): boolean {
  const spec = isMap(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.rules) && spec.rules.some((r) => isMap(r) && r.generate !== undefined);
}

function generateRule(rule: Obj, ctx0: Obj): Omit<GenerateResult, 'policy'> {
  const name = String(rule.name ?? '');
  const prepared = prepareRule(name, rule.context, rule.preconditions, ctx0);
  if ('result' in prepared) return prepared.result;
  const ctx = prepared.ctx;
  const g0 = isMap(rule.generate) ? rule.generate : {};
  if (g0.data === undefined) {
    const what = g0.clone !== undefined ? 'clone' : g0.cloneList !== undefined ? 'cloneList' : 'foreach';
    return { rule: name, status: 'skip', message: `needs cluster data: generate.${what} reads existing resources`, needsClusterData: [`generate.${what}`] };
  }
  let g: Obj;
  try {
    g = substituteAll(g0, ctx) as Obj;
  } catch (e) {
    return { rule: name, status: 'error', message: `variable substitution failed: ${errText(e)}` };
  }
  const data = isMap(g.data) ? g.data : {};
  const meta = isMap(data.metadata) ? { ...data.metadata } : {};
  meta.name = g.name;
  if (typeof g.namespace === 'string' && g.namespace !== '') meta.namespace = g.namespace;
  const generated: Obj = { ...data, apiVersion: g.apiVersion, kind: g.kind, metadata: meta };
  return { rule: name, status: 'pass', message: 'created the resource', generated };
}

/** Responses of the generate rules of a policy for a trigger resource. */
export function generateWithPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions = {}): GenerateResult[] {
  const name = policyName(policy);
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const policyNamespace = policy.kind === 'Policy' && typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const out: GenerateResult[] = [];
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  for (const rule of rulesForKind(policy, kind)) {
    if (rule.generate === undefined) continue;
    const ruleName = String(rule.name ?? '');
    const m = matchRule(rule, { resource, operation: opts.operation, namespaceLabels: opts.namespaceLabels, policyNamespace });
    if (!m.matched) continue;
    const base = buildContext(resource, opts, opts.values ?? {});
    const rv = opts.ruleValues?.(ruleName);
    out.push({ policy: name, ...generateRule(rule, rv ? deepMerge(base, rv) : base) });
  }
  return out;
}
