// The Pod Security Standards checks (baseline and restricted), written for warden from the
// published standard and the behaviour of Kubernetes' pod-security-admission library as Kyverno
// uses it (with field errors): each check reports whether a pod is allowed, a short reason, and one
// field error per offending field (path with indexes, and the offending value where there is one).

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface FieldError {
  type: 'forbidden' | 'required';
  /** e.g. `spec.containers[0].securityContext.privileged` */
  field: string;
  /** The offending value; `undefined` when the error has none (required fields). */
  bad?: string | boolean | number | string[];
  /** Go type of a numeric bad value: Kyverno only reads `int` ones when matching exclusion values. */
  int64?: boolean;
}

export interface CheckResult {
  allowed: boolean;
  reason: string;
  errors: FieldError[];
}

export interface PodLike {
  metadata: Obj;
  spec: Obj;
}

export type Level = 'baseline' | 'restricted';

interface VersionedCheck {
  /** Minor version of Kubernetes 1.x from which this version of the check applies. */
  min: number;
  check: (pod: PodLike) => CheckResult;
}

export interface PssCheck {
  id: string;
  level: Level;
  versions: VersionedCheck[];
}

const ALLOWED: CheckResult = { allowed: true, reason: '', errors: [] };

function result(reason: string, errors: FieldError[]): CheckResult {
  return errors.length === 0 ? ALLOWED : { allowed: false, reason, errors };
}

const forbidden = (field: string, bad?: FieldError['bad']): FieldError => ({ type: 'forbidden', field, bad });
const required = (field: string): FieldError => ({ type: 'required', field });

/** Every container with its field path, in the library's order: init, regular, ephemeral. */
function containers(spec: Obj): { c: Obj; path: string }[] {
  const out: { c: Obj; path: string }[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[kind]).forEach((c, i) => out.push({ c: obj(c), path: `spec.${kind}[${i}]` }));
  }
  return out;
}

const sc = (c: Obj): Obj => obj(c.securityContext);
const podSc = (spec: Obj): Obj => obj(spec.securityContext);
const isWindows = (spec: Obj): boolean => str(obj(spec.os).name) === 'windows';

// --- baseline -------------------------------------------------------------------------------

function hostProcess(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  if (obj(podSc(pod.spec).windowsOptions).hostProcess === true) errors.push(forbidden('spec.securityContext.windowsOptions.hostProcess', true));
  for (const { c, path } of containers(pod.spec)) {
    if (obj(sc(c).windowsOptions).hostProcess === true) errors.push(forbidden(`${path}.securityContext.windowsOptions.hostProcess`, true));
  }
  return result('hostProcess', errors);
}

function hostNamespaces(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod.spec[f] === true) errors.push(forbidden(`spec.${f}`, true));
  return result('host namespaces', errors);
}

function privileged(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) if (sc(c).privileged === true) errors.push(forbidden(`${path}.securityContext.privileged`, true));
  return result('privileged', errors);
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaseline(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) {
    const bad = list(obj(sc(c).capabilities).add).map(String).filter((x) => !BASELINE_CAPABILITIES.has(x));
    if (bad.length > 0) errors.push(forbidden(`${path}.securityContext.capabilities.add`, bad));
  }
  return result('non-default capabilities', errors);
}

function hostPathVolumes(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  list(pod.spec.volumes).forEach((v, i) => {
    const hp = obj(v).hostPath;
    if (hp !== undefined && hp !== null) errors.push(forbidden(`spec.volumes[${i}].hostPath`, str(obj(hp).path)));
  });
  return result('hostPath volumes', errors);
}

function hostPorts(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) {
    list(c.ports).forEach((p, j) => {
      const hp = obj(p).hostPort;
      if (typeof hp === 'number' && hp !== 0) errors.push(forbidden(`${path}.ports[${j}].hostPort`, hp));
    });
  }
  return result('hostPort', errors);
}

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorAnnotations(pod: PodLike, errors: FieldError[]): void {
  for (const [k, v] of Object.entries(obj(pod.metadata.annotations)).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!k.startsWith(APPARMOR_PREFIX)) continue;
    const value = str(v);
    if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
    errors.push(forbidden(`metadata.annotations[${k}]`, value));
  }
}

/** Profile types of the pod and containers (Unconfined is forbidden) and the beta annotations. */
function appArmor(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  const badValues = new Set<string>();
  const bad = (t: unknown) => t !== undefined && t !== null && t !== 'RuntimeDefault' && t !== 'Localhost';
  const podType = obj(podSc(pod.spec).appArmorProfile).type;
  if (bad(podType)) {
    errors.push(forbidden('spec.securityContext.appArmorProfile.type', str(podType)));
    badValues.add(str(podType));
  }
  for (const { c, path } of containers(pod.spec)) {
    const t = obj(sc(c).appArmorProfile).type;
    if (bad(t)) {
      errors.push(forbidden(`${path}.securityContext.appArmorProfile.type`, str(t)));
      badValues.add(str(t));
    }
  }
  const before = errors.length;
  appArmorAnnotations(pod, errors);
  const count = badValues.size + errors.length - before;
  return result(count === 1 ? 'forbidden AppArmor profile' : 'forbidden AppArmor profiles', errors);
}

function seLinux(types: string[]): (pod: PodLike) => CheckResult {
  const allowed = new Set(types);
  return (pod) => {
    const errors: FieldError[] = [];
    const one = (opts: Obj, path: string) => {
      if (opts.type !== undefined && !allowed.has(str(opts.type))) errors.push(forbidden(`${path}.type`, str(opts.type)));
      if (str(opts.user) !== '') errors.push(forbidden(`${path}.user`, str(opts.user)));
      if (str(opts.role) !== '') errors.push(forbidden(`${path}.role`, str(opts.role)));
    };
    one(obj(podSc(pod.spec).seLinuxOptions), 'spec.securityContext.seLinuxOptions');
    for (const { c, path } of containers(pod.spec)) one(obj(sc(c).seLinuxOptions), `${path}.securityContext.seLinuxOptions`);
    return result('seLinuxOptions', errors);
  };
}

function procMount(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) {
    const pm = sc(c).procMount;
    if (pm !== undefined && pm !== null && pm !== 'Default') errors.push(forbidden(`${path}.securityContext.procMount`, str(pm)));
  }
  return result('procMount', errors);
}

function seccompBaselineV1Dot0(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  const ann = obj(pod.metadata.annotations);
  if (ann['seccomp.security.alpha.kubernetes.io/pod'] === 'unconfined') {
    errors.push(forbidden('metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]', 'unconfined'));
  }
  for (const { c } of containers(pod.spec)) {
    const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
    if (ann[key] === 'unconfined') errors.push(forbidden(`metadata.annotations[${key}]`, 'unconfined'));
  }
  return result('seccompProfile', errors);
}

function seccompBaselineV1Dot19(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  if (obj(podSc(pod.spec).seccompProfile).type === 'Unconfined') errors.push(forbidden('spec.securityContext.seccompProfile.type', 'Unconfined'));
  for (const { c, path } of containers(pod.spec)) {
    if (obj(sc(c).seccompProfile).type === 'Unconfined') errors.push(forbidden(`${path}.securityContext.seccompProfile.type`, 'Unconfined'));
  }
  return result('seccompProfile', errors);
}

const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

function sysctls(names: string[]): (pod: PodLike) => CheckResult {
  const allowed = new Set(names);
  return (pod) => {
    const errors: FieldError[] = [];
    list(podSc(pod.spec).sysctls).forEach((s, i) => {
      const n = str(obj(s).name);
      if (!allowed.has(n)) errors.push(forbidden(`spec.securityContext.sysctls[${i}].name`, n));
    });
    return result('forbidden sysctls', errors);
  };
}

function hostProbesAndLifecycle(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) {
    const handlers: [string, unknown][] = [
      ['livenessProbe', c.livenessProbe],
      ['readinessProbe', c.readinessProbe],
      ['startupProbe', c.startupProbe],
      ['lifecycle.postStart', obj(c.lifecycle).postStart],
      ['lifecycle.preStop', obj(c.lifecycle).preStop],
    ];
    for (const [name, h] of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = str(obj(obj(h)[kind]).host);
        if (host !== '') errors.push(forbidden(`${path}.${name}.${kind}.host`, host));
      }
    }
  }
  return result('probe or lifecycle host', errors);
}

// --- restricted -----------------------------------------------------------------------------

const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/** In the library's order: the first one set names the violation; none of them set → `unknown`. */
const RESTRICTED_VOLUME_TYPES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs',
  'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function restrictedVolumes(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  const set = (v: Obj, k: string) => v[k] !== undefined && v[k] !== null;
  list(pod.spec.volumes).forEach((x, i) => {
    const v = obj(x);
    if (ALLOWED_VOLUME_TYPES.some((k) => set(v, k))) return;
    const type = RESTRICTED_VOLUME_TYPES.find((k) => set(v, k)) ?? 'unknown';
    errors.push(forbidden(`spec.volumes[${i}].${type}`));
  });
  return result('restricted volume types', errors);
}

function privilegeEscalation(skipWindows: boolean): (pod: PodLike) => CheckResult {
  return (pod) => {
    if (skipWindows && isWindows(pod.spec)) return ALLOWED;
    const errors: FieldError[] = [];
    for (const { c, path } of containers(pod.spec)) {
      const v = sc(c).allowPrivilegeEscalation;
      if (v === undefined || v === null) errors.push(required(`${path}.securityContext.allowPrivilegeEscalation`));
      else if (v !== false) errors.push(forbidden(`${path}.securityContext.allowPrivilegeEscalation`, true));
    }
    return result('allowPrivilegeEscalation != false', errors);
  };
}

function runAsNonRoot(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  const podValue = podSc(pod.spec).runAsNonRoot;
  if (podValue === false) errors.push(forbidden('spec.securityContext.runAsNonRoot', false));
  const podOk = podValue === true;
  const implicit: FieldError[] = [];
  for (const { c, path } of containers(pod.spec)) {
    const v = sc(c).runAsNonRoot;
    if (v === false) errors.push(forbidden(`${path}.securityContext.runAsNonRoot`, false));
    else if (v !== true && !podOk) implicit.push(required(`${path}.securityContext.runAsNonRoot`));
  }
  return result('runAsNonRoot != true', [...errors, ...implicit]);
}

function runAsUser(pod: PodLike): CheckResult {
  const errors: FieldError[] = [];
  if (podSc(pod.spec).runAsUser === 0) errors.push({ ...forbidden('spec.securityContext.runAsUser', 0), int64: true });
  for (const { c, path } of containers(pod.spec)) {
    if (sc(c).runAsUser === 0) errors.push({ ...forbidden(`${path}.securityContext.runAsUser`, 0), int64: true });
  }
  return result('runAsUser=0', errors);
}

function seccompRestricted(skipWindows: boolean): (pod: PodLike) => CheckResult {
  return (pod) => {
    if (skipWindows && isWindows(pod.spec)) return ALLOWED;
    const valid = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const errors: FieldError[] = [];
    const podType = obj(podSc(pod.spec).seccompProfile).type;
    const podSet = podType !== undefined && podType !== null;
    if (podSet && !valid(podType)) errors.push(forbidden('spec.securityContext.seccompProfile.type', str(podType)));
    const podOk = podSet && valid(podType);
    const implicit: FieldError[] = [];
    for (const { c, path } of containers(pod.spec)) {
      const t = obj(sc(c).seccompProfile).type;
      if (t !== undefined && t !== null) {
        if (!valid(t)) errors.push(forbidden(`${path}.securityContext.seccompProfile.type`, str(t)));
      } else if (!podOk) implicit.push(required(`${path}.securityContext.seccompProfile.type`));
    }
    return result('seccompProfile', [...errors, ...implicit]);
  };
}

function capabilitiesRestricted(skipWindows: boolean): (pod: PodLike) => CheckResult {
  return (pod) => {
    if (skipWindows && isWindows(pod.spec)) return ALLOWED;
    const errors: FieldError[] = [];
    for (const { c, path } of containers(pod.spec)) {
      const caps = obj(sc(c).capabilities);
      if (!list(caps.drop).some((x) => x === 'ALL')) errors.push(required(`${path}.securityContext.capabilities.drop`));
      const bad = list(caps.add).map(String).filter((x) => x !== 'NET_BIND_SERVICE');
      if (bad.length > 0) errors.push(forbidden(`${path}.securityContext.capabilities.add`, bad));
    }
    return result('unrestricted capabilities', errors);
  };
}

/** Every check, in the library's order (by check id). */
export const CHECKS: PssCheck[] = [
  { id: 'allowPrivilegeEscalation', level: 'restricted', versions: [{ min: 8, check: privilegeEscalation(false) }, { min: 25, check: privilegeEscalation(true) }] },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ min: 0, check: appArmor }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ min: 0, check: capabilitiesBaseline }] },
  { id: 'capabilities_restricted', level: 'restricted', versions: [{ min: 22, check: capabilitiesRestricted(false) }, { min: 25, check: capabilitiesRestricted(true) }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ min: 0, check: hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ min: 0, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ min: 0, check: hostPorts }] },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', versions: [{ min: 34, check: hostProbesAndLifecycle }] },
  { id: 'privileged', level: 'baseline', versions: [{ min: 0, check: privileged }] },
  { id: 'procMount', level: 'baseline', versions: [{ min: 0, check: procMount }] },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ min: 0, check: restrictedVolumes }] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ min: 0, check: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ min: 23, check: runAsUser }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { min: 0, check: seLinux(['', 'container_t', 'container_init_t', 'container_kvm_t']) },
      { min: 31, check: seLinux(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']) },
    ],
  },
  { id: 'seccompProfile_baseline', level: 'baseline', versions: [{ min: 0, check: seccompBaselineV1Dot0 }, { min: 19, check: seccompBaselineV1Dot19 }] },
  { id: 'seccompProfile_restricted', level: 'restricted', versions: [{ min: 19, check: seccompRestricted(false) }, { min: 25, check: seccompRestricted(true) }] },
  { id: 'sysctls', level: 'baseline', versions: [{ min: 0, check: sysctls(SYSCTLS_1_0) }, { min: 27, check: sysctls(SYSCTLS_1_27) }, { min: 29, check: sysctls(SYSCTLS_1_29) }, { min: 32, check: sysctls(SYSCTLS_1_32) }] },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ min: 0, check: hostProcess }] },
];

/** Kyverno's control names (as written in `exclude[].controlName`) → check ids. */
export const CONTROL_CHECK_IDS: Record<string, string[]> = {
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  'Privileged Containers': ['privileged'],
  'Host Ports': ['hostPorts'],
  '/proc Mount Type': ['procMount'],
  'Host Probes / Lifecycle Hooks': ['hostProbesAndHostLifecycle'],
  HostProcess: ['windowsHostProcess'],
  SELinux: ['seLinuxOptions'],
  'Host Namespaces': ['hostNamespaces'],
  'HostPath Volumes': ['hostPathVolumes'],
  Sysctls: ['sysctls'],
  AppArmor: ['appArmorProfile'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Volume Types': ['restrictedVolumes'],
};
