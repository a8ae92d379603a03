// The validate-rule evaluator (Kyverno pkg/engine/handlers/validation/validate_resource.go):
// preconditions, deny, pattern, anyPattern and foreach, with Kyverno's statuses and messages.

import { evaluateConditions } from './conditions';
import { findMutateOnlyAnchors } from './anchors/anchor';
import { isMap } from './operators/value';
import { matchPattern } from './pattern/pattern';
import { validatePodSecurity } from './podsecurity/evaluate';
import { jmesSearch } from './variables/jmespath';
import { containsVariables, substituteAll, substituteReadOnly, substituteString, SubstitutionError } from './variables/substitute';
import { errText } from './json';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface RuleResult {
  rule: string;
  status: RuleStatus;
  message: string;
  /** Path of the failing field, e.g. `/spec/containers/0/image/`. */
  path?: string;
  /** What cluster data the rule would need (context entries, namespace labels). */
  needsClusterData?: string[];
}

export interface ValidateRule {
  name: string;
  context?: unknown[];
  preconditions?: unknown;
  validate?: Record<string, unknown>;
}

type Ctx = Record<string, unknown>;

function withDot(m: string): string {
  return m.endsWith('.') ? m : m + '.';
}

/** The rule message with variables substituted; unresolvable variables stay as written. */
function ruleMessage(validate: Record<string, unknown>, ctx: Ctx): string {
  const m = validate.message;
  if (typeof m !== 'string' || m === '') return '';
  const s = substituteString(m, ctx, '/validate/message', { lenient: true });
  return typeof s === 'string' ? s : JSON.stringify(s);
}

/** Loads `context` entries into a copy of ctx. Returns the entries that need cluster data. */
export function loadContextEntries(entries: unknown, ctx: Ctx): { ctx: Ctx; needs: string[] } {
  if (!Array.isArray(entries) || entries.length === 0) return { ctx, needs: [] };
  const out: Ctx = { ...ctx };
  const needs: string[] = [];
  for (const e of entries) {
    if (!isMap(e) || typeof e.name !== 'string') continue;
    const name = e.name;
    if (isMap(e.variable)) {
      const v = e.variable;
      let value: unknown = null;
      try {
        if (v.value !== undefined) {
          value = substituteAll(v.value, out);
          if (typeof v.jmesPath === 'string' && v.jmesPath !== '') value = jmesSearch(value, String(substituteAll(v.jmesPath, out)));
        } else if (typeof v.jmesPath === 'string' && v.jmesPath !== '') {
          value = jmesSearch(out, String(substituteAll(v.jmesPath, out)));
        }
      } catch (err) {
        if (v.default === undefined) throw err;
        value = null;
      }
      if ((value === null || value === undefined) && v.default !== undefined) value = substituteAll(v.default, out);
      out[name] = value;
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(out, name)) continue; // supplied by values (mocks)
    const kind = ['configMap', 'apiCall', 'imageRegistry', 'globalReference'].find((k) => e[k] !== undefined) ?? 'unknown';
    needs.push(`context entry "${name}" (${kind})`);
  }
  return { ctx: out, needs };
}

interface Scope {
  rule: string;
  /** The resource patterns are matched against (the element in a scoped foreach). */
  resource: unknown;
  ctx: Ctx;
  depth: number;
}

/**
 * The steps every rule type shares before its own work: the rule's context entries, then its
 * preconditions. Either the context the rule runs with, or the response that ends the rule
 * (skip: needs cluster data / preconditions not met; error: a context or condition failed).
 */
export function prepareRule(name: string, context: unknown, preconditions: unknown, baseCtx: Ctx): { ctx: Ctx } | { result: RuleResult } {
  let ctx = baseCtx;
  if (Array.isArray(context) && context.length > 0) {
    try {
      const loaded = loadContextEntries(context, ctx);
      if (loaded.needs.length > 0) {
        return { result: { rule: name, status: 'skip', message: `needs cluster data: ${loaded.needs.join(', ')}`, needsClusterData: loaded.needs } };
      }
      ctx = loaded.ctx;
    } catch (e) {
      return { result: { rule: name, status: 'error', message: `failed to load context: ${errText(e)}` } };
    }
  }
  if (preconditions !== undefined) {
    try {
      const p = evaluateConditions(preconditions, ctx);
      if (!p.result) return { result: { rule: name, status: 'skip', message: p.message ? `preconditions not met: ${p.message}` : 'preconditions not met' } };
    } catch (e) {
      return { result: { rule: name, status: 'error', message: `failed to evaluate preconditions: ${errText(e)}` } };
    }
  }
  return { ctx };
}

/** Evaluates one validate rule against a resource. `undefined` = no response (foreach over nothing). */
export function evaluateValidateRule(rule: ValidateRule, resource: unknown, baseCtx: Ctx): RuleResult | undefined {
  const name = rule.name;
  const prepared = prepareRule(name, rule.context, rule.preconditions, baseCtx);
  if ('result' in prepared) return prepared.result;
  const ctx = prepared.ctx;
  const validate = rule.validate ?? {};
  return validateBlock(validate, { rule: name, resource, ctx, depth: 0 });
}

function validateBlock(validate: Record<string, unknown>, scope: Scope): RuleResult | undefined {
  const { rule, ctx } = scope;
  if (validate.deny !== undefined) return validateDeny(validate, scope);
  if (validate.pattern !== undefined) return validatePattern(validate, scope);
  if (validate.anyPattern !== undefined) return validateAnyPattern(validate, scope);
  if (validate.foreach !== undefined) return validateForeach(validate, scope);
  if (validate.podSecurity !== undefined) {
    const req = isMap(ctx.request) ? ctx.request : {};
    return validatePodSecurity(rule, validate.podSecurity, scope.resource, typeof req.operation === 'string' ? req.operation : 'CREATE');
  }
  return { rule, status: 'error', message: `rule ${rule}: unsupported validation (${Object.keys(validate).join(', ')}) ${ctx ? '' : ''}`.trim() };
}

function validateDeny(validate: Record<string, unknown>, scope: Scope): RuleResult {
  const { rule, ctx } = scope;
  const deny = isMap(validate.deny) ? validate.deny : {};
  let outcome;
  try {
    outcome = evaluateConditions(deny.conditions ?? { all: [] }, ctx);
  } catch (e) {
    return { rule, status: 'error', message: `failed to check deny conditions: ${errText(e)}` };
  }
  if (!outcome.result) return { rule, status: 'pass', message: `validation rule '${rule}' passed.` };
  const m = ruleMessage(validate, ctx);
  let message = m || `validation error: rule ${rule} failed`;
  if (outcome.message) message = m ? `${m}; ${outcome.message}` : outcome.message;
  return { rule, status: 'fail', message };
}

function substitutePattern(pattern: unknown, scope: Scope): unknown {
  if (!containsVariables(pattern)) return pattern; // read-only, as substituteReadOnly would return it
  const obj = isMap(scope.ctx.request) ? (scope.ctx.request as Record<string, unknown>).object : undefined;
  return substituteReadOnly(pattern, scope.ctx, {
    atPath: (path) => {
      let cur: unknown = obj;
      for (const p of path.split('/').filter(Boolean)) {
        if (Array.isArray(cur)) cur = cur[Number(p)];
        else if (isMap(cur)) cur = cur[p.replace(/^[+<=X^]?\((.*)\)$/, '$1')];
        else return null;
      }
      return cur ?? null;
    },
  });
}

function validatePattern(validate: Record<string, unknown>, scope: Scope): RuleResult {
  const { rule, ctx } = scope;
  const bad = findMutateOnlyAnchors(validate.pattern);
  if (bad.length > 0) return { rule, status: 'error', message: `add-if-not-present anchor +() is not allowed in validate patterns (${bad.join(', ')})` };
  let pattern: unknown;
  try {
    pattern = substitutePattern(validate.pattern, scope);
  } catch (e) {
    return { rule, status: 'error', message: `variable substitution failed for rule ${rule}: ${errText(e)}` };
  }
  const r = matchPattern(scope.resource, pattern);
  if (r.status === 'ok') return { rule, status: 'pass', message: `validation rule '${rule}' passed.` };
  if (r.status === 'skip') return { rule, status: 'skip', message: r.message ?? '' };
  const m = ruleMessage(validate, ctx);
  if (r.status === 'error') {
    return { rule, status: 'error', message: `validation error: ${m ? withDot(m) + ' ' : ''}rule ${rule} execution error: ${r.message}` };
  }
  return { rule, status: 'fail', message: `validation error: ${m ? withDot(m) + ' ' : ''}rule ${rule} failed at path ${r.path}`, path: r.path };
}

function validateAnyPattern(validate: Record<string, unknown>, scope: Scope): RuleResult {
  const { rule, ctx } = scope;
  const list = validate.anyPattern;
  if (!Array.isArray(list)) return { rule, status: 'error', message: 'failed to deserialize anyPattern, expected type array' };
  const errors: { text: string; skipped: boolean }[] = [];
  for (let i = 0; i < list.length; i++) {
    let pattern: unknown;
    try {
      pattern = substitutePattern(list[i], scope);
    } catch (e) {
      return { rule, status: 'error', message: `variable substitution failed for rule ${rule}: ${errText(e)}` };
    }
    const r = matchPattern(scope.resource, pattern);
    if (r.status === 'ok') return { rule, status: 'pass', message: `validation rule '${rule}' anyPattern[${i}] passed.` };
    if (r.status === 'skip') errors.push({ text: `rule ${rule}[${i}] skipped: ${r.message}`, skipped: true });
    else if (!r.path) errors.push({ text: `rule ${rule}[${i}] failed: ${r.message}`, skipped: false });
    else errors.push({ text: `rule ${rule}[${i}] failed at path ${r.path}`, skipped: false });
  }
  const text = errors.map((e) => e.text).join(' ');
  if (errors.length > 0 && errors.every((e) => e.skipped)) return { rule, status: 'skip', message: text };
  const m = ruleMessage(validate, ctx);
  return { rule, status: 'fail', message: `validation error: ${m ? withDot(m) + ' ' : ''}${text}` };
}

function validateForeach(validate: Record<string, unknown>, scope: Scope): RuleResult | undefined {
  const { rule } = scope;
  const entries = Array.isArray(validate.foreach) ? validate.foreach : [];
  let applied = 0;
  let listError: string | undefined;
  for (const entry of entries) {
    if (!isMap(entry)) continue;
    let elements: unknown;
    try {
      const listExpr = String(substituteAll(entry.list ?? '', scope.ctx));
      elements = jmesSearch(scope.ctx, listExpr);
    } catch (e) {
      const msg = errText(e);
      if (msg.indexOf('Unknown key') >= 0) continue;
      listError = msg;
      continue;
    }
    if (elements === null || elements === undefined) continue;
    const list = Array.isArray(elements) ? elements : [elements];
    const r = validateElements(validate, entry, list, scope);
    if (r.result && r.result.status !== 'pass') return r.result;
    applied += r.applied;
  }
  if (applied === 0) {
    if (listError) return { rule, status: 'error', message: `failed to evaluate list: ${listError}` };
    return undefined;
  }
  return { rule, status: 'pass', message: 'rule passed' };
}

function validateElements(
  parent: Record<string, unknown>,
  entry: Record<string, unknown>,
  elements: unknown[],
  scope: Scope,
): { result?: RuleResult; applied: number } {
  const { rule } = scope;
  let applied = 0;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    if (element === null || element === undefined) continue;
    let ctx: Ctx = { ...scope.ctx, element, elementIndex: i, [`element${scope.depth}`]: element, [`elementIndex${scope.depth}`]: i };
    try {
      const loaded = loadContextEntries(entry.context, ctx);
      if (loaded.needs.length > 0) {
        return { result: { rule, status: 'skip', message: `needs cluster data: ${loaded.needs.join(', ')}`, needsClusterData: loaded.needs }, applied };
      }
      ctx = loaded.ctx;
    } catch (e) {
      return { result: { rule, status: 'error', message: `failed to load context: ${errText(e)}` }, applied };
    }
    if (entry.preconditions !== undefined) {
      try {
        if (!evaluateConditions(entry.preconditions, ctx).result) continue;
      } catch {
        continue;
      }
    }
    const scoped = entry.elementScope;
    let resource = scope.resource;
    if (scoped === true && !isMap(element)) {
      return { result: { rule, status: 'error', message: `failed to process foreach: elementScope requires a map element (index ${i})` }, applied };
    }
    if (scoped === true || (scoped === undefined && isMap(element))) resource = element;
    const child: Record<string, unknown> = { message: parent.message };
    for (const k of ['deny', 'pattern', 'anyPattern']) if (entry[k] !== undefined) child[k] = entry[k];
    if (entry.foreach !== undefined) child.foreach = entry.foreach;
    const r = validateBlock(child, { rule, resource, ctx, depth: scope.depth + 1 });
    if (!r || r.status === 'skip') continue;
    if (r.status !== 'pass') return { result: { ...r, message: `validation failure: ${r.message}` }, applied };
    applied++;
  }
  return { applied };
}

export { SubstitutionError };
