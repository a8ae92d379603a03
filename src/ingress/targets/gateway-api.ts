// Emitter: neutral model → Gateway API v1 objects (standard channel), shaped like
// ingress2gateway v1.1.0's output so migrations from either tool look the same:
// one Gateway per namespace and ingress class, one HTTPRoute per host (Ingresses that
// share a host are merged, as ingress-nginx merges them into one server block),
// GRPCRoute / TLSRoute / BackendTLSPolicy where the annotations ask for them.
// Where ingress2gateway emits something nginx would not do, warden departs from it;
// each departure is listed in test/unit/ingress/deliberate-differences.ts.

import { lookupAnnotation, targetMapping } from '../annotations/index';
import type {
  Backend,
  Features,
  IngressModel,
  Notification,
  ParsedIngresses,
  PathRule,
  Related,
} from '../model';
import { ingressLabel } from '../model';
import type { UrlParts } from '../annotations/types';
import { annotationValue, approximationNotes, backendProtocolNote } from './common';

export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

export interface GatewayApiOptions {
  /** Gateway name for parentRefs (default: the ingress class name). */
  gatewayName?: string;
  /** Gateway class of the generated Gateway (default: the ingress class name). */
  gatewayClassName?: string;
  /** Allow experimental-channel fields: retry, sessionPersistence, the ExternalAuth filter. */
  experimental?: boolean;
  /** The ingress class migrated away from (default `nginx`). */
  ingressClass?: string;
}

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export interface GatewayApiResult {
  objects: K8sObject[];
  notifications: Notification[];
  /** For each emitted object (same index), the Ingresses it was built from. */
  origins: IngressModel[][];
}

/**
 * How the emitter treats each annotation it translates. Everything not listed here is
 * reported from the registry: "no faithful equivalent" with the documented reason, or
 * "not translated yet" for mappings this emitter does not implement.
 */
export const GATEWAY_API_TRANSLATED: readonly string[] = [
  'use-regex', 'rewrite-target', 'app-root', 'x-forwarded-prefix',
  'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect', 'temporal-redirect-code',
  'from-to-www-redirect', 'ssl-redirect', 'ssl-passthrough',
  'backend-protocol', 'proxy-ssl-secret', 'proxy-ssl-verify', 'proxy-ssl-name', 'proxy-ssl-server-name',
  'enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers',
  'cors-allow-credentials', 'cors-max-age',
  'canary', 'canary-weight', 'canary-weight-total', 'canary-by-header', 'canary-by-header-value',
  'upstream-vhost', 'connection-proxy-header', 'server-alias',
  'proxy-connect-timeout', 'proxy-send-timeout', 'proxy-read-timeout',
  'force-ssl-redirect', 'preserve-trailing-slash', 'custom-headers', 'mirror-target',
  // Experimental channel (--gateway-experimental); without it each is reported with the reason.
  'proxy-next-upstream', 'proxy-next-upstream-tries', 'auth-url', 'auth-response-headers',
  'affinity', 'session-cookie-name', 'session-cookie-max-age', 'session-cookie-expires',
  // Reported with their own exact reason below (no faithful equivalent).
  'canary-by-header-pattern', 'canary-by-cookie', 'auth-tls-secret', 'auth-tls-verify-client',
];

/** Entries of GATEWAY_API_TRANSLATED that are only reported (with their exact reason), never emitted. */
export const GATEWAY_API_REPORTED_ONLY: readonly string[] = ['canary-by-header-pattern', 'canary-by-cookie', 'auth-tls-secret', 'auth-tls-verify-client'];

/** What the emitter carries into Gateway API objects: GATEWAY_API_TRANSLATED less the reported-only rows. */
export const GATEWAY_API_EMITTED: ReadonlySet<string> = new Set(GATEWAY_API_TRANSLATED.filter((n) => GATEWAY_API_REPORTED_ONLY.indexOf(n) < 0));

/** Access control: dropping these makes the route more open than it was (fails open). */
const ACCESS_CONTROL = [
  'allowlist-source-range', 'denylist-source-range', 'auth-type', 'auth-secret', 'auth-url', 'auth-signin',
  'auth-tls-secret', 'auth-tls-verify-client', 'auth-tls-match-cn', 'limit-rps', 'limit-rpm', 'limit-connections',
];

type Rule = Record<string, unknown>;

/** HTTPRoute / GRPCRoute `spec.rules` maxItems in the Gateway API CRDs. */
export const MAX_RULES = 16;

interface HostGroup {
  namespace: string;
  host: string;
  main: IngressModel[];
  canaries: IngressModel[];
}

function slug(host: string): string {
  if (host === '') return 'all-hosts';
  return host.split('*').join('wildcard').split('.').join('-');
}

/** Go's time.Duration String() for whole seconds (e.g. 300 → "5m0s"). */
export function goDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}

function meta(name: string, namespace: string): { name: string; namespace: string } {
  return { name, namespace };
}

export function emitGatewayApi(parsed: ParsedIngresses, options: GatewayApiOptions = {}): GatewayApiResult {
  const emitter = new Emitter(parsed.related, options);
  return emitter.run(parsed.ingresses);
}

class Emitter {
  private readonly notes: Notification[] = [];
  private readonly gateways = new Map<string, { namespace: string; listeners: Map<string, Rule> }>();
  private readonly routes: { obj: K8sObject; origins: IngressModel[] }[] = [];
  private readonly policies = new Map<string, { obj: K8sObject; origins: IngressModel[] }>();
  private readonly className: string;
  private readonly gatewayName: string;

  constructor(private readonly related: Related, private readonly options: GatewayApiOptions) {
    this.className = options.ingressClass ?? 'nginx';
    this.gatewayName = options.gatewayName ?? this.className;
  }

  run(ingresses: IngressModel[]): GatewayApiResult {
    const sorted = ingresses.slice().sort((a, b) => (a.id.namespace + '/' + a.id.name < b.id.namespace + '/' + b.id.name ? -1 : 1));
    for (const ing of sorted) this.annotationNotes(ing);
    const groups = this.groupByHost(sorted);
    const definedHosts = new Set<string>();
    for (const g of groups) definedHosts.add(g.namespace + '/' + g.host);
    const claimedAliases = new Set<string>();
    for (const g of groups) this.emitHost(g, definedHosts, claimedAliases);
    for (const ing of sorted) {
      if (ing.features.canary === undefined && ing.defaultBackend !== undefined) this.emitDefaultBackend(ing);
    }
    for (const ing of sorted) {
      if (ing.features.fromToWwwRedirect === true && ing.features.canary === undefined) this.emitWwwRedirects(ing, definedHosts);
    }

    const objects: K8sObject[] = [];
    const origins: IngressModel[][] = [];
    const gwKeys = Array.from(this.gateways.keys()).sort();
    for (const key of gwKeys) {
      const gw = this.gateways.get(key)!;
      if (gw.listeners.size === 0) continue;
      const names = Array.from(gw.listeners.keys()).sort();
      objects.push({
        apiVersion: GATEWAY_API_VERSION,
        kind: 'Gateway',
        metadata: meta(this.gatewayName, gw.namespace),
        spec: { gatewayClassName: this.options.gatewayClassName ?? this.className, listeners: names.map((n) => gw.listeners.get(n)!) },
      });
      origins.push(ingresses.filter((i) => i.id.namespace === gw.namespace));
    }
    const routes = this.routes.slice().sort((a, b) => {
      const ka = a.obj.kind + '/' + a.obj.metadata.namespace + '/' + a.obj.metadata.name;
      const kb = b.obj.kind + '/' + b.obj.metadata.namespace + '/' + b.obj.metadata.name;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    for (const r of routes) {
      objects.push(r.obj);
      origins.push(r.origins);
    }
    for (const key of Array.from(this.policies.keys()).sort()) {
      objects.push(this.policies.get(key)!.obj);
      origins.push(this.policies.get(key)!.origins);
    }
    for (const ing of sorted) this.notes.push(...approximationNotes(this.notes, ing, 'gateway-api', 'Gateway API', GATEWAY_API_EMITTED));
    return { objects, notifications: this.notes, origins };
  }

  private note(severity: Notification['severity'], code: string, ing: IngressModel | undefined, message: string, annotation?: string): void {
    const n: Notification = { severity, code, message };
    if (ing !== undefined) n.ingress = ing.id;
    if (annotation !== undefined) n.annotation = annotation;
    this.notes.push(n);
  }

  /** One notification per annotation that Gateway API (or this emitter) cannot carry. */
  private annotationNotes(ing: IngressModel): void {
    for (const a of ing.annotations) {
      const spec = lookupAnnotation(a.name);
      if (spec === undefined || spec.value === 'snippet') continue; // snippets: parse.ts reports them (critical)
      if (GATEWAY_API_TRANSLATED.indexOf(a.canonical) >= 0) continue;
      if (ing.features.canary !== undefined && spec.area !== 'canary') continue; // reported as ignored on canaries
      const m = targetMapping(spec, 'gateway-api');
      const failsOpen = ACCESS_CONTROL.indexOf(a.canonical) >= 0;
      const severity = failsOpen ? 'error' : 'warning';
      const open = failsOpen ? ' Dropping it removes access control: the route becomes reachable by requests ingress-nginx rejected.' : '';
      if (m.level === 'none') {
        this.note(severity, 'not-translated', ing, `Ingress ${ingressLabel(ing.id)}: ${a.key} has no Gateway API equivalent (${m.reason}); it is not translated.${open}`, a.key);
      } else {
        this.note(severity, 'not-implemented', ing, `Ingress ${ingressLabel(ing.id)}: ${a.key} is not translated by warden's gateway-api target yet (Gateway API: ${m.note}).${open}`, a.key);
      }
    }
    const f = ing.features;
    if (f.bodySize !== undefined) {
      // Already reported above as not translated; spell out the exact consequence.
      this.note('warning', 'body-size', ing, `Ingress ${ingressLabel(ing.id)}: request bodies were limited to ${f.bodySize === 0 ? 'no limit ("0" = unlimited)' : f.bodySize + ' bytes (413 above)'} by nginx; Gateway API has no body-size field, so the limit now depends on the implementation's default`, 'nginx.ingress.kubernetes.io/proxy-body-size');
    }
    if (f.timeouts !== undefined) {
      const max = Math.max(f.timeouts.connect ?? 0, f.timeouts.send ?? 0, f.timeouts.read ?? 0);
      // One note per timeout annotation set, so that each is named.
      for (const a of ing.annotations) {
        if (['proxy-connect-timeout', 'proxy-send-timeout', 'proxy-read-timeout'].indexOf(a.canonical) < 0 || a.value === undefined) continue;
        this.note('warning', 'approximated', ing, `Ingress ${ingressLabel(ing.id)}: ${a.key} "${a.raw}": proxy-connect/send/read-timeout are nginx idle timers per operation (seconds); Gateway API has only total deadlines, so warden sets timeouts.request to ${goDuration(max * 10)} (10 × the largest, as ingress2gateway does): requests slower than that in total now fail, and a stalled upstream is detected later than after ${max}s`, a.key);
      }
    }
    if (f.connectionProxyHeader !== undefined) {
      this.note('warning', 'approximated', ing, `Ingress ${ingressLabel(ing.id)}: connection-proxy-header becomes a RequestHeaderModifier setting Connection: ${f.connectionProxyHeader}; Connection is hop-by-hop, and implementations may drop or reject it`, 'nginx.ingress.kubernetes.io/connection-proxy-header');
    }
    if (f.canary?.headerPattern !== undefined && f.canary.header !== undefined) {
      this.note('warning', 'not-translated', ing, `Ingress ${ingressLabel(ing.id)}: canary-by-header-pattern (a PCRE on header ${f.canary.header}) is not translated; only the "always"/"never" values route (header regex matches are implementation-specific)`, 'nginx.ingress.kubernetes.io/canary-by-header-pattern');
    }
    if (f.canary?.cookie !== undefined) {
      this.note('warning', 'not-translated', ing, `Ingress ${ingressLabel(ing.id)}: canary-by-cookie (${f.canary.cookie}=always/never) is not translated; Gateway API can match cookies only with an implementation-specific regex on the Cookie header`, 'nginx.ingress.kubernetes.io/canary-by-cookie');
    }
    if (f.xForwardedPrefix !== undefined && f.rewriteTarget === undefined) {
      this.note('info', 'no-effect', ing, `Ingress ${ingressLabel(ing.id)}: x-forwarded-prefix has no effect without rewrite-target in ingress-nginx; nothing is emitted`, 'nginx.ingress.kubernetes.io/x-forwarded-prefix');
    }
    this.newerNotes(ing);
    const proto = backendProtocolNote(ing, 'Gateway API');
    if (proto !== undefined) this.notes.push(proto);
  }

  /** Notes for the annotations translated since the first version (task: the 16 "not translated yet"). */
  private newerNotes(ing: IngressModel): void {
    const label = `Ingress ${ingressLabel(ing.id)}`;
    const key = (n: string): string => ing.annotations.find((a) => a.canonical === n)?.key ?? 'nginx.ingress.kubernetes.io/' + n;
    const has = (n: string): boolean => ing.annotations.some((a) => a.canonical === n && a.value !== undefined);
    const exp = this.options.experimental === true;
    if (ing.features.canary !== undefined) return;
    if (ing.features.forceSslRedirect === true && ing.tls.length === 0) {
      this.note('warning', 'not-translated', ing, `${label}: force-ssl-redirect without TLS on the Ingress has no faithful Gateway API equivalent: ingress-nginx decides from X-Forwarded-Proto set by the TLS-offloading load balancer, and a route cannot match "header absent or http"; configure the redirect on that load balancer`, key('force-ssl-redirect'));
    }
    if (annotationValue<boolean>(ing, 'preserve-trailing-slash') === false) {
      this.note('warning', 'approximated', ing, `${label}: preserve-trailing-slash "false": ingress-nginx drops a trailing slash in its HTTPS redirect; a Gateway API redirect keeps the path as it is`, key('preserve-trailing-slash'));
    }
    const tlsSecret = annotationValue<{ name: string }>(ing, 'auth-tls-secret');
    if (tlsSecret !== undefined) {
      this.note('error', 'not-translated', ing, `${label}: auth-tls-secret (client certificates required for this host) has no per-host Gateway API form: spec.tls.frontend validates per Gateway port, so it would apply to every host on port 443 of Gateway ${this.gatewayName}; set it there by hand if that is acceptable. Leaving it out removes access control.`, key('auth-tls-secret'));
    }
    const verifyClient = annotationValue<string>(ing, 'auth-tls-verify-client');
    if (verifyClient !== undefined && verifyClient !== 'off') {
      this.note('error', 'not-translated', ing, `${label}: auth-tls-verify-client "${verifyClient}" is not translated: it qualifies auth-tls-secret, whose client-certificate check has no per-host Gateway API form (spec.tls.frontend validation modes AllowValidOnly / AllowInsecureFallback apply per Gateway port). Leaving it out removes access control.`, key('auth-tls-verify-client'));
    }
    const retryWanted = has('proxy-next-upstream') || has('proxy-next-upstream-tries');
    if (retryWanted && !exp) this.note('warning', 'experimental-only', ing, `${label}: proxy-next-upstream / -tries map to HTTPRoute retry, which is in Gateway API's experimental channel only; pass --gateway-experimental to emit it`, key(has('proxy-next-upstream') ? 'proxy-next-upstream' : 'proxy-next-upstream-tries'));
    if (retryWanted && exp) {
      const cond = (annotationValue<string>(ing, 'proxy-next-upstream') ?? 'error timeout').split(' ').filter((x) => x !== '');
      const other = cond.filter((c) => c.slice(0, 5) !== 'http_' && c !== 'off');
      if (other.length > 0) this.note('warning', 'approximated', ing, `${label}: proxy-next-upstream conditions ${other.join(', ')} are not status codes; HTTPRoute retry.codes lists status codes only, and retrying on connection errors is up to the implementation`, key('proxy-next-upstream'));
      const tries = annotationValue<number>(ing, 'proxy-next-upstream-tries');
      if (tries === 0) this.note('warning', 'approximated', ing, `${label}: proxy-next-upstream-tries "0" means no limit in ingress-nginx; Gateway API needs a number, so the default (2 retries = nginx's 3 tries) is emitted`, key('proxy-next-upstream-tries'));
    }
    const affinity = ing.features.affinity !== undefined;
    if (affinity && !exp) this.note('warning', 'experimental-only', ing, `${label}: affinity cookie maps to HTTPRoute sessionPersistence, which is in the experimental channel only; pass --gateway-experimental to emit it`, key('affinity'));
    if (affinity && exp) {
      const lost = ['session-cookie-path', 'session-cookie-domain', 'session-cookie-samesite', 'session-cookie-secure'].filter(has);
      this.note('warning', 'approximated', ing, `${label}: sessionPersistence has no cookie Path, Domain, SameSite or Secure attributes${lost.length > 0 ? ` (${lost.join(', ')} are dropped)` : ''}, and the implementation picks the cookie's value format; ingress-nginx's balanced mode re-balances on scale-up, Gateway API does not say`, key('affinity'));
    }
    const authUrl = annotationValue<UrlParts>(ing, 'auth-url');
    if (authUrl !== undefined) {
      const svc = serviceFromUrl(authUrl);
      if (!exp) this.note('error', 'experimental-only', ing, `${label}: auth-url maps to the ExternalAuth filter, which is in the experimental channel only; pass --gateway-experimental. Leaving it out removes access control.`, key('auth-url'));
      else if (svc === undefined) this.note('error', 'not-translated', ing, `${label}: auth-url ${authUrl.host} is not a Service of the cluster (<service>.<namespace>.svc…); ExternalAuth takes a backendRef only. Leaving it out removes access control.`, key('auth-url'));
      else {
        this.note('warning', 'approximated', ing, `${label}: auth-url becomes an ExternalAuth filter (HTTP) to Service ${svc.namespace ?? ing.id.namespace}/${svc.name}:${svc.port}${authUrl.path !== '' ? ` path ${authUrl.path}` : ''}: the auth service receives the implementation's request (not nginx's X-Original-URL/-Method headers)${svc.namespace !== undefined && svc.namespace !== ing.id.namespace ? '; a ReferenceGrant in namespace ' + svc.namespace + ' must allow it' : ''}`, key('auth-url'));
        if (has('auth-signin')) this.note('error', 'not-translated', ing, `${label}: auth-signin (redirect to a login page on 401) has no ExternalAuth field; users get the 401 instead`, key('auth-signin'));
      }
    }
    const mirror = annotationValue<UrlParts>(ing, 'mirror-target');
    if (mirror !== undefined) {
      const svc = serviceFromUrl(mirror);
      const p = mirror.path;
      if (svc === undefined) this.note('warning', 'not-translated', ing, `${label}: mirror-target ${mirror.host} is not a Service of the cluster; RequestMirror takes a backendRef only, so requests are not mirrored`, key('mirror-target'));
      else if (p !== '' && p !== '/' && p !== '$request_uri' && p !== '/$request_uri') this.note('warning', 'approximated', ing, `${label}: mirror-target path "${p}": RequestMirror sends the request's own path; the mirror gets the original path instead`, key('mirror-target'));
    }
    const ch = annotationValue<{ namespace?: string; name: string }>(ing, 'custom-headers');
    if (ch !== undefined) {
      const ref = `${ch.namespace ?? ing.id.namespace}/${ch.name}`;
      const data = this.related.configMapData.get(ref);
      if (data === undefined) this.note('warning', 'not-translated', ing, `${label}: custom-headers ConfigMap ${ref} is not among the rendered objects; its headers are unknown at render time and not added`, key('custom-headers'));
      else this.note('info', 'custom-headers', ing, `${label}: custom-headers from ConfigMap ${ref} become a ResponseHeaderModifier (${Object.keys(data).join(', ')}); ingress-nginx also filtered them through its global allowed-response-headers list, and later edits of the ConfigMap are not followed`, key('custom-headers'));
    }
  }

  /** Filters and fields for the annotations translated since the first version. */
  private newerRuleParts(ing: IngressModel, rule: Rule, filters: Rule[]): void {
    const exp = this.options.experimental === true;
    const mirror = annotationValue<UrlParts>(ing, 'mirror-target');
    const mirrorSvc = mirror === undefined ? undefined : serviceFromUrl(mirror);
    if (mirrorSvc !== undefined) filters.push({ requestMirror: { backendRef: mirrorSvc }, type: 'RequestMirror' });
    const ch = annotationValue<{ namespace?: string; name: string }>(ing, 'custom-headers');
    const data = ch === undefined ? undefined : this.related.configMapData.get(`${ch.namespace ?? ing.id.namespace}/${ch.name}`);
    if (data !== undefined && Object.keys(data).length > 0) {
      filters.push({ responseHeaderModifier: { set: Object.keys(data).map((k) => ({ name: k, value: data[k] })) }, type: 'ResponseHeaderModifier' });
    }
    if (!exp) return;
    const authUrl = annotationValue<UrlParts>(ing, 'auth-url');
    const authSvc = authUrl === undefined ? undefined : serviceFromUrl(authUrl);
    if (authUrl !== undefined && authSvc !== undefined) {
      const http: Rule = {};
      if (authUrl.path !== '' && authUrl.path !== '/') http.path = authUrl.path;
      const hdrs = annotationValue<string[]>(ing, 'auth-response-headers');
      if (hdrs !== undefined && hdrs.length > 0) http.allowedResponseHeaders = hdrs;
      filters.unshift({ externalAuth: { backendRef: authSvc, http, protocol: 'HTTP' }, type: 'ExternalAuth' });
    }
    if (annotationValue(ing, 'proxy-next-upstream') !== undefined || annotationValue(ing, 'proxy-next-upstream-tries') !== undefined) {
      const cond = (annotationValue<string>(ing, 'proxy-next-upstream') ?? 'error timeout').split(' ');
      const codes = cond.filter((c) => c.slice(0, 5) === 'http_').map((c) => Number(c.slice(5))).filter((c) => c >= 400 && c <= 599);
      const tries = annotationValue<number>(ing, 'proxy-next-upstream-tries') ?? 3;
      const retry: Rule = { attempts: cond.indexOf('off') >= 0 ? 0 : tries === 0 ? 2 : Math.max(0, tries - 1) };
      if (codes.length > 0) retry.codes = codes;
      rule.retry = retry;
    }
    const aff = ing.features.affinity;
    if (aff !== undefined) {
      const sp: Rule = { sessionName: aff.cookieName ?? 'INGRESSCOOKIE', type: 'Cookie' };
      const age = annotationValue<number>(ing, 'session-cookie-max-age') ?? annotationValue<number>(ing, 'session-cookie-expires');
      if (age !== undefined) {
        sp.absoluteTimeout = gepDuration(age);
        sp.cookieConfig = { lifetimeType: 'Permanent' };
      }
      rule.sessionPersistence = sp;
    }
  }

  private groupByHost(ingresses: IngressModel[]): HostGroup[] {
    const map = new Map<string, HostGroup>();
    const order: string[] = [];
    for (const ing of ingresses) {
      for (const rule of ing.rules) {
        const key = ing.id.namespace + '\u0000' + rule.host;
        let g = map.get(key);
        if (g === undefined) {
          g = { namespace: ing.id.namespace, host: rule.host, main: [], canaries: [] };
          map.set(key, g);
          order.push(key);
        }
        const list = ing.features.canary !== undefined ? g.canaries : g.main;
        if (list.indexOf(ing) < 0) list.push(ing);
      }
    }
    return order.sort().map((k) => map.get(k)!);
  }

  private gateway(namespace: string): Map<string, Rule> {
    let gw = this.gateways.get(namespace);
    if (gw === undefined) {
      gw = { namespace, listeners: new Map() };
      this.gateways.set(namespace, gw);
    }
    return gw.listeners;
  }

  private addListener(namespace: string, host: string, suffix: 'http' | 'https' | 'tls-passthrough', tls?: Rule): string {
    const name = `${slug(host)}-${suffix}`;
    const listeners = this.gateway(namespace);
    if (!listeners.has(name)) {
      const l: Rule = {};
      if (host !== '') l.hostname = host;
      l.name = name;
      l.port = suffix === 'http' ? 80 : 443;
      l.protocol = suffix === 'http' ? 'HTTP' : suffix === 'https' ? 'HTTPS' : 'TLS';
      if (tls !== undefined) l.tls = tls;
      listeners.set(name, l);
    }
    return name;
  }

  private backendRef(ing: IngressModel, b: Backend | undefined): Rule | undefined {
    if (b === undefined) return undefined;
    if (b.kind === 'resource') {
      this.note('warning', 'not-translated', ing, `Ingress ${ingressLabel(ing.id)}: resource backend ${b.resourceKind}/${b.name} has no Gateway API backendRef equivalent here; the path is not translated`);
      return undefined;
    }
    if (b.port !== undefined) return { name: b.name, port: b.port };
    const svc = this.related.services.get(ing.id.namespace + '/' + b.name);
    const port = svc?.ports.find((p) => p.name === b.portName);
    if (port !== undefined) return { name: b.name, port: port.port };
    this.note('error', 'unresolved-port', ing, `Ingress ${ingressLabel(ing.id)}: Service ${b.name} port "${b.portName ?? ''}" is named, and the Service is not among the rendered objects; Gateway API backendRefs need a port number (set it by hand)`);
    return { name: b.name };
  }

  private hostTls(g: HostGroup): { certs: Rule[] } | undefined {
    let certs: Rule[] | undefined;
    for (const ing of g.main) {
      for (const t of ing.tls) {
        if (t.hosts.length === 0 || t.hosts.indexOf(g.host) >= 0) {
          if ((t.secretName ?? '') === '') {
            // ingress2gateway emits a certificateRef with an empty name, which the CRD rejects.
            this.note('warning', 'tls-default-certificate', ing, `Ingress ${ingressLabel(ing.id)}: a spec.tls entry for "${g.host}" has no secretName; ingress-nginx serves it with its default certificate (and redirects HTTP to HTTPS), which Gateway API cannot express: no certificateRef is emitted for it`);
            continue;
          }
          certs = certs ?? [];
          certs.push({ group: '', kind: 'Secret', name: t.secretName });
        }
      }
    }
    return certs === undefined ? undefined : { certs };
  }

  private emitHost(g: HostGroup, definedHosts: Set<string>, claimedAliases: Set<string>): void {
    const first = g.main.concat(g.canaries).sort((a, b) => (a.id.name < b.id.name ? -1 : a.id.name > b.id.name ? 1 : 0))[0];
    const routeName = `${first.id.name}-${slug(g.host)}`;
    const all = g.main.concat(g.canaries);
    const regexMode = all.some((i) => i.features.useRegex === true || (i.features.rewriteTarget ?? '') !== '');
    this.addListener(g.namespace, g.host, 'http');
    const tls = this.hostTls(g);
    if (tls !== undefined) this.addListener(g.namespace, g.host, 'https', { certificateRefs: tls.certs });
    else if (g.host !== '') {
      this.note('info', 'default-certificate', first, `Host "${g.host}": ingress-nginx also serves it over HTTPS with its default (self-signed) certificate; the Gateway has no HTTPS listener for it`);
    }

    // ssl-passthrough: a TLSRoute replaces the HTTP routing of the host.
    const passthrough = g.main.find((i) => i.features.sslPassthrough === true);
    if (passthrough !== undefined) {
      const rule = passthrough.rules.find((r) => r.host === g.host);
      const path = rule?.paths.find((p) => p.backend !== undefined);
      const ref = path === undefined ? undefined : this.backendRef(passthrough, path.backend);
      if (ref !== undefined) {
        const section = this.addListener(g.namespace, g.host, 'tls-passthrough', { mode: 'Passthrough' });
        const spec: Rule = {};
        if (g.host !== '') spec.hostnames = [g.host];
        spec.parentRefs = [{ name: this.gatewayName, sectionName: section }];
        spec.rules = [{ backendRefs: [ref] }];
        this.routes.push({
          obj: { apiVersion: GATEWAY_API_VERSION, kind: 'TLSRoute', metadata: meta(`${passthrough.id.name}-${slug(g.host)}-tls-passthrough`, g.namespace), spec },
          origins: [passthrough],
        });
        if (path !== undefined && (path.path !== '/' || rule!.paths.length > 1)) {
          this.note('warning', 'approximated', passthrough, `Ingress ${ingressLabel(passthrough.id)}: with ssl-passthrough, ingress-nginx routes host "${g.host}" by SNI only; its paths are ignored and all traffic goes to ${path.backend!.name}`, 'nginx.ingress.kubernetes.io/ssl-passthrough');
        }
        return;
      }
    }

    const rules: Rule[] = [];
    const ruleIndex = new Map<string, { rule: Rule; owner: IngressModel; path: PathRule }>();
    let grpc = false;
    for (const ing of g.main) {
      const r = ing.rules.find((x) => x.host === g.host);
      if (r === undefined) continue;
      if (ing.features.backendProtocol === 'GRPC' || ing.features.backendProtocol === 'GRPCS') grpc = true;
      for (const p of r.paths) {
        const key = p.pathType + ' ' + p.path;
        const existing = ruleIndex.get(key);
        if (existing !== undefined) {
          this.note('error', 'duplicate-path', ing, `Host "${g.host}" path ${p.path} (${p.pathType}) is defined by both Ingress ${ingressLabel(existing.owner.id)} and ${ingressLabel(ing.id)}; ingress-nginx serves only one of them, so only ${ingressLabel(existing.owner.id)}'s is translated`);
          continue;
        }
        const rule = this.pathRule(ing, p, regexMode);
        if (rule === undefined) continue;
        ruleIndex.set(key, { rule, owner: ing, path: p });
        rules.push(rule);
      }
    }
    for (const c of g.canaries) this.applyCanary(c, g, ruleIndex, rules);

    const appRootOwner = g.main.find((i) => i.features.appRoot !== undefined);
    const routeRules = rules.slice();
    if (appRootOwner !== undefined) {
      routeRules.push({
        filters: [{ requestRedirect: { path: { replaceFullPath: appRootOwner.features.appRoot, type: 'ReplaceFullPath' }, statusCode: 302 }, type: 'RequestRedirect' }],
        matches: [{ path: { type: 'Exact', value: '/' } }],
      });
    }
    if (regexMode && rules.length > 0) {
      this.note('info', 'regex-paths', first, `Host "${g.host}" is in ingress-nginx regex mode (use-regex or rewrite-target on one of its Ingresses): every path of the host becomes a case-insensitive RegularExpression match "(?i)<path>.*"; regex dialect and anchoring are implementation-specific in Gateway API, and ingress-nginx anchored only at the start`);
    }

    const sslRedirect = g.main.some((i) => i.features.forceSslRedirect === true) || g.main.every((i) => i.features.sslRedirect !== false);
    const spec: Rule = {};
    if (g.host !== '') spec.hostnames = [g.host].concat(this.serverAliases(g, tls !== undefined, definedHosts, claimedAliases));
    if (tls !== undefined && sslRedirect) {
      spec.parentRefs = [{ name: this.gatewayName, port: 443, sectionName: `${slug(g.host)}-https` }];
      const redirectRules = rules.map((r) => {
        const out: Rule = { filters: [{ requestRedirect: { scheme: 'https', statusCode: 308 }, type: 'RequestRedirect' }] };
        if (r.matches !== undefined) out.matches = r.matches;
        return out;
      });
      const httpSpec: Rule = {};
      if (g.host !== '') httpSpec.hostnames = [g.host];
      httpSpec.parentRefs = [{ name: this.gatewayName, port: 80 }];
      httpSpec.rules = redirectRules;
      this.pushRoute('HTTPRoute', `${routeName}-http`, g.namespace, httpSpec, all);
    } else {
      spec.parentRefs = [{ name: this.gatewayName }];
    }
    if (grpc) {
      const grpcRules = routeRules.map((r) => {
        const out: Rule = {};
        if (r.backendRefs !== undefined) out.backendRefs = r.backendRefs;
        return out;
      });
      if (grpcRules.length > 0) spec.rules = grpcRules;
      if (routeRules.some((r) => !isRootPrefix(r))) {
        this.note('warning', 'approximated', first, `Host "${g.host}": backend-protocol GRPC becomes a GRPCRoute, which matches gRPC services/methods, not URL paths; the Ingress paths are dropped`);
      }
      this.pushRoute('GRPCRoute', routeName, g.namespace, spec, all);
    } else {
      if (routeRules.length > 0) spec.rules = routeRules;
      this.pushRoute('HTTPRoute', routeName, g.namespace, spec, all);
    }
  }

  /**
   * Routes hold at most MAX_RULES rules (CRD maxItems); longer lists are split into
   * `<name>`, `<name>-2`, … with the same hostnames and parents. Gateway API orders
   * matches by specificity across routes of a listener, so the split keeps the routing.
   */
  private pushRoute(kind: string, name: string, namespace: string, spec: Rule, origins: IngressModel[]): void {
    const rules = (spec.rules as Rule[] | undefined) ?? [];
    if (rules.length <= MAX_RULES) {
      this.routes.push({ obj: { apiVersion: GATEWAY_API_VERSION, kind, metadata: meta(name, namespace), spec }, origins });
      return;
    }
    this.note('info', 'route-split', origins[0], `${kind} ${namespace}/${name} would have ${rules.length} rules; Gateway API allows ${MAX_RULES} per route, so it is split into ${Math.ceil(rules.length / MAX_RULES)} routes`);
    for (let i = 0; i < rules.length; i += MAX_RULES) {
      const part = Object.assign({}, spec, { rules: rules.slice(i, i + MAX_RULES) });
      const partName = i === 0 ? name : `${name}-${i / MAX_RULES + 1}`;
      this.routes.push({ obj: { apiVersion: GATEWAY_API_VERSION, kind, metadata: meta(partName, namespace), spec: part }, origins });
    }
  }

  /**
   * server-alias: extra server_name entries of the host's server block. ingress-nginx
   * skips an alias that is already a rule host or claimed by an earlier Ingress.
   */
  private serverAliases(g: HostGroup, hasTls: boolean, definedHosts: Set<string>, claimed: Set<string>): string[] {
    const out: string[] = [];
    for (const ing of g.main) {
      for (const alias of ing.features.serverAlias ?? []) {
        const key = g.namespace + '/' + alias;
        const why = alias === g.host || definedHosts.has(key) ? 'an Ingress already serves that host' : claimed.has(key) ? 'another Ingress claimed that alias first' : undefined;
        if (why !== undefined) {
          this.note('warning', 'server-alias-skipped', ing, `Ingress ${ingressLabel(ing.id)}: server-alias "${alias}" is ignored (${why}), as ingress-nginx ignores it`, 'nginx.ingress.kubernetes.io/server-alias');
          continue;
        }
        if (hasTls) {
          this.note('warning', 'not-translated', ing, `Ingress ${ingressLabel(ing.id)}: server-alias "${alias}" on TLS host "${g.host}" is not translated (the alias would need an HTTPS listener with a certificate covering it); add it by hand`, 'nginx.ingress.kubernetes.io/server-alias');
          continue;
        }
        claimed.add(key);
        this.addListener(g.namespace, alias, 'http');
        out.push(alias);
        this.note('info', 'server-alias-added', ing, `Ingress ${ingressLabel(ing.id)}: server-alias "${alias}" becomes an extra hostname (and HTTP listener) of the route for "${g.host}"`, 'nginx.ingress.kubernetes.io/server-alias');
      }
    }
    return out;
  }

  private pathMatch(p: PathRule, regexMode: boolean): Rule {
    if (regexMode) return { path: { type: 'RegularExpression', value: `(?i)${p.path}.*` } };
    return { path: { type: p.pathType === 'Exact' ? 'Exact' : 'PathPrefix', value: p.path } };
  }

  private pathRule(ing: IngressModel, p: PathRule, regexMode: boolean): Rule | undefined {
    const f = ing.features;
    const rule: Rule = {};
    const rewrite = f.rewriteTarget ?? '';
    const prefixIdiom = f.redirect === undefined && rewrite === '/$2' ? prefixRewriteIdiom(p.path) : undefined;
    const match = prefixIdiom !== undefined ? { path: { type: 'PathPrefix', value: prefixIdiom } } : this.pathMatch(p, regexMode);
    const filters: Rule[] = [];
    if (f.redirect !== undefined) {
      filters.push(this.redirectFilter(ing, f));
      rule.filters = filters;
      rule.matches = [match];
      return rule;
    }
    const ref = this.backendRef(ing, p.backend);
    if (ref === undefined) return undefined;
    rule.backendRefs = [ref];
    const set: Rule[] = [];
    if (f.upstreamVhost !== undefined) set.push({ name: 'Host', value: f.upstreamVhost });
    if (f.connectionProxyHeader !== undefined) set.push({ name: 'Connection', value: f.connectionProxyHeader });
    if (rewrite !== '' && f.xForwardedPrefix !== undefined) set.push({ name: 'X-Forwarded-Prefix', value: f.xForwardedPrefix });
    if (set.length > 0) filters.push({ requestHeaderModifier: { set }, type: 'RequestHeaderModifier' });
    if (prefixIdiom !== undefined) {
      // nginx: `rewrite "(?i)<P>(/|$)(.*)" /$2` strips the prefix P, which is exactly
      // PathPrefix P + ReplacePrefixMatch "/" (docs/nginx-annotations.md §3.2).
      this.note('warning', 'rewrite-prefix', ing, `Ingress ${ingressLabel(ing.id)}: path "${p.path}" with rewrite-target "/$2" strips the prefix ${prefixIdiom}; emitted as PathPrefix ${prefixIdiom} + URLRewrite ReplacePrefixMatch "/" (same rewrite; the match is now case-sensitive, nginx's regex location was not)`, 'nginx.ingress.kubernetes.io/rewrite-target');
      filters.push({ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: '/', type: 'ReplacePrefixMatch' } } });
    } else if (rewrite !== '') {
      if (rewrite.indexOf('$') >= 0) {
        this.note('error', 'rewrite-captures', ing, `Ingress ${ingressLabel(ing.id)}: rewrite-target "${rewrite}" uses regex captures of path "${p.path}"; Gateway API URLRewrite cannot substitute captures, so the emitted ReplaceFullPath is the literal "${rewrite}" (as ingress2gateway emits it); rewrite the route by hand`, 'nginx.ingress.kubernetes.io/rewrite-target');
      } else if (p.pathType !== 'Exact') {
        this.note('warning', 'approximated', ing, `Ingress ${ingressLabel(ing.id)}: rewrite-target "${rewrite}" replaces the WHOLE path in nginx (path ${p.path} matches as an unanchored regex); emitted as URLRewrite ReplaceFullPath "${rewrite}", so ${p.path}/anything is also sent to "${rewrite}"`, 'nginx.ingress.kubernetes.io/rewrite-target');
      }
      filters.push({ type: 'URLRewrite', urlRewrite: { path: { replaceFullPath: rewrite, type: 'ReplaceFullPath' } } });
    }
    if (f.cors !== undefined) filters.push(corsFilter(f));
    this.newerRuleParts(ing, rule, filters);
    if (filters.length > 0) rule.filters = filters;
    rule.matches = [match];
    if (f.timeouts !== undefined) {
      const max = Math.max(f.timeouts.connect ?? 0, f.timeouts.send ?? 0, f.timeouts.read ?? 0);
      rule.timeouts = { request: goDuration(max * 10) };
    }
    this.backendTls(ing, p.backend);
    return rule;
  }

  private redirectFilter(ing: IngressModel, f: Features): Rule {
    const r = f.redirect!;
    let code = r.code;
    const allowed = [301, 302, 303, 307, 308];
    if (allowed.indexOf(code) < 0) {
      const fallback = r.kind === 'permanent' ? 301 : 302;
      this.note('warning', 'approximated', ing, `Ingress ${ingressLabel(ing.id)}: nginx answers the redirect with ${code}; Gateway API RequestRedirect accepts only 301, 302, 303, 307, 308, so ${fallback} is emitted`, `nginx.ingress.kubernetes.io/${r.kind}-redirect-code`);
      code = fallback;
    } else if (code === 303 || code === 307 || code === 308) {
      this.note('info', 'extended-feature', ing, `Ingress ${ingressLabel(ing.id)}: redirect status ${code} is an Extended feature of Gateway API; check that your implementation supports it`, `nginx.ingress.kubernetes.io/${r.kind}-redirect-code`);
    }
    if (r.url.query !== undefined) {
      this.note('warning', 'approximated', ing, `Ingress ${ingressLabel(ing.id)}: the query "?${r.url.query}" of ${r.kind}-redirect "${r.raw}" cannot be expressed in a Gateway API RequestRedirect and is dropped`, `nginx.ingress.kubernetes.io/${r.kind}-redirect`);
    }
    if (r.url.path.indexOf('$') >= 0) {
      this.note('error', 'redirect-captures', ing, `Ingress ${ingressLabel(ing.id)}: ${r.kind}-redirect "${r.raw}" uses nginx variables or regex captures; Gateway API cannot substitute them, so the Location would contain "${r.url.path}" literally`, `nginx.ingress.kubernetes.io/${r.kind}-redirect`);
    }
    const redirect: Rule = { hostname: r.url.host, path: { replaceFullPath: r.url.path === '' ? '/' : r.url.path, type: 'ReplaceFullPath' }, scheme: r.url.scheme, statusCode: code };
    if (r.url.port !== undefined) redirect.port = r.url.port;
    return { requestRedirect: redirect, type: 'RequestRedirect' };
  }

  private applyCanary(c: IngressModel, g: HostGroup, index: Map<string, { rule: Rule; owner: IngressModel; path: PathRule }>, rules: Rule[]): void {
    const canary = c.features.canary!;
    const r = c.rules.find((x) => x.host === g.host);
    if (r === undefined) return;
    for (const p of r.paths) {
      const main = index.get(p.pathType + ' ' + p.path);
      const mainRefs = main?.rule.backendRefs as Rule[] | undefined;
      if (main === undefined || mainRefs === undefined || mainRefs.length !== 1) {
        this.note('error', 'canary-without-main', c, `Canary Ingress ${ingressLabel(c.id)}: no main Ingress serves host "${g.host}" path ${p.path} (${p.pathType}); ingress-nginx ignores this canary, and it is not translated`, 'nginx.ingress.kubernetes.io/canary');
        continue;
      }
      const canaryRef = this.backendRef(c, p.backend);
      if (canaryRef === undefined) continue;
      const mainRef = mainRefs[0];
      const matchPath = (main.rule.matches as Rule[])[0];
      if (canary.weight !== undefined || canary.header === undefined) {
        const w = Math.max(0, Math.min(canary.weight ?? 0, canary.weightTotal));
        main.rule.backendRefs = [Object.assign({}, canaryRef, { weight: w }), Object.assign({}, mainRef, { weight: canary.weightTotal - w })];
      }
      if (canary.header !== undefined) {
        const headerRule = (value: string, ref: Rule): Rule => ({
          backendRefs: [ref],
          matches: [Object.assign({ headers: [{ name: canary.header, value }] }, matchPath)],
        });
        if (canary.headerValue !== undefined) rules.push(headerRule(canary.headerValue, canaryRef));
        else {
          rules.push(headerRule('always', canaryRef));
          rules.push(headerRule('never', mainRef));
        }
      }
    }
  }

  private backendTls(ing: IngressModel, b: Backend | undefined): void {
    const f = ing.features;
    if (f.backendProtocol !== 'HTTPS' && f.backendProtocol !== 'GRPCS') return;
    if (b === undefined || b.kind !== 'service') return;
    const t = f.backendTls ?? {};
    const missing: string[] = [];
    if (t.verify !== true) missing.push('proxy-ssl-verify is not "on" (nginx does not verify the backend; a BackendTLSPolicy always verifies)');
    if (t.secret === undefined) missing.push('proxy-ssl-secret (the CA to verify with) is not set');
    else if (t.secret.namespace !== undefined && t.secret.namespace !== ing.id.namespace) missing.push(`proxy-ssl-secret is in another namespace (${t.secret.namespace})`);
    if (t.serverNameOn !== true) missing.push('proxy-ssl-server-name is not "on"');
    if (t.name === undefined) missing.push('proxy-ssl-name is not set (the hostname to verify)');
    const key = ing.id.namespace + '/' + b.name;
    if (missing.length > 0) {
      const message = `Ingress ${ingressLabel(ing.id)}: backend-protocol ${f.backendProtocol} to Service ${b.name} is not translated into a BackendTLSPolicy: ${missing.join('; ')}. The Gateway will talk plain HTTP to the backend unless you add one`;
      this.note('warning', 'backend-tls', ing, message, 'nginx.ingress.kubernetes.io/backend-protocol');
      // The proxy-ssl-* annotations that are set go unused too: each is named.
      for (const a of ing.annotations) {
        if (a.canonical.slice(0, 10) === 'proxy-ssl-' && a.value !== undefined && !this.notes.some((n) => n.ingress?.index === ing.id.index && n.annotation === a.key && n.code === 'backend-tls')) {
          this.note('warning', 'backend-tls', ing, message, a.key);
        }
      }
      return;
    }
    if (this.policies.has(key)) return;
    this.note('warning', 'backend-tls-ca', ing, `Ingress ${ingressLabel(ing.id)}: the BackendTLSPolicy for Service ${b.name} references ConfigMap "${t.secret!.name}" holding ca.crt from Secret ${t.secret!.name}; create it. The client certificate (tls.crt/tls.key) of that Secret is not presented to the backend (BackendTLSPolicy has no client certificate; Gateway spec.tls.backend would apply to the whole Gateway)`, 'nginx.ingress.kubernetes.io/proxy-ssl-secret');
    this.policies.set(key, {
      obj: {
        apiVersion: GATEWAY_API_VERSION,
        kind: 'BackendTLSPolicy',
        metadata: meta(`${b.name}-backend-tls`, ing.id.namespace),
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: b.name }],
          validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: t.secret!.name }], hostname: t.name },
        },
      },
      origins: [ing],
    });
  }

  private emitDefaultBackend(ing: IngressModel): void {
    const ref = this.backendRef(ing, ing.defaultBackend);
    if (ref === undefined) return;
    const rule: Rule = { backendRefs: [ref] };
    if (ing.features.cors !== undefined) rule.filters = [corsFilter(ing.features)];
    this.gateway(ing.id.namespace);
    this.routes.push({
      obj: {
        apiVersion: GATEWAY_API_VERSION,
        kind: 'HTTPRoute',
        metadata: meta(`${ing.id.name}-default-backend`, ing.id.namespace),
        spec: { parentRefs: [{ name: this.gatewayName }], rules: [rule] },
      },
      origins: [ing],
    });
  }

  private emitWwwRedirects(ing: IngressModel, defined: Set<string>): void {
    for (const r of ing.rules) {
      if (r.host === '' || r.host.charAt(0) === '*') continue;
      const other = r.host.slice(0, 4) === 'www.' ? r.host.slice(4) : 'www.' + r.host;
      if (defined.has(ing.id.namespace + '/' + other)) {
        this.note('info', 'www-redirect-skipped', ing, `Ingress ${ingressLabel(ing.id)}: from-to-www-redirect would redirect "${other}", but an Ingress already serves that host; ingress-nginx then omits the redirect, and so does warden`, 'nginx.ingress.kubernetes.io/from-to-www-redirect');
        continue;
      }
      this.addListener(ing.id.namespace, other, 'http');
      this.routes.push({
        obj: {
          apiVersion: GATEWAY_API_VERSION,
          kind: 'HTTPRoute',
          metadata: meta(`00-${ing.id.name}-${slug(r.host)}-${slug(other)}-www-redirect`, ing.id.namespace),
          spec: {
            hostnames: [other],
            parentRefs: [
              { name: this.gatewayName, port: 80, sectionName: `${slug(other)}-http` },
              { name: this.gatewayName, port: 443, sectionName: `${slug(other)}-https` },
            ],
            rules: [{ filters: [{ requestRedirect: { hostname: r.host, statusCode: 301 }, type: 'RequestRedirect' }] }],
          },
        },
        origins: [ing],
      });
    }
  }
}

/**
 * For the ingress-nginx idiom `path: /x(/|$)(.*)` + `rewrite-target: /$2`, the literal
 * prefix `/x`; undefined for any other path.
 */
export function prefixRewriteIdiom(path: string): string | undefined {
  const suffix = '(/|$)(.*)';
  if (path.length <= suffix.length || path.slice(-suffix.length) !== suffix) return undefined;
  const prefix = path.slice(0, -suffix.length);
  if (prefix.charAt(0) !== '/' || prefix.charAt(prefix.length - 1) === '/') return undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charAt(i);
    const literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '/' || c === '-' || c === '_';
    if (!literal) return undefined;
  }
  return prefix;
}

function isRootPrefix(r: Rule): boolean {
  const m = r.matches as Rule[] | undefined;
  if (m === undefined) return true;
  const p = m[0]?.path as Rule | undefined;
  return p !== undefined && p.type === 'PathPrefix' && p.value === '/' && m[0].headers === undefined;
}

function corsFilter(f: Features): Rule {
  const c = f.cors!;
  const cors: Rule = {
    allowCredentials: c.allowCredentials,
    allowHeaders: c.allowHeaders,
    allowMethods: c.allowMethods,
    allowOrigins: c.allowOrigins,
    maxAge: c.maxAge,
  };
  if (c.exposeHeaders.length > 0) cors.exposeHeaders = c.exposeHeaders;
  return { cors, type: 'CORS' };
}

/**
 * A URL naming a Service of the cluster (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`)
 * as a backendRef; undefined for other hosts.
 */
export function serviceFromUrl(url: UrlParts): Rule | undefined {
  const parts = url.host.toLowerCase().split('.');
  const tail = parts.slice(2).join('.');
  if (parts.length > 2 && tail !== 'svc' && tail !== 'svc.cluster.local') return undefined;
  if (parts.some((p) => p === '' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p))) return undefined;
  const ref: Rule = { name: parts[0] };
  if (parts.length >= 2) ref.namespace = parts[1];
  ref.port = url.port ?? (url.scheme === 'https' ? 443 : 80);
  return ref;
}

/** Whole seconds as a GEP-2257 duration without zero parts (3600 → "1h", 90 → "1m30s"). */
export function gepDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return (h > 0 ? `${h}h` : '') + (m > 0 ? `${m}m` : '') + (s > 0 ? `${s}s` : '');
}
