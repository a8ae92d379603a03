// `validate.cel` and `celPreconditions` of ClusterPolicy/Policy rules
// (Kyverno pkg/engine/handlers/validation/validate_cel.go): the rule runs on the Kubernetes
// ValidatingAdmissionPolicy evaluator.
//
// Kyverno runs it with the default failure policy (Fail), so an evaluation error is a denial:
// - celPreconditions (Kubernetes matchConditions): any false → `skip` ("cel preconditions not
//   met"), else any error → `fail` with the error;
// - expressions, in order: the first that is false or fails to evaluate → `fail` (its
//   messageExpression, else message, else validate.message, else "failed expression: <expr>";
//   the error text for an evaluation error); all true → `pass`.
// An expression that does not compile makes the rule `error`.
// - Reading data only a cluster has → `skip` with needsClusterData.
// - `auditAnnotations` only annotate audit events in a cluster: ignored here.

import { isMap } from '../operators/value';
import type { RuleResult } from '../validate';
import { buildActivation, variableDefs, type CelRequest } from './activation';
import { CelCompileError, compileCel, evalBool } from './env';
import { NeedsClusterData } from './library';
import { celToString } from './values';
import { errText } from '../json';

function short(expr: string): string {
  const one = expr.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? one.slice(0, 117) + '...' : one;
}

/** Message of a failed validation: messageExpression (if it evaluates to a string), else message. */
export function failMessage(v: Record<string, unknown>, act: Record<string, unknown>, fallback: string): string {
  if (typeof v.messageExpression === 'string' && v.messageExpression.trim() !== '') {
    try {
      const m = compileCel(v.messageExpression)(act);
      if (typeof m === 'string' && m.trim() !== '') return m;
    } catch {
      // Kubernetes falls back to message when messageExpression fails
    }
  }
  if (typeof v.message === 'string' && v.message !== '') return v.message;
  return fallback;
}

/**
 * The outcome of a rule's celPreconditions: undefined when all hold, else the `skip`/`error`
 * result. Throws NeedsClusterData.
 */
export function celPreconditionsOutcome(name: string, preconditions: unknown, act: Record<string, unknown>): RuleResult | undefined {
  if (!Array.isArray(preconditions)) return undefined;
  let firstError: RuleResult | undefined;
  for (const p of preconditions) {
    if (!isMap(p) || typeof p.expression !== 'string') continue;
    let ok: boolean;
    try {
      ok = evalBool(compileCel(p.expression), act);
    } catch (e) {
      if (e instanceof NeedsClusterData) throw e;
      const status = e instanceof CelCompileError ? 'error' : 'fail';
      firstError ??= { rule: name, status, message: `rule ${name}: cel precondition '${short(p.expression)}': ${errText(e)}` };
      continue;
    }
    if (!ok) return { rule: name, status: 'skip', message: 'cel preconditions not met' };
  }
  return firstError;
}

/** celPreconditions of a rule whose validation is not CEL (pattern, deny, …). */
export function evaluateCelPreconditions(name: string, preconditions: unknown, req: CelRequest): RuleResult | undefined {
  try {
    return celPreconditionsOutcome(name, preconditions, buildActivation(req));
  } catch (e) {
    if (e instanceof NeedsClusterData) return { rule: name, status: 'skip', message: e.message, needsClusterData: [e.what] };
    return { rule: name, status: 'error', message: `rule ${name}: ${errText(e)}` };
  }
}

/** Evaluates a ClusterPolicy/Policy rule with validate.cel (and/or celPreconditions). */
export function evaluateCelRule(
  rule: { name: string; celPreconditions?: unknown; validate?: Record<string, unknown> },
  req: CelRequest,
): RuleResult {
  const name = rule.name;
  const validate = rule.validate ?? {};
  const cel = isMap(validate.cel) ? validate.cel : {};
  const act = buildActivation({ ...req, hasParams: cel.paramKind !== undefined || cel.paramRef !== undefined }, variableDefs(cel.variables));
  const where = (what: string, expr: string) => `rule ${name}: ${what} '${short(expr)}'`;
  try {
    const pre = celPreconditionsOutcome(name, rule.celPreconditions, act);
    if (pre) return pre;
    const expressions = Array.isArray(cel.expressions) ? cel.expressions : [];
    for (const x of expressions) {
      if (!isMap(x) || typeof x.expression !== 'string') continue;
      let ok: boolean;
      try {
        ok = evalBool(compileCel(x.expression), act);
      } catch (e) {
        if (e instanceof NeedsClusterData) throw e;
        if (e instanceof CelCompileError) return { rule: name, status: 'error', message: `${where('invalid expression', x.expression)}: ${errText(e)}` };
        return { rule: name, status: 'fail', message: `${where('expression', x.expression)}: ${errText(e)}` };
      }
      if (!ok) {
        const base = typeof validate.message === 'string' && validate.message !== '' ? validate.message : `failed expression: ${short(x.expression)}`;
        return { rule: name, status: 'fail', message: failMessage(x, act, base) };
      }
    }
  } catch (e) {
    if (e instanceof NeedsClusterData) return { rule: name, status: 'skip', message: e.message, needsClusterData: [e.what] };
    return { rule: name, status: 'error', message: `rule ${name}: ${errText(e)}` };
  }
  return { rule: name, status: 'pass', message: `Validation rule '${name}' passed.` };
}

export { celToString };

/** Compile problems of a rule's CEL (validate.cel and celPreconditions), each naming the field and expression. */
export function celRuleProblems(rule: Record<string, unknown>): string[] {
  const out: string[] = [];
  const check = (where: string, e: unknown) => {
    if (typeof e !== 'string' || e.trim() === '') return out.push(`${where} must be a non-empty string`);
    try {
      compileCel(e);
    } catch (err) {
      out.push(`${where} '${short(e)}': ${errText(err)}`);
    }
  };
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  list(rule.celPreconditions).forEach((p, i) => check(`celPreconditions[${i}].expression`, isMap(p) ? p.expression : undefined));
  const cel = isMap(rule.validate) && isMap(rule.validate.cel) ? rule.validate.cel : undefined;
  if (cel) {
    list(cel.variables).forEach((v, i) => check(`validate.cel.variables[${i}].expression`, isMap(v) ? v.expression : undefined));
    list(cel.expressions).forEach((x, i) => {
      check(`validate.cel.expressions[${i}].expression`, isMap(x) ? x.expression : undefined);
      if (isMap(x) && x.messageExpression !== undefined) check(`validate.cel.expressions[${i}].messageExpression`, x.messageExpression);
    });
  }
  return out;
}
