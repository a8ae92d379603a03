import { describe, expect, it } from 'vitest';
import { findMutateOnlyAnchors, parseAnchor } from '../../../src/policy/anchors/anchor';
import { expandMetadataWildcards, matchPattern } from '../../../src/policy/pattern/pattern';

describe('anchors', () => {
  it.each([
    ['(name)', 'conditional', 'name'],
    ['X(hostPath)', 'negation', 'hostPath'],
    ['=(securityContext)', 'equality', 'securityContext'],
    ['^(containers)', 'existence', 'containers'],
    ['<(image)', 'global', 'image'],
    ['+(labels)', 'addIfNotPresent', 'labels'],
  ])('%s is %s on %s', (s, kind, key) => expect(parseAnchor(s)).toMatchObject({ kind, key }));
  it.each(['name', '()', 'Y(x)', '(x', 'x)'])('%s is not an anchor', (s) => expect(parseAnchor(s)).toBeUndefined());
  it('finds +() in validate patterns', () => {
    expect(findMutateOnlyAnchors({ spec: { '+(x)': 1, y: [{ '+(z)': 2 }] } })).toEqual(['/spec/+(x)/', '/spec/y/0/+(z)/']);
  });
});

const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'x' }, annotations: { 'fluxcd.io/automated': 'true' } },
  spec: { containers, ...extra },
});

describe('matchPattern', () => {
  it.each<[string, unknown, unknown, string, string?]>([
    ['plain match', pod([{ name: 'a', image: 'nginx:1' }]), { spec: { containers: [{ image: '*:*' }] } }, 'ok'],
    ['plain mismatch has a path', pod([{ name: 'a', image: 'nginx' }]), { spec: { containers: [{ image: '*:*' }] } }, 'fail', '/spec/containers/0/image/'],
    ['"*" needs a value', pod([{ name: 'a' }]), { spec: { containers: [{ image: '*' }] } }, 'fail', '/spec/containers/0/'],
    ['conditional unmet skips', pod([{ name: 'a', image: 'nginx' }]), { spec: { containers: [{ '(name)': 'b', image: '*:*' }] } }, 'skip'],
    ['conditional met checks', pod([{ name: 'b', image: 'nginx' }]), { spec: { containers: [{ '(name)': 'b', image: '*:*' }] } }, 'fail'],
    ['negation present fails', pod([], { hostNetwork: false }), { spec: { 'X(hostNetwork)': 'null' } }, 'fail', '/spec/hostNetwork/'],
    ['negation absent passes', pod([]), { spec: { 'X(hostNetwork)': 'null' } }, 'ok'],
    ['equality absent passes', pod([{ name: 'a' }]), { spec: { containers: [{ '=(securityContext)': { '=(privileged)': false } }] } }, 'ok'],
    ['equality present checks', pod([{ name: 'a', securityContext: { privileged: true } }]), { spec: { containers: [{ '=(securityContext)': { '=(privileged)': false } }] } }, 'fail'],
    ['existence finds one', pod([{ name: 'a', image: 'x' }, { name: 'b', image: 'y:1' }]), { spec: { '^(containers)': [{ image: '*:*' }] } }, 'ok'],
    ['existence finds none', pod([{ name: 'a', image: 'x' }]), { spec: { '^(containers)': [{ image: '*:*' }] } }, 'fail'],
    ['global unmet skips', pod([{ name: 'a', image: 'docker.io/x' }]), { spec: { containers: [{ '<(image)': 'corp.io/*', name: 'z' }] } }, 'skip'],
    ['global met checks', pod([{ name: 'a', image: 'corp.io/x' }]), { spec: { containers: [{ '<(image)': 'corp.io/*', name: 'z' }] } }, 'fail'],
    ['wildcard label keys', pod([]), { metadata: { annotations: { 'X(fluxcd.io/*)': '*?' } } }, 'fail'],
    ['wildcard label keys absent', pod([]), { metadata: { labels: { 'team.io/*': '?*' } } }, 'fail'],
    ['map vs scalar', pod([]), { spec: { containers: { name: 'a' } } }, 'fail'],
    ['scalar pattern over array', { a: ['x1', 'x2'] }, { a: 'x*' }, 'ok'],
    ['array of scalars', { a: ['x1', 'y2'] }, { a: ['x*'] }, 'fail'],
    ['empty pattern array is an error path', { a: [] }, { a: [] }, 'fail'],
    ['null pattern matches missing', pod([{ name: 'a' }]), { spec: { containers: [{ securityContext: null }] } }, 'ok'],
  ])('%s', (_n, resource, pattern, status, path) => {
    const r = matchPattern(resource, pattern);
    expect(r.status).toBe(status);
    if (path !== undefined) expect(r.path).toBe(path);
  });
  it('renames wildcard keys under metadata to the first matching key', () => {
    const p = expandMetadataWildcards({ '=(metadata)': { labels: { 'ap*': 'x' } } }, { metadata: { labels: { app: 'x', apple: 'y' } } });
    expect(p).toEqual({ '=(metadata)': { labels: { app: 'x' } } });
  });
});
