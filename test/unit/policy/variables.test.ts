import { describe, expect, it } from 'vitest';
import { buildContext, parseImage } from '../../../src/policy/context';
import { base64Decode, base64Encode, jmesSearch } from '../../../src/policy/variables/jmespath';
import { substituteAll, substituteString, SubstitutionError } from '../../../src/policy/variables/substitute';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.2', ports: [{ containerPort: 80 }] }, { name: 'd', image: 'ghcr.io/o/r@sha256:abc' }] },
};
const ctx = buildContext(pod);

describe('JMESPath with Kyverno functions', () => {
  it.each<[string, unknown]>([
    ['request.object.metadata.name', 'p'],
    ['request.operation', 'CREATE'],
    ['request.object.spec.containers[].name', ['c', 'd']],
    ['length(request.object.spec.containers)', 2],
    ["request.object.metadata.labels.missing || 'none'", 'none'],
    ["to_upper('abc')", 'ABC'],
    ["to_lower('ABC')", 'abc'],
    ["split('a,b', ',')", ['a', 'b']],
    ["regex_match('^ng', 'nginx')", true],
    ["regex_replace_all('h.*', '100h', '')", '100'],
    ["regex_replace_all('(a)(b)', 'ab', '$2$1')", 'ba'],
    ["replace_all('a-b-c', '-', '.')", 'a.b.c'],
    ["replace('a-b-c', '-', '.', `1`)", 'a.b-c'],
    ["trim('--a--', '-')", 'a'],
    ["trim_prefix('foo/bar', 'foo/')", 'bar'],
    ["equal_fold('A', 'a')", true],
    ["compare('a', 'b')", -1],
    ["pattern_match('ng*', 'nginx')", true],
    ["divide('300Mi', '100Mi')", 3],
    ['add(`1`, `2`)', 3],
    ["add('1Gi', '1Gi')", '2147483648'],
    ["multiply('2h', `2`)", '4h0m0s'],
    ['modulo(`7`, `3`)', 1],
    ["to_boolean('True')", true],
    ["base64_decode('aGVsbG8=')", 'hello'],
    ["truncate('abcdef', `3`)", 'abc'],
    ["parse_json('{\"a\":1}').a", 1],
    ["parse_yaml('a: [1, 2]').a", [1, 2]],
    ["lookup(request.object.metadata.labels, 'app')", 'web'],
    ["items(`{\"b\":1,\"a\":2}`, 'k', 'v')", [{ k: 'a', v: 2 }, { k: 'b', v: 1 }]],
    ["object_from_lists(['a'], [`1`])", { a: 1 }],
    ["semver_compare('1.2.3', '>=1.0.0 <2.0.0')", true],
    ["label_match(`{\"app\":\"web\"}`, request.object.metadata.labels)", true],
    ["path_canonicalize('/a/../b//c')", '/b/c'],
    ['images.containers.c.tag', '1.2'],
    ['images.containers.d.digest', 'sha256:abc'],
    ['`foo`', 'foo'],
  ])('%s', (expr, want) => expect(jmesSearch(ctx, expr)).toEqual(want));
  it('raises on a missing key in a bare path, not elsewhere', () => {
    expect(() => jmesSearch(ctx, 'request.object.metadata.labels.missing')).toThrow(/Unknown key "missing"/);
    expect(jmesSearch(ctx, 'request.object.metadata.labels.missing || `1`')).toBe(1);
    expect(jmesSearch(ctx, 'request.oldObject.metadata')).toBeNull();
  });
  it('base64 round-trips UTF-8', () => {
    expect(base64Decode(base64Encode('héllo ✓'))).toBe('héllo ✓');
  });
});

describe('images', () => {
  it.each([
    // Kyverno adds only the registry (kyverno/policies other/prepend-image-registry expects `registry.io/redis:latest`).
    ['nginx', { registry: 'docker.io', path: 'nginx', name: 'nginx', tag: 'latest', reference: 'docker.io/nginx:latest' }],
    ['org/app:1', { registry: 'docker.io', path: 'org/app', tag: '1' }],
    ['localhost:5000/app:2', { registry: 'localhost:5000', path: 'app', tag: '2' }],
    ['ghcr.io/o/r@sha256:x', { registry: 'ghcr.io', path: 'o/r', tag: '', digest: 'sha256:x', reference: 'ghcr.io/o/r@sha256:x' }],
  ])('%s', (image, want) => expect(parseImage(image)).toMatchObject(want));
});

describe('substitution', () => {
  it.each<[unknown, unknown]>([
    ['{{ request.object.metadata.name }}', 'p'],
    ['name={{request.object.metadata.name}}', 'name=p'],
    ['{{ request.object.metadata.labels }}', { app: 'web' }],
    ['labels={{ request.object.metadata.labels }}', 'labels={"app":"web"}'],
    ['{{ length(request.object.spec.containers) }}', 2],
    ['\\{{ not.a.variable }}', '{{ not.a.variable }}'],
    ['no variables', 'no variables'],
    [{ '{{ request.object.metadata.name }}': '{{ request.operation }}' }, { p: 'CREATE' }],
    [['{{ element.name }}'], ['e']],
  ])('%j', (input, want) => expect(substituteAll(input, { ...ctx, element: { name: 'e' } })).toEqual(want));
  it('fails on an unresolvable bare path', () => {
    expect(() => substituteString('{{ request.object.metadata.labels.nope }}', ctx, '/')).toThrow(SubstitutionError);
  });
  it('resolves {{@}} from request.object at the same path', () => {
    expect(substituteAll({ metadata: { name: '{{@}}' } }, ctx, { atPath: () => 'p' })).toEqual({ metadata: { name: 'p' } });
  });
  it('uses values with dotted keys', () => {
    const c = buildContext(pod, {}, { 'request.operation': 'UPDATE', custom: 1 });
    expect(jmesSearch(c, 'request.operation')).toBe('UPDATE');
    expect(jmesSearch(c, 'request.object.metadata.name')).toBe('p');
    expect(jmesSearch(c, 'custom')).toBe(1);
  });
});
