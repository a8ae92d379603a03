// CEL in the policy engine: the environment and extension library, validate.cel /
// celPreconditions in ClusterPolicy rules, ValidatingPolicy (match, conditions, autogen),
// and loading CEL policies for the policy check.

import { describe, expect, it } from 'vitest';
import { buildActivation } from '../../../src/policy/cel/activation';
import { CelCompileError, CelEvalError, compileCel, rewriteHas } from '../../../src/policy/cel/env';
import { NeedsClusterData } from '../../../src/policy/cel/library';
import { resourceOfKind } from '../../../src/policy/cel/resources';
import { evaluatePolicy } from '../../../src/policy/engine';
import { describeCelPolicy, evaluateValidatingPolicy } from '../../../src/policy/validating-policy';
import { loadPolicy, PolicyLoadError } from '../../../src/packs';
import { parseArgs } from '../../../src/args';
import { runWarden } from '../../../src/core';

type Obj = Record<string, unknown>;

const pod = (spec: Obj, meta: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec });

function run(expr: string, object: Obj = pod({}), extra: Partial<Parameters<typeof buildActivation>[0]> = {}): unknown {
  return compileCel(expr)(buildActivation({ resource: object, namespaceLabels: {}, ...extra }));
}

describe('CEL environment', () => {
  const p = pod({ replicas: 3, ratio: 0.5, containers: [{ name: 'a', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'ghcr.io/x/y@sha256:abc' }] }, { labels: { app: 'web' } });

  it('sees JSON integers as int and other numbers as double, comparing across types', () => {
    expect(run('object.spec.replicas == 3 && object.spec.replicas > 2.5 && type(object.spec.replicas) == int', p)).toBe(true);
    expect(run('type(object.spec.ratio) == double && object.spec.ratio < 1', p)).toBe(true);
  });

  it('has macros, has(), optional chaining and orValue (also on plain values, like cel-go)', () => {
    expect(run('object.spec.containers.all(c, has(c.image)) && object.spec.containers.exists_one(c, c.name == "b")', p)).toBe(true);
    expect(run('object.spec.containers.map(c, c.name)', p)).toEqual(['a', 'b']);
    expect(run('object.spec.containers.filter(c, has(c.ports)).size()', p)).toBe(1n);
    expect(run('object.spec.?hostNetwork.orValue(false) || object.spec.?x.hasValue()', p)).toBe(false);
    expect(run('object.metadata.?labels[?"app"].orValue("")', p)).toBe('web');
    expect(run('object.spec.?initContainers.orValue([]).size()', p)).toBe(0n);
    expect(run('object.spec.containers[0].ports.orValue([]).size()', p)).toBe(1n);
  });

  it('provides the string, list, set, regex, base64, format and quantity extensions', () => {
    expect(run('"a.b.c".replace(".", "-") + "|" + "a.b.c".replace(".", "-", 1)')).toBe('a-b-c|a-b.c');
    expect(run('"Hello".lowerAscii() + "x".upperAscii() + " t ".trim() + "abc".charAt(1) + "abc".reverse()')).toBe('helloXtbcba');
    expect(run('"%s has %d replicas (%.2f)".format(["web", 3, 0.5])')).toBe('web has 3 replicas (0.50)');
    expect(run('[3, 1, 2].sort() == [1, 2, 3] && [1, 2].isSorted() && [1, 2, 3].sum() == 6 && [4, 1].min() == 1 && [4, 1].max() == 4')).toBe(true);
    expect(run('[1, 1, 2].distinct() == [1, 2] && [[1], [2, 3]].flatten() == [1, 2, 3] && [1, 2, 3].slice(1, 2) == [2] && lists.range(3) == [0, 1, 2]')).toBe(true);
    expect(run('sets.contains([1, 2, 3], [1, 2]) && sets.equivalent([1, 2], [2, 1]) && sets.intersects([1], [1, 5]) && !sets.contains([1], [2])')).toBe(true);
    expect(run('"abc123def45".find("[0-9]+") == "123" && "abc123def45".findAll("[0-9]+") == ["123", "45"] && "a1b2c3".findAll("[0-9]", 2) == ["1", "2"]')).toBe(true);
    expect(run('base64.encode(b"hello") == "aGVsbG8=" && base64.decode("aGVsbG8=") == b"hello"')).toBe(true);
    expect(run('quantity("500m").isLessThan(quantity("1")) && quantity("1Gi").compareTo(quantity("1024Mi")) == 0 && isQuantity("2Gi") && !isQuantity("2GB")')).toBe(true);
    expect(run('quantity("1.5").add(quantity("500m")).asInteger() == 2 && quantity("-1").sign() == -1')).toBe(true);
    expect(run('url("https://example.com:8443/a/b?x=1&x=2").getHost() == "example.com:8443" && url("https://example.com:8443/a").getPort() == "8443" && url("https://e.com/p?x=1&x=2").getQuery()["x"] == ["1", "2"] && !isURL("not a url")')).toBe(true);
    expect(run('parseImageReference("nginx:1.2").registry() == "docker.io" && parseImageReference("ghcr.io/a/b@sha256:ab").containsDigest() && isImage("nginx")')).toBe(true);
    expect(run('parseServiceAccount("system:serviceaccount:ns1:sa1").Namespace == "ns1" && parseServiceAccount("system:serviceaccount:ns1:sa1").Name == "sa1"')).toBe(true);
    expect(run('"nginx:1.25".matches("^nginx:[0-9.]+$") && duration("1h") > duration("30m")')).toBe(true);
  });

  it('absorbs errors in || and && like cel-go, and reports others as evaluation errors', () => {
    expect(run('object.spec.missing == 1 || true')).toBe(true);
    expect(() => run('object.spec.missing == 1')).toThrow(CelEvalError);
    expect(() => run('1 / 0 == 1')).toThrow(/division by zero/);
  });

  it('compiles once per source text and reports bad expressions as compile errors', () => {
    expect(compileCel('object.kind == "Pod"')).toBe(compileCel('object.kind == "Pod"'));
    expect(() => compileCel('object.spec.')).toThrow(CelCompileError);
    expect(() => compileCel('nosuchfunction(object)')).toThrow(/compilation failed/);
    expect(() => compileCel('unknownVariable.x')).toThrow(CelCompileError);
  });

  it('turns cluster-only data into NeedsClusterData, never into a value', () => {
    expect(() => run('resource.Get("v1", "configmaps", "default", "x").data.size() > 0')).toThrow(NeedsClusterData);
    expect(() => run('image.GetMetadata("nginx").config.size() > 0')).toThrow(NeedsClusterData);
    expect(() => run('namespaceObject.metadata.name == "default"', pod({}), { namespaceLabels: undefined })).toThrow(/namespaceObject/);
    expect(run('namespaceObject.metadata.labels["team"] == "a"', pod({}), { namespaceLabels: { team: 'a' } })).toBe(true);
  });

  it('accepts has() on any expression, as cel-go does', () => {
    expect(rewriteHas('has(f(x).a.b) && has(y.c) && "has(z().q)" != ""')).toMatch(/^cel\.bind\(__has0_\d+, f\(x\)\.a, has\(__has0_\d+\.b\)\) && has\(y\.c\) && "has\(z\(\)\.q\)" != ""$/);
    const p = pod({ containers: [{ name: 'a', image: 'x', securityContext: { runAsUser: 1 } }] });
    expect(run('has(object.spec.containers[0].securityContext.runAsUser) && !has(object.spec.containers[0].securityContext.runAsGroup)', p)).toBe(true);
  });

  it('has() on an index selection with a loop variable, also next to a type error the rewrite does not fix', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }, { name: 'b', image: 'y' }] });
    expect(run('[0, 1].map(i, has(object.spec.containers[i].securityContext))', p)).toEqual([true, false]);
    // The error reported is the real one (the ternary), not has()'s.
    expect(() => compileCel('[0].map(i, has(object.spec.containers[i].securityContext) ? 1 : "x")')).toThrow(/Ternary branches/);
  });

  it('lets null meet a map in a ternary (cel-go: null is assignable to object types), but not a scalar or a list', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] });
    expect(run('object.spec.containers.map(c, c.name == "a" ? {"op": "add", "n": c.name} : null).filter(x, x != null)', p)).toEqual([{ op: 'add', n: 'a' }]);
    expect(run('false ? {"a": 1} : null', p)).toBe(null);
    expect(() => compileCel('true ? 1 : null')).toThrow(CelCompileError);
    expect(() => compileCel('true ? [1] : null')).toThrow(CelCompileError);
  });

  it('parses image references with image(), like parseImageReference', () => {
    const p = pod({ containers: [{ name: 'a', image: 'corp.reg.com/team/app:1.2' }] });
    expect(run('image(object.spec.containers[0].image).registry()', p)).toBe('corp.reg.com');
    expect(run('image("ghcr.io/x/y:2").tag() + " " + image("ghcr.io/x/y:2").repository()', p)).toBe('2 x/y');
    expect(run('image("nginx@sha256:abc").digest() == parseImageReference("nginx@sha256:abc").digest()', p)).toBe(true);
  });

  it('serves resource.Get/List and image.GetMetadata from offline cluster data', () => {
    const cluster = {
      resources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'regs', namespace: 'default' }, data: { list: 'ghcr.io' } }],
      images: [{ image: 'busybox:1', config: { Volumes: [{ name: 'v' }] } }],
    };
    expect(run('resource.Get("v1", "configmaps", "default", "regs").data.list', pod({}), { cluster })).toBe('ghcr.io');
    expect(run('resource.List("v1", "configmaps", "").items.size()', pod({}), { cluster })).toBe(1n);
    expect(() => run('resource.Get("v1", "configmaps", "default", "nope").data', pod({}), { cluster })).toThrow(/not found/);
    expect(run('has(image.GetMetadata("busybox:1").config.Volumes)', pod({}), { cluster })).toBe(true);
  });

  it('evaluates variables lazily, once', () => {
    const act = buildActivation({ resource: pod({ containers: [] }) }, [
      { name: 'broken', expression: 'object.spec.nope' },
      { name: 'n', expression: 'size(object.spec.containers)' },
    ]);
    expect(compileCel('variables.n == 0')(act)).toBe(true);
    expect(() => compileCel('variables.broken == 1')(act)).toThrow(/variable "broken"/);
  });

  it('maps kinds to plural resource names', () => {
    expect(['Pod', 'Ingress', 'NetworkPolicy', 'Endpoints', 'StorageClass', 'Deployment', 'ClusterIssuer'].map(resourceOfKind)).toEqual([
      'pods', 'ingresses', 'networkpolicies', 'endpoints', 'storageclasses', 'deployments', 'clusterissuers',
    ]);
  });
});

const celRulePolicy = (validate: Obj, extra: Obj = {}): Obj => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'cp' },
  spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate, ...extra }] },
});

describe('validate.cel and celPreconditions in ClusterPolicy rules', () => {
  const noHostNet = { message: 'host network is not allowed', cel: { expressions: [{ expression: 'object.spec.?hostNetwork.orValue(false) == false' }] } };

  it('passes, fails with the rule message, and is auto-generated for controllers', () => {
    const p = celRulePolicy(noHostNet);
    expect(evaluatePolicy(p, pod({ containers: [] }))).toEqual([{ policy: 'cp', rule: 'r', status: 'pass', message: "Validation rule 'r' passed." }]);
    expect(evaluatePolicy(p, pod({ hostNetwork: true }))[0]).toMatchObject({ status: 'fail', message: 'host network is not allowed' });
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { hostNetwork: true } } } };
    expect(evaluatePolicy(p, deploy).map((r) => `${r.rule}=${r.status}`)).toEqual(['autogen-r=fail']);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: false } } } } } };
    expect(evaluatePolicy(p, cron).map((r) => `${r.rule}=${r.status}`)).toEqual(['autogen-cronjob-r=pass']);
  });

  it('uses messageExpression, variables, and treats an evaluation error as a failure (failurePolicy Fail)', () => {
    const p = celRulePolicy({
      cel: {
        variables: [{ name: 'names', expression: 'object.spec.containers.map(c, c.name)' }],
        expressions: [
          { expression: 'variables.names.all(n, n.startsWith("app-"))', messageExpression: '"bad names: " + variables.names.join(", ")' },
          { expression: 'object.spec.containers.all(c, c.image.contains("/"))', message: 'images must be fully qualified' },
        ],
      },
    });
    expect(evaluatePolicy(p, pod({ containers: [{ name: 'x', image: 'a/b' }] }))[0]).toMatchObject({ status: 'fail', message: 'bad names: x' });
    expect(evaluatePolicy(p, pod({ containers: [{ name: 'app-1' }] }))[0]).toMatchObject({ status: 'fail', message: expect.stringMatching(/No such key: image/) });
    expect(evaluatePolicy(p, pod({ containers: [{ name: 'app-1', image: 'r/x' }] }))[0].status).toBe('pass');
  });

  it('skips when a celPrecondition is false, also before pattern rules', () => {
    const p = celRulePolicy(noHostNet, { celPreconditions: [{ name: 'labelled', expression: 'has(object.metadata.labels) && "web" in object.metadata.labels' }] });
    expect(evaluatePolicy(p, pod({ hostNetwork: true }))[0]).toMatchObject({ status: 'skip', message: 'cel preconditions not met' });
    expect(evaluatePolicy(p, pod({ hostNetwork: true }, { labels: { web: 'y' } }))[0].status).toBe('fail');
    const onlyHostNet = celRulePolicy(noHostNet, { celPreconditions: [{ name: 'uses-host', expression: 'has(object.spec.hostNetwork)' }] });
    const deploy = (spec: Obj) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec } } });
    expect(evaluatePolicy(onlyHostNet, deploy({ hostNetwork: true }))[0]).toMatchObject({ rule: 'autogen-r', status: 'fail' });
    expect(evaluatePolicy(onlyHostNet, deploy({}))[0]).toMatchObject({ rule: 'autogen-r', status: 'skip' });
    const pat = celRulePolicy({ message: 'm', pattern: { spec: { '=(hostNetwork)': false } } }, { celPreconditions: [{ name: 'x', expression: 'object.metadata.name == "other"' }] });
    expect(evaluatePolicy(pat, pod({ hostNetwork: true }))[0]).toMatchObject({ status: 'skip' });
    expect(evaluatePolicy(pat, pod({ hostNetwork: true }, { name: 'other' }))[0]).toMatchObject({ status: 'fail' });
  });

  it('names the rule and expression when an expression does not compile, and skips on cluster data', () => {
    const bad = celRulePolicy({ cel: { expressions: [{ expression: 'object.spec.(' }] } });
    expect(evaluatePolicy(bad, pod({}))[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^rule r: invalid expression 'object\.spec\.\('/) });
    expect(() => loadPolicy(bad, 'user/bad.yaml')).toThrow(/^user\/bad\.yaml: policy cp, rule r: validate\.cel\.expressions\[0\]\.expression 'object\.spec\.\(': compilation failed/);
    expect(loadPolicy(celRulePolicy({ cel: { expressions: [{ expression: 'true' }] } }), 'ok.yaml').kinds).toEqual(new Set(['Pod', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob']));
    const cluster = celRulePolicy({ cel: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, expressions: [{ expression: 'object.metadata.name != params.data.forbidden' }] } });
    expect(evaluatePolicy(cluster, pod({}))[0]).toMatchObject({ status: 'skip', needsClusterData: ['params (paramKind/paramRef)'] });
  });
});

const vpol = (spec: Obj, name = 'vp'): Obj => ({ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name }, spec });
const podRules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] };

describe('ValidatingPolicy', () => {
  const noPriv = vpol({
    validationActions: ['Deny'],
    matchConstraints: podRules,
    variables: [{ name: 'all', expression: 'object.spec.containers + object.spec.?initContainers.orValue([])' }],
    validations: [
      { expression: 'variables.all.all(c, !c.?securityContext.?privileged.orValue(false))', message: 'privileged containers are not allowed' },
      { expression: 'variables.all.all(c, c.image != "")' },
    ],
  });

  it('passes, fails with the message or the default index message', () => {
    expect(evaluateValidatingPolicy(noPriv, pod({ containers: [{ name: 'a', image: 'x' }] }))).toEqual([{ policy: 'vp', rule: '', status: 'pass', message: 'success' }]);
    expect(evaluatePolicy(noPriv, pod({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }))[0]).toMatchObject({ status: 'fail', message: 'privileged containers are not allowed' });
    expect(evaluatePolicy(noPriv, pod({ containers: [{ name: 'a', image: '' }] }))[0]).toMatchObject({ status: 'fail', message: 'CEL expression validation failed at index 1' });
    expect(evaluatePolicy(noPriv, pod({ containers: [{ name: 'a' }] }))[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^validation 1 /) });
  });

  it('reports a failing messageExpression in the message, and scopes a NamespacedValidatingPolicy to its namespace', () => {
    const p = vpol({ matchConstraints: podRules, validations: [{ expression: 'false', message: 'm', messageExpression: 'object.spec.nope' }] });
    expect(evaluatePolicy(p, pod({}))[0].message).toMatch(/^failed to evaluate message expression: .*No such key: nope/);
    const ns = { ...vpol({ matchConstraints: podRules, validations: [{ expression: 'false' }] }), kind: 'NamespacedValidatingPolicy', metadata: { name: 'n', namespace: 'team-a' } };
    expect(evaluatePolicy(ns, pod({}))).toEqual([]);
    expect(evaluatePolicy(ns, pod({}, { namespace: 'team-a' }))[0].status).toBe('fail');
  });

  it('matches by group, version, plural resource and operation; excludes; no response otherwise', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: {} };
    expect(evaluatePolicy(noPriv, svc)).toEqual([]);
    expect(evaluatePolicy(noPriv, pod({ containers: [] }), { operation: 'DELETE' })).toEqual([]);
    const ing = vpol({
      matchConstraints: {
        resourceRules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['*'], operations: ['*'], resources: ['ingresses'] }],
        excludeResourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['ingresses'], resourceNames: ['skip-me'] }],
      },
      validations: [{ expression: 'has(object.spec.tls)', message: 'tls required' }],
    });
    const ingress = (name: string): Obj => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default' }, spec: {} });
    expect(evaluatePolicy(ing, ingress('a'))[0]).toMatchObject({ status: 'fail', message: 'tls required' });
    expect(evaluatePolicy(ing, ingress('skip-me'))).toEqual([]);
    expect(evaluatePolicy(ing, { ...ingress('a'), apiVersion: 'extensions/v1beta1' })).toEqual([]);
  });

  it('skips on false matchConditions and needs cluster data for an unknown namespaceSelector', () => {
    const p = vpol({ matchConstraints: { ...podRules, namespaceSelector: { matchLabels: { env: 'prod' } } }, matchConditions: [{ name: 'not-system', expression: '!object.metadata.name.startsWith("kube-")' }], validations: [{ expression: 'false' }] });
    expect(evaluatePolicy(p, pod({}), { namespaceLabels: { env: 'prod' } })[0]).toMatchObject({ status: 'fail' });
    expect(evaluatePolicy(p, pod({}, { name: 'kube-x' }), { namespaceLabels: { env: 'prod' } })[0]).toMatchObject({ status: 'skip', message: 'match condition "not-system" not met' });
    expect(evaluatePolicy(p, pod({}), { namespaceLabels: { env: 'dev' } })).toEqual([]);
    expect(evaluatePolicy(p, pod({}))[0]).toMatchObject({ status: 'skip', needsClusterData: ['namespaceSelector (labels of namespace default)'] });
  });

  it('auto-generates controller variants (rewriting object.spec/metadata) unless disabled', () => {
    const bad = { hostPID: true, containers: [{ name: 'a', image: 'x' }] };
    const p = vpol({ matchConstraints: podRules, validations: [{ expression: '!object.spec.?hostPID.orValue(false) && object.metadata.name != ""', message: 'no hostPID' }] });
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { metadata: {}, spec: bad } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } };
    expect(evaluatePolicy(p, deploy)).toEqual([{ policy: 'vp', rule: 'autogen', status: 'fail', message: 'no hostPID' }]);
    expect(evaluatePolicy(p, cron)).toEqual([{ policy: 'vp', rule: 'autogen-cronjobs', status: 'pass', message: 'success' }]);
    const off = vpol({ ...(p.spec as Obj), autogen: { podControllers: { controllers: [] } } });
    expect(evaluatePolicy(off, deploy)).toEqual([]);
    const onlyCron = vpol({ ...(p.spec as Obj), autogen: { podControllers: { controllers: ['cronjobs'] } } });
    expect(evaluatePolicy(onlyCron, deploy)).toEqual([]);
    expect(evaluatePolicy(onlyCron, cron)).toHaveLength(1);
  });

  it('is loaded for the policy check with kinds, failure actions and compile errors named', () => {
    const loaded = loadPolicy(noPriv, 'user/no-priv.yaml');
    expect(loaded.kinds).toEqual(new Set(['Pod', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'Job', 'CronJob']));
    expect(loaded.actions.get('')).toBe('enforce');
    expect(loaded.actions.get('autogen')).toBe('enforce');
    const broken = vpol({ matchConstraints: podRules, validations: [{ expression: 'object.spec.containers.all(c, ' }] }, 'broken');
    expect(() => loadPolicy(broken, 'user/broken.yaml')).toThrow(PolicyLoadError);
    expect(() => loadPolicy(broken, 'user/broken.yaml')).toThrow(/user\/broken\.yaml: ValidatingPolicy broken: spec\.validations\[0\]\.expression 'object\.spec\.containers\.all\(c,'/);
    expect(describeCelPolicy(vpol({ matchConstraints: { resourceRules: [{ resources: ['widgets'] }] }, validations: [{ expression: 'true' }] })).kinds).toBe('any');
  });
});

describe('CEL policies in the policy check', () => {
  const policyYaml = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: no-host-pid
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [pods]
  validations:
  - expression: "!object.spec.?hostPID.orValue(false)"
    messageExpression: "'hostPID is not allowed in ' + object.metadata.name"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: cel-labels
spec:
  validationFailureAction: Audit
  rules:
  - name: need-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: a team label is required
      cel:
        expressions:
        - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
`;
  const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      hostPID: true
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: ok
  labels: {team: a}
spec:
  containers: [{name: c, image: nginx}]
`;

  it('reports ValidatingPolicy and validate.cel findings; Deny blocks unless --mode=audit', () => {
    const args = ['--checks=policy', '--packs=none', `--policy=${policyYaml}`];
    const audit = runWarden(manifests, parseArgs([...args, '--mode=audit']));
    const found = audit.findings.filter((f) => f.check === 'policy').map((f) => `${f.rule} ${f.result} ${f.message}`);
    expect(found).toEqual(['no-host-pid/autogen fail hostPID is not allowed in web', 'cel-labels/autogen-need-team fail a team label is required']);
    expect(audit.exitCode).toBe(0);
    // without --mode, the ValidatingPolicy's validationActions [Deny] decide, as in Kyverno
    const byPolicy = runWarden(manifests, parseArgs(args));
    expect(byPolicy.exitCode).toBe(1);
    expect(byPolicy.findings.filter((f) => f.enforce).map((f) => f.rule)).toEqual(['no-host-pid/autogen']);
    const enforce = runWarden(manifests, parseArgs([...args, '--mode=enforce']));
    expect(enforce.exitCode).toBe(1);
    expect(enforce.findings.filter((f) => f.enforce).map((f) => f.rule)).toEqual(['no-host-pid/autogen']);
  });
});
