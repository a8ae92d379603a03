import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { stringifyPlain } from '../../../src/emit/plain';

const YAML_OPTIONS = { lineWidth: 0 } as const;

// Strings the fast writer takes and strings it must leave to `yaml` (quotes, numbers, words, spaces).
const STRINGS = [
  'a', 'HTTPRoute', 'gateway.networking.k8s.io/v1', '/api', '/', 'foo.example.com', 'PathPrefix', 'app_name', 'x-1.2',
  'true', 'False', 'NULL', 'null', 'yes', 'on', 'no', '', ' ', '1', '0x1F', '.5', '.inf', '-a', '-', '?', 'a b', 'a: b', 'a:b',
  'a #b', 'a#b', 'line\nbreak', 'x ', '*ref', '&a', '!tag', '%x', '@x', '`x', '"q"', "'q'", '{a}', '[a]', 'a,b', '---', '...',
  '/api(/|$)(.*)', 'ünïcode', 'Yes', 'y', 'n', '~', '_', '_1', 'a'.repeat(1100), 'a/b-c_d.e',
  '58m20s', '/gateway(/|$)(.*)', 'a:', ':x', '?x', '-x', '#x', 'x#', 'a # b', '---x', '...x', '--', '..', '%', 'a\'b', 'a"b',
  'a\\b', 'tab\there', '0o17', '1e3', '+1', '1_000', '0b1', '12:30', '1.2.3', 'v1.2', 'inf', '.Inf', 'NaN', 'nan', '{', '}',
  'a, b', 'a]', '!', '> x', '| x', '@', '`', ' x', 'x: ', 'Off', 'OFF', '<<', '=', '*', '&x', 'ok?', '- x', '? x', 'a:b:c',
  'a :b', 'a# b', 'http://x.io/a?b=c&d#e', '$(VAR)', '${x}', 'a;b', '(x)', '^x$', 'x|y', 'x,y', '0', '00', '-.5', 'e5', 'deadbeef',
  'face', '1d', '2h', 'x'.repeat(999), '.', '-', '+', 'ab~', '~a',
];
const NUMBERS = [0, 1, -1, 42, 8080, 2 ** 53, -0, 1.5, 1e21, NaN, Infinity];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.45) {
    const t = r();
    if (t < 0.6) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (t < 0.8) return NUMBERS[Math.floor(r() * NUMBERS.length)];
    if (t < 0.9) return r() < 0.5;
    return null;
  }
  if (k < 0.75) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) o[STRINGS[Math.floor(r() * STRINGS.length)] + (r() < 0.3 ? String(i) : '')] = randomValue(r, depth + 1);
    return o;
  }
  const n = Math.floor(r() * 4);
  return Array.from({ length: n }, () => randomValue(r, depth + 1));
}

describe('stringifyPlain (fast writer for new documents)', () => {
  it('writes exactly what yaml.stringify writes, or leaves the value to it', () => {
    const r = rng(7);
    let written = 0;
    let left = 0;
    for (let i = 0; i < 30000; i++) {
      const v = r() < 0.5 ? { root: randomValue(r, 0) } : randomValue(r, 0);
      const fast = stringifyPlain(v);
      if (fast === undefined) {
        left++;
        continue;
      }
      written++;
      expect(fast).toBe(stringify(v, YAML_OPTIONS));
    }
    // both paths are exercised
    expect(written).toBeGreaterThan(3000);
    expect(left).toBeGreaterThan(3000);
  });

  it('writes an HTTPRoute like the ingress rewrite builds, and it reads back the same', () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'prod', labels: { 'app.kubernetes.io/name': 'web' }, annotations: {} },
      spec: {
        parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'https' }],
        hostnames: ['web.example.com'],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
            backendRefs: [{ name: 'web', port: 8080, weight: 1 }],
            filters: [],
          },
          [['nested', ['deeper']], { a: null, b: true }],
        ],
      },
    };
    const fast = stringifyPlain(route);
    expect(fast).toBe(stringify(route, YAML_OPTIONS));
    expect(parse(fast!)).toEqual(route);
  });

  it('leaves shared objects (yaml writes anchors), undefined, floats and class instances to yaml', () => {
    const shared = { a: 'b' };
    expect(stringifyPlain({ x: shared, y: shared })).toBeUndefined();
    expect(stringify({ x: shared, y: shared }, YAML_OPTIONS)).toContain('&');
    expect(stringifyPlain({ x: undefined })).toBeUndefined();
    expect(stringifyPlain({ x: [undefined] })).toBeUndefined();
    expect(stringifyPlain({ x: 1.5 })).toBeUndefined();
    expect(stringifyPlain({ x: new Date(0) })).toBeUndefined();
    expect(stringifyPlain({ x: new Map() })).toBeUndefined();
    expect(stringifyPlain('scalar')).toBeUndefined();
    expect(stringifyPlain({})).toBeUndefined();
  });
});
