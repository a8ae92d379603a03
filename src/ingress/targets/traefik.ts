// Emitter: neutral model → Traefik v3.
//
// 1. An Ingress whose every annotation is read by Traefik's kubernetesIngressNGINX
//    provider (the 87 keys of pkg/provider/kubernetes/ingress-nginx/annotations.go in
//    Traefik v3.7) is kept as it is: Traefik serves it with that provider. Snippets and the
//    ModSecurity keys are read there too but never kept (snippets are never carried over;
//    the WAF keys only log in Traefik OSS).
// 2. Otherwise (or with --ingress-traefik=ingressroute) warden translates:
//    - `middlewares` (default): an Ingress of class `traefik` (Traefik's kubernetesIngress
//      provider) with `traefik.ingress.kubernetes.io/router.*` annotations that reference
//      Middleware objects (traefik.io/v1alpha1). A TLS host gets a TLS router and a second
//      Ingress `<name>-http` on the `web` entry point carrying the HTTPS redirect (Traefik
//      routers without router.tls serve plain HTTP only). Backend settings Traefik reads
//      from the Service (scheme, serversTransport, sticky cookies, native LB) become
//      annotations on the rendered Service.
//    - `ingressroute`: IngressRoute (+ IngressRouteTCP for ssl-passthrough, TraefikService
//      for canaries) with the same Middlewares; regex paths keep nginx's anchoring and case.

import { lookupAnnotation, targetMapping, type TargetId } from '../annotations/index';
import type { Backend, IngressModel, ParsedIngresses, PathRule, Related } from '../model';
import {
  annotationValue,
  approximationNotes,
  backendProtocolNote,
  goCaptures,
  ingressCopy,
  Notes,
  objectName,
  regexHosts,
  reportUntranslated,
  servicePort,
  sortIngresses,
  v1Backend,
  v1Spec,
  wholePathRegex,
  type EmitResult,
  type K8sObject,
  type Rec,
  type ServiceAnnotations,
} from './common';

export const TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';
const TARGET: TargetId = 'traefik';
const R = 'traefik.ingress.kubernetes.io/';

/** The annotations Traefik v3.7's kubernetesIngressNGINX provider parses (annotations.go, 87 keys). */
export const TRAEFIK_PROVIDER_ANNOTATIONS: readonly string[] = [
  'auth-type', 'auth-secret', 'auth-realm', 'auth-secret-type', 'auth-url', 'auth-signin', 'auth-response-headers',
  'auth-snippet', 'auth-method', 'enable-global-auth', 'auth-tls-secret', 'auth-tls-verify-client',
  'auth-tls-pass-certificate-to-upstream', 'force-ssl-redirect', 'ssl-redirect', 'ssl-passthrough', 'use-regex',
  'rewrite-target', 'app-root', 'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect',
  'temporal-redirect-code', 'from-to-www-redirect', 'server-alias', 'affinity', 'affinity-canary-behavior',
  'session-cookie-name', 'session-cookie-secure', 'session-cookie-path', 'session-cookie-domain',
  'session-cookie-samesite', 'session-cookie-max-age', 'session-cookie-expires', 'service-upstream',
  'upstream-hash-by', 'backend-protocol', 'proxy-ssl-secret', 'proxy-ssl-verify', 'proxy-ssl-name',
  'proxy-ssl-server-name', 'proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout',
  'proxy-next-upstream', 'proxy-next-upstream-tries', 'proxy-next-upstream-timeout', 'proxy-http-version',
  'enable-cors', 'cors-allow-credentials', 'cors-expose-headers', 'cors-allow-headers', 'cors-allow-methods',
  'cors-allow-origin', 'cors-max-age', 'enable-access-log', 'whitelist-source-range', 'allowlist-source-range',
  'limit-rpm', 'limit-rps', 'limit-burst-multiplier', 'limit-connections', 'custom-headers', 'upstream-vhost',
  'x-forwarded-prefix', 'custom-http-errors', 'default-backend', 'proxy-request-buffering',
  'client-body-buffer-size', 'proxy-body-size', 'proxy-buffering', 'proxy-buffer-size', 'proxy-buffers-number',
  'proxy-max-temp-file-size', 'configuration-snippet', 'server-snippet', 'canary', 'canary-by-cookie',
  'canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-weight', 'canary-weight-total',
  'enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id', 'modsecurity-snippet',
];
const PROVIDER = new Set(TRAEFIK_PROVIDER_ANNOTATIONS);
/** Parsed by the provider but not applied in Traefik OSS (they only log). */
const LOG_ONLY = ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id'];

/** What the middleware / IngressRoute translation carries (canonical names). */
export const TRAEFIK_TRANSLATED: ReadonlySet<string> = new Set([
  'use-regex', 'rewrite-target', 'app-root', 'x-forwarded-prefix', 'permanent-redirect', 'permanent-redirect-code',
  'temporal-redirect', 'temporal-redirect-code', 'ssl-redirect', 'force-ssl-redirect', 'ssl-passthrough', 'server-alias',
  'backend-protocol', 'proxy-ssl-secret', 'proxy-ssl-verify', 'proxy-ssl-name', 'proxy-ssl-server-name',
  'proxy-connect-timeout', 'proxy-read-timeout', 'proxy-body-size', 'client-body-buffer-size',
  'enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-allow-credentials', 'cors-max-age',
  'auth-type', 'auth-secret', 'auth-secret-type', 'auth-realm', 'auth-url', 'auth-signin', 'auth-response-headers',
  'auth-tls-secret', 'auth-tls-verify-client', 'auth-tls-pass-certificate-to-upstream',
  'canary', 'canary-weight', 'canary-weight-total', 'canary-by-header', 'canary-by-header-value',
  'affinity', 'session-cookie-name', 'session-cookie-secure', 'session-cookie-path', 'session-cookie-domain',
  'session-cookie-samesite', 'session-cookie-max-age',
  'limit-rps', 'limit-rpm', 'limit-burst-multiplier', 'limit-connections',
  'allowlist-source-range', 'upstream-vhost', 'service-upstream', 'enable-access-log', 'proxy-http-version',
  'proxy-next-upstream', 'proxy-next-upstream-tries', 'proxy-next-upstream-timeout', 'proxy-send-timeout',
  'from-to-www-redirect', 'custom-headers',
  'auth-method', 'auth-tls-verify-depth', 'enable-global-auth', 'canary-by-header-pattern', 'canary-by-cookie',
  'proxy-buffering', 'proxy-request-buffering', 'proxy-buffer-size', 'proxy-buffers-number', 'proxy-max-temp-file-size',
  'session-cookie-expires', 'affinity-mode', 'preserve-trailing-slash', 'ssl-ciphers', 'upstream-hash-by',
]);

/** Entries of TRAEFIK_TRANSLATED that are only reported with their exact reason (no CRD field). */
export const TRAEFIK_REPORTED_ONLY: readonly string[] = ['proxy-send-timeout', 'proxy-max-temp-file-size', 'enable-global-auth'];

/** What the Middleware / IngressRoute translation carries: TRAEFIK_TRANSLATED less the reported-only rows. */
export const TRAEFIK_EMITTED: ReadonlySet<string> = new Set(Array.from(TRAEFIK_TRANSLATED).filter((n) => TRAEFIK_REPORTED_ONLY.indexOf(n) < 0));

/**
 * Rows the registry calls faithful for Traefik (true of the kubernetesIngressNGINX provider,
 * when the Ingress is kept) that warden's Middleware / IngressRoute translation carries only
 * approximately, always with a finding naming the difference.
 */
export const TRAEFIK_TRANSLATED_APPROXIMATED: readonly string[] = [
  'app-root', 'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect', 'temporal-redirect-code',
  'proxy-read-timeout', 'auth-secret', 'auth-secret-type', 'auth-tls-pass-certificate-to-upstream',
  'auth-method', 'proxy-request-buffering', 'session-cookie-expires',
  // the buffering Middleware they need also holds back responses, which ingress-nginx streamed
  'proxy-body-size', 'client-body-buffer-size',
];

export interface TraefikOptions {
  mode?: 'report' | 'rewrite' | 'both';
  traefikOutput?: 'middlewares' | 'ingressroute';
  newIngressClass?: string;
  /** The class migrated away from (default nginx): the provider must be configured to serve it. */
  ingressClass?: string;
}

interface Translation {
  ing: IngressModel;
  /** Middlewares in the order nginx's phases apply them. */
  middlewares: { name: string; spec: Rec }[];
  /** The HTTPS redirect, kept apart: only the plain-HTTP router uses it. */
  redirect?: { name: string; spec: Rec };
  service: Rec;
  serversTransport?: Rec;
  tlsOption?: Rec;
  accessLogs?: boolean;
  regex: boolean;
}

export function emitTraefik(parsed: ParsedIngresses, options: TraefikOptions = {}): EmitResult {
  return new TraefikEmitter(parsed, options).run();
}

class TraefikEmitter {
  private readonly notes = new Notes();
  private readonly objects: { obj: K8sObject; origins: IngressModel[] }[] = [];
  private readonly kept = new Set<IngressModel>();
  private readonly svcAnnotations: ServiceAnnotations[] = [];
  private readonly regexHosts: Set<string>;
  private readonly routeMode: boolean;
  private readonly className: string;
  private readonly suffix: string;
  private ruleHosts?: Set<string>;

  constructor(private readonly parsed: ParsedIngresses, private readonly options: TraefikOptions) {
    this.regexHosts = regexHosts(parsed);
    this.routeMode = options.traefikOutput === 'ingressroute';
    this.className = options.newIngressClass ?? 'traefik';
    this.suffix = options.mode === 'both' ? '-traefik' : '';
  }

  run(): EmitResult {
    const sorted = sortIngresses(this.parsed.ingresses);
    const keepable = this.keepable(sorted);
    for (const ing of sorted) {
      if (keepable.has(ing)) this.keep(ing);
      else this.translate(ing, sorted);
    }
    const order = this.objects.slice().sort((a, b) => {
      const ka = a.obj.kind + '/' + a.obj.metadata.namespace + '/' + a.obj.metadata.name;
      const kb = b.obj.kind + '/' + b.obj.metadata.namespace + '/' + b.obj.metadata.name;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    for (const ing of sorted) {
      if (this.kept.has(ing)) continue;
      for (const n of approximationNotes(this.notes.list, ing, TARGET, 'Traefik', TRAEFIK_EMITTED)) this.notes.push(n);
    }
    return {
      objects: order.map((o) => o.obj),
      origins: order.map((o) => o.origins),
      notifications: this.notes.list,
      kept: this.kept,
      serviceAnnotations: this.svcAnnotations,
      label: this.routeMode ? 'Traefik IngressRoute objects' : 'a Traefik Ingress and Middlewares',
    };
  }

  /** Ingresses the NGINX provider can serve unchanged; a canary and its main Ingress go together. */
  private keepable(sorted: IngressModel[]): Set<IngressModel> {
    const out = new Set<IngressModel>();
    if (this.routeMode) return out;
    for (const ing of sorted) {
      const blockers = ing.annotations.filter((a) => !PROVIDER.has(a.name) || a.canonical.slice(-8) === '-snippet' || LOG_ONLY.indexOf(a.canonical) >= 0);
      if (blockers.length === 0) out.add(ing);
    }
    const hosts = new Map<string, IngressModel[]>();
    for (const ing of sorted) for (const r of ing.rules) {
      const k = ing.id.namespace + '/' + r.host;
      hosts.set(k, (hosts.get(k) ?? []).concat([ing]));
    }
    for (const group of hosts.values()) {
      if (!group.some((i) => i.features.canary !== undefined)) continue;
      if (group.some((i) => !out.has(i))) for (const i of group) out.delete(i);
    }
    return out;
  }

  private keep(ing: IngressModel): void {
    this.kept.add(ing);
    const cls = this.options.ingressClass ?? 'nginx';
    this.notes.add('info', 'kept', ing, `kept as it is: every annotation on it is read by Traefik's kubernetesIngressNGINX provider (Traefik v3.6+; enable providers.kubernetesIngressNGINX${cls === 'nginx' ? ', which serves ingress class "nginx" by default' : ` with ingressClass "${cls}"`})`);
    for (const a of ing.annotations) {
      if (a.canonical === 'proxy-http-version' && a.raw.trim() === '1.0') {
        this.notes.add('warning', 'approximated', ing, 'proxy-http-version "1.0" is ignored by the provider; Traefik talks HTTP/1.1 to the backend', a.key);
      }
    }
    // backend-protocol: the provider speaks HTTP, HTTPS and h2c (GRPC) as ingress-nginx did;
    // FCGI and AUTO_HTTP become plain HTTP (parseBackendProtocol), reported with the difference.
    const protoNote = backendProtocolNote(ing, "Traefik's kubernetesIngressNGINX provider");
    if (protoNote !== undefined) this.notes.push(protoNote);
    // The registry's Traefik "partial" rows are the provider's documented differences.
    for (const a of ing.annotations) {
      const spec = lookupAnnotation(a.name);
      if (spec === undefined || a.value === undefined || spec.value === 'snippet') continue;
      if (a.canonical === 'backend-protocol') continue; // above
      const m = targetMapping(spec, TARGET);
      if (m.level === 'partial') this.notes.add('warning', 'approximated', ing, `${a.key} behaves differently under Traefik: ${m.note}`, a.key);
    }
  }

  private mwName(ing: IngressModel, what: string): string {
    return objectName([ing.id.name, what], 253);
  }

  /** `<name>-client-tls` when it checks client certificates, `<name>-tls` for cipher suites only. */
  private tlsOptionName(ing: IngressModel, t: Translation): string {
    return this.mwName(ing, t.tlsOption?.clientAuth !== undefined ? 'client-tls' : 'tls');
  }

  private ref(ing: IngressModel, name: string): string {
    return `${ing.id.namespace}-${name}@kubernetescrd`;
  }

  private push(obj: K8sObject, origins: IngressModel[]): void {
    this.objects.push({ obj, origins });
  }

  private translate(ing: IngressModel, all: IngressModel[]): void {
    reportUntranslated(this.notes, ing, TARGET, 'Traefik', TRAEFIK_TRANSLATED);
    const f = ing.features;
    if (f.canary !== undefined) {
      if (!this.routeMode) {
        this.notes.add('error', 'canary-needs-ingressroute', ing, 'a canary Ingress cannot be expressed with Traefik Ingresses (weights and header routing need a TraefikService); use --ingress-traefik=ingressroute. It is not rewritten', 'canary');
      }
      const hashKey = annotationKey(ing, 'upstream-hash-by');
      if (hashKey !== undefined) this.notes.add('warning', 'not-translated', ing, `${hashKey} on a canary Ingress is not carried: the canary's entry in the weighted TraefikService is balanced round-robin`, hashKey);
      // ingress-nginx ignores a canary's other annotations (the main Ingress's apply), except
      // upstream-hash-by, load-balance (reported above: no Traefik equivalent at all) and session
      // affinity, which configure the canary's own upstream.
      for (const a of ing.annotations) {
        if (lookupAnnotation(a.name)?.area !== 'affinity') continue;
        this.notes.add('warning', 'not-translated', ing, `${a.key} on a canary Ingress is not carried: ingress-nginx applies it to the canary's own upstream, but the canary's entry in the weighted TraefikService gets no sticky cookie or balancing choice of its own`, a.key);
      }
      return; // merged into the main Ingress's IngressRoute
    }
    const t = this.middlewares(ing);
    if (f.sslPassthrough === true) {
      if (!this.routeMode) {
        this.notes.add('error', 'passthrough-needs-ingressroute', ing, 'ssl-passthrough needs an IngressRouteTCP with tls.passthrough; use --ingress-traefik=ingressroute. It is not rewritten', 'ssl-passthrough');
        return;
      }
      this.passthrough(ing);
      return;
    }
    for (const m of t.middlewares.concat(t.redirect !== undefined ? [t.redirect] : [])) {
      this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'Middleware', metadata: { name: m.name, namespace: ing.id.namespace }, spec: m.spec }, [ing]);
    }
    if (t.serversTransport !== undefined) {
      this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'ServersTransport', metadata: { name: this.mwName(ing, 'transport'), namespace: ing.id.namespace }, spec: t.serversTransport }, [ing]);
    }
    if (t.tlsOption !== undefined) {
      this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'TLSOption', metadata: { name: this.tlsOptionName(ing, t), namespace: ing.id.namespace }, spec: t.tlsOption }, [ing]);
    }
    if (this.routeMode) this.ingressRoute(ing, t, all);
    else this.ingress(ing, t);
  }

  /** Middlewares, service settings and TLS options for one Ingress. */
  private middlewares(ing: IngressModel): Translation {
    const f = ing.features;
    const t: Translation = { ing, middlewares: [], service: {}, regex: ing.rules.some((r) => this.regexHosts.has(ing.id.namespace + '/' + r.host)) };
    const add = (what: string, spec: Rec): void => void t.middlewares.push({ name: this.mwName(ing, what), spec });

    const tlsHosts = ing.rules.some((r) => this.hasTls(ing, r.host));
    if ((tlsHosts && f.sslRedirect !== false) || f.forceSslRedirect === true) {
      t.redirect = { name: this.mwName(ing, 'https-redirect'), spec: { redirectScheme: { permanent: true, scheme: 'https' } } };
      this.notes.add('info', 'redirect-status', ing, 'the HTTPS redirect is a redirectScheme Middleware (permanent): Traefik answers 301 to GET and 308 to other methods, where ingress-nginx sends 308 to all', f.forceSslRedirect === true ? 'force-ssl-redirect' : 'ssl-redirect');
      const slash = annotationValue<boolean>(ing, 'preserve-trailing-slash');
      if (slash === true) this.notes.add('info', 'redirect-status', ing, 'preserve-trailing-slash "true": the redirectScheme Middleware keeps the URL as it is, trailing slash included, as ingress-nginx does', 'preserve-trailing-slash');
      else if (slash === false) this.notes.add('warning', 'approximated', ing, 'preserve-trailing-slash "false": ingress-nginx drops a trailing slash from the URL of its HTTPS redirect; Traefik\'s redirectScheme keeps the URL as it is and cannot drop it', 'preserve-trailing-slash');
    }
    if (f.redirect !== undefined) {
      const r = f.redirect;
      if (r.raw.indexOf('$') >= 0) {
        this.notes.add('error', 'redirect-captures', ing, `${r.kind}-redirect "${r.raw}" uses nginx variables; Traefik would send them literally`, `${r.kind}-redirect`);
      }
      const permanent = r.code === 301 || r.code === 308;
      add('redirect', { redirectRegex: { permanent, regex: '.*', replacement: r.raw.trim() } });
      const status = `${r.kind}-redirect answers ${r.code} in ingress-nginx; a Traefik redirectRegex (permanent: ${permanent}) answers ${permanent ? '301 to GET and 308' : '302 to GET and 307'} to other methods`;
      this.notes.add('warning', 'redirect-status', ing, status, `${r.kind}-redirect`);
      const codeKey = annotationKey(ing, `${r.kind}-redirect-code`);
      if (codeKey !== undefined) this.notes.add('warning', 'redirect-status', ing, `${codeKey}: ${status}; Traefik cannot send a chosen status code`, codeKey);
    }
    if (f.appRoot !== undefined) {
      add('app-root', { redirectRegex: { regex: '^(https?://[^/]+)/(\\?.*)?$', replacement: '${1}' + f.appRoot } });
      this.notes.add('info', 'redirect-status', ing, `app-root: requests for "/" are redirected to ${f.appRoot} (302 to GET; Traefik sends 307 to other methods where nginx sends 302)`, 'app-root');
    }
    if (f.cors !== undefined) {
      const c = f.cors;
      const exact = c.allowOrigins.filter((o) => o.indexOf('*') < 0 || o === '*');
      const wild = c.allowOrigins.filter((o) => o.indexOf('*') >= 0 && o !== '*');
      const headers: Rec = {
        accessControlAllowCredentials: c.allowCredentials,
        accessControlAllowHeaders: c.allowHeaders,
        accessControlAllowMethods: c.allowMethods,
      };
      if (exact.length > 0) headers.accessControlAllowOriginList = exact;
      if (wild.length > 0) headers.accessControlAllowOriginListRegex = wild.map((o) => '^' + o.split('.').join('\\.').split('*').join('[a-z0-9-]+') + '$');
      if (c.exposeHeaders.length > 0) headers.accessControlExposeHeaders = c.exposeHeaders;
      headers.accessControlMaxAge = c.maxAge;
      headers.addVaryHeader = true;
      add('cors', { headers });
      this.notes.add('info', 'cors-preflight', ing, 'enable-cors: Traefik answers preflight requests itself with 200 (ingress-nginx: 204); headers and origins are the same', 'enable-cors');
    }
    const allow = f.allowSourceRange;
    if (allow !== undefined && allow.length > 0) add('allowlist', { ipAllowList: { sourceRange: allow } });

    const rps = annotationValue<number>(ing, 'limit-rps');
    const rpm = annotationValue<number>(ing, 'limit-rpm');
    const mult = annotationValue<number>(ing, 'limit-burst-multiplier') ?? 5;
    if (rps !== undefined || rpm !== undefined) {
      const spec: Rec = rps !== undefined
        ? { average: rps, burst: rps * (mult < 1 ? 5 : mult), period: '1s' }
        : { average: rpm, burst: rpm! * (mult < 1 ? 5 : mult), period: '1m' };
      add('rate-limit', { rateLimit: spec });
      this.notes.add('warning', 'approximated', ing, 'limit-rps/limit-rpm become a rateLimit Middleware per client IP; Traefik rejects with 429 where ingress-nginx sends 503 (limit-req-status-code), and each Traefik replica counts separately as each nginx replica did', rps !== undefined ? 'limit-rps' : 'limit-rpm');
    }
    const conns = annotationValue<number>(ing, 'limit-connections');
    if (conns !== undefined) {
      add('in-flight', { inFlightReq: { amount: conns, sourceCriterion: { ipStrategy: { depth: 0 } } } });
      this.notes.add('warning', 'approximated', ing, 'limit-connections becomes an inFlightReq Middleware (concurrent requests per client IP, 429 instead of 503)', 'limit-connections');
    }

    const authType = annotationValue<string>(ing, 'auth-type');
    const authSecret = annotationValue<{ namespace?: string; name: string }>(ing, 'auth-secret');
    if (authType !== undefined && authSecret !== undefined) {
      if (authSecret.namespace !== undefined && authSecret.namespace !== ing.id.namespace) {
        this.notes.add('error', 'cross-namespace-secret', ing, `auth-secret ${authSecret.namespace}/${authSecret.name} is in another namespace; a Traefik ${authType}Auth Middleware reads Secrets of its own namespace only`, 'auth-secret');
      }
      const spec: Rec = { secret: authSecret.name };
      const realm = annotationValue<string>(ing, 'auth-realm');
      if (realm !== undefined) spec.realm = realm;
      add(authType === 'digest' ? 'digest-auth' : 'basic-auth', authType === 'digest' ? { digestAuth: spec } : { basicAuth: spec });
      const layout = annotationValue<string>(ing, 'auth-secret-type') ?? 'auth-file';
      const format = `Secret ${authSecret.name}: ingress-nginx reads ${layout === 'auth-map' ? 'one key per user (auth-map)' : 'an htpasswd file under key "auth"'}; Traefik reads htpasswd lines under key "users" (or a kubernetes.io/basic-auth Secret): add that key, or every request is refused`;
      this.notes.add('warning', 'secret-format', ing, format, 'auth-secret');
      const layoutKey = annotationKey(ing, 'auth-secret-type');
      if (layoutKey !== undefined) this.notes.add('warning', 'secret-format', ing, `auth-secret-type ${layout}: ${format}`, layoutKey);
    } else if (authType !== undefined) {
      this.notes.add('error', 'auth-incomplete', ing, 'auth-type is set without auth-secret; ingress-nginx then refuses the Ingress\'s auth config, and warden does not guess', 'auth-type');
    }
    const authUrl = annotationRaw(ing, 'auth-url');
    if (authUrl !== undefined) {
      if (authUrl.indexOf('$') >= 0) this.notes.add('error', 'auth-url-variables', ing, `auth-url "${authUrl}" uses nginx variables; a forwardAuth address is used literally`, 'auth-url');
      const spec: Rec = { address: authUrl.trim(), trustForwardHeader: false };
      const hdrs = annotationValue<string[]>(ing, 'auth-response-headers');
      if (hdrs !== undefined && hdrs.length > 0) spec.authResponseHeaders = hdrs;
      const signin = annotationRaw(ing, 'auth-signin');
      if (signin !== undefined) spec.authSigninURL = signin.trim();
      add('forward-auth', { forwardAuth: spec });
      this.notes.add('info', 'forward-auth', ing, 'auth-url becomes a forwardAuth Middleware: the auth service gets the request headers (X-Forwarded-Method/-Uri instead of nginx\'s X-Original-Method/-Url)', 'auth-url');
      const method = annotationValue<string>(ing, 'auth-method')?.trim();
      if (method !== undefined && method !== '' && method !== 'GET') {
        this.notes.add('warning', 'approximated', ing, `auth-method ${method}: ingress-nginx sent the auth request with ${method}; Traefik's forwardAuth sends GET, or the client's own method (preserveRequestMethod), never a fixed one, so the auth service now receives GET`, 'auth-method');
      }
    }
    const globalAuth = annotationValue<boolean>(ing, 'enable-global-auth');
    if (globalAuth !== undefined) {
      const what = globalAuth
        ? 'if that ConfigMap sets global-auth-url, attach its forwardAuth Middleware to this Ingress\'s router by hand'
        : 'if that ConfigMap sets global-auth-url, attach its forwardAuth Middleware to the other routers only, not to this one';
      this.notes.add('warning', 'not-translated', ing, `enable-global-auth "${annotationRaw(ing, 'enable-global-auth')!.trim()}" switches ingress-nginx's controller-wide global-auth-url (its ConfigMap) for this Ingress; Traefik has no global auth to switch per router (a Middleware on the entry point applies to every router) and warden does not read the controller ConfigMap: ${what}`, 'enable-global-auth');
    }

    if (annotationRaw(ing, 'proxy-http-version')?.trim() === '1.0') {
      this.notes.add('warning', 'approximated', ing, 'proxy-http-version "1.0": Traefik always talks HTTP/1.1 (or HTTP/2) to backends', 'proxy-http-version');
    }
    const rewrite = f.rewriteTarget ?? '';
    const headers: Record<string, string> = {};
    if (rewrite !== '' && f.xForwardedPrefix !== undefined) headers['X-Forwarded-Prefix'] = f.xForwardedPrefix;
    if (f.upstreamVhost !== undefined) {
      if (f.upstreamVhost.indexOf('$') >= 0) this.notes.add('error', 'vhost-variables', ing, `upstream-vhost "${f.upstreamVhost}" uses nginx variables; Traefik would send them literally`, 'upstream-vhost');
      headers.Host = f.upstreamVhost;
    }
    if (Object.keys(headers).length > 0) add('request-headers', { headers: { customRequestHeaders: headers } });
    const ch = annotationValue<{ namespace?: string; name: string }>(ing, 'custom-headers');
    if (ch !== undefined) {
      const ref = `${ch.namespace ?? ing.id.namespace}/${ch.name}`;
      const data = this.parsed.related.configMapData.get(ref);
      if (data === undefined) this.notes.add('warning', 'not-translated', ing, `custom-headers ConfigMap ${ref} is not among the rendered objects; its headers are unknown at render time and not added`, 'custom-headers');
      else if (Object.keys(data).length > 0) {
        add('response-headers', { headers: { customResponseHeaders: data } });
        this.notes.add('info', 'custom-headers', ing, `custom-headers from ConfigMap ${ref} become customResponseHeaders (${Object.keys(data).join(', ')}); ingress-nginx also filtered them through its global allowed-response-headers list, and later ConfigMap edits are not followed`, 'custom-headers');
      }
    }
    if (annotationValue<boolean>(ing, 'auth-tls-pass-certificate-to-upstream') === true) {
      add('client-cert', { passTLSClientCert: { pem: true } });
      this.notes.add('warning', 'approximated', ing, 'the client certificate reaches the backend in X-Forwarded-Tls-Client-Cert (Traefik) instead of ssl-client-cert (ingress-nginx): update the backend', 'auth-tls-pass-certificate-to-upstream');
    }
    if (rewrite !== '') {
      const paths = Array.from(new Set(ing.rules.flatMap((r) => r.paths.map((p) => p.path)))).sort();
      if (paths.length > 1) {
        this.notes.add('warning', 'approximated', ing, `rewrite-target applies each path's own regex in ingress-nginx; the Middleware uses one regex matching any of ${paths.join(', ')}`, 'rewrite-target');
      }
      const regex = wholePathRegex(paths.length === 1 ? paths[0] : paths.map((p) => `(?:${p})`).join('|'));
      add('rewrite', { replacePathRegex: { regex, replacement: goCaptures(rewrite) } });
    }
    this.retry(ing, add);
    this.buffering(ing, add);

    // Backend: scheme, TLS to the backend, timeouts, stickiness.
    const proto = f.backendProtocol;
    const protoNote = backendProtocolNote(ing, 'Traefik');
    if (protoNote !== undefined) this.notes.push(protoNote);
    if (proto === 'HTTPS' || proto === 'GRPCS') t.service.scheme = 'https';
    else if (proto === 'GRPC') t.service.scheme = 'h2c';
    const st: Rec = {};
    if (proto === 'HTTPS' || proto === 'GRPCS') {
      const tls = f.backendTls ?? {};
      if (tls.verify !== true) st.insecureSkipVerify = true;
      else if (tls.secret !== undefined) st.rootCAs = [{ secret: tls.secret.name }];
      if (tls.secret !== undefined) st.certificatesSecrets = [tls.secret.name];
      if (tls.name !== undefined) st.serverName = tls.name;
      if (tls.secret?.namespace !== undefined && tls.secret.namespace !== ing.id.namespace) {
        this.notes.add('error', 'cross-namespace-secret', ing, `proxy-ssl-secret ${tls.secret.namespace}/${tls.secret.name} is in another namespace; a ServersTransport reads Secrets of its own namespace only`, 'proxy-ssl-secret');
      }
    }
    const timeouts = f.timeouts;
    if (timeouts !== undefined) {
      const ft: Rec = {};
      if (timeouts.connect !== undefined) ft.dialTimeout = `${timeouts.connect}s`;
      if (timeouts.send !== undefined) {
        this.notes.add('warning', 'not-translated', ing, `proxy-send-timeout ${timeouts.send}s (nginx's idle time between two writes to the backend) has no Traefik ServersTransport setting; writes to the backend are not timed`, 'proxy-send-timeout');
      }
      if (timeouts.read !== undefined) {
        ft.responseHeaderTimeout = `${timeouts.read}s`;
        this.notes.add('warning', 'approximated', ing, `proxy-read-timeout ${timeouts.read}s is nginx's idle time between two reads; Traefik's responseHeaderTimeout limits only the wait for the response headers (a slow body is not cut)`, 'proxy-read-timeout');
      }
      if (Object.keys(ft).length > 0) st.forwardingTimeouts = ft;
    }
    if (Object.keys(st).length > 0) t.serversTransport = st;
    if (f.affinity !== undefined) {
      const cookie: Rec = { name: f.affinity.cookieName ?? 'INGRESSCOOKIE', httpOnly: true };
      const path = annotationValue<string>(ing, 'session-cookie-path');
      const domain = annotationValue<string>(ing, 'session-cookie-domain');
      const sameSite = annotationValue<string>(ing, 'session-cookie-samesite');
      const secure = annotationValue<boolean>(ing, 'session-cookie-secure');
      const maxAge = annotationValue<number>(ing, 'session-cookie-max-age');
      if (path !== undefined) cookie.path = path;
      if (domain !== undefined) cookie.domain = domain;
      if (sameSite !== undefined) cookie.sameSite = sameSite.toLowerCase();
      if (secure !== undefined) cookie.secure = secure;
      if (maxAge !== undefined) cookie.maxAge = maxAge;
      const expires = annotationValue<number>(ing, 'session-cookie-expires');
      if (expires !== undefined && maxAge === undefined) {
        cookie.maxAge = expires;
        this.notes.add('warning', 'approximated', ing, `session-cookie-expires ${expires}: Traefik's sticky cookie has no Expires attribute; it gets Max-Age ${expires} instead (the same lifetime for browsers that honour Max-Age, which all current ones do; a browser that reads only Expires treats it as a session cookie)`, 'session-cookie-expires');
      } else if (expires !== undefined) {
        this.notes.add('warning', 'approximated', ing, `session-cookie-expires ${expires}: Traefik's sticky cookie has no Expires attribute; its Max-Age ${String(maxAge)} (session-cookie-max-age) sets the lifetime, which browsers prefer to Expires anyway`, 'session-cookie-expires');
      }
      const mode = annotationValue<string>(ing, 'affinity-mode');
      if (mode === 'balanced') {
        this.notes.add('warning', 'approximated', ing, 'affinity-mode "balanced": ingress-nginx moves some sessions to endpoints added when the backend scales up; Traefik\'s sticky cookie keeps each session on its server for as long as the server exists (as affinity-mode "persistent" does)', 'affinity-mode');
      } else if (mode === 'persistent') {
        this.notes.add('info', 'affinity', ing, 'affinity-mode "persistent": Traefik\'s sticky cookie keeps each session on its server for as long as the server exists, as ingress-nginx does', 'affinity-mode');
      }
      t.service.sticky = { cookie };
    }
    if (annotationValue<boolean>(ing, 'service-upstream') === true) t.service.nativeLB = true;
    const hashBy = annotationValue<string>(ing, 'upstream-hash-by')?.trim();
    if (hashBy !== undefined && hashBy !== '') {
      const byIp = hashBy === '$remote_addr' || hashBy === '$binary_remote_addr';
      if (!byIp) {
        this.notes.add('warning', 'not-translated', ing, `upstream-hash-by "${hashBy}": Traefik's only hashing strategy (hrw) hashes the client IP, and no other key can be chosen; requests are balanced round-robin instead`, 'upstream-hash-by');
      } else if (!this.routeMode) {
        this.notes.add('warning', 'not-translated', ing, `upstream-hash-by "${hashBy}" needs the hrw strategy of an IngressRoute service (Traefik's kubernetesIngress provider has no strategy annotation); use --ingress-traefik=ingressroute. Requests are balanced round-robin`, 'upstream-hash-by');
      } else {
        t.service.strategy = 'hrw';
        this.notes.add('warning', 'approximated', ing, `upstream-hash-by "${hashBy}" becomes strategy hrw (highest random weight over the client IP): each client stays on one server as with nginx's consistent hash, but the servers clients land on differ, so existing sessions move once at the switch`, 'upstream-hash-by');
      }
    }
    if (annotationValue<boolean>(ing, 'enable-access-log') === false) t.accessLogs = false;

    const caSecret = annotationValue<{ namespace?: string; name: string }>(ing, 'auth-tls-secret');
    if (caSecret !== undefined) {
      const mode = annotationValue<string>(ing, 'auth-tls-verify-client') ?? 'on';
      const type = { on: 'RequireAndVerifyClientCert', optional: 'VerifyClientCertIfGiven', optional_no_ca: 'RequireAnyClientCert', off: 'NoClientCert' }[mode] ?? 'RequireAndVerifyClientCert';
      if (mode === 'optional_no_ca') this.notes.add('warning', 'approximated', ing, 'auth-tls-verify-client optional_no_ca asks for a certificate without verifying it; Traefik\'s closest mode, RequireAnyClientCert, refuses clients without one', 'auth-tls-verify-client');
      t.tlsOption = { clientAuth: { clientAuthType: type, secretNames: [caSecret.name] } };
      this.notes.add('warning', 'approximated', ing, 'client certificates are checked in the TLS handshake (TLSOption): a failing client gets a handshake error instead of nginx\'s 400 page, and the option applies to every router of this host', 'auth-tls-secret');
      const depth = annotationValue<number>(ing, 'auth-tls-verify-depth');
      if (depth !== undefined) {
        this.notes.add('warning', 'approximated', ing, `auth-tls-verify-depth ${depth}: a TLSOption cannot limit the client chain depth (Go's certificate verification has no such limit), so chains longer than ingress-nginx allowed are accepted when they lead to the CA`, 'auth-tls-verify-depth');
      }
    }
    const ciphers = annotationValue<string>(ing, 'ssl-ciphers');
    if (ciphers !== undefined && ing.tls.length > 0) this.cipherSuites(ing, t, ciphers);
    return t;
  }

  /**
   * proxy-body-size, client-body-buffer-size and the proxy-*buffer* rows → one buffering
   * Middleware. Its CRD has no switch for one direction: it always reads the whole request
   * body before forwarding and the whole response before answering (memory first, then disk).
   */
  private buffering(ing: IngressModel, add: (what: string, spec: Rec) => void): void {
    const body = ing.features.bodySize;
    const mem = annotationValue<number>(ing, 'client-body-buffer-size');
    const reqBuf = annotationValue<boolean>(ing, 'proxy-request-buffering');
    const respBuf = annotationValue<boolean>(ing, 'proxy-buffering');
    const size = annotationValue<number>(ing, 'proxy-buffer-size');
    const count = annotationValue<number>(ing, 'proxy-buffers-number');
    const limit = body !== undefined && body > 0;
    const needed = limit || mem !== undefined || respBuf === true;
    const buffering: Rec = {};
    if (limit) buffering.maxRequestBodyBytes = body;
    if (mem !== undefined) buffering.memRequestBodyBytes = mem;
    // nginx keeps proxy_buffers (count × size) of a response in memory, then spills to a temp file.
    if (respBuf === true && (size !== undefined || count !== undefined)) buffering.memResponseBodyBytes = (size ?? 4096) * (count ?? 4);
    if (needed) add('buffering', { buffering });
    const why = [limit ? 'proxy-body-size' : '', mem !== undefined ? 'client-body-buffer-size' : '', respBuf === true ? 'proxy-buffering "on"' : ''].filter((x) => x !== '').join(', ');
    if (limit) {
      this.notes.add('info', 'body-size', ing, `proxy-body-size: bodies over ${body} bytes get 413, as in ingress-nginx (a buffering Middleware; Traefik buffers the request body in full)`, 'proxy-body-size');
    }
    if (reqBuf === false && needed) {
      this.notes.add('warning', 'approximated', ing, `proxy-request-buffering "off": the buffering Middleware that ${why} need${why.indexOf(',') >= 0 ? '' : 's'} reads every request body in full before forwarding it (Traefik's Middleware cannot stream requests while buffering responses or limiting bodies), where ingress-nginx streamed it to the backend`, 'proxy-request-buffering');
    } else if (reqBuf === true && !needed) {
      this.notes.add('warning', 'approximated', ing, 'proxy-request-buffering "on": Traefik streams request bodies to the backend; reading them in full first needs a buffering Middleware, which also holds back every response until it is complete (ingress-nginx streams responses unless proxy-buffering is "on"), so none is added: slow uploads now reach the backend as they arrive', 'proxy-request-buffering');
    }
    if (respBuf !== true && needed) {
      // ingress-nginx streams responses unless proxy-buffering is "on" (its default is "off")
      const given = respBuf === false ? 'proxy-buffering "off"' : 'proxy-buffering not set (ingress-nginx\'s default "off")';
      const key = respBuf === false ? 'proxy-buffering' : limit ? 'proxy-body-size' : 'client-body-buffer-size';
      this.notes.add('warning', 'approximated', ing, `${given}: the buffering Middleware that ${why} need${why.indexOf(',') >= 0 ? '' : 's'} also holds back each response until it is complete (Traefik's Middleware cannot buffer requests only), where ingress-nginx streamed responses: server-sent events and long downloads reach the client only at the end`, key);
    }
    if (respBuf !== true) {
      if (size !== undefined) this.notes.add('info', 'buffering', ing, `proxy-buffer-size: without proxy-buffering "on" it only sizes nginx's buffer for the response headers; Traefik has no such buffer (Go accepts response headers up to 10 MiB), so nothing is set`, 'proxy-buffer-size');
      if (count !== undefined) this.notes.add('info', 'buffering', ing, 'proxy-buffers-number matters only with proxy-buffering "on"; nothing is set', 'proxy-buffers-number');
    } else if (count !== undefined) {
      this.notes.add('info', 'buffering', ing, `proxy-buffers-number ${count} × proxy-buffer-size ${size ?? 4096} bytes become one in-memory threshold, memResponseBodyBytes ${(size ?? 4096) * count} (nginx's separate header buffer has no counterpart); beyond it Traefik buffers on disk, as nginx does`, 'proxy-buffers-number');
    }
    const tmp = annotationRaw(ing, 'proxy-max-temp-file-size');
    if (annotationValue<number>(ing, 'proxy-max-temp-file-size') !== undefined) {
      this.notes.add('warning', 'not-translated', ing, `proxy-max-temp-file-size "${tmp!.trim()}" has no Traefik equivalent: past it nginx stops buffering a response on disk and streams the rest, while Traefik's only cap (buffering maxResponseBodyBytes) answers 500 to any larger response; it is not set, so ${respBuf === true || needed ? 'responses are buffered on disk without a cap' : 'nothing changes (responses are not buffered)'}`, 'proxy-max-temp-file-size');
    }
  }

  /**
   * ssl-ciphers → TLSOption cipherSuites: each OpenSSL suite name becomes its IANA name (the
   * ones Go implements). Both apply to TLS 1.2 and below only. Cipher-string keywords and
   * operators (HIGH, !aNULL, @STRENGTH, …) have no list form: such a value is not carried.
   */
  private cipherSuites(ing: IngressModel, t: Translation, raw: string): void {
    const key = annotationKey(ing, 'ssl-ciphers');
    const tokens = raw.split(/[:, ]+/).filter((x) => x !== '');
    const suites = tokens.map((x) => OPENSSL_CIPHERS[x]);
    const unknown = tokens.filter((x, i) => suites[i] === undefined);
    if (unknown.length > 0 || tokens.length === 0) {
      this.notes.add('warning', 'not-translated', ing, `ssl-ciphers "${raw.trim()}": a TLSOption lists cipher suites by name, and ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} TLS 1.2 suite${unknown.length === 1 ? '' : 's'} Go implements (OpenSSL keywords and operators such as HIGH or !aNULL have no equivalent); no cipherSuites are set, so Traefik's defaults apply`, key);
      return;
    }
    const list = Array.from(new Set(suites as string[]));
    t.tlsOption = Object.assign({}, t.tlsOption ?? {}, { cipherSuites: list });
    this.notes.add('warning', 'approximated', ing, `ssl-ciphers become TLSOption cipherSuites (${list.join(', ')}), which, as in nginx, apply to TLS 1.2 and below; the option holds for every router of the host, and Go chooses among the suites in its own preference order rather than the listed one`, key);
  }

  /** proxy-next-upstream(-tries, -timeout) → a retry Middleware (attempts count every try, like nginx's tries). */
  private retry(ing: IngressModel, add: (what: string, spec: Rec) => void): void {
    const cond = annotationValue<string>(ing, 'proxy-next-upstream');
    const tries = annotationValue<number>(ing, 'proxy-next-upstream-tries');
    const budget = annotationValue<number>(ing, 'proxy-next-upstream-timeout');
    if (cond === undefined && tries === undefined && budget === undefined) return;
    const words = (cond ?? 'error timeout').split(' ').filter((w) => w !== '');
    if (words.indexOf('off') >= 0) return; // no retries, as without a Middleware
    const status = words.filter((w) => w.slice(0, 5) === 'http_').map((w) => w.slice(5)).filter((c) => /^[1-5][0-9][0-9]$/.test(c));
    const network = words.indexOf('error') >= 0 || words.indexOf('timeout') >= 0;
    if (!network && status.length === 0) return;
    const spec: Rec = { attempts: tries === undefined || tries === 0 ? 3 : tries };
    if (!network) spec.disableRetryOnNetworkError = true;
    if (words.indexOf('non_idempotent') >= 0) spec.retryNonIdempotentMethod = true;
    if (status.length > 0) spec.status = status;
    if (budget !== undefined && budget > 0) spec.timeout = `${budget}s`;
    add('retry', { retry: spec });
    const lost = words.filter((w) => w !== 'error' && w !== 'timeout' && w !== 'non_idempotent' && w.slice(0, 5) !== 'http_');
    this.notes.add('warning', 'approximated', ing, `proxy-next-upstream becomes a retry Middleware (${String(spec.attempts)} attempts in all, as nginx counts tries): Traefik treats connection errors and timeouts alike and may pick the same server again${lost.length > 0 ? `; ${lost.join(', ')} cannot be expressed` : ''}${tries === 0 ? '; tries "0" (no limit) becomes 3' : ''}`, cond !== undefined ? 'proxy-next-upstream' : 'proxy-next-upstream-tries');
  }

  /**
   * from-to-www-redirect: for each rule host whose www / non-www twin no Ingress serves, a
   * redirectRegex Middleware sending the twin to the host; returns [twin host, Middleware name].
   */
  private wwwRedirects(ing: IngressModel): [string, string][] {
    if (ing.features.fromToWwwRedirect !== true) return [];
    const out: [string, string][] = [];
    for (const r of ing.rules) {
      if (r.host === '' || r.host.charAt(0) === '*') continue;
      const other = r.host.slice(0, 4) === 'www.' ? r.host.slice(4) : 'www.' + r.host;
      const served = this.parsed.ingresses.some((i) => i.id.namespace === ing.id.namespace && i.rules.some((x) => x.host === other));
      if (served) {
        this.notes.add('info', 'www-redirect-skipped', ing, `from-to-www-redirect: "${other}" is served by an Ingress, so ingress-nginx does not redirect it, and neither does warden`, 'from-to-www-redirect');
        continue;
      }
      const name = this.mwName(ing, `www-redirect-${out.length + 1}`);
      const spec = { redirectRegex: { permanent: true, regex: `^(https?)://${other.split('.').join('\\.')}(:[0-9]+)?(.*)$`, replacement: `\${1}://${r.host}\${3}` } };
      if (!this.objects.some((o) => o.obj.kind === 'Middleware' && o.obj.metadata.name === name && o.obj.metadata.namespace === ing.id.namespace)) {
        this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'Middleware', metadata: { name, namespace: ing.id.namespace }, spec }, [ing]);
      }
      this.notes.add('info', 'redirect-status', ing, `from-to-www-redirect: "${other}" redirects to "${r.host}" on plain HTTP (Traefik answers 301 to GET and 308 to other methods; ingress-nginx sends 308)`, 'from-to-www-redirect');
      out.push([other, name]);
    }
    return out;
  }

  private hasTls(ing: IngressModel, host: string): boolean {
    return ing.tls.some((t) => t.hosts.length === 0 || t.hosts.indexOf(host) >= 0);
  }

  private serviceAnnotations(ing: IngressModel, t: Translation): void {
    const a: Record<string, string> = {};
    if (t.service.scheme !== undefined) a[R + 'service.serversscheme'] = String(t.service.scheme);
    if (t.serversTransport !== undefined) a[R + 'service.serverstransport'] = this.ref(ing, this.mwName(ing, 'transport'));
    if (t.service.nativeLB === true) a[R + 'service.nativelb'] = 'true';
    const sticky = t.service.sticky as { cookie: Rec } | undefined;
    if (sticky !== undefined) {
      a[R + 'service.sticky.cookie'] = 'true';
      for (const k of Object.keys(sticky.cookie).sort()) a[R + 'service.sticky.cookie.' + k.toLowerCase()] = String(sticky.cookie[k]);
    }
    if (Object.keys(a).length === 0) return;
    const names = new Set<string>();
    for (const r of ing.rules) for (const p of r.paths) if (p.backend?.kind === 'service') names.add(p.backend.name);
    if (ing.defaultBackend?.kind === 'service') names.add(ing.defaultBackend.name);
    for (const n of Array.from(names).sort()) {
      const key = ing.id.namespace + '/' + n;
      if (!this.parsed.related.services.has(key)) {
        this.notes.add('warning', 'service-not-rendered', ing, `Traefik reads backend settings from Service annotations, and Service ${key} is not among the rendered objects: add ${Object.keys(a).map((k) => `${k}=${a[k]}`).join(', ')} to it`);
        continue;
      }
      this.svcAnnotations.push({ service: key, annotations: a, origin: ing });
    }
  }

  /** Ingress (+ `-http` Ingress for the redirect) for Traefik's kubernetesIngress provider. */
  private ingress(ing: IngressModel, t: Translation): void {
    const f = ing.features;
    const aliases = f.serverAlias ?? [];
    const extra = new Map<string, string[]>();
    for (const r of ing.rules) if (r.host !== '' && aliases.length > 0) extra.set(r.host, aliases.filter((h) => !ing.rules.some((x) => x.host === h)));
    const spec = v1Spec(ing, extra);
    const base: Record<string, string> = {};
    if (t.regex) {
      base[R + 'router.pathmatcher'] = 'PathRegexp';
      this.notes.add('warning', 'regex-paths', ing, 'the host is in ingress-nginx regex mode; Traefik PathRegexp matches the path regex anywhere in the path and case-sensitively, where nginx anchored it at the start and ignored case (use --ingress-traefik=ingressroute for an exact translation)', f.useRegex === true ? 'use-regex' : 'rewrite-target');
    }
    if (t.accessLogs === false) base[R + 'router.observability.accesslogs'] = 'false';
    const mws = t.middlewares.map((m) => this.ref(ing, m.name));
    const tls = ing.tls.length > 0;
    const main: Record<string, string> = Object.assign({}, base);
    if (tls) {
      main[R + 'router.entrypoints'] = 'websecure';
      main[R + 'router.tls'] = 'true';
      if (t.tlsOption !== undefined) main[R + 'router.tls.options'] = this.ref(ing, this.tlsOptionName(ing, t));
    } else if (t.redirect !== undefined) {
      mws.unshift(this.ref(ing, t.redirect.name));
    }
    if (mws.length > 0) main[R + 'router.middlewares'] = mws.join(',');
    this.push(ingressCopy(ing, ing.id.name + this.suffix, this.className, main, spec), [ing]);
    if (tls) {
      // Plain HTTP: the redirect, or (ssl-redirect: "false") the same routing without TLS.
      const http: Record<string, string> = Object.assign({}, base);
      http[R + 'router.entrypoints'] = 'web';
      const httpMws = t.redirect !== undefined ? [this.ref(ing, t.redirect.name)] : t.middlewares.map((m) => this.ref(ing, m.name));
      if (httpMws.length > 0) http[R + 'router.middlewares'] = httpMws.join(',');
      const httpSpec = Object.assign({}, spec);
      delete httpSpec.tls;
      this.push(ingressCopy(ing, objectName([ing.id.name + this.suffix, 'http'], 253), this.className, http, httpSpec), [ing]);
    }
    const www = this.wwwRedirects(ing);
    if (www.length > 0) {
      // Traefik needs a backend on the rule; the redirect answers before it is used.
      const backend = v1Backend(ing.rules.flatMap((r) => r.paths).find((p) => p.backend !== undefined)?.backend ?? ing.defaultBackend);
      const rules = www.map(([other]) => ({ host: other, http: { paths: [{ backend, path: '/', pathType: 'Prefix' }] } }));
      const a: Record<string, string> = { [R + 'router.middlewares']: www.map(([, mw]) => this.ref(ing, mw)).join(',') };
      this.push(ingressCopy(ing, objectName([ing.id.name + this.suffix, 'www-redirect'], 253), this.className, a, { rules }), [ing]);
    }
    this.serviceAnnotations(ing, t);
  }

  private matchRule(host: string, p: PathRule, regex: boolean): string {
    const parts: string[] = [];
    if (host !== '') parts.push(host.charAt(0) === '*' ? `HostRegexp(\`^[a-z0-9-]+${host.slice(1).split('.').join('\\.')}$\`)` : `Host(\`${host}\`)`);
    if (regex) parts.push(`PathRegexp(\`(?i)^${p.path}\`)`);
    else if (p.pathType === 'Exact') parts.push(`Path(\`${p.path}\`)`);
    else if (p.path !== '/') parts.push(`PathPrefix(\`${p.path}\`)`);
    else parts.push('PathPrefix(`/`)');
    return parts.join(' && ');
  }

  private serviceRef(ing: IngressModel, b: Backend | undefined, t: Translation, related: Related): Rec | undefined {
    if (b === undefined || b.kind !== 'service') {
      if (b !== undefined) this.notes.add('warning', 'not-translated', ing, `resource backend ${b.resourceKind}/${b.name} has no IngressRoute equivalent; the path is not translated`);
      return undefined;
    }
    const port = servicePort(related, ing, b);
    const svc: Rec = { name: b.name, port: port ?? b.portName ?? '' };
    for (const k of Object.keys(t.service).sort()) svc[k] = t.service[k];
    if (t.serversTransport !== undefined) svc.serversTransport = this.mwName(ing, 'transport');
    return svc;
  }

  private ingressRoute(ing: IngressModel, t: Translation, all: IngressModel[]): void {
    const aliases = ing.features.serverAlias ?? [];
    const secure: Rec[] = [];
    const plain: Rec[] = [];
    const tls = ing.tls.length > 0;
    for (const r of ing.rules) {
      const regex = this.regexHosts.has(ing.id.namespace + '/' + r.host);
      for (const host of [r.host].concat(r.host !== '' ? aliases : [])) {
        for (const p of r.paths) {
          const svc = this.serviceRef(ing, p.backend, t, this.parsed.related);
          if (svc === undefined) continue;
          const route: Rec = { kind: 'Rule', match: this.matchRule(host, p, regex) };
          const canary = this.canaryFor(ing, r.host, p, all);
          const services = canary !== undefined ? [{ kind: 'TraefikService', name: canary.name }] : [svc];
          if (canary !== undefined) this.weighted(ing, canary.name, svc, canary.svc, canary.weight, canary.total);
          if (t.middlewares.length > 0) route.middlewares = t.middlewares.map((m) => ({ name: m.name }));
          if (t.accessLogs === false) route.observability = { accessLogs: false };
          route.services = services;
          // On a host with canary rules every route gets an explicit priority: 4 × the rule length
          // Traefik would use, plus the nginx precedence (header 2, cookie 1, weight 0), so that a
          // longer path still wins and a header decision beats a cookie one.
          const base = String(route.match);
          const scaled = this.canaryRuleHosts(all).has(ing.id.namespace + '/' + r.host);
          if (scaled) route.priority = 4 * base.length;
          secure.push(route);
          for (const v of canary !== undefined ? canaryRules(canary) : []) {
            const cr = Object.assign({}, route, { match: `${base} && ${v.rule}`, services: [v.canary ? canary!.svc : svc] });
            if (scaled) cr.priority = 4 * base.length + v.tier;
            secure.push(cr);
          }
        }
      }
    }
    if (tls) {
      for (const r of secure) {
        const p: Rec = { kind: 'Rule', match: r.match, services: r.services };
        if (r.priority !== undefined) p.priority = r.priority;
        if (t.redirect !== undefined) p.middlewares = [{ name: t.redirect.name }];
        else if (r.middlewares !== undefined) p.middlewares = r.middlewares;
        plain.push(p);
      }
    } else if (t.redirect !== undefined) {
      for (const r of secure) r.middlewares = ([{ name: t.redirect.name }] as Rec[]).concat((r.middlewares as Rec[] | undefined) ?? []);
    }
    const name = ing.id.name + this.suffix;
    const spec: Rec = { entryPoints: tls ? ['websecure'] : ['web'], routes: secure };
    if (tls) {
      const secret = ing.tls.find((x) => (x.secretName ?? '') !== '')?.secretName;
      const tlsSpec: Rec = {};
      if (secret !== undefined) tlsSpec.secretName = secret;
      if (t.tlsOption !== undefined) tlsSpec.options = { name: this.tlsOptionName(ing, t) };
      spec.tls = tlsSpec;
      if (ing.tls.filter((x) => (x.secretName ?? '') !== '').length > 1) {
        this.notes.add('warning', 'approximated', ing, 'the Ingress has several TLS Secrets; an IngressRoute names one (the first) — add the others to a TLSStore or their own IngressRoutes');
      }
    }
    for (const [other, mw] of this.wwwRedirects(ing)) {
      const first = secure[0];
      if (first === undefined) break;
      plain.push({ kind: 'Rule', match: `Host(\`${other}\`)`, middlewares: [{ name: mw }], services: first.services });
    }
    if (secure.length === 0) return;
    this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'IngressRoute', metadata: { name, namespace: ing.id.namespace }, spec }, [ing]);
    if (plain.length > 0) {
      this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'IngressRoute', metadata: { name: objectName([name, 'http'], 253), namespace: ing.id.namespace }, spec: { entryPoints: ['web'], routes: plain } }, [ing]);
    }
  }

  /** `namespace/host` of the hosts where a canary routes by header or cookie (their routes get explicit priorities). */
  private canaryRuleHosts(all: IngressModel[]): Set<string> {
    if (this.ruleHosts === undefined) {
      this.ruleHosts = new Set();
      for (const c of all) {
        const cf = c.features.canary;
        if (cf === undefined || (cf.header === undefined && cf.cookie === undefined)) continue;
        for (const r of c.rules) this.ruleHosts.add(c.id.namespace + '/' + r.host);
      }
    }
    return this.ruleHosts;
  }

  private canaryFor(ing: IngressModel, host: string, p: PathRule, all: IngressModel[]): CanaryRoute | undefined {
    for (const c of all) {
      const cf = c.features.canary;
      if (cf === undefined || c.id.namespace !== ing.id.namespace) continue;
      const r = c.rules.find((x) => x.host === host);
      const cp = r?.paths.find((x) => x.path === p.path && x.pathType === p.pathType);
      if (cp === undefined || cp.backend?.kind !== 'service') continue;
      const ct: Translation = { ing: c, middlewares: [], service: {}, regex: false };
      const svc = this.serviceRef(c, cp.backend, ct, this.parsed.related);
      if (svc === undefined) continue;
      const total = cf.weightTotal;
      const weight = Math.max(0, Math.min(cf.weight ?? 0, total));
      const pattern = cf.header !== undefined && cf.headerValue === undefined ? cf.headerPattern : undefined;
      let header = cf.header;
      if (pattern !== undefined && PCRE_ONLY.test(pattern)) {
        this.notes.add('warning', 'not-translated', c, `canary-by-header-pattern "${pattern}" uses PCRE syntax (lookaround, backreference, atomic group or \\K) that Go's RE2 cannot compile, and a HeaderRegexp rule that does not compile takes the whole route down; no header rule is written, so such requests follow the cookie and weight rules`, 'canary-by-header-pattern');
        header = undefined; // with a pattern, "always" / "never" are not special either
      }
      return { name: objectName([ing.id.name + this.suffix, 'canary', String(all.indexOf(c))], 253), svc, weight, total, header, headerValue: cf.headerValue, headerPattern: pattern, cookie: cf.cookie };
    }
    return undefined;
  }

  private weighted(main: IngressModel, name: string, mainSvc: Rec, canarySvc: Rec, weight: number, total: number): void {
    if (this.objects.some((o) => o.obj.kind === 'TraefikService' && o.obj.metadata.name === name)) return;
    const origins = [main].concat(this.parsed.ingresses.filter((c) => c.features.canary !== undefined && c.id.namespace === main.id.namespace));
    this.push({
      apiVersion: TRAEFIK_API_VERSION,
      kind: 'TraefikService',
      metadata: { name, namespace: main.id.namespace },
      spec: { weighted: { services: [Object.assign({}, mainSvc, { weight: total - weight }), Object.assign({}, canarySvc, { weight })] } },
    }, origins);
  }

  private passthrough(ing: IngressModel): void {
    const routes: Rec[] = [];
    for (const r of ing.rules) {
      const p = r.paths.find((x) => x.backend?.kind === 'service');
      if (p === undefined || p.backend?.kind !== 'service') continue;
      const port = servicePort(this.parsed.related, ing, p.backend);
      routes.push({ match: r.host === '' ? 'HostSNI(`*`)' : `HostSNI(\`${r.host}\`)`, services: [{ name: p.backend.name, port: port ?? p.backend.portName ?? '' }] });
      if (r.paths.length > 1 || p.path !== '/') this.notes.add('warning', 'approximated', ing, `with ssl-passthrough, host "${r.host}" is routed by SNI only (as in ingress-nginx); its paths are ignored`, 'ssl-passthrough');
    }
    if (routes.length === 0) return;
    this.push({ apiVersion: TRAEFIK_API_VERSION, kind: 'IngressRouteTCP', metadata: { name: ing.id.name + this.suffix, namespace: ing.id.namespace }, spec: { entryPoints: ['websecure'], routes, tls: { passthrough: true } } }, [ing]);
  }
}

interface CanaryRoute {
  name: string;
  svc: Rec;
  weight: number;
  total: number;
  header?: string;
  headerValue?: string;
  headerPattern?: string;
  cookie?: string;
}

/** PCRE constructs Go's RE2 rejects: lookaround, backreferences, atomic groups, possessive `\K`. */
const PCRE_ONLY = /\(\?(?:=|!|<=|<!|>)|\\[1-9]|\\K/;

/** A Traefik rule string literal: backquoted, or double-quoted (Go escapes) when it holds a backquote. */
function ruleString(s: string): string {
  return s.indexOf('`') < 0 ? '`' + s + '`' : JSON.stringify(s);
}

/**
 * The extra rules of a canary route, in ingress-nginx's precedence (balancer.lua): the header
 * (exact value, else pattern, else always / never), then the cookie (always / never), then the
 * weight (the plain route). `canary` tells where a rule sends the request; `tier` orders them.
 */
function canaryRules(c: CanaryRoute): { rule: string; canary: boolean; tier: number }[] {
  const out: { rule: string; canary: boolean; tier: number }[] = [];
  if (c.header !== undefined) {
    const h = ruleString(c.header);
    if (c.headerValue !== undefined) out.push({ rule: `Header(${h}, ${ruleString(c.headerValue)})`, canary: true, tier: 2 });
    else if (c.headerPattern !== undefined) out.push({ rule: `HeaderRegexp(${h}, ${ruleString(c.headerPattern)})`, canary: true, tier: 2 });
    else {
      out.push({ rule: `Header(${h}, \`always\`)`, canary: true, tier: 2 });
      out.push({ rule: `Header(${h}, \`never\`)`, canary: false, tier: 2 });
    }
  }
  if (c.cookie !== undefined) {
    const name = c.cookie.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    for (const v of ['always', 'never']) out.push({ rule: `HeaderRegexp(\`Cookie\`, ${ruleString(`(^|;\\s*)${name}=${v}(;|$)`)})`, canary: v === 'always', tier: 1 });
  }
  return out;
}

/** OpenSSL cipher suite names → the IANA names Traefik's TLSOption accepts (the TLS ≤ 1.2 suites Go implements). */
const OPENSSL_CIPHERS: Record<string, string> = {
  'ECDHE-ECDSA-AES128-GCM-SHA256': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384': 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305': 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-SHA256': 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-RSA-AES128-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-ECDSA-AES128-SHA': 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'ECDHE-RSA-AES128-SHA': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'ECDHE-ECDSA-AES256-SHA': 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'ECDHE-RSA-AES256-SHA': 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'ECDHE-RSA-DES-CBC3-SHA': 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'ECDHE-ECDSA-RC4-SHA': 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  'ECDHE-RSA-RC4-SHA': 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  'AES128-GCM-SHA256': 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'AES256-GCM-SHA384': 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'AES128-SHA256': 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'AES128-SHA': 'TLS_RSA_WITH_AES_128_CBC_SHA',
  'AES256-SHA': 'TLS_RSA_WITH_AES_256_CBC_SHA',
  'DES-CBC3-SHA': 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'RC4-SHA': 'TLS_RSA_WITH_RC4_128_SHA',
};

function annotationRaw(ing: IngressModel, canonical: string): string | undefined {
  const a = ing.annotations.find((x) => x.name === canonical) ?? ing.annotations.find((x) => x.canonical === canonical);
  return a === undefined || a.value === undefined ? undefined : a.raw;
}

/** The key of a valid annotation by canonical name, as written on the Ingress. */
function annotationKey(ing: IngressModel, canonical: string): string | undefined {
  const a = ing.annotations.find((x) => x.name === canonical) ?? ing.annotations.find((x) => x.canonical === canonical);
  return a === undefined || a.value === undefined ? undefined : a.key;
}
