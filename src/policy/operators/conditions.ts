// Condition operators of preconditions and deny (Kyverno pkg/engine/variables/operator).

import { goSprint, parseDuration, parseQuantity } from './quantity';
import { isMap } from './value';
import { wildcardMatch } from './wildcard';
import { deepEqual } from '../json';

export class ConditionError extends Error {}

function parseFloatStrict(s: string): number | undefined {
  if (s.trim() !== s || s === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** Duration in ns from a string duration, or from a number of seconds. */
function durationOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 1e9;
  if (typeof v === 'string') {
    const d = parseDuration(v);
    if (d !== undefined) return d;
  }
  return undefined;
}

function equals(key: unknown, value: unknown): boolean | undefined | 'nonstring' {
  if (key === null || key === undefined) return undefined;
  if (typeof key === 'boolean') return typeof value === 'boolean' ? key === value : false;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string') {
      const n = parseFloatStrict(value);
      return n !== undefined && n === key;
    }
    return false;
  }
  if (Array.isArray(key) || isMap(key)) return deepEqual(key, value);
  if (typeof key === 'string') {
    const kd = parseDuration(key);
    if (kd !== undefined) {
      const vd = durationOf(value);
      if (vd !== undefined) return kd === vd;
    }
    if (typeof value !== 'string') return 'nonstring';
    const kq = parseQuantity(key);
    if (kq !== undefined) {
      const vq = parseQuantity(value);
      return vq !== undefined && vq === kq;
    }
    return wildcardMatch(value, key);
  }
  return undefined;
}

/** A list value, from a list, a JSON-array string, or a scalar. */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const p = JSON.parse(value);
      if (Array.isArray(p)) return p;
    } catch {
      /* a plain string */
    }
  }
  return [value];
}

function matchEither(a: string, b: string): boolean {
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

function parseRange(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2])];
}

function keyElements(key: unknown): string[] {
  return Array.isArray(key) ? key.map(goSprint) : [goSprint(key)];
}

/** AnyIn & co. only take scalar or list keys and list or string values; anything else is false. */
function setOperandsValid(key: unknown, value: unknown): boolean {
  const keyOk = typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean' || Array.isArray(key);
  const valueOk = typeof value === 'string' || Array.isArray(value);
  return keyOk && valueOk;
}

function anyIn(key: unknown, value: unknown): boolean {
  const range = parseRange(value);
  const keys = keyElements(key);
  if (range) {
    return keys.some((k) => {
      const n = parseFloatStrict(k);
      return n !== undefined && n >= range[0] && n <= range[1];
    });
  }
  const vals = asList(value).map(goSprint);
  return keys.some((k) => vals.some((v) => matchEither(k, v)));
}

function allIn(key: unknown, value: unknown): boolean {
  const range = parseRange(value);
  const keys = keyElements(key);
  if (range) {
    return keys.every((k) => {
      const n = parseFloatStrict(k);
      return n !== undefined && n >= range[0] && n <= range[1];
    });
  }
  const vals = asList(value).map(goSprint);
  return keys.every((k) => vals.some((v) => matchEither(k, v)));
}

function anyNotIn(key: unknown, value: unknown): boolean {
  const range = parseRange(value);
  const keys = keyElements(key);
  if (range) {
    return keys.some((k) => {
      const n = parseFloatStrict(k);
      return n === undefined || n < range[0] || n > range[1];
    });
  }
  const vals = asList(value).map(goSprint);
  return keys.some((k) => !vals.some((v) => matchEither(k, v)));
}

function allNotIn(key: unknown, value: unknown): boolean {
  return !anyIn(key, value);
}

function legacyIn(key: unknown, value: unknown): boolean {
  const vals = asList(value);
  if (Array.isArray(key)) {
    if (!key.every((k) => typeof k === 'string')) return false;
    const vs = vals.map(goSprint);
    return key.every((k) => vs.indexOf(k as string) >= 0);
  }
  if (key === null || key === undefined || typeof key === 'object') return false;
  const k = goSprint(key);
  return vals.some((v) => matchEither(k, goSprint(v)));
}

function parseSemver(s: string): [number, number, number, string] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''];
}

function cmpSemver(a: [number, number, number, string], b: [number, number, number, string]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** -1/0/1, or undefined when the two cannot be compared. */
function numericCompare(key: unknown, value: unknown): number | undefined {
  const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
  if (typeof key === 'number') {
    if (typeof value === 'number') return cmp(key, value);
    if (typeof value === 'string') {
      const d = parseDuration(value);
      if (d !== undefined) return cmp(key, d / 1e9);
      const n = parseFloatStrict(value);
      return n === undefined ? undefined : cmp(key, n);
    }
    return undefined;
  }
  if (typeof key === 'string') {
    const kd = parseDuration(key);
    const vd = durationOf(value);
    if (kd !== undefined && vd !== undefined) return cmp(kd, vd);
    if (typeof value === 'string') {
      const kq = parseQuantity(key);
      const vq = parseQuantity(value);
      if (kq !== undefined && vq !== undefined) return cmp(kq, vq);
    }
    const kn = parseFloatStrict(key);
    if (kn !== undefined) {
      if (typeof value === 'number') return cmp(kn, value);
      if (typeof value === 'string') {
        const vn = parseFloatStrict(value);
        if (vn !== undefined) return cmp(kn, vn);
      }
    }
    if (typeof value === 'string') {
      const ks = parseSemver(key);
      const vs = parseSemver(value);
      if (ks && vs) return cmpSemver(ks, vs);
    }
  }
  return undefined;
}

function durationCompare(key: unknown, value: unknown): number | undefined {
  const k = durationOf(key);
  const v = durationOf(value);
  if (k === undefined || v === undefined) return undefined;
  return k < v ? -1 : k > v ? 1 : 0;
}

export const CONDITION_OPERATORS = [
  'Equals',
  'Equal',
  'NotEquals',
  'NotEqual',
  'In',
  'NotIn',
  'AnyIn',
  'AllIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThan',
  'GreaterThanOrEquals',
  'LessThan',
  'LessThanOrEquals',
  'DurationGreaterThan',
  'DurationGreaterThanOrEquals',
  'DurationLessThan',
  'DurationLessThanOrEquals',
] as const;

/** Evaluates one condition operator on substituted key and value. Throws on an unknown operator. */
export function evaluateOperator(operator: string, key: unknown, value: unknown): boolean {
  const op = operator.toLowerCase();
  switch (op) {
    case 'equals':
    case 'equal': {
      const r = equals(key, value);
      return r === true;
    }
    case 'notequals':
    case 'notequal': {
      const r = equals(key, value);
      if (r === undefined) return false;
      if (r === 'nonstring') return true;
      return !r;
    }
    case 'in':
      return legacyIn(key, value);
    case 'notin':
      return !legacyIn(key, value);
    case 'anyin':
      return setOperandsValid(key, value) && anyIn(key, value);
    case 'allin':
      return setOperandsValid(key, value) && allIn(key, value);
    case 'anynotin':
      return setOperandsValid(key, value) && anyNotIn(key, value);
    case 'allnotin':
      return setOperandsValid(key, value) && allNotIn(key, value);
    case 'greaterthan':
    case 'greaterthanorequals':
    case 'lessthan':
    case 'lessthanorequals': {
      const c = numericCompare(key, value);
      if (c === undefined) return false;
      if (op === 'greaterthan') return c > 0;
      if (op === 'greaterthanorequals') return c >= 0;
      if (op === 'lessthan') return c < 0;
      return c <= 0;
    }
    case 'durationgreaterthan':
    case 'durationgreaterthanorequals':
    case 'durationlessthan':
    case 'durationlessthanorequals': {
      const c = durationCompare(key, value);
      if (c === undefined) return false;
      if (op === 'durationgreaterthan') return c > 0;
      if (op === 'durationgreaterthanorequals') return c >= 0;
      if (op === 'durationlessthan') return c < 0;
      return c <= 0;
    }
    default:
      throw new ConditionError(`unknown condition operator ${JSON.stringify(operator)}`);
  }
}
