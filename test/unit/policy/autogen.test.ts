import { describe, expect, it } from 'vitest';
import { autogenControllers, rulesForKind } from '../../../src/policy/autogen';
import { evaluatePolicy } from '../../../src/policy/engine';

const policy = (annotations: Record<string, string> = {}, rules?: unknown[]) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'p', annotations },
  spec: {
    rules: rules ?? [
      {
        name: 'no-latest',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        validate: { message: 'pod {{ request.object.metadata.name }}', pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
      },
    ],
  },
});

const podSpec = { containers: [{ name: 'c', image: 'nginx:latest' }] };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' }, spec: { template: { metadata: { name: 'tpl' }, spec: podSpec } } };
const cronjob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'cj', namespace: 'x' },
  spec: { jobTemplate: { spec: { template: { metadata: { name: 'tpl' }, spec: podSpec } } } },
};

describe('autogen', () => {
  it('defaults to every controller; honours the annotation', () => {
    expect(autogenControllers(policy())).toHaveLength(7);
    expect(autogenControllers(policy({ 'pod-policies.kyverno.io/autogen-controllers': 'none' }))).toEqual([]);
    expect(autogenControllers(policy({ 'pod-policies.kyverno.io/autogen-controllers': 'Deployment,CronJob' }))).toEqual(['Deployment', 'CronJob']);
  });
  it('is disabled by names/selector or Pod mixed with other kinds', () => {
    const mixed = policy({}, [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod', 'Service'] } }] }, validate: { pattern: {} } }]);
    expect(autogenControllers(mixed)).toEqual([]);
    const named = policy({}, [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], names: ['x'] } }] }, validate: { pattern: {} } }]);
    expect(autogenControllers(named)).toEqual([]);
  });
  it('generates autogen- and autogen-cronjob- rules with wrapped patterns and rewritten variables', () => {
    const rules = rulesForKind(policy(), 'CronJob');
    expect(rules.map((r) => r.name)).toEqual(['no-latest', 'autogen-no-latest', 'autogen-cronjob-no-latest']);
    const ctrl = rules[1] as { match: unknown; validate: { pattern: unknown; message: string } };
    expect(ctrl.validate.pattern).toEqual({ spec: { template: { spec: { containers: [{ image: '!*:latest' }] } } } });
    expect(ctrl.validate.message).toBe('pod {{ request.object.spec.template.metadata.name }}');
    const cj = rules[2] as { match: unknown; validate: { message: string } };
    expect(cj.match).toEqual({ any: [{ resources: { kinds: ['batch/v1/CronJob'] } }] });
    expect(cj.validate.message).toBe('pod {{ request.object.spec.jobTemplate.spec.template.metadata.name }}');
    expect(rulesForKind(policy(), 'Service').map((r) => r.name)).toEqual(['no-latest']);
  });
  it('evaluates controllers through the generated rules', () => {
    expect(evaluatePolicy(policy(), deployment)).toMatchObject([
      { rule: 'autogen-no-latest', status: 'fail', message: 'validation error: pod tpl. rule autogen-no-latest failed at path /spec/template/spec/containers/0/image/' },
    ]);
    expect(evaluatePolicy(policy(), cronjob)).toMatchObject([{ rule: 'autogen-cronjob-no-latest', status: 'fail' }]);
  });
});

describe('evaluatePolicy', () => {
  it('reports unsupported rule types instead of guessing', () => {
    const p = policy({}, [{ name: 'c', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { manifests: { attestors: [] } } }]);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: podSpec };
    expect(evaluatePolicy(p, pod)).toMatchObject([{ rule: 'c', status: 'skip', unsupported: 'validate.manifests' }]);
  });
  it('gives nothing for rules that do not match', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
    expect(evaluatePolicy(policy(), svc)).toEqual([]);
  });
  it('stops after the first applied rule with applyRules: One', () => {
    const p = policy();
    const first = p.spec.rules[0] as Record<string, unknown>;
    const two = { ...p, spec: { applyRules: 'One', rules: [first, { ...first, name: 'again' }] } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: podSpec };
    expect(evaluatePolicy(two, pod).map((r) => r.rule)).toEqual(['no-latest']);
  });
});
