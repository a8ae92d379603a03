// Which kinds are namespaced and which are cluster-scoped. Helm asks the API server (the REST
// mapping); without a cluster warden uses this table of Kubernetes' built-in kinds, CRDs found in
// the render (`spec.scope`), and scopes a live-state snapshot may carry. Anything else is assumed
// namespaced, and the check says so.

import { groupKind } from './keys';

export type Scope = 'Namespaced' | 'Cluster';
export type ScopeSource = 'builtin' | 'crd' | 'snapshot' | 'assumed';

const N: Scope = 'Namespaced';
const C: Scope = 'Cluster';

/** Built-in kinds by group (current Kubernetes plus removed kinds charts still carry). */
const BUILTIN: Record<string, Record<string, Scope>> = {
  '': {
    Binding: N, ConfigMap: N, Endpoints: N, Event: N, LimitRange: N, PersistentVolumeClaim: N, Pod: N,
    PodTemplate: N, ReplicationController: N, ResourceQuota: N, Secret: N, Service: N, ServiceAccount: N,
    ComponentStatus: C, Namespace: C, Node: C, PersistentVolume: C,
  },
  apps: { ControllerRevision: N, DaemonSet: N, Deployment: N, ReplicaSet: N, StatefulSet: N },
  batch: { CronJob: N, Job: N },
  autoscaling: { HorizontalPodAutoscaler: N },
  'rbac.authorization.k8s.io': { ClusterRole: C, ClusterRoleBinding: C, Role: N, RoleBinding: N },
  'networking.k8s.io': { Ingress: N, NetworkPolicy: N, IngressClass: C, IPAddress: C, ServiceCIDR: C },
  extensions: { Ingress: N, NetworkPolicy: N, DaemonSet: N, Deployment: N, ReplicaSet: N, PodSecurityPolicy: C },
  policy: { PodDisruptionBudget: N, PodSecurityPolicy: C, Eviction: N },
  'storage.k8s.io': {
    StorageClass: C, CSIDriver: C, CSINode: C, VolumeAttachment: C, VolumeAttributesClass: C, CSIStorageCapacity: N,
  },
  'apiextensions.k8s.io': { CustomResourceDefinition: C },
  'apiregistration.k8s.io': { APIService: C },
  'admissionregistration.k8s.io': {
    MutatingWebhookConfiguration: C, ValidatingWebhookConfiguration: C, ValidatingAdmissionPolicy: C,
    ValidatingAdmissionPolicyBinding: C, MutatingAdmissionPolicy: C, MutatingAdmissionPolicyBinding: C,
  },
  'scheduling.k8s.io': { PriorityClass: C },
  'node.k8s.io': { RuntimeClass: C },
  'certificates.k8s.io': { CertificateSigningRequest: C, ClusterTrustBundle: C, PodCertificateRequest: N },
  'coordination.k8s.io': { Lease: N, LeaseCandidate: N },
  'discovery.k8s.io': { EndpointSlice: N },
  'events.k8s.io': { Event: N },
  'flowcontrol.apiserver.k8s.io': { FlowSchema: C, PriorityLevelConfiguration: C },
  'resource.k8s.io': {
    DeviceClass: C, ResourceSlice: C, DeviceTaintRule: C, ResourceClaim: N, ResourceClaimTemplate: N,
  },
  'authentication.k8s.io': { TokenReview: C, SelfSubjectReview: C },
  'authorization.k8s.io': {
    SubjectAccessReview: C, SelfSubjectAccessReview: C, SelfSubjectRulesReview: C, LocalSubjectAccessReview: N,
  },
  'internal.apiserver.k8s.io': { StorageVersion: C },
  'storagemigration.k8s.io': { StorageVersionMigration: C },
};

export function builtinScope(group: string, kind: string): Scope | undefined {
  return BUILTIN[group]?.[kind];
}

/** Scopes of kinds not built in: from CRDs in the render and from a snapshot, keyed by `group/Kind`. */
export class ScopeTable {
  private readonly extra = new Map<string, { scope: Scope; source: ScopeSource }>();

  /** Later calls do not override earlier ones: add the render's CRDs first, then the snapshot. */
  add(group: string, kind: string, scope: Scope, source: ScopeSource): void {
    const k = groupKind(group, kind);
    if (!this.extra.has(k)) this.extra.set(k, { scope, source });
  }

  lookup(group: string, kind: string): { scope: Scope; source: ScopeSource } {
    const b = builtinScope(group, kind);
    if (b !== undefined) return { scope: b, source: 'builtin' };
    return this.extra.get(groupKind(group, kind)) ?? { scope: 'Namespaced', source: 'assumed' };
  }
}

/** Reads a CustomResourceDefinition's group, kind and scope; undefined when it does not say. */
export function crdScope(value: unknown): { group: string; kind: string; scope: Scope } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const spec = (value as { spec?: unknown }).spec;
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as { group?: unknown; scope?: unknown; names?: unknown };
  const names = s.names as { kind?: unknown } | undefined;
  if (typeof s.group !== 'string' || !names || typeof names.kind !== 'string') return undefined;
  if (s.scope !== 'Namespaced' && s.scope !== 'Cluster') return undefined;
  return { group: s.group, kind: names.kind, scope: s.scope };
}
