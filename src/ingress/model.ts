// The controller-neutral model: what an Ingress and its ingress-nginx annotations
// mean, independent of any target. `parse.ts` builds it; each emitter in `targets/`
// reads it. Nothing here knows about Gateway API, Traefik, HAProxy or OpenShift.

import type { ObjectRef, UrlParts } from './annotations/types';

export type Severity = 'critical' | 'error' | 'warning' | 'info';

/** A finding-to-be. The wiring turns notifications into report findings. */
export interface Notification {
  severity: Severity;
  /** Stable id, e.g. `snippet`, `invalid-value`, `not-translated`, `approximated`. */
  code: string;
  message: string;
  /** The Ingress it is about (`namespace/name`). */
  ingress?: IngressId;
  /** The annotation's full key as written on the Ingress. */
  annotation?: string;
}

export interface IngressId {
  namespace: string;
  name: string;
  /** Index of the object in the input list (the document index for the wiring). */
  index: number;
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface ServiceBackend {
  kind: 'service';
  name: string;
  port?: number;
  portName?: string;
}

export interface ResourceBackend {
  kind: 'resource';
  apiGroup?: string;
  resourceKind: string;
  name: string;
}

export type Backend = ServiceBackend | ResourceBackend;

export interface PathRule {
  path: string;
  pathType: PathType;
  backend?: Backend;
}

export interface HostRule {
  /** "" for a rule without host. */
  host: string;
  paths: PathRule[];
}

export interface TlsEntry {
  hosts: string[];
  secretName?: string;
}

export interface Redirect {
  kind: 'permanent' | 'temporal';
  raw: string;
  url: UrlParts;
  /** The status nginx returns (after ingress-nginx's own fallback rules). */
  code: number;
}

export interface Cors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge: number;
}

export interface Canary {
  weight?: number;
  weightTotal: number;
  header?: string;
  headerValue?: string;
  headerPattern?: string;
  cookie?: string;
}

export interface BackendTls {
  verify?: boolean;
  secret?: ObjectRef;
  serverNameOn?: boolean;
  name?: string;
  verifyDepth?: number;
}

export type BackendProtocol = 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS' | 'AUTO_HTTP' | 'FCGI';

export interface Timeouts {
  connect?: number;
  send?: number;
  read?: number;
}

/** One annotation as found on the Ingress, parsed. */
export interface AnnotationValue {
  /** Full key as written. */
  key: string;
  /** Registry name as written (may be an alias). */
  name: string;
  /** Canonical registry name (aliases resolved). */
  canonical: string;
  raw: string;
  /** Parsed value; undefined when the value is invalid (an error notification exists). */
  value?: unknown;
}

/** What the annotations ask for, in neutral terms. Absent = annotation not set (or invalid). */
export interface Features {
  useRegex?: boolean;
  rewriteTarget?: string;
  appRoot?: string;
  xForwardedPrefix?: string;
  redirect?: Redirect;
  fromToWwwRedirect?: boolean;
  serverAlias?: string[];
  sslRedirect?: boolean;
  forceSslRedirect?: boolean;
  sslPassthrough?: boolean;
  backendProtocol?: BackendProtocol;
  backendTls?: BackendTls;
  timeouts?: Timeouts;
  /** Bytes; 0 = unlimited. */
  bodySize?: number;
  cors?: Cors;
  canary?: Canary;
  upstreamVhost?: string;
  connectionProxyHeader?: string;
  allowSourceRange?: string[];
  denySourceRange?: string[];
  affinity?: { mode: 'cookie'; cookieName?: string };
}

export interface IngressModel {
  id: IngressId;
  apiVersion: string;
  /** `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation. */
  className?: string;
  rules: HostRule[];
  defaultBackend?: Backend;
  tls: TlsEntry[];
  annotations: AnnotationValue[];
  features: Features;
  /** The object's metadata as rendered (labels and other annotations survive a rewrite). */
  metadata: Record<string, unknown>;
}

/** Read access by `namespace/name` (a Map, or a lookup that parses documents on demand). */
export interface Lookup<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
}

export interface ServiceInfo {
  ports: { name?: string; port: number; appProtocol?: string; targetPort?: number | string }[];
  /** Position of the Service among the input objects. */
  index: number;
}

/** Objects next to the Ingresses that emitters may consult (Services for named ports, …). */
export interface Related {
  services: Lookup<ServiceInfo>;
  /** `namespace/name` → string data of rendered ConfigMaps (custom-headers reads them). */
  configMapData: Lookup<Record<string, string>>;
}

export interface ParsedIngresses {
  ingresses: IngressModel[];
  related: Related;
  notifications: Notification[];
}

export function ingressLabel(id: IngressId): string {
  return `${id.namespace}/${id.name}`;
}
