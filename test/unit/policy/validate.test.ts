import { describe, expect, it } from 'vitest';
import { evaluateConditions } from '../../../src/policy/conditions';
import { buildContext } from '../../../src/policy/context';
import { evaluateValidateRule, type ValidateRule } from '../../../src/policy/validate';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'a', image: 'nginx:1.2', resources: { limits: { memory: '1Gi' } } },
      { name: 'b', image: 'busybox:latest' },
    ],
  },
};
const ctx = buildContext(pod);
const run = (validate: Record<string, unknown>, extra: Partial<ValidateRule> = {}) =>
  evaluateValidateRule({ name: 'r', validate, ...extra }, pod, ctx);

describe('conditions', () => {
  it.each<[unknown, boolean, string]>([
    [{ any: [{ key: 1, operator: 'Equals', value: 2, message: 'm1' }, { key: 1, operator: 'Equals', value: 1 }] }, true, ''],
    [{ any: [{ key: 1, operator: 'Equals', value: 2, message: 'm1' }, { key: 1, operator: 'Equals', value: 3, message: 'm2' }] }, false, 'm1; m2'],
    [{ all: [{ key: 1, operator: 'Equals', value: 1 }, { key: 1, operator: 'Equals', value: 2, message: 'no' }] }, false, 'no'],
    [[{ key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' }], true, ''],
    [{ any: [{ key: 1, operator: 'Equals', value: 1 }], all: [{ key: 1, operator: 'Equals', value: 2 }] }, false, ''],
    [{}, true, ''],
  ])('%j → %s', (c, result, message) => expect(evaluateConditions(c, ctx)).toEqual({ result, message }));
  it('throws on unresolvable variables', () => {
    expect(() => evaluateConditions([{ key: '{{ request.object.nope }}', operator: 'Equals', value: 1 }], ctx)).toThrow();
  });
});

describe('validate rules', () => {
  it.each<[string, Record<string, unknown>, string, string?]>([
    ['pattern pass', { pattern: { metadata: { labels: { app: '?*' } } } }, 'pass', "validation rule 'r' passed."],
    [
      'pattern fail with message',
      { message: 'tag required', pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
      'fail',
      'validation error: tag required. rule r failed at path /spec/containers/1/image/',
    ],
    ['pattern fail without message', { pattern: { spec: { hostNetwork: true } } }, 'fail', 'validation error: rule r failed at path /spec/hostNetwork/'],
    ['pattern skip', { pattern: { spec: { containers: [{ '(name)': 'z', image: 'x' }] } } }, 'skip'],
    ['pattern with variables', { pattern: { metadata: { name: '{{ request.object.metadata.labels.app }}' } } }, 'fail'],
    ['pattern with a bad variable', { pattern: { metadata: { name: '{{ request.object.nope }}' } } }, 'error'],
    ['+() not allowed', { pattern: { metadata: { '+(x)': 'y' } } }, 'error'],
    ['anyPattern second passes', { anyPattern: [{ spec: { hostNetwork: true } }, { metadata: { name: 'p' } }] }, 'pass', "validation rule 'r' anyPattern[1] passed."],
    [
      'anyPattern all fail',
      { message: 'm', anyPattern: [{ spec: { hostNetwork: true } }, { metadata: { name: 'q' } }] },
      'fail',
      'validation error: m. rule r[0] failed at path /spec/hostNetwork/ rule r[1] failed at path /metadata/name/',
    ],
    ['anyPattern all skip', { anyPattern: [{ spec: { containers: [{ '(name)': 'z', image: 'x' }] } }] }, 'skip'],
    ['deny true', { message: 'no {{ request.object.metadata.name }}', deny: { conditions: { any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' }] } } }, 'fail', 'no p'],
    ['deny false', { deny: { conditions: { any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'DELETE' }] } } }, 'pass'],
    ['deny without message', { deny: {} }, 'fail', 'validation error: rule r failed'],
    ['deny bad operator', { deny: { conditions: [{ key: 1, operator: 'Nope', value: 1 }] } }, 'error'],
    [
      'foreach pattern',
      { message: 'no latest', foreach: [{ list: 'request.object.spec.containers', pattern: { image: '!*:latest' } }] },
      'fail',
      'validation failure: validation error: no latest. rule r failed at path /image/',
    ],
    [
      'foreach deny with element',
      {
        message: '{{ element.name }} has no memory limit',
        foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ element.resources.limits.memory || `""` }}', operator: 'Equals', value: '' }] } } }],
      },
      'fail',
      'validation failure: b has no memory limit',
    ],
    ['foreach passes', { foreach: [{ list: 'request.object.spec.containers', pattern: { name: '?' } }] }, 'pass', 'rule passed'],
    [
      'foreach element preconditions',
      { foreach: [{ list: 'request.object.spec.containers', preconditions: { all: [{ key: '{{ element.name }}', operator: 'Equals', value: 'a' }] }, pattern: { image: '!*:latest' } }] },
      'pass',
    ],
    [
      'nested foreach with element0/element1',
      {
        foreach: [
          {
            list: 'request.object.spec.containers',
            foreach: [{ list: 'element.image', deny: { conditions: [{ key: '{{ element1 }}', operator: 'Equals', value: '{{ element0.image }}' }] } }],
          },
        ],
      },
      'fail',
    ],
    ['elementScope false keeps the resource', { foreach: [{ list: 'request.object.spec.containers', elementScope: false, pattern: { metadata: { name: 'p' } } }] }, 'pass'],
  ])('%s', (_n, validate, status, message) => {
    const r = run(validate);
    expect(r?.status).toBe(status);
    if (message !== undefined) expect(r?.message).toBe(message);
  });

  it('foreach over an absent list gives no response', () => {
    expect(run({ foreach: [{ list: 'request.object.spec.initContainers', pattern: { image: '*' } }] })).toBeUndefined();
  });
  it('preconditions false skip the rule, errors are errors', () => {
    expect(run({ pattern: { spec: { hostNetwork: true } } }, { preconditions: { all: [{ key: 1, operator: 'Equals', value: 2 }] } })?.status).toBe('skip');
    expect(run({ pattern: { spec: {} } }, { preconditions: { all: [{ key: '{{ request.nope }}', operator: 'Equals', value: 2 }] } })?.status).toBe('error');
  });
  it('context variables load, cluster lookups need cluster data', () => {
    const v = run(
      { deny: { conditions: [{ key: '{{ n }}', operator: 'Equals', value: 2 }] } },
      { context: [{ name: 'n', variable: { jmesPath: 'length(request.object.spec.containers)' } }] },
    );
    expect(v?.status).toBe('fail');
    const c = run({ deny: {} }, { context: [{ name: 'cm', configMap: { name: 'x', namespace: 'y' } }] });
    expect(c).toMatchObject({ status: 'skip', needsClusterData: ['context entry "cm" (configMap)'] });
  });
});
