// Evaluates ClusterPolicy/Policy validate rules against one resource: autogen, match/exclude,
// then the validate evaluator. Plain JS values in, results out; no I/O.

import { rulesForKind } from './autogen';
import { buildContext, type RequestInfo } from './context';
import { matchRule } from './match/match';
import { isMap } from './operators/value';
import { evaluateValidateRule, type RuleResult } from './validate';
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

/** Why this rule cannot be evaluated here, or undefined when it can. */
export function unsupportedFeature(rule: Record<string, unknown>): string | undefined {
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

/** Rule responses of one policy for one resource; rules that do not match give nothing. */
export function evaluatePolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, opts: EvaluateOptions = {}): PolicyResult[] {
  if (isCelValidationPolicy(policy)) return evaluateValidatingPolicy(policy, resource, opts);
  const name = policyName(policy);
  const spec = isMap(policy.spec) ? policy.spec : {};
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const policyNamespace = policy.kind === 'Policy' && typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  const out: PolicyResult[] = [];
  const baseCtx = buildContext(resource, opts, opts.values ?? {});
  for (const rule of rulesForKind(policy, kind)) {
    const ruleName = String(rule.name ?? '');
    const m = matchRule(rule, { resource, operation: opts.operation, namespaceLabels: opts.namespaceLabels, policyNamespace });
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
    const r = evaluateValidateRule(
      { name: ruleName, context: rule.context as unknown[] | undefined, preconditions: rule.preconditions, validate: rule.validate as Record<string, unknown> },
      resource,
      ctx,
    );
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
