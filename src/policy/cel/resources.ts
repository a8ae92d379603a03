// Kind → resource name (`Pod` → `pods`), as the API server's RESTMapper gives them for the
// built-in kinds; other kinds follow the generator's lowercase-plural rule (the default
// used by kubebuilder/controller-gen CRDs).

const IRREGULAR: Record<string, string> = {
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices',
  PodSecurityPolicy: 'podsecuritypolicies',
  NetworkPolicy: 'networkpolicies',
  Ingress: 'ingresses',
  IngressClass: 'ingressclasses',
  StorageClass: 'storageclasses',
  PriorityClass: 'priorityclasses',
  RuntimeClass: 'runtimeclasses',
  ResourceQuota: 'resourcequotas',
  ComponentStatus: 'componentstatuses',
  PodDisruptionBudget: 'poddisruptionbudgets',
  Gateway: 'gateways',
  GatewayClass: 'gatewayclasses',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
  MutatingAdmissionPolicy: 'mutatingadmissionpolicies',
  ClusterPolicy: 'clusterpolicies',
  Policy: 'policies',
  SecurityContextConstraints: 'securitycontextconstraints',
};

/** The plural lowercase resource name of a kind. */
export function resourceOfKind(kind: string): string {
  const hit = IRREGULAR[kind];
  if (hit) return hit;
  const k = kind.toLowerCase();
  if (k.endsWith('s') || k.endsWith('x') || k.endsWith('z') || k.endsWith('ch') || k.endsWith('sh')) return k + 'es';
  if (k.endsWith('y') && k.length > 1 && !'aeiou'.includes(k[k.length - 2])) return k.slice(0, -1) + 'ies';
  return k + 's';
}
