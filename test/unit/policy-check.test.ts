// The built-in packs (src/packs) and the policy check (src/checks/policy): every rule has a
// resource that passes and one that fails, and the check turns verdicts into findings.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { defaultOptions, parseArgs, UsageError, type WardenOptions } from '../../src/args';
import { dottedPath, selectPolicies } from '../../src/checks/policy';
import { blockingMessage, handleHelmInput, runWarden } from '../../src/core';
import { PACKS, PACK_NAMES, registryPattern } from '../../src/packs';
import { evaluatePolicy } from '../../src/policy';
import { SourceDocument } from '../../src/read/document';

const root = join(__dirname, '..', '..');
type Obj = Record<string, any>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A Pod every rule of every pack accepts. */
const GOOD_POD: Obj = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-1' } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [
      {
        name: 'init',
        image: 'ghcr.io/acme/init:1.0',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
    containers: [
      {
        name: 'web',
        image: 'ghcr.io/acme/web:1.2.3',
        ports: [{ containerPort: 8080 }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      },
    ],
    volumes: [
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'tmp', emptyDir: {} },
    ],
  },
};

const ALL = selectPolicies({ packs: [...PACK_NAMES], allowedRegistries: ['ghcr.io/acme'], excludeRules: [] });

/** `policy/rule` of every rule that fails or errors for this resource, over all packs. */
function failing(resource: Obj): string[] {
  const out: string[] = [];
  for (const p of ALL.policies) {
    for (const r of evaluatePolicy(p.policy, resource)) {
      if (r.status === 'fail' || r.status === 'error') out.push(`${p.name}/${r.rule}`);
    }
  }
  return out.sort();
}

const c0 = (p: Obj) => p.spec.containers[0];
const sc = (p: Obj) => c0(p).securityContext;

/** [description, change to the good Pod, rules that must fail (exactly)]. */
const CASES: [string, (p: Obj) => void, string[]][] = [
  // Pod Security Standards, baseline
  ['hostProcess on the Pod', (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true }), ['disallow-host-process/host-process-containers']],
  ['hostProcess false', (p) => (sc(p).windowsOptions = { hostProcess: false }), []],
  ['hostNetwork', (p) => (p.spec.hostNetwork = true), ['disallow-host-namespaces/host-namespaces']],
  ['hostPID', (p) => (p.spec.hostPID = true), ['disallow-host-namespaces/host-namespaces']],
  ['hostIPC', (p) => (p.spec.hostIPC = true), ['disallow-host-namespaces/host-namespaces']],
  ['hostNetwork false', (p) => (p.spec.hostNetwork = false), []],
  ['privileged container', (p) => (sc(p).privileged = true), ['disallow-privileged-containers/privileged-containers']],
  ['privileged init container', (p) => (p.spec.initContainers[0].securityContext.privileged = true), ['disallow-privileged-containers/privileged-containers']],
  ['privileged false', (p) => (sc(p).privileged = false), []],
  ['adds SYS_ADMIN', (p) => sc(p).capabilities.add.push('SYS_ADMIN'), ['disallow-capabilities/adding-capabilities', 'require-drop-all-capabilities/adding-capabilities-strict']],
  ['adds CHOWN (baseline only)', (p) => sc(p).capabilities.add.push('CHOWN'), ['require-drop-all-capabilities/adding-capabilities-strict']],
  ['does not drop ALL', (p) => (sc(p).capabilities.drop = ['NET_RAW']), ['require-drop-all-capabilities/require-drop-all']],
  ['init container drops nothing', (p) => delete p.spec.initContainers[0].securityContext.capabilities, ['require-drop-all-capabilities/require-drop-all']],
  ['hostPath volume', (p) => p.spec.volumes.push({ name: 'h', hostPath: { path: '/var/run' } }), ['disallow-host-path/host-path', 'restrict-volume-types/restricted-volumes']],
  ['hostPort', (p) => (c0(p).ports[0].hostPort = 80), ['disallow-host-ports/host-ports']],
  ['hostPort 0', (p) => (c0(p).ports[0].hostPort = 0), []],
  ['AppArmor annotation unconfined', (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }), ['restrict-apparmor-profiles/app-armor-annotations']],
  ['AppArmor annotation runtime/default', (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' }), []],
  ['AppArmor profile Unconfined', (p) => (sc(p).appArmorProfile = { type: 'Unconfined' }), ['restrict-apparmor-profiles/app-armor-profile']],
  ['AppArmor profile Localhost', (p) => (p.spec.securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'x' }), []],
  ['SELinux type spc_t', (p) => (sc(p).seLinuxOptions = { type: 'spc_t' }), ['disallow-selinux/selinux-type']],
  ['SELinux type container_t', (p) => (p.spec.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1' }), []],
  ['SELinux user', (p) => (p.spec.securityContext.seLinuxOptions = { user: 'system_u' }), ['disallow-selinux/selinux-user-role']],
  ['SELinux role on a container', (p) => (sc(p).seLinuxOptions = { role: 'sysadm_r' }), ['disallow-selinux/selinux-user-role']],
  ['procMount Unmasked', (p) => (sc(p).procMount = 'Unmasked'), ['disallow-proc-mount/check-proc-mount']],
  ['procMount Default', (p) => (sc(p).procMount = 'Default'), []],
  ['seccomp Unconfined', (p) => (p.spec.securityContext.seccompProfile.type = 'Unconfined'), ['restrict-seccomp-strict/check-seccomp-strict', 'restrict-seccomp/check-seccomp']],
  ['unsafe sysctl', (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]), ['restrict-sysctls/check-sysctls']],
  ['safe sysctl', (p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }]), []],
  // Pod Security Standards, restricted
  ['nfs volume', (p) => p.spec.volumes.push({ name: 'n', nfs: { server: 's', path: '/' } }), ['restrict-volume-types/restricted-volumes']],
  ['allowed volume types', (p) => p.spec.volumes.push({ name: 's', secret: { secretName: 's' } }, { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } }), []],
  ['allowPrivilegeEscalation true', (p) => (sc(p).allowPrivilegeEscalation = true), ['disallow-privilege-escalation/privilege-escalation']],
  ['allowPrivilegeEscalation unset', (p) => delete p.spec.initContainers[0].securityContext.allowPrivilegeEscalation, ['disallow-privilege-escalation/privilege-escalation']],
  ['runAsNonRoot false on a container', (p) => (sc(p).runAsNonRoot = false), ['require-run-as-non-root/run-as-non-root']],
  ['runAsNonRoot unset everywhere', (p) => delete p.spec.securityContext.runAsNonRoot, ['require-run-as-non-root/run-as-non-root']],
  [
    'runAsNonRoot on every container instead of the Pod',
    (p) => {
      delete p.spec.securityContext.runAsNonRoot;
      sc(p).runAsNonRoot = true;
      p.spec.initContainers[0].securityContext.runAsNonRoot = true;
    },
    [],
  ],
  ['runAsUser 0', (p) => (sc(p).runAsUser = 0), ['require-run-as-non-root-user/run-as-non-root-user']],
  ['no seccomp profile', (p) => delete p.spec.securityContext.seccompProfile, ['restrict-seccomp-strict/check-seccomp-strict']],
  // Best practices
  ['untagged image', (p) => (c0(p).image = 'ghcr.io/acme/web'), ['disallow-latest-tag/require-image-tag']],
  ['latest tag', (p) => (c0(p).image = 'ghcr.io/acme/web:latest'), ['disallow-latest-tag/validate-image-tag']],
  ['digest only', (p) => (c0(p).image = 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64)), []],
  ['no memory limit', (p) => delete c0(p).resources.limits, ['require-requests-limits/validate-resources']],
  ['no cpu request', (p) => delete c0(p).resources.requests.cpu, ['require-requests-limits/validate-resources']],
  ['image from another registry', (p) => (p.spec.initContainers[0].image = 'docker.io/library/busybox:1.36'), ['restrict-image-registries/validate-registries']],
  ['no readiness probe', (p) => delete c0(p).readinessProbe, ['require-probes/validate-probes']],
  ['no liveness probe', (p) => delete c0(p).livenessProbe, ['require-probes/validate-probes']],
  [
    'Helm hook Pod without probes',
    (p) => {
      delete c0(p).readinessProbe;
      p.metadata.annotations = { 'helm.sh/hook': 'test' };
    },
    [],
  ],
  ['no instance label', (p) => delete p.metadata.labels['app.kubernetes.io/instance'], ['require-labels/check-for-labels']],
  ['no labels', (p) => delete p.metadata.labels, ['require-labels/check-for-labels']],
  ['default namespace', (p) => (p.metadata.namespace = 'default'), ['disallow-default-namespace/validate-namespace']],
  ['no namespace (release namespace)', (p) => delete p.metadata.namespace, []],
];

function workload(kind: string, pod: Obj): Obj {
  const template = { metadata: pod.metadata, spec: pod.spec };
  const meta = { name: pod.metadata.name, namespace: pod.metadata.namespace, labels: pod.metadata.labels };
  if (kind === 'CronJob') return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
  if (kind === 'Job') return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template } };
  return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector: { matchLabels: pod.metadata.labels }, template } };
}

describe('built-in packs', () => {
  it('load, and every pack file is in some pack', () => {
    expect(PACKS['pod-security-baseline'].map((p) => p.name).sort()).toEqual([
      'disallow-capabilities',
      'disallow-host-namespaces',
      'disallow-host-path',
      'disallow-host-ports',
      'disallow-host-process',
      'disallow-privileged-containers',
      'disallow-proc-mount',
      'disallow-selinux',
      'restrict-apparmor-profiles',
      'restrict-seccomp',
      'restrict-sysctls',
    ]);
    const restricted = PACKS['pod-security-restricted'].map((p) => p.name);
    for (const p of PACKS['pod-security-baseline']) expect(restricted).toContain(p.name);
    expect(PACKS['best-practices'].map((p) => p.name)).toEqual(
      expect.arrayContaining(['disallow-latest-tag', 'require-requests-limits', 'restrict-image-registries', 'require-probes', 'require-labels', 'disallow-default-namespace', 'disallow-host-path', 'disallow-host-ports', 'disallow-privilege-escalation']),
    );
    for (const name of PACK_NAMES) {
      for (const p of PACKS[name]) {
        expect(p.title, p.name).toBeTruthy();
        expect(p.category, p.name).toBeTruthy();
        expect(['low', 'medium', 'high', 'critical']).toContain(p.severity);
        expect(p.kinds).not.toBe('any');
        expect([...(p.kinds as Set<string>)].sort()).toEqual(expect.arrayContaining(['Deployment', 'Pod', 'StatefulSet']));
      }
    }
  });

  it('sources.generated.ts is up to date with src/packs/**/*.yaml', () => {
    const r = spawnSync(process.execPath, [join(root, 'build', 'gen-packs.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the good Pod passes every rule of every pack', () => {
    expect(failing(GOOD_POD)).toEqual([]);
    // and the rules really ran: every policy gave a response
    const responded = new Set<string>();
    for (const p of ALL.policies) for (const r of evaluatePolicy(p.policy, GOOD_POD)) if (r.status === 'pass') responded.add(p.name);
    expect([...responded].sort()).toEqual(ALL.policies.map((p) => p.name).sort());
  });

  it.each(CASES)('%s', (_name, change, expected) => {
    const pod = clone(GOOD_POD);
    change(pod);
    expect(failing(pod)).toEqual([...expected].sort());
  });

  it('every rule is covered by a failing case', () => {
    const covered = new Set(CASES.flatMap(([, , e]) => e));
    const all = ALL.policies.flatMap((p) => ((p.policy.spec as Obj).rules as Obj[]).map((r) => `${p.name}/${r.name}`));
    expect(all.filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'])('%s: the same verdicts through the auto-generated rules', (kind) => {
    expect(failing(workload(kind, GOOD_POD))).toEqual([]);
    const bad = clone(GOOD_POD);
    c0(bad).image = 'nginx:latest';
    sc(bad).privileged = true;
    delete c0(bad).readinessProbe;
    const prefix = kind === 'CronJob' ? 'autogen-cronjob-' : 'autogen-';
    const expected = [
      `disallow-latest-tag/${prefix}validate-image-tag`,
      `disallow-privileged-containers/${prefix}privileged-containers`,
      `restrict-image-registries/${prefix}validate-registries`,
    ];
    // Jobs run to completion: no probes required.
    if (kind !== 'Job' && kind !== 'CronJob') expected.push(`require-probes/${prefix}validate-probes`);
    expect(failing(workload(kind, bad))).toEqual(expected.sort());
  });

  it('allowed registries: host names become prefixes; wildcards are kept', () => {
    expect(registryPattern(['ghcr.io/acme', ' registry.example.com/ ', '*.azurecr.io/*', ''])).toBe('ghcr.io/acme/* | registry.example.com/* | *.azurecr.io/*');
    const none = selectPolicies({ packs: ['best-practices'], allowedRegistries: [], excludeRules: [] });
    expect(none.policies.map((p) => p.name)).not.toContain('restrict-image-registries');
    const two = selectPolicies({ packs: ['best-practices'], allowedRegistries: ['quay.io', 'ghcr.io/acme'], excludeRules: [] });
    const reg = two.policies.find((p) => p.name === 'restrict-image-registries')!;
    const pod = clone(GOOD_POD);
    pod.spec.initContainers[0].image = 'quay.io/x/y:1';
    expect(evaluatePolicy(reg.policy, pod).map((r) => r.status)).toEqual(['pass']);
    pod.spec.initContainers[0].image = 'nginx:1.25';
    const [r] = evaluatePolicy(reg.policy, pod);
    expect(r.status).toBe('fail');
    expect(r.message).toContain('allowed registry (quay.io/* | ghcr.io/acme/*)');
  });
});

// ---------------------------------------------------------------------------------------

function doc(o: Obj, source: string): string {
  return `---\n# Source: ${source}\n${stringify(o)}`;
}

const BAD_DEPLOYMENT = (() => {
  const pod = clone(GOOD_POD);
  c0(pod).image = 'nginx:latest';
  sc(pod).privileged = true;
  return workload('Deployment', pod);
})();

const STREAM =
  doc({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'apps' }, data: { a: '1' } }, 'web/templates/cm.yaml') +
  doc(BAD_DEPLOYMENT, 'web/templates/deployment.yaml') +
  doc(workload('StatefulSet', GOOD_POD), 'web/templates/sts.yaml');

function options(args: string[] = []): WardenOptions {
  return parseArgs(['--checks=policy', ...args]);
}

describe('policy check through runWarden', () => {
  it('zero configuration: default packs in audit mode report, block nothing, change nothing', () => {
    const r = runWarden(STREAM, { ...defaultOptions(), checks: { policy: true, ownership: false, ingress: false } });
    expect(r.exitCode).toBe(0);
    expect(r.manifests).toBe(STREAM);
    const rules = r.findings.map((f) => f.rule).sort();
    expect(rules).toEqual(['disallow-latest-tag/autogen-validate-image-tag', 'disallow-privileged-containers/autogen-privileged-containers']);
    const f = r.findings.find((x) => x.rule.startsWith('disallow-latest-tag'))!;
    expect(f).toMatchObject({
      check: 'policy',
      result: 'fail',
      enforce: false,
      severity: 'medium',
      category: 'Best Practices',
      path: 'spec.template.spec.containers[0].image',
      document: { index: 1, kind: 'Deployment', name: 'web', namespace: 'apps', source: 'web/templates/deployment.yaml' },
    });
    expect(f.message).toBe('The mutable image tag "latest" is not allowed: name a fixed version instead.');
    expect(r.report).toContain('Deployment apps/web (web/templates/deployment.yaml)\n  [FAIL] disallow-');
    expect(r.report).toContain(
      '  [FAIL] disallow-latest-tag/autogen-validate-image-tag at spec.template.spec.containers[0].image: The mutable image tag "latest" is not allowed: name a fixed version instead.\n',
    );
    expect(r.report).toContain('warden: 3 documents, 3 objects, 2 failed, 0 warnings');
  });

  it('--mode=enforce blocks with a message naming the object and the rule', () => {
    const r = runWarden(STREAM, options(['--mode=enforce']));
    expect(r.exitCode).toBe(1);
    expect(r.findings.every((f) => f.enforce)).toBe(true);
    const msg = blockingMessage(r.findings, 'enforce');
    expect(msg).toContain('warden: 2 findings block this render (mode enforce):');
    expect(msg).toContain('  Deployment apps/web (web/templates/deployment.yaml): [BLOCK] disallow-privileged-containers/autogen-privileged-containers at spec.template.spec.containers[0].securityContext.privileged: Privileged mode is not allowed');
    const out = handleHelmInput(JSON.stringify({ manifests: STREAM, extraArgs: ['--mode=enforce'] }));
    expect('error' in out && out.error).toContain('disallow-latest-tag/autogen-validate-image-tag');
  });

  it('a policy that says Audit does not block even in enforce mode', async () => {
    const { indexPolicies, runPolicies } = await import('../../src/checks/policy');
    const { loadPolicy } = await import('../../src/packs');
    const base = PACKS['best-practices'].find((p) => p.name === 'disallow-latest-tag')!;
    const audited = clone(base.policy);
    (audited.spec as Obj).validationFailureAction = 'Audit';
    const { readStream } = await import('../../src/read/document');
    const set = indexPolicies([loadPolicy(audited, 'x.yaml')]);
    const r = runPolicies(set, readStream(STREAM), { mode: 'enforce', excludeRules: [] });
    expect(r.findings.map((f) => [f.rule, f.result, f.enforce])).toEqual([['disallow-latest-tag/autogen-validate-image-tag', 'fail', false]]);
  });

  it('--packs=none, --exclude-rules and --skip=policy turn findings off', () => {
    expect(runWarden(STREAM, options(['--packs=none'])).findings).toEqual([]);
    expect(runWarden(STREAM, options(['--skip=policy'])).findings).toEqual([]);
    const r = runWarden(STREAM, options(['--exclude-rules=disallow-latest-tag,disallow-privileged-containers/privileged-containers']));
    expect(r.findings).toEqual([]);
    const one = runWarden(STREAM, options(['--exclude-rules=disallow-latest-tag/require-image-tag']));
    expect(one.findings.map((f) => f.rule).sort()).toEqual(['disallow-latest-tag/autogen-validate-image-tag', 'disallow-privileged-containers/autogen-privileged-containers']);
  });

  it('restricted and best-practices together run shared policies once', () => {
    const r = runWarden(STREAM, options(['--packs=pod-security-restricted,best-practices', '--allowed-registries=ghcr.io/acme']));
    const rules = r.findings.map((f) => f.rule);
    expect(new Set(rules).size).toBe(rules.length);
    expect(rules).toContain('restrict-image-registries/autogen-validate-registries');
    expect(rules).toContain('disallow-privileged-containers/autogen-privileged-containers');
  });

  it('parses only documents whose kind a rule can match', () => {
    const spy = vi.spyOn(SourceDocument.prototype, 'value');
    try {
      const s =
        doc({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } }, 'c/templates/a.yaml') +
        doc({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } }, 'c/templates/b.yaml');
      const r = runWarden(s, options());
      expect(r.findings).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
      runWarden(STREAM, options());
      // the Deployment and the StatefulSet, not the ConfigMap
      expect(new Set(spy.mock.contexts.map((d) => (d as SourceDocument).index))).toEqual(new Set([1, 2]));
    } finally {
      spy.mockRestore();
    }
  });

  it('options: --packs validates names; lists are comma-separated', () => {
    expect(defaultOptions().packs).toEqual(['pod-security-baseline', 'best-practices']);
    expect(parseArgs(['--packs=best-practices,best-practices']).packs).toEqual(['best-practices']);
    expect(parseArgs(['--packs', 'none']).packs).toEqual([]);
    expect(parseArgs(['--allowed-registries=a.io, b.io/x']).allowedRegistries).toEqual(['a.io', 'b.io/x']);
    expect(() => parseArgs(['--packs=pss'])).toThrow(UsageError);
    expect(() => parseArgs(['--packs=pss'])).toThrow(/unknown pack "pss" \(known: pod-security-baseline, pod-security-restricted, best-practices, or none\)/);
  });

  it('paths read like YAML paths', () => {
    expect(dottedPath('/spec/template/spec/containers/0/image/')).toBe('spec.template.spec.containers[0].image');
    expect(dottedPath('/')).toBeUndefined();
    const res = { metadata: { labels: { 'app.kubernetes.io/name': 'x' } }, spec: { containers: [{ name: 'a' }] } };
    expect(dottedPath('/metadata/labels/app.kubernetes.io/name/', res)).toBe('metadata.labels["app.kubernetes.io/name"]');
    // a missing label (what the pattern wanted)
    expect(dottedPath('/metadata/labels/app.kubernetes.io/instance/', res)).toBe('metadata.labels["app.kubernetes.io/instance"]');
    expect(dottedPath('/spec/template/metadata/labels/app.kubernetes.io/instance/')).toBe('spec.template.metadata.labels["app.kubernetes.io/instance"]');
    expect(dottedPath('/spec/containers/0/securityContext/', res)).toBe('spec.containers[0].securityContext');
  });
});
