// validate.podSecurity: every Pod Security Standards control (one violating and one passing pod),
// versions, exclusions (pod-level, images, restrictedField + values), messages, and autogen.
// The kyverno/policies corpus (pod-security/subrule) checks the same engine against Kyverno.
import { describe, expect, it } from 'vitest';
import { applyExclusions, evaluatePss, parsePssVersion, validatePodSecurity, type PodLike } from '../../../src/policy/podsecurity';
import { evaluatePolicy } from '../../../src/policy/engine';

type Obj = Record<string, any>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** A pod that satisfies the restricted level (hence baseline too). */
const GOOD: Obj = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
};
const pod = (r: Obj): PodLike => ({ metadata: r.metadata, spec: r.spec });
const ids = (r: Obj, level: string, version = 'latest') => evaluatePss(level, parsePssVersion(version), pod(r)).map((c) => c.id);
const change = (f: (p: Obj) => void): Obj => {
  const p = clone(GOOD);
  f(p);
  return p;
};
const c0 = (p: Obj) => p.spec.containers[0];

// [control id, level where it is checked, the change that violates only this control at that level]
const VIOLATIONS: [string, string, (p: Obj) => void][] = [
  ['windowsHostProcess', 'baseline', (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true })],
  ['hostNamespaces', 'baseline', (p) => (p.spec.hostPID = true)],
  ['privileged', 'baseline', (p) => (c0(p).securityContext.privileged = true)],
  ['capabilities_baseline', 'baseline', (p) => (c0(p).securityContext.capabilities.add = ['SYS_ADMIN'])],
  ['hostPathVolumes', 'baseline', (p) => (p.spec.volumes = [{ name: 'v', hostPath: { path: '/etc' } }])],
  ['hostPorts', 'baseline', (p) => (c0(p).ports = [{ containerPort: 80, hostPort: 8080 }])],
  ['appArmorProfile', 'baseline', (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' })],
  ['seLinuxOptions', 'baseline', (p) => (c0(p).securityContext.seLinuxOptions = { type: 'spc_t' })],
  ['procMount', 'baseline', (p) => (c0(p).securityContext.procMount = 'Unmasked')],
  ['seccompProfile_baseline', 'baseline', (p) => (p.spec.securityContext.seccompProfile.type = 'Unconfined')],
  ['sysctls', 'baseline', (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }])],
  ['hostProbesAndHostLifecycle', 'baseline', (p) => (c0(p).livenessProbe = { httpGet: { host: 'evil.example', port: 80 } })],
  ['restrictedVolumes', 'restricted', (p) => (p.spec.volumes = [{ name: 'v', nfs: { server: 's', path: '/' } }])],
  ['allowPrivilegeEscalation', 'restricted', (p) => delete c0(p).securityContext.allowPrivilegeEscalation],
  ['runAsNonRoot', 'restricted', (p) => (p.spec.securityContext.runAsNonRoot = false)],
  ['runAsUser', 'restricted', (p) => (c0(p).securityContext.runAsUser = 0)],
  ['seccompProfile_restricted', 'restricted', (p) => delete p.spec.securityContext.seccompProfile],
  ['capabilities_restricted', 'restricted', (p) => (c0(p).securityContext.capabilities.drop = ['NET_RAW'])],
];

describe('Pod Security Standards controls', () => {
  it('the compliant pod passes both levels', () => {
    expect(ids(GOOD, 'baseline')).toEqual([]);
    expect(ids(GOOD, 'restricted')).toEqual([]);
  });

  for (const [id, level, f] of VIOLATIONS) {
    it(`${id}: fails at ${level} (only this control), and a restricted-only control passes baseline`, () => {
      const bad = change(f);
      expect(ids(bad, level)).toEqual([id]);
      if (level === 'restricted') expect(ids(bad, 'baseline')).toEqual([]);
    });
  }

  it('the other AppArmor forms: allowed annotations, and the appArmorProfile fields', () => {
    const ok = change((p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/my-profile' }));
    expect(ids(ok, 'baseline')).toEqual([]);
    const field = change((p) => (c0(p).securityContext.appArmorProfile = { type: 'Unconfined' }));
    expect(ids(field, 'baseline')).toEqual(['appArmorProfile']);
    expect(ids(field, 'baseline', 'v1.29')).toEqual(['appArmorProfile']);
    const local = change((p) => (p.spec.securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'x' }));
    expect(ids(local, 'baseline')).toEqual([]);
  });

  it('capabilities: baseline allows the default set, restricted only NET_BIND_SERVICE', () => {
    const chown = change((p) => (c0(p).securityContext.capabilities.add = ['CHOWN']));
    expect(ids(chown, 'baseline')).toEqual([]);
    expect(ids(chown, 'restricted')).toEqual(['capabilities_restricted']);
    const nbs = change((p) => (c0(p).securityContext.capabilities.add = ['NET_BIND_SERVICE']));
    expect(ids(nbs, 'restricted')).toEqual([]);
  });

  it('volume types: allowed sources pass, anything else (even an unknown or missing source) is restricted', () => {
    const vol = (v: Obj) => change((p) => (p.spec.volumes = [{ name: 'v', ...v }]));
    for (const ok of [{ configMap: { name: 'c' } }, { emptyDir: {} }, { persistentVolumeClaim: { claimName: 'x' } }, { image: { reference: 'r' } }]) {
      expect(ids(vol(ok), 'restricted')).toEqual([]);
    }
    expect(ids(vol({}), 'restricted')).toEqual(['restrictedVolumes']);
    expect(validatePodSecurity('r', { level: 'restricted' }, vol({ nfs: { server: 's', path: '/' } }))!.message).toContain('spec.volumes[0].nfs: Forbidden');
  });

  it('checks init and ephemeral containers too', () => {
    const init = change((p) => (p.spec.initContainers = [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }]));
    expect(ids(init, 'baseline')).toEqual(['privileged']);
    const eph = change((p) => (p.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox', securityContext: { procMount: 'Unmasked' } }]));
    expect(ids(eph, 'baseline')).toEqual(['procMount']);
  });

  it('runAsNonRoot and seccomp can be set per container instead of on the pod', () => {
    const perContainer = change((p) => {
      delete p.spec.securityContext;
      Object.assign(c0(p).securityContext, { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' } });
    });
    expect(ids(perContainer, 'restricted')).toEqual([]);
  });

  it('restricted checks are skipped for Windows pods from v1.25', () => {
    const win = change((p) => {
      p.spec.os = { name: 'windows' };
      delete p.spec.securityContext.seccompProfile;
      delete c0(p).securityContext;
    });
    // allowPrivilegeEscalation, seccomp and capabilities are not checked; runAsNonRoot still is (pod sets it).
    expect(ids(win, 'restricted')).toEqual([]);
  });
});

describe('versions', () => {
  it('parses latest and v1.x, rejects others', () => {
    expect(parsePssVersion('latest')).toBe(Infinity);
    expect(parsePssVersion(undefined)).toBe(Infinity);
    expect(parsePssVersion('v1.25')).toBe(25);
    expect(() => parsePssVersion('2.0')).toThrow(/latest/);
  });

  it('runAsUser=0 is only checked from v1.23, capabilities_restricted from v1.22', () => {
    const root = change((p) => (c0(p).securityContext.runAsUser = 0));
    expect(ids(root, 'restricted', 'v1.22')).toEqual([]);
    expect(ids(root, 'restricted', 'v1.23')).toEqual(['runAsUser']);
    const caps = change((p) => (c0(p).securityContext.capabilities = {}));
    expect(ids(caps, 'restricted', 'v1.21')).toEqual([]);
    expect(ids(caps, 'restricted', 'v1.22')).toContain('capabilities_restricted');
  });

  // Kyverno applies, for a pinned version, every version of a check up to it (not only the newest),
  // so values allowed only by a newer version of a check pass with `latest` alone.
  it('sysctls: newer allowed names pass with latest; a pinned version also runs the older check versions', () => {
    const ka = change((p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }]));
    expect(ids(ka, 'baseline', 'v1.28')).toEqual(['sysctls', 'sysctls']);
    expect(ids(ka, 'baseline', 'v1.29')).toEqual(['sysctls', 'sysctls']);
    expect(ids(ka, 'baseline')).toEqual([]);
    const rmem = change((p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]));
    expect(ids(rmem, 'baseline')).toEqual([]);
    expect(ids(rmem, 'baseline', 'v1.31')).toEqual(['sysctls', 'sysctls', 'sysctls']);
    const old = change((p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.ping_group_range', value: '0 1' }]));
    expect(ids(old, 'baseline', 'v1.0')).toEqual([]);
  });

  it('SELinux container_engine_t is allowed by the v1.31 check (latest); seccomp annotations are checked from v1.0', () => {
    const se = change((p) => (c0(p).securityContext.seLinuxOptions = { type: 'container_engine_t' }));
    expect(ids(se, 'baseline', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(ids(se, 'baseline')).toEqual([]);
    const ann = change((p) => (p.metadata.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }));
    expect(ids(ann, 'baseline', 'v1.18')).toEqual(['seccompProfile_baseline']);
    expect(ids(ann, 'baseline')).toEqual([]);
  });

  it('host probes are checked from v1.34 only', () => {
    const probe = change((p) => (c0(p).readinessProbe = { tcpSocket: { host: '10.0.0.1', port: 80 } }));
    expect(ids(probe, 'baseline', 'v1.33')).toEqual([]);
    expect(ids(probe, 'baseline', 'v1.34')).toEqual(['hostProbesAndHostLifecycle']);
  });
});

function verdict(r: Obj, ps: Obj): string {
  return validatePodSecurity('r', ps, r)!.status;
}

describe('exclusions', () => {
  const hostNs = change((p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true }));

  it('a controlName alone exempts a pod-level control', () => {
    expect(verdict(hostNs, { level: 'baseline' })).toBe('fail');
    expect(verdict(hostNs, { level: 'baseline', exclude: [{ controlName: 'Host Namespaces' }] })).toBe('pass');
    expect(verdict(hostNs, { level: 'baseline', exclude: [{ controlName: 'Privileged Containers' }] })).toBe('fail');
  });

  it('restrictedField + values exempt only those fields and values', () => {
    const only = { controlName: 'Host Namespaces', restrictedField: 'spec.hostNetwork', values: ['true'] };
    expect(verdict(hostNs, { level: 'baseline', exclude: [only] })).toBe('fail'); // hostPID remains
    const both = [only, { controlName: 'Host Namespaces', restrictedField: 'spec.hostPID', values: ['true'] }];
    expect(verdict(hostNs, { level: 'baseline', exclude: both })).toBe('pass');
    expect(verdict(hostNs, { level: 'baseline', exclude: [{ ...only, values: ['false'] }, both[1]] })).toBe('fail');
  });

  const caps = change((p) => {
    c0(p).image = 'ghcr.io/acme/nginx:1';
    c0(p).securityContext.capabilities.add = ['NET_RAW', 'SYS_ADMIN'];
    p.spec.containers.push({ name: 'side', image: 'redis:7', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } });
  });

  it('images exempt the matching containers of a container-level control, not the others', () => {
    const ex = { controlName: 'Capabilities', images: ['ghcr.io/acme/*'] };
    expect(verdict(caps, { level: 'baseline' })).toBe('fail');
    expect(verdict(caps, { level: 'baseline', exclude: [ex] })).toBe('pass');
    const both = change((p) => {
      Object.assign(p, clone(caps));
      p.spec.containers[1].securityContext.capabilities.add = ['SYS_ADMIN'];
    });
    expect(verdict(both, { level: 'baseline', exclude: [ex] })).toBe('fail');
    expect(verdict(both, { level: 'baseline', exclude: [ex, { controlName: 'Capabilities', images: ['redis*'] }] })).toBe('pass');
  });

  it('values on a container field must cover every offending value (wildcards allowed)', () => {
    const field = 'spec.containers[*].securityContext.capabilities.add';
    const ex = (values: string[]) => ({ controlName: 'Capabilities', images: ['*'], restrictedField: field, values });
    expect(verdict(caps, { level: 'baseline', exclude: [ex(['NET_RAW'])] })).toBe('fail');
    expect(verdict(caps, { level: 'baseline', exclude: [ex(['NET_RAW', 'SYS_*'])] })).toBe('pass');
    expect(verdict(caps, { level: 'baseline', exclude: [{ ...ex(['SYS_ADMIN', 'NET_RAW']), restrictedField: 'spec.initContainers[*].securityContext.capabilities.add' }] })).toBe('fail');
  });

  it('a controlName alone does not exempt a container-level baseline control (as in Kyverno: images are needed)', () => {
    expect(verdict(caps, { level: 'baseline', exclude: [{ controlName: 'Capabilities' }] })).toBe('fail');
  });

  it('restricted Seccomp: controlName alone covers the pod, images cover the containers', () => {
    const unset = change((p) => delete p.spec.securityContext.seccompProfile);
    expect(verdict(unset, { level: 'restricted' })).toBe('fail');
    expect(verdict(unset, { level: 'restricted', exclude: [{ controlName: 'Seccomp' }] })).toBe('pass');
    const unconfined = change((p) => (c0(p).securityContext.seccompProfile = { type: 'Unconfined' }));
    expect(verdict(unconfined, { level: 'restricted', exclude: [{ controlName: 'Seccomp' }] })).toBe('fail');
    expect(verdict(unconfined, { level: 'restricted', exclude: [{ controlName: 'Seccomp' }, { controlName: 'Seccomp', images: ['*'] }] })).toBe('pass');
  });

  it('without images, a container field is forgiven once (the bare container has one), as in Kyverno', () => {
    const one = change((p) => delete c0(p).securityContext.allowPrivilegeEscalation);
    const ex = { level: 'restricted', exclude: [{ controlName: 'Privilege Escalation' }] };
    expect(verdict(one, ex)).toBe('pass');
    const two = change((p) => {
      delete c0(p).securityContext.allowPrivilegeEscalation;
      p.spec.containers.push({ name: 'b', image: 'b', securityContext: { capabilities: { drop: ['ALL'] } } });
    });
    expect(verdict(two, ex)).toBe('fail');
    expect(verdict(two, { level: 'restricted', exclude: [{ controlName: 'Privilege Escalation', images: ['*'] }] })).toBe('pass');
  });

  it('applyExclusions leaves other controls untouched', () => {
    const two = change((p) => {
      p.spec.hostIPC = true;
      c0(p).securityContext.privileged = true;
    });
    const left = applyExclusions('baseline', Infinity, [{ controlName: 'Host Namespaces' }], evaluatePss('baseline', Infinity, pod(two)), pod(two));
    expect(left.map((c) => c.id)).toEqual(['privileged']);
  });
});

describe('rule responses', () => {
  it("uses Kyverno's messages", () => {
    expect(validatePodSecurity('baseline', { level: 'baseline', version: 'latest' }, GOOD)).toEqual({ rule: 'baseline', status: 'pass', message: "Validation rule 'baseline' passed." });
    const bad = change((p) => {
      p.spec.hostNetwork = true;
      c0(p).securityContext.capabilities.add = ['SYS_ADMIN'];
    });
    expect(validatePodSecurity('baseline', { level: 'baseline', version: 'latest' }, bad)!.message).toBe(
      `Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ` +
        '(Forbidden reason: non-default capabilities, field error list: [spec.containers[0].securityContext.capabilities.add is forbidden, forbidden values found: [SYS_ADMIN]])' +
        '(Forbidden reason: host namespaces, field error list: [spec.hostNetwork is forbidden, forbidden values found: true])',
    );
    const req = change((p) => delete c0(p).securityContext.allowPrivilegeEscalation);
    expect(validatePodSecurity('r', { level: 'restricted' }, req)!.message).toContain('spec.containers[0].securityContext.allowPrivilegeEscalation: Required value');
  });

  it('errors on a kind without a pod, and on a bad version; nothing on DELETE', () => {
    expect(validatePodSecurity('r', { level: 'baseline' }, { kind: 'ConfigMap', metadata: { name: 'x' } })!.status).toBe('error');
    expect(validatePodSecurity('r', { level: 'baseline', version: 'one' }, GOOD)!.message).toContain('failed to parse pod security api version');
    expect(validatePodSecurity('r', { level: 'baseline' }, GOOD, 'DELETE')).toBeUndefined();
  });

  it('runs through the engine with autogen for controllers (template and jobTemplate)', () => {
    const policy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'psa' },
      spec: { rules: [{ name: 'baseline', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { podSecurity: { level: 'baseline', version: 'latest' } } }] },
    };
    const tpl = change((p) => (p.spec.hostNetwork = true));
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { metadata: {}, spec: tpl.spec } } };
    const [d] = evaluatePolicy(policy, deploy);
    expect(d.rule).toBe('autogen-baseline');
    expect(d.status).toBe('fail');
    expect(d.message).toContain('spec.template.spec.hostNetwork is forbidden');
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { jobTemplate: { spec: { template: { spec: GOOD.spec } } } } };
    const [c] = evaluatePolicy(policy, cron);
    expect(c).toMatchObject({ rule: 'autogen-cronjob-baseline', status: 'pass' });
    expect(evaluatePolicy(policy, tpl)[0]).toMatchObject({ rule: 'baseline', status: 'fail' });
  });
});
