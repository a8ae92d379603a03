// any/all condition blocks of preconditions and deny (Kyverno pkg/engine/variables/evaluate.go).

import { evaluateOperator } from './operators/conditions';
import { isMap } from './operators/value';
import { substituteAll, substituteReadOnly } from './variables/substitute';

export interface ConditionsOutcome {
  result: boolean;
  /** Messages of the deciding conditions, `; `-joined. */
  message: string;
}

function evalCondition(c: unknown, context: unknown): { ok: boolean; message: string } {
  if (!isMap(c)) throw new Error('a condition must be a map with key, operator and value');
  const key = substituteReadOnly(c.key ?? null, context);
  const value = substituteReadOnly(c.value ?? null, context);
  const operator = typeof c.operator === 'string' ? c.operator : '';
  const ok = evaluateOperator(operator, key, value);
  return { ok, message: ok ? '' : conditionMessage(c, context) };
}

/** A condition's message, substituted leniently (never throws); only a condition that is not met reports it. */
function conditionMessage(c: Record<string, unknown>, context: unknown): string {
  return typeof c.message === 'string' ? String(substituteAll(c.message, context, { lenient: true })) : '';
}

/** Evaluates `{any, all}` (or a legacy list = all). Throws on substitution errors and bad operators. */
export function evaluateConditions(conditions: unknown, context: unknown): ConditionsOutcome {
  if (conditions === null || conditions === undefined) return { result: true, message: '' };
  if (Array.isArray(conditions)) return evaluateAll(conditions, context);
  if (!isMap(conditions)) throw new Error('conditions must be a list or a map with any/all');
  const any = Array.isArray(conditions.any) ? conditions.any : undefined;
  const all = Array.isArray(conditions.all) ? conditions.all : undefined;
  const messages: string[] = [];
  let anyResult = true;
  if (any && any.length > 0) {
    anyResult = false;
    for (const c of any) {
      const r = evalCondition(c, context);
      if (r.ok) {
        anyResult = true;
        if (r.message) messages.push(r.message);
        break;
      }
      if (r.message) messages.push(r.message);
    }
    if (anyResult) messages.length = 0;
  }
  if (!anyResult) return { result: false, message: messages.join('; ') };
  const a = all ? evaluateAll(all, context) : { result: true, message: '' };
  return a;
}

function evaluateAll(list: unknown[], context: unknown): ConditionsOutcome {
  for (const c of list) {
    const r = evalCondition(c, context);
    if (!r.ok) return { result: false, message: r.message };
  }
  return { result: true, message: '' };
}
