// Auto-generated rules for Pod controllers (Kyverno pkg/autogen/v1): a rule matching Pod
// also checks the Pod templates of Deployments & co (`autogen-<rule>`) and of CronJobs
// (`autogen-cronjob-<rule>`).

import { isMap } from './operators/value';
import { cloneJson } from './json';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
export const DEFAULT_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

const GVK: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
};

type Rule = Record<string, unknown>;

function filters(block: unknown): Record<string, unknown>[] {
  if (!isMap(block)) return [];
  const out: Record<string, unknown>[] = [];
  for (const k of ['any', 'all']) if (Array.isArray(block[k])) for (const f of block[k] as unknown[]) if (isMap(f)) out.push(f);
  if (isMap(block.resources)) out.push(block);
  return out;
}

function kindsOf(f: Record<string, unknown>): string[] {
  const rd = isMap(f.resources) ? f.resources : {};
  return Array.isArray(rd.kinds) ? rd.kinds.map(String) : [];
}

function hasJson6902(rule: Rule): boolean {
  const m = isMap(rule.mutate) ? rule.mutate : undefined;
  if (!m) return false;
  if (m.patchesJson6902 !== undefined) return true;
  const walk = (fe: unknown): boolean =>
    Array.isArray(fe) && fe.some((e) => isMap(e) && (e.patchesJson6902 !== undefined || walk(e.foreach)));
  return walk(m.foreach);
}

/** The controller kinds autogen applies to for this policy ([] = disabled). */
export function autogenControllers(policy: Record<string, unknown>): string[] {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const ann = isMap(meta.annotations) ? meta.annotations : {};
  const spec = isMap(policy.spec) ? policy.spec : {};
  const rules = Array.isArray(spec.rules) ? (spec.rules as unknown[]).filter(isMap) : [];
  for (const r of rules) {
    if (r.generate !== undefined || hasJson6902(r)) return [];
    for (const f of [...filters(r.match), ...filters(r.exclude)]) {
      const rd = isMap(f.resources) ? f.resources : {};
      if (rd.name !== undefined || rd.names !== undefined || rd.selector !== undefined || rd.annotations !== undefined) return [];
      const kinds = kindsOf(f);
      if (kinds.indexOf('Pod') >= 0 && kinds.length > 1) return [];
    }
  }
  const a = ann[AUTOGEN_ANNOTATION];
  if (typeof a === 'string') {
    if (a.trim() === 'none') return [];
    return a
      .split(',')
      .map((s) => s.trim())
      .filter((s) => DEFAULT_CONTROLLERS.indexOf(s) >= 0);
  }
  return DEFAULT_CONTROLLERS.slice();
}

function ruleMatchesPod(rule: Rule): boolean {
  const m = filters(rule.match);
  if (!m.some((f) => kindsOf(f).indexOf('Pod') >= 0)) return false;
  const ex = filters(rule.exclude).filter((f) => kindsOf(f).length > 0);
  return ex.every((f) => kindsOf(f).indexOf('Pod') >= 0);
}

function replaceKinds(block: unknown, kinds: string[]): unknown {
  if (!isMap(block)) return block;
  const fix = (f: unknown) => {
    if (!isMap(f) || !isMap(f.resources)) return f;
    const ks = kindsOf(f);
    if (ks.indexOf('Pod') < 0) return f;
    return { ...f, resources: { ...f.resources, kinds } };
  };
  const out: Record<string, unknown> = { ...block };
  for (const k of ['any', 'all']) if (Array.isArray(block[k])) out[k] = (block[k] as unknown[]).map(fix);
  if (isMap(block.resources)) return fix(out);
  return out;
}

function wrap(v: unknown, key: 'template' | 'jobTemplate'): unknown {
  return { spec: { [key]: v } };
}

function rewrite(rule: Rule, from: string[], to: string[]): Rule {
  let text = JSON.stringify(rule);
  for (let i = 0; i < from.length; i++) text = text.split(from[i]).join(to[i]);
  return JSON.parse(text) as Rule;
}

/** validate.cel expressions and celPreconditions name `object`/`oldObject` directly (Kyverno updateCELFields). */
function rewriteCel(rule: Rule, from: string[], to: string[]): void {
  const v = isMap(rule.validate) ? rule.validate : undefined;
  if (!v || v.cel === undefined) return;
  const rewrite = (x: unknown) => {
    let text = JSON.stringify(x);
    for (let i = 0; i < from.length; i++) text = text.split(from[i]).join(to[i]);
    return JSON.parse(text) as unknown;
  };
  v.cel = rewrite(v.cel);
  if (rule.celPreconditions !== undefined) rule.celPreconditions = rewrite(rule.celPreconditions);
}

function truncate(name: string): string {
  return name.length > 63 ? name.slice(0, 63) : name;
}

function wrapValidate(rule: Rule, key: 'template' | 'jobTemplate'): void {
  const v = isMap(rule.validate) ? rule.validate : undefined;
  if (v) {
    if (v.pattern !== undefined) v.pattern = wrap(v.pattern, key);
    if (Array.isArray(v.anyPattern)) v.anyPattern = v.anyPattern.map((p) => wrap(p, key));
  }
  const m = isMap(rule.mutate) ? rule.mutate : undefined;
  if (m && m.patchStrategicMerge !== undefined) m.patchStrategicMerge = wrap(m.patchStrategicMerge, key);
  if (m && Array.isArray(m.foreach)) {
    for (const fe of m.foreach) if (isMap(fe) && fe.patchStrategicMerge !== undefined) fe.patchStrategicMerge = wrap(fe.patchStrategicMerge, key);
  }
}

/** Generated rules for one Pod rule: autogen-<rule> (controllers) and autogen-cronjob-<rule>. */
export function generateRules(rule: Rule, controllers: string[]): Rule[] {
  const name = String(rule.name ?? '');
  if (name.startsWith('autogen-') || !ruleMatchesPod(rule)) return [];
  const out: Rule[] = [];
  const podControllers = controllers.filter((c) => c !== 'CronJob' && GVK[c]).map((c) => GVK[c]);
  let ctrl = cloneJson(rule);
  ctrl.name = truncate(`autogen-${name}`);
  ctrl.match = replaceKinds(ctrl.match, podControllers);
  if (ctrl.exclude !== undefined) ctrl.exclude = replaceKinds(ctrl.exclude, podControllers);
  wrapValidate(ctrl, 'template');
  ctrl = rewrite(
    ctrl,
    ['request.object.spec', 'request.object.metadata', 'request.oldObject.spec', 'request.oldObject.metadata'],
    ['request.object.spec.template.spec', 'request.object.spec.template.metadata', 'request.oldObject.spec.template.spec', 'request.oldObject.spec.template.metadata'],
  );
  rewriteCel(
    ctrl,
    ['object.spec', 'oldObject.spec', 'object.metadata', 'oldObject.metadata'],
    ['object.spec.template.spec', 'oldObject.spec.template.spec', 'object.spec.template.metadata', 'oldObject.spec.template.metadata'],
  );
  if (podControllers.length > 0) out.push(ctrl);
  if (controllers.indexOf('CronJob') >= 0) {
    let cj = cloneJson(ctrl);
    cj.name = truncate(`autogen-cronjob-${name}`);
    cj.match = replaceKinds(replaceKindsAll(cj.match, podControllers), ['batch/v1/CronJob']);
    if (cj.exclude !== undefined) cj.exclude = replaceKinds(replaceKindsAll(cj.exclude, podControllers), ['batch/v1/CronJob']);
    wrapValidate(cj, 'jobTemplate');
    cj = rewrite(cj, ['request.object.spec.template', 'request.oldObject.spec.template'], ['request.object.spec.jobTemplate.spec.template', 'request.oldObject.spec.jobTemplate.spec.template']);
    rewriteCel(cj, ['object.spec.template', 'oldObject.spec.template'], ['object.spec.jobTemplate.spec.template', 'oldObject.spec.jobTemplate.spec.template']);
    out.push(cj);
  }
  return out;
}

/** Marks the filters that carry the controller kinds with `Pod` again so replaceKinds finds them. */
function replaceKindsAll(block: unknown, podControllers: string[]): unknown {
  if (!isMap(block)) return block;
  const fix = (f: unknown) => {
    if (!isMap(f) || !isMap(f.resources)) return f;
    const ks = kindsOf(f);
    if (ks.length !== podControllers.length || !ks.every((k, i) => k === podControllers[i])) return f;
    return { ...f, resources: { ...f.resources, kinds: ['Pod'] } };
  };
  const out: Record<string, unknown> = { ...block };
  for (const k of ['any', 'all']) if (Array.isArray(block[k])) out[k] = (block[k] as unknown[]).map(fix);
  if (isMap(block.resources)) return fix(out);
  return out;
}

/** The rules the engine evaluates for a resource of this kind (original + generated for controllers). */
export function rulesForKind(policy: Record<string, unknown>, kind: string): Rule[] {
  let c = computed.get(policy);
  if (!c) {
    const spec = isMap(policy.spec) ? policy.spec : {};
    const rules = Array.isArray(spec.rules) ? (spec.rules as unknown[]).filter(isMap) : [];
    const controllers = autogenControllers(policy);
    const withGenerated: Rule[] = [...rules];
    for (const r of rules) withGenerated.push(...generateRules(r, controllers));
    c = { rules, withGenerated, controllers };
    computed.set(policy, c);
  }
  return c.controllers.indexOf(kind) < 0 ? c.rules : c.withGenerated;
}

/** Generated rules per policy object (policies are not changed after loading). */
const computed = new WeakMap<object, { rules: Rule[]; withGenerated: Rule[]; controllers: string[] }>();
