// Provider side: Kubernetes objects (Ingress networking.k8s.io/v1, v1beta1 noted) +
// `nginx.ingress.kubernetes.io/*` annotations → the neutral model in model.ts, with
// notifications for what is invalid, unknown or dangerous. Target-specific questions
// ("can Gateway API express this?") belong to the emitters, not here.

import {
  NGINX_PREFIX,
  annotationName,
  lookupAnnotation,
  parseValue,
  type ObjectRef,
  type UrlParts,
} from './annotations/index';
import type {
  AnnotationValue,
  Backend,
  BackendProtocol,
  Features,
  HostRule,
  IngressId,
  IngressModel,
  Notification,
  ParsedIngresses,
  PathType,
  Related,
  ServiceInfo,
  TlsEntry,
} from './model';
import { ingressLabel } from './model';

export interface ParseOptions {
  /** The ingress class migrated away from (default `nginx`). */
  ingressClass?: string;
  /**
   * Also take Ingresses without any class. ingress-nginx serves them only when its
   * IngressClass is the cluster default or with --watch-ingress-without-class, which a
   * post-renderer cannot see; ingress2gateway skips them. Default false.
   */
  includeClassless?: boolean;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const INGRESS_API_VERSIONS = ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1'];

/** What an emitter needs from a v1 Service object. */
export function serviceInfo(o: unknown, index: number): ServiceInfo {
  const spec = isObj(o) && isObj(o.spec) ? o.spec : {};
  const ports = arr(spec.ports).filter(isObj).map((p) => ({
    name: str(p.name),
    port: typeof p.port === 'number' ? p.port : 0,
    appProtocol: str(p.appProtocol),
    targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined,
  }));
  return { ports, index };
}

/** The string data of a v1 ConfigMap object, keys sorted. */
export function configMapData(o: unknown): Record<string, string> {
  const data: Record<string, string> = {};
  const d = isObj(o) && isObj(o.data) ? o.data : {};
  for (const k of Object.keys(d).sort()) if (typeof d[k] === 'string') data[k] = d[k] as string;
  return data;
}

/** Services and ConfigMaps among plain objects, parsed eagerly. */
export function relatedFromObjects(objects: readonly unknown[]): Related {
  const services = new Map<string, ServiceInfo>();
  const cms = new Map<string, Record<string, string>>();
  objects.forEach((o, index) => {
    if (!isObj(o) || o.apiVersion !== 'v1') return;
    const meta = isObj(o.metadata) ? o.metadata : {};
    const key = `${str(meta.namespace) ?? 'default'}/${str(meta.name) ?? ''}`;
    if (o.kind === 'Service') services.set(key, serviceInfo(o, index));
    else if (o.kind === 'ConfigMap') cms.set(key, configMapData(o));
  });
  return { services, configMapData: cms };
}

/**
 * Ingresses among `objects` → the neutral model. `related` defaults to the Services and
 * ConfigMaps among the same objects; the wiring passes lookups that parse them on demand.
 */
export function parseIngresses(objects: readonly unknown[], options: ParseOptions = {}, related: Related = relatedFromObjects(objects)): ParsedIngresses {
  const ingressClass = options.ingressClass ?? 'nginx';
  const notifications: Notification[] = [];
  const ingresses: IngressModel[] = [];

  objects.forEach((o, index) => {
    if (!isObj(o) || o.kind !== 'Ingress') return;
    const apiVersion = str(o.apiVersion) ?? '';
    if (INGRESS_API_VERSIONS.indexOf(apiVersion) < 0) return;
    const meta = isObj(o.metadata) ? o.metadata : {};
    const spec = isObj(o.spec) ? o.spec : {};
    const id: IngressId = { namespace: str(meta.namespace) ?? 'default', name: str(meta.name) ?? '', index };
    const annotations = isObj(meta.annotations) ? meta.annotations : {};
    const className = str(spec.ingressClassName) ?? str(annotations['kubernetes.io/ingress.class']);
    const hasNginxAnnotation = Object.keys(annotations).some((k) => k.slice(0, NGINX_PREFIX.length) === NGINX_PREFIX);

    if (className === undefined ? !options.includeClassless : className !== ingressClass) {
      if (hasNginxAnnotation) {
        notifications.push({
          severity: 'info',
          code: 'not-selected',
          ingress: id,
          message:
            className === undefined
              ? `Ingress ${ingressLabel(id)} has no ingress class; it is not migrated (ingress-nginx serves it only as the default class or with --watch-ingress-without-class)`
              : `Ingress ${ingressLabel(id)} has class "${className}", not "${ingressClass}"; it is not migrated`,
        });
      }
      return;
    }
    if (apiVersion !== 'networking.k8s.io/v1') {
      notifications.push({
        severity: 'warning',
        code: 'deprecated-api',
        ingress: id,
        message: `Ingress ${ingressLabel(id)} uses ${apiVersion}, removed in Kubernetes 1.22; it is read with the v1beta1 field names (serviceName/servicePort)`,
      });
    }

    const model: IngressModel = {
      id,
      apiVersion,
      className,
      rules: parseRules(spec, apiVersion),
      defaultBackend: parseBackend(spec.defaultBackend ?? spec.backend, apiVersion),
      tls: arr(spec.tls)
        .filter(isObj)
        .map((t): TlsEntry => {
          const e: TlsEntry = { hosts: arr(t.hosts).filter((h): h is string => typeof h === 'string') };
          const secretName = str(t.secretName);
          if (secretName !== undefined) e.secretName = secretName;
          return e;
        }),
      annotations: [],
      features: {},
      metadata: meta,
    };
    readAnnotations(model, annotations, notifications);
    ingresses.push(model);
  });

  return { ingresses, related, notifications };
}

function parseRules(spec: Obj, apiVersion: string): HostRule[] {
  return arr(spec.rules)
    .filter(isObj)
    .map((r) => {
      const http = isObj(r.http) ? r.http : {};
      return {
        host: str(r.host) ?? '',
        paths: arr(http.paths)
          .filter(isObj)
          .map((p) => {
            const pt = str(p.pathType);
            const pathType: PathType = pt === 'Exact' || pt === 'Prefix' ? pt : 'ImplementationSpecific';
            const rule = { path: str(p.path) ?? '/', pathType, backend: parseBackend(p.backend, apiVersion) };
            return rule;
          }),
      };
    });
}

function parseBackend(b: unknown, apiVersion: string): Backend | undefined {
  if (!isObj(b)) return undefined;
  if (apiVersion !== 'networking.k8s.io/v1') {
    const name = str(b.serviceName);
    if (name === undefined) return undefined;
    const p = b.servicePort;
    return typeof p === 'number' ? { kind: 'service', name, port: p } : { kind: 'service', name, portName: str(p) };
  }
  if (isObj(b.service)) {
    const name = str(b.service.name) ?? '';
    const port = isObj(b.service.port) ? b.service.port : {};
    if (typeof port.number === 'number') return { kind: 'service', name, port: port.number };
    return { kind: 'service', name, portName: str(port.name) };
  }
  if (isObj(b.resource)) {
    return { kind: 'resource', apiGroup: str(b.resource.apiGroup), resourceKind: str(b.resource.kind) ?? '', name: str(b.resource.name) ?? '' };
  }
  return undefined;
}

const DEFAULT_CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];
const DEFAULT_CORS_HEADERS = [
  'DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization',
];

function readAnnotations(model: IngressModel, annotations: Obj, out: Notification[]): void {
  const id = model.id;
  const values = new Map<string, AnnotationValue>();
  for (const key of Object.keys(annotations).sort()) {
    const name = annotationName(key);
    if (name === undefined) continue;
    const raw = typeof annotations[key] === 'string' ? (annotations[key] as string) : String(annotations[key]);
    const spec = lookupAnnotation(name);
    if (spec === undefined) {
      out.push({
        severity: 'warning',
        code: 'unknown-annotation',
        ingress: id,
        annotation: key,
        message: `Ingress ${ingressLabel(id)}: ${key} is not an ingress-nginx annotation of the final release; it is ignored`,
      });
      continue;
    }
    const canonical = spec.aliasOf ?? spec.name;
    const av: AnnotationValue = { key, name, canonical, raw };
    if (spec.value === 'snippet') {
      if (raw.trim() !== '') {
        out.push({
          severity: 'critical',
          code: 'snippet',
          ingress: id,
          annotation: key,
          message: `Ingress ${ingressLabel(id)}: ${key} injects raw nginx configuration; it is never translated (review it by hand; it may also be inactive, since ingress-nginx drops snippets unless allow-snippet-annotations is on)`,
        });
      }
    } else if (raw.trim() === '' && spec.value !== 'string') {
      out.push({
        severity: 'info',
        code: 'empty-value',
        ingress: id,
        annotation: key,
        message: `Ingress ${ingressLabel(id)}: ${key} is empty; ingress-nginx ignores it`,
      });
    } else {
      const r = parseValue(spec, raw);
      if (r.ok) av.value = r.value;
      else {
        out.push({
          severity: 'error',
          code: 'invalid-value',
          ingress: id,
          annotation: key,
          message: `Ingress ${ingressLabel(id)}: invalid value for ${key}: ${r.error}`,
        });
      }
    }
    model.annotations.push(av);
    const previous = values.get(canonical);
    if (previous !== undefined) {
      out.push({
        severity: 'warning',
        code: 'alias-conflict',
        ingress: id,
        annotation: key,
        message: `Ingress ${ingressLabel(id)}: both ${previous.key} and ${key} are set; ${NGINX_PREFIX}${canonical} is used`,
      });
      if (previous.name === canonical) continue;
    }
    values.set(canonical, av);
  }
  model.features = buildFeatures(model, values, out);
}

function buildFeatures(model: IngressModel, v: Map<string, AnnotationValue>, out: Notification[]): Features {
  const id = model.id;
  const f: Features = {};
  const get = <T>(name: string): T | undefined => v.get(name)?.value as T | undefined;
  const note = (severity: Notification['severity'], code: string, name: string, message: string): void => {
    out.push({ severity, code, ingress: id, annotation: v.get(name)?.key ?? NGINX_PREFIX + name, message: `Ingress ${ingressLabel(id)}: ${message}` });
  };

  f.useRegex = get<boolean>('use-regex');
  const rewrite = get<string>('rewrite-target');
  if (rewrite !== undefined) f.rewriteTarget = rewrite;
  f.appRoot = get<string>('app-root');
  f.xForwardedPrefix = get<string>('x-forwarded-prefix');
  f.fromToWwwRedirect = get<boolean>('from-to-www-redirect');
  f.serverAlias = get<string[]>('server-alias');
  f.sslRedirect = get<boolean>('ssl-redirect');
  f.forceSslRedirect = get<boolean>('force-ssl-redirect');
  f.sslPassthrough = get<boolean>('ssl-passthrough');
  f.upstreamVhost = get<string>('upstream-vhost');
  f.connectionProxyHeader = get<string>('connection-proxy-header');
  f.allowSourceRange = get<string[]>('allowlist-source-range');
  f.denySourceRange = get<string[]>('denylist-source-range');
  f.bodySize = get<number>('proxy-body-size');

  // Redirects: temporal wins over permanent; codes outside 300–308 fall back
  // (ingress-nginx redirect.go), so the model holds the status nginx really sends.
  const temporal = get<UrlParts>('temporal-redirect');
  const permanent = get<UrlParts>('permanent-redirect');
  if (temporal !== undefined) {
    let code = get<number>('temporal-redirect-code') ?? 302;
    if (code < 300 || code > 308) {
      note('info', 'redirect-code-fallback', 'temporal-redirect-code', `temporal-redirect-code ${code} is outside 300–308; ingress-nginx uses 302`);
      code = 302;
    }
    f.redirect = { kind: 'temporal', raw: v.get('temporal-redirect')!.raw, url: temporal, code };
    if (permanent !== undefined) {
      note('warning', 'redirect-ignored', 'permanent-redirect', 'both permanent-redirect and temporal-redirect are set; ingress-nginx uses temporal-redirect and ignores permanent-redirect');
    }
  } else if (permanent !== undefined) {
    let code = get<number>('permanent-redirect-code') ?? 301;
    if (code < 300 || code > 308) {
      note('info', 'redirect-code-fallback', 'permanent-redirect-code', `permanent-redirect-code ${code} is outside 300–308; ingress-nginx uses 301`);
      code = 301;
    }
    f.redirect = { kind: 'permanent', raw: v.get('permanent-redirect')!.raw, url: permanent, code };
  }

  const proto = get<BackendProtocol>('backend-protocol');
  if (proto !== undefined) f.backendProtocol = proto;
  const tls = {
    verify: get<boolean>('proxy-ssl-verify'),
    secret: get<ObjectRef>('proxy-ssl-secret'),
    serverNameOn: get<boolean>('proxy-ssl-server-name'),
    name: get<string>('proxy-ssl-name'),
    verifyDepth: get<number>('proxy-ssl-verify-depth'),
  };
  if (Object.keys(tls).some((k) => (tls as Record<string, unknown>)[k] !== undefined)) f.backendTls = tls;

  const connect = get<number>('proxy-connect-timeout');
  const send = get<number>('proxy-send-timeout');
  const read = get<number>('proxy-read-timeout');
  if (connect !== undefined || send !== undefined || read !== undefined) f.timeouts = { connect, send, read };

  if (get<boolean>('enable-cors') === true) {
    f.cors = {
      allowOrigins: get<string[]>('cors-allow-origin') ?? ['*'],
      allowMethods: get<string[]>('cors-allow-methods') ?? DEFAULT_CORS_METHODS,
      allowHeaders: get<string[]>('cors-allow-headers') ?? DEFAULT_CORS_HEADERS,
      exposeHeaders: get<string[]>('cors-expose-headers') ?? [],
      allowCredentials: get<boolean>('cors-allow-credentials') ?? true,
      maxAge: get<number>('cors-max-age') ?? 1728000,
    };
  }

  if (get<boolean>('canary') === true) {
    f.canary = {
      weight: get<number>('canary-weight'),
      weightTotal: get<number>('canary-weight-total') ?? 100,
      header: get<string>('canary-by-header'),
      headerValue: get<string>('canary-by-header-value'),
      headerPattern: get<string>('canary-by-header-pattern'),
      cookie: get<string>('canary-by-cookie'),
    };
    if (f.canary.header === undefined && (f.canary.headerValue !== undefined || f.canary.headerPattern !== undefined)) {
      note('warning', 'canary-ignored', 'canary-by-header-value', 'canary-by-header-value / canary-by-header-pattern have no effect without canary-by-header');
    }
    // ingress-nginx ignores most annotations on a canary Ingress (they come from the main one).
    for (const a of model.annotations) {
      const spec = lookupAnnotation(a.name);
      if (spec === undefined || spec.area === 'canary' || spec.value === 'snippet') continue;
      if (a.canonical === 'load-balance' || a.canonical === 'upstream-hash-by' || spec.area === 'affinity') continue;
      out.push({
        severity: 'warning',
        code: 'canary-ignored',
        ingress: id,
        annotation: a.key,
        message: `Ingress ${ingressLabel(id)}: ${a.key} is set on a canary Ingress; ingress-nginx ignores it there (the main Ingress's value applies)`,
      });
    }
  }

  if (get<string>('affinity') === 'cookie') f.affinity = { mode: 'cookie', cookieName: get<string>('session-cookie-name') };
  return f;
}
