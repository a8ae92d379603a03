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

function compareDuration(value: unknown, p: number | undefined, op: ValueOperator): boolean {
  if (p === undefined) return false;
  const s = numberToString(value);
  if (s === undefined) return false;
  const v = parseDuration(s);
  if (v === undefined) return false;
  return compareNumbers(v, p, op);
}

function compareQuantity(value: unknown, p: number | undefined, op: ValueOperator): boolean {
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

/** One atom of a string pattern, with everything that does not depend on the value worked out. */
type Atom =
  | { kind: 'range' | '!range'; lo: Atom; hi: Atom }
  | { kind: 'compare'; op: ValueOperator; operand: string; duration: number | undefined; quantity: number | undefined };

function compileAtom(atom: string): Atom {
  const op = operatorOf(atom);
  if (op === 'range') {
    const [a, b] = splitRange(atom, '-')!;
    return { kind: 'range', lo: compileAtom(`>= ${a}`), hi: compileAtom(`<= ${b}`) };
  }
  if (op === '!range') {
    const [a, b] = splitRange(atom, '!-')!;
    return { kind: '!range', lo: compileAtom(`< ${a}`), hi: compileAtom(`> ${b}`) };
  }
  const operand = atom.slice(op.length).trim();
  return { kind: 'compare', op, operand, duration: parseDuration(operand), quantity: parseQuantity(operand) };
}

function validateAtom(value: unknown, a: Atom): boolean {
  if (a.kind !== 'compare') return a.kind === 'range' ? validateAtom(value, a.lo) && validateAtom(value, a.hi) : validateAtom(value, a.lo) || validateAtom(value, a.hi);
  return compareDuration(value, a.duration, a.op) || compareQuantity(value, a.quantity, a.op) || compareString(value, a.operand, a.op);
}

/** A string pattern as alternatives (`|`) of conjunctions (`&`) of atoms; compiled once per pattern string. */
const compiledPatterns = new Map<string, Atom[][]>();

function compileStringPattern(pattern: string): Atom[][] {
  let c = compiledPatterns.get(pattern);
  if (c === undefined) {
    c = pattern.split('|').map((alt) => alt.trim().split('&').map((atom) => compileAtom(atom.trim())));
    if (compiledPatterns.size > 10000) compiledPatterns.clear();
    compiledPatterns.set(pattern, c);
  }
  return c;
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const conj of compileStringPattern(pattern)) {
    let ok = true;
    for (const atom of conj) {
      if (!validateAtom(value, atom)) {
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
