import { describe, expect, it } from 'vitest';
import { evaluateOperator } from '../../../src/policy/operators/conditions';
import { formatFloatE, goSprint, parseDuration, parseQuantity } from '../../../src/policy/operators/quantity';
import { operatorOf, splitRange, validateValue } from '../../../src/policy/operators/value';
import { wildcardMatch } from '../../../src/policy/operators/wildcard';

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'abc', true],
    ['?*', '', false],
    ['?*', 'a', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*:latest', 'nginx:latest', true],
    ['*:latest', 'nginx:1.2', false],
    ['*:*', 'nginx', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['ABC', 'abc', false],
  ])('%s vs %s → %s', (p, s, want) => expect(wildcardMatch(p, s)).toBe(want));

  it('star-only patterns (matched by pieces) agree with a character-by-character matcher', () => {
    // Reference: `*` any run, `?` one character, whole string, by backtracking over positions.
    const reference = (p: string, s: string): boolean => {
      const memo = new Map<string, boolean>();
      const m = (i: number, j: number): boolean => {
        const key = `${i},${j}`;
        const known = memo.get(key);
        if (known !== undefined) return known;
        let r: boolean;
        if (i === p.length) r = j === s.length;
        else if (p[i] === '*') r = m(i + 1, j) || (j < s.length && m(i, j + 1));
        else r = j < s.length && (p[i] === '?' || p[i] === s[j]) && m(i + 1, j + 1);
        memo.set(key, r);
        return r;
      };
      return m(0, 0);
    };
    let seed = 1;
    const pick = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    let differences = 0;
    for (let k = 0; k < 20000; k++) {
      let p = '';
      for (let i = pick(7); i > 0; i--) p += 'ab:*?'[pick(k % 2 === 0 ? 4 : 5)];
      let s = '';
      for (let i = pick(9); i > 0; i--) s += 'ab:*'[pick(4)];
      if (wildcardMatch(p, s) !== reference(p, s)) differences++;
    }
    expect(differences).toBe(0);
  });
});

describe('quantities and durations', () => {
  it.each([
    ['100m', 0.1],
    ['1Gi', 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['2k', 2000],
    ['-1', -1],
    ['1h', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('quantity %s = %s', (s, want) => expect(parseQuantity(s)).toBe(want));
  it.each([
    ['1h', 3600e9],
    ['1h30m', 5400e9],
    ['500ms', 500e6],
    ['0', 0],
    ['1.5s', 1.5e9],
    ['10', undefined],
    ['1x', undefined],
  ])('duration %s = %s', (s, want) => expect(parseDuration(s)).toBe(want));
  it('formats floats like Go', () => {
    expect(formatFloatE(1)).toBe('1E+00');
    expect(formatFloatE(15)).toBe('1.5E+01');
    expect(goSprint(8080)).toBe('8080');
    expect(goSprint(1e6)).toBe('1e+06');
    expect(goSprint(true)).toBe('true');
    expect(goSprint(null)).toBe('<nil>');
  });
});

describe('pattern leaf values', () => {
  it('detects operators', () => {
    expect(operatorOf('>=1')).toBe('>=');
    expect(operatorOf('!*:latest')).toBe('!');
    expect(operatorOf('1-10')).toBe('range');
    expect(operatorOf('1!-10')).toBe('!range');
    expect(operatorOf('1Mi-2Gi')).toBe('range');
    expect(operatorOf('a-b')).toBe('');
    expect(operatorOf('!')).toBe('');
    expect(splitRange('100Mi-1Gi', '-')).toEqual(['100Mi', '1Gi']);
  });
  it.each<[unknown, unknown, boolean]>([
    ['nginx:1.2', '*:*', true],
    ['nginx', '*:*', false],
    ['nginx:latest', '!*:latest', false],
    ['nginx:1', '!*:latest', true],
    [undefined, '!*:latest', false],
    ['Always', 'IfNotPresent | Always', true],
    ['Never', 'IfNotPresent | Always', false],
    [5, '>3', true],
    [5, '>3 & <4', false],
    ['200Mi', '<=1Gi', true],
    ['2Gi', '<=1Gi', false],
    ['250m', '<1', true],
    [5, '1-10', true],
    [11, '1-10', false],
    [11, '1!-10', true],
    ['90m', '>1h', true],
    ['30m', '>1h', false],
    [true, true, true],
    ['true', true, false],
    [1, 1, true],
    ['1', 1, true],
    [1.5, 1, false],
    [null, null, true],
    [0, null, true],
    ['', null, true],
    [false, null, true],
    ['x', null, false],
    [{}, {}, true],
    ['a', {}, false],
    [1, '1', true],
    [true, 'true', true],
    [false, '!true', true],
    [undefined, '*', false],
    ['', '?*', false],
    ['x', '?*', true],
  ])('%j matches %j → %s', (value, pattern, want) => expect(validateValue(value, pattern)).toBe(want));
});

describe('condition operators', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['Equals', 'abc', 'abc', true],
    ['Equals', 'abc', 'a*', true],
    ['Equals', 'abc', 'b*', false],
    ['Equals', 1, '1', true],
    ['Equals', 1, 1, true],
    ['Equals', true, true, true],
    ['Equals', '1Gi', '1024Mi', true],
    ['Equals', '1.0', '1', true],
    ['Equals', '1h', '60m', true],
    ['Equals', '1h', 3600, true],
    ['Equals', null, null, false],
    ['Equals', { a: 1 }, { a: 1 }, true],
    ['Equals', ['a'], ['a'], true],
    ['equals', 'x', 'x', true],
    ['NotEquals', null, 'x', false],
    ['NotEquals', 'x', 1, true],
    ['NotEquals', 'x', 'y', true],
    ['NotEquals', 'x', 'x', false],
    ['AnyIn', 'a', ['a', 'b'], true],
    ['AnyIn', ['x', 'b'], ['a', 'b'], true],
    ['AnyIn', 'abc', ['a*'], true],
    ['AnyIn', 'a*', ['abc'], true],
    ['AnyIn', 'c', ['a', 'b'], false],
    ['AnyIn', 'a', '["a","b"]', true],
    ['AnyIn', 5, '1-10', true],
    ['AnyIn', 'a', null, false],
    ['AllIn', ['a', 'b'], ['a', 'b', 'c'], true],
    ['AllIn', ['a', 'd'], ['a', 'b', 'c'], false],
    ['AnyNotIn', ['a', 'd'], ['a', 'b'], true],
    ['AnyNotIn', ['a'], ['a', 'b'], false],
    ['AnyNotIn', 'x', null, false],
    ['AllNotIn', ['c', 'd'], ['a', 'b'], true],
    ['AllNotIn', ['a', 'd'], ['a', 'b'], false],
    ['In', 'a', ['a'], true],
    ['In', ['a', 'b'], ['a', 'b', 'c'], true],
    ['NotIn', 'z', ['a'], true],
    ['GreaterThan', 5, 3, true],
    ['GreaterThan', '5', 3, true],
    ['GreaterThan', '2Gi', '512Mi', true],
    ['GreaterThan', '2h', '30m', true],
    ['GreaterThan', '1.10.0', '1.9.0', true],
    ['GreaterThanOrEquals', 3, 3, true],
    ['LessThan', 2, '3', true],
    ['LessThanOrEquals', 'abc', 3, false],
    ['DurationGreaterThan', '2h', '1h', true],
    ['DurationLessThan', 30, '1m', true],
  ])('%s(%j, %j) → %s', (op, key, value, want) => expect(evaluateOperator(op, key, value)).toBe(want));
  it('rejects unknown operators', () => {
    expect(() => evaluateOperator('Exists', 'a', 'b')).toThrow(/unknown condition operator/);
  });
});
