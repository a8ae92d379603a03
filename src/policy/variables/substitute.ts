// `{{ }}` variable substitution (Kyverno pkg/engine/variables/vars.go): every string leaf
// and map key; a string that is exactly one variable takes the typed value; `\{{` escapes.

import { isMap } from '../operators/value';
import { jmesSearch, JmesPathError, UnknownKeyError } from './jmespath';

export class SubstitutionError extends Error {}

/** `(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})` */
const VARIABLE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;

export interface SubstituteOptions {
  /** Value at the same path of request.object, for `{{@}}` in patterns. */
  atPath?: (path: string) => unknown;
  /** Keep unresolvable variables instead of failing (used for messages). */
  lenient?: boolean;
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

export function hasVariables(s: string): boolean {
  return s.indexOf('{{') >= 0;
}

/** Resolves one `{{ expr }}` against the context. */
export function resolveVariable(context: unknown, inner: string, path: string, opts: SubstituteOptions): unknown {
  let expr = inner.trim();
  if (expr.startsWith('-')) expr = expr.slice(1).trim();
  if (expr === '@') {
    if (opts.atPath) return opts.atPath(path);
    throw new SubstitutionError('variable {{@}} is only allowed in patterns');
  }
  try {
    return jmesSearch(context, expr);
  } catch (e) {
    if (e instanceof UnknownKeyError) {
      throw new SubstitutionError(`failed to resolve ${expr} at path ${path}: JMESPath query failed: ${e.message}`);
    }
    if (e instanceof JmesPathError) throw new SubstitutionError(`failed to resolve ${expr} at path ${path}: ${e.message}`);
    throw e;
  }
}

interface VariableToken {
  /** Where `{{` starts. */
  start: number;
  /** The whole `{{ … }}`. */
  token: string;
}

const variableTokens = new Map<string, readonly VariableToken[]>();

/** The `{{ … }}` tokens of a text (VARIABLE's matches), remembered per text: policy strings repeat for every resource. */
function variablesOf(text: string): readonly VariableToken[] {
  let tokens = variableTokens.get(text);
  if (tokens === undefined) {
    VARIABLE.lastIndex = 0;
    tokens = [...text.matchAll(VARIABLE)].map((m) => ({ start: (m.index ?? 0) + m[1].length, token: m[2] }));
    if (variableTokens.size > 10000) variableTokens.clear();
    variableTokens.set(text, tokens);
  }
  return tokens;
}

/** Substitutes the variables of one string. */
export function substituteString(s: string, context: unknown, path: string, opts: SubstituteOptions = {}): unknown {
  if (!hasVariables(s)) return s;
  let value: unknown = s;
  for (let round = 0; round < 10 && typeof value === 'string' && hasVariables(value); round++) {
    const text: string = value;
    const matches = variablesOf(text);
    if (matches.length === 0) break;
    if (matches.length === 1 && matches[0].start === 0 && matches[0].token === text) {
      const inner = text.slice(2, -2);
      let v: unknown;
      try {
        v = resolveVariable(context, inner, path, opts);
      } catch (e) {
        if (opts.lenient) return text;
        throw e;
      }
      if (inner.trim().startsWith('-')) return v;
      value = v;
      continue;
    }
    let out = '';
    let last = 0;
    for (const m of matches) {
      const start = m.start;
      const token = m.token;
      let v: unknown;
      try {
        v = resolveVariable(context, token.slice(2, -2), path, opts);
      } catch (e) {
        if (opts.lenient) continue;
        throw e;
      }
      out += text.slice(last, start) + toText(v);
      last = start + token.length;
    }
    out += text.slice(last);
    if (out === text) break;
    value = out;
  }
  if (typeof value === 'string' && value.indexOf('\\{{') >= 0) value = value.split('\\{{').join('{{');
  return value;
}

const variableFree = new WeakMap<object, boolean>();

/**
 * Whether any string leaf or map key of `value` holds `{{`. Policy documents are walked once:
 * the answer for each map and list is remembered, so evaluating the same pattern against
 * thousands of resources does not re-walk it.
 */
export function containsVariables(value: unknown): boolean {
  if (typeof value === 'string') return hasVariables(value);
  if (value === null || typeof value !== 'object') return false;
  const known = variableFree.get(value);
  if (known !== undefined) return !known;
  let found = false;
  if (Array.isArray(value)) {
    for (const v of value) if (containsVariables(v)) { found = true; break; }
  } else {
    for (const k in value as Record<string, unknown>) {
      if (hasVariables(k) || containsVariables((value as Record<string, unknown>)[k])) { found = true; break; }
    }
  }
  variableFree.set(value, !found);
  return found;
}

/**
 * `value` itself when it has no variables (callers must treat the result as read-only),
 * otherwise a substituted copy.
 */
export function substituteReadOnly(value: unknown, context: unknown, opts: SubstituteOptions = {}): unknown {
  return containsVariables(value) ? substituteAll(value, context, opts) : value;
}

/** Substitutes every string leaf and map key of a JSON value (a new value; the input is untouched). */
export function substituteAll(value: unknown, context: unknown, opts: SubstituteOptions = {}, path = '/'): unknown {
  if (typeof value === 'string') return substituteString(value, context, path, opts);
  if (Array.isArray(value)) return value.map((v, i) => substituteAll(v, context, opts, `${path}${i}/`));
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const nk = hasVariables(k) ? toText(substituteString(k, context, path, opts)) : k;
      out[nk] = substituteAll(v, context, opts, `${path}${k}/`);
    }
    return out;
  }
  return value;
}
