// Kyverno ValidatingPolicy (policies.kyverno.io v1alpha1/v1beta1/v1, also the namespaced
// variant) and Kubernetes ValidatingAdmissionPolicy, evaluated against one resource
// (Kyverno pkg/cel/policies/vpol/engine, Kubernetes admission CEL semantics).
//
// Per resource: matchConstraints (resourceRules / excludeResourceRules with apiGroups,
// apiVersions, plural resources, operations, resourceNames, scope; namespaceSelector;
// objectSelector) → no match: no response; matchConditions false → `skip`; validations in
// order: an error → `error`, the first false → `fail` (messageExpression, message, or
// "CEL expression validation failed at index <i>"), all true → `pass`.
// validationActions (Deny/Audit/Warn) do not change the verdict; callers decide blocking.
//
// Autogen (Kyverno pkg/cel/autogen): a policy that matches exactly `pods` (core/v1, one rule,
// no selectors, names or exclusions) also applies to pod controllers — `spec.autogen.
// podControllers.controllers` (default: daemonsets, deployments, jobs, statefulsets,
// replicasets, cronjobs) — with `object.spec`/`object.metadata` rewritten to the pod template.
// A ValidatingAdmissionPolicy is evaluated as if bound cluster-wide (bindings and params
// need the cluster).

import { buildActivation, variableDefs, type CelRequest } from './cel/activation';
import { CelCompileError, compileCel, evalBool } from './cel/env';
import { NeedsClusterData } from './cel/library';
import { labelsOf, matchConstraints, nonEmptySelector, requestFor, type Req } from './cel/match-constraints';
import { resourceOfKind } from './cel/resources';
import type { EvaluateOptions, PolicyResult } from './engine';
import { selectorMatches } from './match/match';
import { isMap } from './operators/value';
import { errText } from './json';

type Obj = Record<string, unknown>;

const VPOL_KINDS = new Set(['ValidatingPolicy', 'NamespacedValidatingPolicy']);

/** A Kyverno ValidatingPolicy (or NamespacedValidatingPolicy) document. */
export function isValidatingPolicy(p: Obj): boolean {
  return typeof p.kind === 'string' && VPOL_KINDS.has(p.kind) && typeof p.apiVersion === 'string' && p.apiVersion.startsWith('policies.kyverno.io/');
}

/** A Kubernetes ValidatingAdmissionPolicy document. */
export function isValidatingAdmissionPolicy(p: Obj): boolean {
  return p.kind === 'ValidatingAdmissionPolicy' && typeof p.apiVersion === 'string' && p.apiVersion.startsWith('admissionregistration.k8s.io/');
}

/** Any CEL validation policy this module evaluates. */
export function isCelValidationPolicy(p: Obj): boolean {
  return isValidatingPolicy(p) || isValidatingAdmissionPolicy(p);
}

// ---- autogen ----------------------------------------------------------------------------

interface Target {
  group: string;
  version: string;
  resource: string;
  kind: string;
  ref: 'defaults' | 'cronjobs';
}

const CONTROLLERS: Record<string, Target> = {
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', ref: 'defaults' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', ref: 'defaults' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', ref: 'defaults' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', ref: 'defaults' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', ref: 'defaults' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', ref: 'cronjobs' },
};

const REPLACEMENTS: Record<Target['ref'], [string, string][]> = {
  defaults: [
    ['spec', 'spec.template.spec'],
    ['metadata', 'spec.template.metadata'],
  ],
  cronjobs: [
    ['spec', 'spec.jobTemplate.spec.template.spec'],
    ['metadata', 'spec.jobTemplate.spec.template.metadata'],
  ],
};

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Kyverno's CanAutoGen: one rule for exactly core/v1 pods, no selectors, names or exclusions. */
function canAutogen(mc: unknown): boolean {
  if (!isMap(mc)) return false;
  if (nonEmptySelector(mc.namespaceSelector) || nonEmptySelector(mc.objectSelector)) return false;
  if (Array.isArray(mc.excludeResourceRules) && mc.excludeResourceRules.length > 0) return false;
  const rules = Array.isArray(mc.resourceRules) ? mc.resourceRules : [];
  if (rules.length !== 1 || !isMap(rules[0])) return false;
  const r = rules[0];
  if (list(r.resourceNames).length > 0) return false;
  const g = list(r.apiGroups);
  const v = list(r.apiVersions);
  const res = list(r.resources);
  return g.length === 1 && g[0] === '' && v.length === 1 && v[0] === 'v1' && res.length === 1 && res[0] === 'pods';
}

/** Rewrites `object.<from>` / `oldObject.<from>` except before `.name`/`.namespace` (Kyverno's protected suffixes). */
function replaceAll(text: string, from: string, to: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf(from, i);
    if (at < 0) break;
    const rest = text.slice(at + from.length);
    out += text.slice(i, at) + (isProtected(rest) ? from : to);
    i = at + from.length;
  }
  return out + text.slice(i);
}

function isProtected(rest: string): boolean {
  for (const suffix of ['.namespace', '.name']) {
    if (!rest.startsWith(suffix)) continue;
    const next = rest.charCodeAt(suffix.length);
    const ident = next === 95 || (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (Number.isNaN(next) || !ident) return true;
  }
  return false;
}

interface CompiledSpec {
  /** '' for the policy itself; `autogen` / `autogen-cronjobs` for generated variants. */
  rule: string;
  spec: Obj;
}

function autogenSpecs(spec: Obj): CompiledSpec[] {
  if (!canAutogen(spec.matchConstraints)) return [];
  const ag = isMap(spec.autogen) && isMap(spec.autogen.podControllers) ? spec.autogen.podControllers : undefined;
  const wanted = ag && Array.isArray(ag.controllers) ? ag.controllers.map(String) : Object.keys(CONTROLLERS);
  const byRef = new Map<Target['ref'], Target[]>();
  for (const c of wanted) {
    const t = CONTROLLERS[c];
    if (!t) continue;
    const l = byRef.get(t.ref) ?? [];
    if (l.indexOf(t) < 0) l.push(t);
    byRef.set(t.ref, l);
  }
  const out: CompiledSpec[] = [];
  const mc = spec.matchConstraints as Obj;
  const operations = isMap((mc.resourceRules as unknown[])[0]) ? ((mc.resourceRules as Obj[])[0].operations ?? []) : [];
  for (const ref of [...byRef.keys()].sort()) {
    const targets = byRef.get(ref)!;
    const groups = new Map<string, Set<string>>();
    for (const t of targets) {
      const key = `${t.group}/${t.version}`;
      const s = groups.get(key) ?? new Set<string>();
      s.add(t.resource);
      groups.set(key, s);
    }
    const resourceRules = [...groups.keys()].sort().map((gv) => {
      const [group, version] = gv.split('/');
      return { apiGroups: [group], apiVersions: [version], resources: [...groups.get(gv)!].sort(), operations };
    });
    const conds = targets.map((t) => `(object.apiVersion == '${t.group ? `${t.group}/` : ''}${t.version}' && object.kind =='${t.kind}')`);
    const precondition = [...new Set(conds)].sort().join('||');
    const prefix = `autogen-${ref}`;
    const matchConditions = Array.isArray(spec.matchConditions)
      ? spec.matchConditions.filter(isMap).map((m) => ({ name: `${prefix}-${String(m.name ?? '')}`, expression: `!(${precondition}) || (${String(m.expression ?? '')})` }))
      : undefined;
    const copy: Obj = { ...spec, matchConstraints: { resourceRules }, matchConditions };
    delete copy.autogen;
    let text = JSON.stringify(copy);
    for (const [from, to] of REPLACEMENTS[ref]) {
      text = replaceAll(text, `object.${from}`, `object.${to}`);
      text = replaceAll(text, `oldObject.${from}`, `oldObject.${to}`);
    }
    out.push({ rule: ref === 'defaults' ? 'autogen' : 'autogen-cronjobs', spec: JSON.parse(text) as Obj });
  }
  return out;
}

const specsCache = new WeakMap<object, { own: CompiledSpec; generated: CompiledSpec[] }>();

function specsOf(policy: Obj): { own: CompiledSpec; generated: CompiledSpec[] } {
  let c = specsCache.get(policy);
  if (!c) {
    const spec = isMap(policy.spec) ? policy.spec : {};
    c = { own: { rule: '', spec }, generated: isValidatingPolicy(policy) ? autogenSpecs(spec) : [] };
    specsCache.set(policy, c);
  }
  return c;
}

/** Kinds this policy can match (plural resources mapped back through the controllers table), or 'any'. */
export function celPolicyResources(policy: Obj): Set<string> | 'any' {
  const { own, generated } = specsOf(policy);
  const out = new Set<string>();
  for (const s of [own, ...generated]) {
    const mc = isMap(s.spec.matchConstraints) ? s.spec.matchConstraints : {};
    for (const r of Array.isArray(mc.resourceRules) ? mc.resourceRules : []) {
      if (!isMap(r)) continue;
      for (const res of list(r.resources)) {
        if (res === '*' || res.startsWith('*/')) return 'any';
        out.add(res.split('/')[0]);
      }
    }
  }
  return out;
}

// ---- matching ---------------------------------------------------------------------------

// ---- evaluation -------------------------------------------------------------------------

function short(expr: string): string {
  const one = expr.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? one.slice(0, 117) + '...' : one;
}

function policyLabel(policy: Obj): string {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  return typeof meta.name === 'string' ? meta.name : '';
}

/** Responses of one CEL validation policy for one resource (none when it does not match). */
export function evaluateValidatingPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions = {}): PolicyResult[] {
  const name = policyLabel(policy);
  const req = requestFor(resource, opts);
  const { own, generated } = specsOf(policy);
  const out: PolicyResult[] = [];
  const policySpec = own.spec;
  const evaluation = isMap(policySpec.evaluation) ? policySpec.evaluation : {};
  // a NamespacedValidatingPolicy applies to objects of its own namespace only
  const policyNs = policy.kind === 'NamespacedValidatingPolicy' && isMap(policy.metadata) && typeof policy.metadata.namespace === 'string' ? policy.metadata.namespace : undefined;
  if (policyNs !== undefined && policyNs !== req.namespace) return out;
  for (const s of [own, ...generated]) {
    const m = matchConstraints(s.spec.matchConstraints, resource, req, opts);
    if (m.needs) {
      out.push({ policy: name, rule: s.rule, status: 'skip', message: `needs cluster data: ${m.needs}`, needsClusterData: [m.needs] });
      continue;
    }
    if (!m.matched) continue;
    if (evaluation.mode === 'JSON') {
      out.push({ policy: name, rule: s.rule, status: 'skip', message: 'not supported yet: evaluation.mode JSON', unsupported: 'evaluation.mode JSON' });
      continue;
    }
    const r = evaluateSpec(s, resource, req, opts, isValidatingAdmissionPolicy(policy));
    if (r) out.push({ policy: name, ...r });
  }
  return out;
}

/** Kyverno's vpol message: messageExpression (its error text when it fails), else message, else the index. */
function vpolMessage(v: Obj, act: Record<string, unknown>, i: number): string {
  let m = typeof v.message === 'string' ? v.message : '';
  if (typeof v.messageExpression === 'string' && v.messageExpression.trim() !== '') {
    try {
      const out = compileCel(v.messageExpression)(act);
      m = typeof out === 'string' ? out : `failed to convert message expression to string: got ${typeof out}`;
    } catch (e) {
      m = `failed to evaluate message expression: ${errText(e)}`;
    }
  }
  return m === '' ? `CEL expression validation failed at index ${i}` : m;
}

/** The response of one (possibly generated) spec; undefined = no response. */
function evaluateSpec(s: CompiledSpec, resource: Obj, req: Req, opts: EvaluateOptions, vap: boolean): Omit<PolicyResult, 'policy'> | undefined {
  const spec = s.spec;
  const rule = s.rule;
  const celReq: CelRequest = {
    resource,
    oldObject: opts.oldObject,
    operation: req.operation,
    namespaceLabels: opts.namespaceLabels,
    userInfo: opts.userInfo,
    resourceName: req.resource,
    hasParams: vap && spec.paramKind !== undefined,
    namespaceObject: opts.namespaceObject,
    cluster: opts.cluster,
  };
  try {
    const act = buildActivation(celReq, variableDefs(spec.variables));
    // any false condition → skip; otherwise errors → error (failurePolicy Ignore: no match)
    let condError: string | undefined;
    for (const c of Array.isArray(spec.matchConditions) ? spec.matchConditions : []) {
      if (!isMap(c) || typeof c.expression !== 'string') continue;
      let ok: boolean;
      try {
        ok = evalBool(compileCel(c.expression), act);
      } catch (e) {
        if (e instanceof NeedsClusterData) throw e;
        condError ??= `match condition ${JSON.stringify(c.name ?? '')} '${short(c.expression)}': ${errText(e)}`;
        continue;
      }
      if (!ok) return { rule, status: 'skip', message: `match condition ${JSON.stringify(c.name ?? '')} not met` };
    }
    if (condError !== undefined) {
      if (spec.failurePolicy === 'Ignore') return undefined;
      return { rule, status: 'error', message: condError };
    }
    const validations = Array.isArray(spec.validations) ? spec.validations : [];
    for (let i = 0; i < validations.length; i++) {
      const v = validations[i];
      if (!isMap(v) || typeof v.expression !== 'string') continue;
      let ok: boolean;
      try {
        ok = evalBool(compileCel(v.expression), act);
      } catch (e) {
        if (e instanceof NeedsClusterData) throw e;
        const what = e instanceof CelCompileError ? 'invalid validation' : 'validation';
        return { rule, status: 'error', message: `${what} ${i} '${short(v.expression)}': ${errText(e)}` };
      }
      if (!ok) return { rule, status: 'fail', message: vpolMessage(v, act, i) };
    }
  } catch (e) {
    if (e instanceof NeedsClusterData) return { rule, status: 'skip', message: e.message, needsClusterData: [e.what] };
    return { rule, status: 'error', message: errText(e) };
  }
  return { rule, status: 'pass', message: 'success' };
}

// ---- loading ----------------------------------------------------------------------------

const KNOWN_KINDS = [
  'Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob',
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim',
  'Endpoints', 'EndpointSlice', 'Event', 'LimitRange', 'ResourceQuota', 'PodTemplate', 'Ingress', 'IngressClass',
  'NetworkPolicy', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'VolumeAttachment',
  'CSIDriver', 'CSINode', 'PriorityClass', 'RuntimeClass', 'PodDisruptionBudget', 'HorizontalPodAutoscaler',
  'CustomResourceDefinition', 'APIService', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Lease', 'CertificateSigningRequest',
  'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'ReferenceGrant',
];
const KIND_OF_RESOURCE = new Map(KNOWN_KINDS.map((k) => [resourceOfKind(k), k]));

/** Kinds a CEL policy's matchConstraints (and generated controller variants) can match; `any` when unknown. */
export function celPolicyKinds(policy: Obj): Set<string> | 'any' {
  const resources = celPolicyResources(policy);
  if (resources === 'any') return 'any';
  const kinds = new Set<string>();
  for (const r of resources) {
    const k = KIND_OF_RESOURCE.get(r);
    if (k === undefined) return 'any';
    kinds.add(k);
  }
  return kinds;
}

export interface CelPolicyInfo {
  /** Kinds its matchConstraints (and generated controller variants) can match; `any` when unknown. */
  kinds: Set<string> | 'any';
  /** Rule name ('' / 'autogen' / 'autogen-cronjobs') → failure action from validationActions. */
  actions: Map<string, 'audit' | 'enforce' | undefined>;
  /** Problems that make the policy unusable (each names the field and the expression). */
  problems: string[];
}

/** What a policy check needs to know about a CEL validation policy up front, and whether it compiles. */
export function describeCelPolicy(policy: Obj): CelPolicyInfo {
  const problems: string[] = [];
  const spec = isMap(policy.spec) ? policy.spec : {};
  const mc = spec.matchConstraints;
  if (!isMap(mc) || !Array.isArray(mc.resourceRules) || mc.resourceRules.length === 0) problems.push('spec.matchConstraints.resourceRules is required');
  if (!Array.isArray(spec.validations) || spec.validations.length === 0) problems.push('spec.validations is empty');
  const exprs: [string, unknown][] = [];
  const collect = (field: string, keys: string[]) => {
    const l = spec[field];
    if (l !== undefined && !Array.isArray(l)) problems.push(`spec.${field} must be a list`);
    if (!Array.isArray(l)) return;
    l.forEach((x, i) => {
      if (!isMap(x)) return problems.push(`spec.${field}[${i}] must be a map`);
      for (const k of keys) if (x[k] !== undefined || k === 'expression') exprs.push([`spec.${field}[${i}].${k}`, x[k]]);
    });
  };
  collect('matchConditions', ['expression']);
  collect('variables', ['expression']);
  collect('validations', ['expression', 'messageExpression']);
  for (const [where, e] of exprs) {
    if (typeof e !== 'string' || e.trim() === '') {
      problems.push(`${where} must be a non-empty string`);
      continue;
    }
    try {
      compileCel(e);
    } catch (err) {
      problems.push(`${where} '${short(e)}': ${errText(err)}`);
    }
  }
  const kinds = celPolicyKinds(policy);
  const va = list(spec.validationActions);
  const action = va.length === 0 ? undefined : va.indexOf('Deny') >= 0 ? 'enforce' : 'audit';
  const actions = new Map<string, 'audit' | 'enforce' | undefined>();
  for (const s of [specsOf(policy).own, ...specsOf(policy).generated]) actions.set(s.rule, action);
  return { kinds, actions, problems };
}
