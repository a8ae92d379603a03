import { describe, expect, it } from 'vitest';
import { kindMatches, matchRule, parseKindSelector, selectorMatches } from '../../../src/policy/match/match';

const deploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'web', tier: 'front' }, annotations: { 'team.io/owner': 'a' } },
};
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } };

describe('kinds', () => {
  it('parses selectors', () => {
    expect(parseKindSelector('Pod')).toEqual({ group: '*', version: '*', kind: 'Pod', subresource: '' });
    expect(parseKindSelector('v1/Pod')).toEqual({ group: '*', version: 'v1', kind: 'Pod', subresource: '' });
    expect(parseKindSelector('apps/v1/Deployment')).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment', subresource: '' });
    expect(parseKindSelector('Pod/exec')).toEqual({ group: '*', version: '*', kind: 'Pod', subresource: 'exec' });
  });
  it.each([
    ['Deployment', true],
    ['apps/v1/Deployment', true],
    ['apps/*/Deployment', true],
    ['v1/Deployment', true],
    ['batch/v1/Deployment', false],
    ['Deploy*', true],
    ['Pod', false],
    ['Deployment/scale', false],
    ['*', true],
  ])('%s → %s', (sel, want) => expect(kindMatches(sel, 'apps/v1', 'Deployment')).toBe(want));
});

describe('label selectors', () => {
  it.each<[unknown, boolean]>([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchLabels: { 'ap*': 'w*' } }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{}, true],
  ])('%j → %s', (sel, want) => expect(selectorMatches(sel, { app: 'web', tier: 'front' })).toBe(want));
});

describe('matchRule', () => {
  const any = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ any: [{ resources, ...extra }] });
  it.each<[string, Record<string, unknown>, boolean]>([
    ['kinds', { match: any({ kinds: ['Deployment'] }) }, true],
    ['names wildcard', { match: any({ kinds: ['Deployment'], names: ['web-*'] }) }, true],
    ['names miss', { match: any({ kinds: ['Deployment'], names: ['db'] }) }, false],
    ['namespaces', { match: any({ kinds: ['Deployment'], namespaces: ['pr*'] }) }, true],
    ['annotations', { match: any({ kinds: ['Deployment'], annotations: { 'team.io/*': '?' } }) }, true],
    ['selector', { match: any({ kinds: ['Deployment'], selector: { matchLabels: { app: 'web' } } }) }, true],
    ['operations default CREATE', { match: any({ kinds: ['Deployment'], operations: ['CREATE', 'UPDATE'] }) }, true],
    ['operations DELETE only', { match: any({ kinds: ['Deployment'], operations: ['DELETE'] }) }, false],
    ['all needs every filter', { match: { all: [{ resources: { kinds: ['Deployment'] } }, { resources: { namespaces: ['dev'] } }] } }, false],
    ['legacy inline', { match: { resources: { kinds: ['Deployment'] } } }, true],
    ['empty filter never matches', { match: { any: [{}] } }, false],
    ['exclude any', { match: any({ kinds: ['Deployment'] }), exclude: any({ namespaces: ['prod'] }) }, false],
    ['exclude all partial', { match: any({ kinds: ['Deployment'] }), exclude: { all: [{ resources: { namespaces: ['prod'] } }, { resources: { names: ['x'] } }] } }, true],
    ['exclude by clusterRoles never excludes', { match: any({ kinds: ['Deployment'] }), exclude: any({ namespaces: ['prod'] }, { clusterRoles: ['admin'] }) }, true],
    ['match with clusterRoles ignores the user part', { match: any({ kinds: ['Deployment'] }, { clusterRoles: ['admin'] }) }, true],
    ['match with only subjects never matches', { match: { any: [{ subjects: [{ kind: 'User', name: 'x' }] }] } }, false],
  ])('%s', (_n, rule, want) => expect(matchRule(rule, { resource: deploy }).matched).toBe(want));

  it('namespaces apply to a Namespace by its name', () => {
    expect(matchRule({ match: { any: [{ resources: { kinds: ['Namespace'], namespaces: ['prod'] } }] } }, { resource: ns }).matched).toBe(true);
  });
  it('namespaceSelector needs cluster data unless labels are given', () => {
    const rule = { match: { any: [{ resources: { kinds: ['Deployment'], namespaceSelector: { matchLabels: { env: 'prod' } } } }] } };
    const unknown = matchRule(rule, { resource: deploy });
    expect(unknown.matched).toBe(false);
    expect(unknown.needsClusterData[0]).toMatch(/namespaceSelector/);
    expect(matchRule(rule, { resource: deploy, namespaceLabels: { env: 'prod' } }).matched).toBe(true);
    expect(matchRule(rule, { resource: ns, namespaceLabels: { env: 'prod' } }).matched).toBe(false);
  });
  it('says user filters are not applicable at render time', () => {
    const r = matchRule({ match: { any: [{ resources: { kinds: ['Deployment'] }, roles: ['r'] }] } }, { resource: deploy });
    expect(r.notApplicable[0]).toMatch(/roles .*render time/);
  });
  it('namespaced Policy only sees its namespace', () => {
    const rule = { match: { any: [{ resources: { kinds: ['Deployment'] } }] } };
    expect(matchRule(rule, { resource: deploy, policyNamespace: 'dev' }).matched).toBe(false);
    expect(matchRule(rule, { resource: deploy, policyNamespace: 'prod' }).matched).toBe(true);
  });
});
