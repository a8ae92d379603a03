// Evaluates ClusterPolicy/Policy validate rules against one resource: autogen, match/exclude,
// then the validate evaluator. Plain JS values in, results out; no I/O.

import { rulesForKind } from './autogen';
import { buildContext, type RequestInfo } from './context';
import { matchRule, ruleCannotMatch } from './match/match';
import { isMap } from './operators/value';
import { evaluateValidateRule, type RuleResult, type ValidateRule } from './validate';
import { evaluateCelPreconditions, evaluateCelRule } from './cel/validate-cel';
import type { CelClusterData } from './cel/library';
import { evaluateValidatingPolicy, isCelValidationPolicy } from './validating-policy';

export interface PolicyResult extends RuleResult {
  policy: string;
  /** Why the rule was not evaluated (a feature this engine does not implement yet). */
  unsupported?: string;
  /** Parts of match/exclude that cannot apply at render time. */
  notApplicable?: string[];
}

export interface EvaluateOptions extends RequestInfo {
  /** Labels of the resource's namespace (namespaceSelector); undefined = unknown. */
  namespaceLabels?: Record<string, string>;
  /** Extra context values (dotted keys allowed), e.g. from a kyverno-test values file. */
  values?: Record<string, unknown>;
  /** Per-rule values, injected before the rule's context entries. */
  ruleValues?: (rule: string) => Record<string, unknown> | undefined;
  /** CEL: the resource's Namespace object when known (`namespaceObject`). */
  namespaceObject?: Record<string, unknown>;
  /** CEL: cluster resources / image data given offline (resource.Get/List, image.GetMetadata). */
  cluster?: CelClusterData;
}

const VALIDATE_SUPPORTED = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity'];

const unsupportedCache = new WeakMap<object, string | null>();

/** Why this rule cannot be evaluated here, or undefined when it can (remembered per rule object: rules are read-only). */
export function unsupportedFeature(rule: Record<string, unknown>): string | undefined {
  let u = unsupportedCache.get(rule);
  if (u === undefined) {
    u = unsupportedFeatureUncached(rule) ?? null;
    unsupportedCache.set(rule, u);
  }
  return u ?? undefined;
}

function unsupportedFeatureUncached(rule: Record<string, unknown>): string | undefined {
  if (rule.mutate !== undefined) return 'mutate';
  if (rule.generate !== undefined) return 'generate';
  if (rule.verifyImages !== undefined) return 'verifyImages';
  if (!isMap(rule.validate)) return 'no validate block';
  const v = rule.validate;
  if (v.cel !== undefined) return undefined;
  if (v.manifests !== undefined) return 'validate.manifests';
  if (!VALIDATE_SUPPORTED.some((k) => v[k] !== undefined)) return 'validate without pattern/anyPattern/deny/foreach';
  return undefined;
}

export function policyName(policy: Record<string, unknown>): string {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  return typeof meta.name === 'string' ? meta.name : '';
}

export function isLegacyPolicy(policy: Record<string, unknown>): boolean {
  return (policy.kind === 'ClusterPolicy' || policy.kind === 'Policy') && typeof policy.apiVersion === 'string' && policy.apiVersion.startsWith('kyverno.io/');
}

const candidates = new WeakMap<object, Map<string, Map<string, Record<string, unknown>[]>>>();

/**
 * rulesForKind without the rules whose match block cannot take this apiVersion/kind (matchRule
 * would give nothing for them), per policy object, kind and apiVersion.
 */
function candidateRules(policy: Record<string, unknown>, apiVersion: string, kind: string): Record<string, unknown>[] {
  let byKind = candidates.get(policy);
  if (!byKind) {
    byKind = new Map();
    candidates.set(policy, byKind);
  }
  let byVersion = byKind.get(kind);
  if (!byVersion) {
    if (byKind.size > 1000) byKind.clear();
    byVersion = new Map();
    byKind.set(kind, byVersion);
  }
  let rules = byVersion.get(apiVersion);
  if (!rules) {
    rules = rulesForKind(policy, kind).filter((r) => !ruleCannotMatch(r, apiVersion, kind));
    if (byVersion.size > 1000) byVersion.clear();
    byVersion.set(apiVersion, rules);
  }
  return rules;
}

const validateRules = new WeakMap<object, ValidateRule>();

/** The validate part of a rule, made once per rule object (rules are read-only). */
function validateRuleOf(rule: Record<string, unknown>, name: string): ValidateRule {
  let v = validateRules.get(rule);
  if (!v || v.name !== name) {
    v = { name, context: rule.context as unknown[] | undefined, preconditions: rule.preconditions, validate: rule.validate as Record<string, unknown> };
    validateRules.set(rule, v);
  }
  return v;
}

const defaultContexts = new WeakMap<object, Record<string, unknown>>();

/**
 * The JSON context of a resource. Without request data or values (the policy check's case) it
 * is the same for every policy and is built once per resource object (read-only: rules copy
 * it before adding their context entries).
 */
function contextFor(resource: Record<string, unknown>, opts: EvaluateOptions): Record<string, unknown> {
  if (opts.operation !== undefined || opts.oldObject !== undefined || opts.userInfo !== undefined || opts.roles !== undefined || opts.clusterRoles !== undefined || opts.values !== undefined) {
    return buildContext(resource, opts, opts.values ?? {});
  }
  let ctx = defaultContexts.get(resource);
  if (!ctx) {
    ctx = buildContext(resource, opts, {});
    defaultContexts.set(resource, ctx);
  }
  return ctx;
}

/** Rule responses of one policy for one resource; rules that do not match give nothing. */
export function evaluatePolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, opts: EvaluateOptions = {}): PolicyResult[] {
  if (isCelValidationPolicy(policy)) return evaluateValidatingPolicy(policy, resource, opts);
  const name = policyName(policy);
  const spec = isMap(policy.spec) ? policy.spec : {};
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const policyNamespace = policy.kind === 'Policy' && typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  const out: PolicyResult[] = [];
  const baseCtx = contextFor(resource, opts);
  const matchReq = { resource, operation: opts.operation, namespaceLabels: opts.namespaceLabels, policyNamespace };
  for (const rule of candidateRules(policy, typeof resource.apiVersion === 'string' ? resource.apiVersion : '', kind)) {
    const ruleName = String(rule.name ?? '');
    const m = matchRule(rule, matchReq);
    if (!m.matched) {
      if (m.needsClusterData.length > 0) {
        out.push({ policy: name, rule: ruleName, status: 'skip', message: `needs cluster data: ${m.needsClusterData.join(', ')}`, needsClusterData: m.needsClusterData });
      }
      continue;
    }
    const notApplicable = m.notApplicable.length > 0 ? m.notApplicable : undefined;
    const unsupported = unsupportedFeature(rule);
    if (unsupported) {
      out.push({ policy: name, rule: ruleName, status: 'skip', message: `not supported yet: ${unsupported}`, unsupported, notApplicable });
      continue;
    }
    if ((opts.operation ?? 'CREATE') === 'DELETE' && isMap(rule.validate) && (rule.validate.pattern !== undefined || rule.validate.anyPattern !== undefined)) continue;
    if (rule.celPreconditions !== undefined || (isMap(rule.validate) && rule.validate.cel !== undefined)) {
      const celReq = { resource, oldObject: opts.oldObject, operation: opts.operation, namespaceLabels: opts.namespaceLabels, userInfo: opts.userInfo, namespaceObject: opts.namespaceObject, cluster: opts.cluster };
      const pre = isMap(rule.validate) && rule.validate.cel !== undefined ? undefined : evaluateCelPreconditions(ruleName, rule.celPreconditions, celReq);
      const r = pre ?? (isMap(rule.validate) && rule.validate.cel !== undefined ? evaluateCelRule({ name: ruleName, celPreconditions: rule.celPreconditions, validate: rule.validate }, celReq) : undefined);
      if (r) {
        out.push({ policy: name, ...r, notApplicable });
        if (spec.applyRules === 'One' && (r.status === 'pass' || r.status === 'fail')) break;
        continue;
      }
    }
    const rv = opts.ruleValues?.(ruleName.replace(/^autogen-(cronjob-)?/, ''));
    const ctx = rv ? deepMerge(baseCtx, rv) : baseCtx;
    const r = evaluateValidateRule(validateRuleOf(rule, ruleName), resource, ctx);
    if (!r) continue;
    out.push({ policy: name, ...r, notApplicable });
    if (spec.applyRules === 'One' && (r.status === 'pass' || r.status === 'fail')) break;
  }
  return out;
}

/** `over` merged into `base` (maps recursively; other values replace). */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}
