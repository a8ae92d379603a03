// mutate rules of ClusterPolicy/Policy (Kyverno pkg/engine/handlers/mutation, pkg/engine/mutate):
// match → context → preconditions → variables substituted → patchStrategicMerge /
// patchesJson6902 / foreach. Each rule sees the previous rule's output; a rule that changes the
// resource passes ("mutated Kind/name …"), one that changes nothing is skipped.

import { parse as parseYaml } from 'yaml';
import { rulesForKind } from '../autogen';
import { evaluateConditions } from '../conditions';
import { buildContext } from '../context';
import { deepMerge, policyName, type EvaluateOptions, type PolicyResult } from '../engine';
import { matchRule } from '../match/match';
import { isMap } from '../operators/value';
import { loadContextEntries, prepareRule, type RuleResult } from '../validate';
import { jmesSearch } from '../variables/jmespath';
import { substituteAll } from '../variables/substitute';
import { applyJsonPatch, toOperations } from './jsonpatch';
import { preprocessOverlay, strategicMerge } from './strategic';
import { cloneJson, deepEqual, errText } from '../json';

type Obj = Record<string, unknown>;

export interface MutationResult {
  results: PolicyResult[];
  /** The resource after every mutate rule of the policy (the input object when nothing changed). */
  patched: Obj;
  /** The resource after each rule that changed it, in order (what each rule did, for reports). */
  stages: { rule: string; patched: Obj }[];
}

class RuleError extends Error {}

/** One patch (strategic merge overlay or JSON 6902 text) applied with the variables of `ctx`. */
function applyPatch(block: Obj, resource: Obj, ctx: Obj): Obj {
  if (block.patchStrategicMerge !== undefined) {
    let overlay: unknown;
    try {
      overlay = substituteAll(block.patchStrategicMerge, ctx);
    } catch (e) {
      throw new RuleError(`variable substitution failed: ${errText(e)}`);
    }
    let pre;
    try {
      pre = preprocessOverlay(overlay, resource);
    } catch (e) {
      throw new RuleError(`failed to preProcess rule: ${errText(e)}`);
    }
    if (pre.condition) return resource;
    return strategicMerge(resource, pre.overlay);
  }
  if (block.patchesJson6902 !== undefined) {
    let text: unknown;
    try {
      text = substituteAll(block.patchesJson6902, ctx);
    } catch (e) {
      throw new RuleError(`variable substitution failed: ${errText(e)}`);
    }
    try {
      const ops = toOperations(typeof text === 'string' ? parseYaml(text) : text);
      return applyJsonPatch(resource, ops) as Obj;
    } catch (e) {
      throw new RuleError(`failed to apply JSON patches: ${errText(e)}`);
    }
  }
  return resource;
}

interface ForeachOutcome {
  resource: Obj;
  needs?: string[];
}

function applyForeach(entries: unknown[], resource: Obj, ctx: Obj, depth: number): ForeachOutcome {
  let cur = resource;
  for (const entry of entries) {
    if (!isMap(entry)) continue;
    let elements: unknown;
    try {
      elements = jmesSearch(ctx, String(substituteAll(entry.list ?? '', ctx)).trim());
    } catch (e) {
      if (errText(e).indexOf('Unknown key') >= 0) continue;
      throw new RuleError(`failed to evaluate list ${String(entry.list)}: ${errText(e)}`);
    }
    if (elements === null || elements === undefined) continue;
    const list = Array.isArray(elements) ? elements : [elements];
    const descending = entry.order === 'Descending';
    for (let n = 0; n < list.length; n++) {
      const i = descending ? list.length - 1 - n : n;
      const element = list[i];
      if (element === null || element === undefined) continue;
      let ectx: Obj = { ...ctx, element, elementIndex: i, [`element${depth}`]: element, [`elementIndex${depth}`]: i };
      const loaded = loadContextEntries(entry.context, ectx);
      if (loaded.needs.length > 0) return { resource: cur, needs: loaded.needs };
      ectx = loaded.ctx;
      if (entry.preconditions !== undefined) {
        let ok: boolean;
        try {
          ok = evaluateConditions(entry.preconditions, ectx).result;
        } catch (e) {
          throw new RuleError(`failed to evaluate preconditions: ${errText(e)}`);
        }
        if (!ok) continue;
      }
      if (Array.isArray(entry.foreach)) {
        const r = applyForeach(entry.foreach, cur, ectx, depth + 1);
        if (r.needs) return r;
        cur = r.resource;
      } else {
        cur = applyPatch(entry, cur, ectx);
      }
    }
  }
  return { resource: cur };
}

function mutatedMessage(r: Obj): string {
  const meta = isMap(r.metadata) ? r.metadata : {};
  const id = `${String(r.kind ?? '')}/${String(meta.name ?? '')}`;
  return typeof meta.namespace === 'string' && meta.namespace !== '' ? `mutated ${id} in namespace ${meta.namespace}` : `mutated ${id}`;
}

/** One mutate rule against a resource; `patched` is set when the rule changed it. */
export function evaluateMutateRule(rule: Obj, resource: Obj, baseCtx: Obj): RuleResult & { patched?: Obj } {
  const name = String(rule.name ?? '');
  const mutate = isMap(rule.mutate) ? rule.mutate : {};
  if (mutate.targets !== undefined) {
    return { rule: name, status: 'skip', message: 'not supported yet: mutate existing resources (targets)' };
  }
  const prepared = prepareRule(name, rule.context, rule.preconditions, baseCtx);
  if ('result' in prepared) return prepared.result;
  const ctx = prepared.ctx;
  let out: Obj;
  try {
    const input = cloneJson(resource);
    if (Array.isArray(mutate.foreach)) {
      const r = applyForeach(mutate.foreach, input, ctx, 0);
      if (r.needs) return { rule: name, status: 'skip', message: `needs cluster data: ${r.needs.join(', ')}`, needsClusterData: r.needs };
      out = r.resource;
    } else {
      out = applyPatch(mutate, input, ctx);
    }
  } catch (e) {
    if (e instanceof RuleError) return { rule: name, status: 'error', message: e.message };
    throw e;
  }
  if (deepEqual(out, resource)) return { rule: name, status: 'skip', message: 'no patches applied' };
  return { rule: name, status: 'pass', message: mutatedMessage(out), patched: out };
}

/** Every mutate rule of a policy applied in order to a resource (each rule sees the previous output). */
export function mutatePolicy(policy: Obj, resource: Obj, opts: EvaluateOptions = {}): MutationResult {
  const name = policyName(policy);
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const spec = isMap(policy.spec) ? policy.spec : {};
  const policyNamespace = policy.kind === 'Policy' && typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const results: PolicyResult[] = [];
  const stages: MutationResult['stages'] = [];
  let cur = resource;
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  for (const rule of rulesForKind(policy, kind)) {
    if (rule.mutate === undefined) continue;
    const ruleName = String(rule.name ?? '');
    const m = matchRule(rule, { resource: cur, operation: opts.operation, namespaceLabels: opts.namespaceLabels, policyNamespace });
    if (!m.matched) {
      if (m.needsClusterData.length > 0) {
        results.push({ policy: name, rule: ruleName, status: 'skip', message: `needs cluster data: ${m.needsClusterData.join(', ')}`, needsClusterData: m.needsClusterData });
      }
      continue;
    }
    const base = buildContext(cur, { ...opts, oldObject: opts.operation === 'UPDATE' ? cur : opts.oldObject }, opts.values ?? {});
    const rv = opts.ruleValues?.(ruleName.replace(/^autogen-(cronjob-)?/, ''));
    const ctx = rv ? deepMerge(base, rv) : base;
    const r = evaluateMutateRule(rule, cur, ctx);
    const { patched, ...rest } = r;
    results.push({ policy: name, ...rest, notApplicable: m.notApplicable.length > 0 ? m.notApplicable : undefined });
    if (patched) {
      cur = patched;
      stages.push({ rule: ruleName, patched });
    }
    if (spec.applyRules === 'One' && r.status === 'pass') break;
  }
  return { results, patched: cur, stages };
}
