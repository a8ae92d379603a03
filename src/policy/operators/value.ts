// Leaf value matching for patterns (Kyverno pkg/engine/pattern): bool/number/null/map
// patterns and string patterns with `|`, `&`, `!`, `>`, `<`, `>=`, `<=`, ranges
// `a-b` / `a!-b`, wildcards, durations and quantities.

import { formatFloatE, formatFloatF, parseDuration, parseQuantity } from './quantity';
import { wildcardMatch } from './wildcard';

export type ValueOperator = '' | '!' | '>' | '<' | '>=' | '<=' | 'range' | '!range';

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const operatorCache = new Map<string, ValueOperator>();

/** Kyverno's operator.GetOperatorFromStringPattern (remembered per pattern string). */
export function operatorOf(pattern: string): ValueOperator {
  if (pattern.length < 2) return '';
  let op = operatorCache.get(pattern);
  if (op === undefined) {
    op = operatorOfUncached(pattern);
    if (operatorCache.size > 10000) operatorCache.clear();
    operatorCache.set(pattern, op);
  }
  return op;
}

function operatorOfUncached(pattern: string): ValueOperator {
  if (pattern.length < 2) return '';
  if (pattern.startsWith('>=')) return '>=';
  if (pattern.startsWith('<=')) return '<=';
  if (pattern[0] === '>') return '>';
  if (pattern[0] === '<') return '<';
  if (pattern[0] === '!') return '!';
  if (splitRange(pattern, '-')) return 'range';
  if (splitRange(pattern, '!-')) return '!range';
  return '';
}

function scanNumberWithUnit(s: string, i: number): number {
  // `-?\d+(\.\d+)?[A-Za-z]*`, returns the end index or -1
  let j = i;
  if (s[j] === '-' || s[j] === '+') j++;
  const d0 = j;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === d0) return -1;
  if (s[j] === '.') {
    const f0 = ++j;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === f0) return -1;
  }
  while (j < s.length && /[A-Za-z]/.test(s[j])) j++;
  return j;
}

/** `1-10`, `100Mi-1Gi` (sep `-`) or `1!-10` (sep `!-`) → the two endpoints. */
export function splitRange(pattern: string, sep: '-' | '!-'): [string, string] | undefined {
  const end1 = scanNumberWithUnit(pattern, 0);
  if (end1 < 0 || pattern.slice(end1, end1 + sep.length) !== sep) return undefined;
  const start2 = end1 + sep.length;
  const end2 = scanNumberWithUnit(pattern, start2);
  if (end2 !== pattern.length) return undefined;
  return [pattern.slice(0, end1), pattern.slice(start2)];
}

function numberToString(v: unknown): string | undefined {
  if (v === null || v === undefined) return '0';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatF(v);
  return undefined;
}

function compareNumbers(a: number, b: number, op: ValueOperator): boolean {
  switch (op) {
    case '':
      return a === b;
    case '!':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

function compareDuration(value: unknown, pattern: string, op: ValueOperator): boolean {
  const p = parseDuration(pattern);
  if (p === undefined) return false;
  const s = numberToString(value);
  if (s === undefined) return false;
  const v = parseDuration(s);
  if (v === undefined) return false;
  return compareNumbers(v, p, op);
}

function compareQuantity(value: unknown, pattern: string, op: ValueOperator): boolean {
  const p = parseQuantity(pattern);
  if (p === undefined) return false;
  const s = numberToString(value);
  if (s === undefined) return false;
  const v = parseQuantity(s);
  if (v === undefined) return false;
  return compareNumbers(v, p, op);
}

function compareString(value: unknown, pattern: string, op: ValueOperator): boolean {
  if (op !== '' && op !== '!') return false;
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'boolean') s = value ? 'true' : 'false';
  else if (typeof value === 'number') s = formatFloatE(value);
  else return false;
  const m = wildcardMatch(pattern, s);
  return op === '!' ? !m : m;
}

function validateAtom(value: unknown, atom: string): boolean {
  const op = operatorOf(atom);
  if (op === 'range') {
    const [a, b] = splitRange(atom, '-')!;
    return validateAtom(value, `>= ${a}`) && validateAtom(value, `<= ${b}`);
  }
  if (op === '!range') {
    const [a, b] = splitRange(atom, '!-')!;
    return validateAtom(value, `< ${a}`) || validateAtom(value, `> ${b}`);
  }
  const operand = atom.slice(op.length).trim();
  return compareDuration(value, operand, op) || compareQuantity(value, operand, op) || compareString(value, operand, op);
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const alt of pattern.split('|')) {
    const conj = alt.trim().split('&');
    let ok = true;
    for (const c of conj) {
      if (!validateAtom(value, c.trim())) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

function parseGoFloat(s: string): number | undefined {
  const t = s.trim();
  if (t !== s || t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

/** Kyverno's pattern.Validate: does the resource value match this leaf pattern? */
export function validateValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  if (typeof pattern === 'number') {
    if (typeof value === 'number') {
      if (Number.isInteger(pattern) && !Number.isInteger(value)) return false;
      return value === pattern;
    }
    if (typeof value === 'string') {
      const n = Number.isInteger(pattern) ? parseGoInt(value) : parseGoFloat(value);
      return n !== undefined && n === pattern;
    }
    return false;
  }
  if (pattern === null || pattern === undefined) {
    if (value === null || value === undefined) return true;
    if (typeof value === 'number') return value === 0;
    if (typeof value === 'string') return value === '';
    if (typeof value === 'boolean') return value === false;
    return false;
  }
  if (isMap(pattern)) return isMap(value);
  if (typeof pattern === 'string') return validateStringPattern(value, pattern);
  return false;
}

function parseGoInt(s: string): number | undefined {
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  if (i >= s.length) return undefined;
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(s);
}
