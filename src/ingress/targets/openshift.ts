// Emitter: neutral model → OpenShift Route objects (route.openshift.io/v1).
//
// Why Routes and not an Ingress left for OpenShift to convert: OpenShift converts only
// Ingresses of its own class (or without one), the generated Routes cannot carry canary
// weights (alternateBackends), and edits to them are overwritten. Explicit Routes express
// weights, TLS termination and the redirect policy directly. Certificates are referenced
// with spec.tls.externalCertificate (the router needs read access to the Secret).
//
// One Route per Ingress host and path (a Route has one host, one path, one Service).
// Router defaults that differ from ingress-nginx are pinned so behaviour does not change:
// server timeout 60s (router default 30s), round-robin balancing (router default random),
// no sticky cookie unless affinity is set (routes are sticky by default), HSTS on TLS hosts.

import type { TargetId } from '../annotations/index';
import type { Backend, IngressModel, ParsedIngresses, PathRule } from '../model';
import {
  annotationValue,
  approximationNotes,
  backendProtocolNote,
  haproxyTime,
  hasRegexSyntax,
  Notes,
  objectName,
  regexHosts,
  reportUntranslated,
  slug,
  sortIngresses,
  type EmitResult,
  type K8sObject,
  type Rec,
} from './common';
import { prefixRewriteIdiom } from './gateway-api';

export const ROUTE_API_VERSION = 'route.openshift.io/v1';
const TARGET: TargetId = 'openshift';
const H = 'haproxy.router.openshift.io/';
const RO = 'router.openshift.io/';
/** The router keeps at most 61 entries of ip_whitelist (Red Hat documentation). */
export const MAX_IP_WHITELIST = 61;
/** alternateBackends[].weight and to.weight range. */
export const MAX_ROUTE_WEIGHT = 256;

export const OPENSHIFT_TRANSLATED: ReadonlySet<string> = new Set([
  'rewrite-target', 'x-forwarded-prefix', 'ssl-redirect', 'force-ssl-redirect', 'ssl-passthrough', 'server-alias',
  'backend-protocol', 'proxy-ssl-verify', 'proxy-ssl-secret', 'proxy-send-timeout', 'proxy-read-timeout',
  'canary', 'canary-weight', 'canary-weight-total',
  'affinity', 'session-cookie-name', 'session-cookie-samesite',
  'limit-rps', 'limit-rpm', 'limit-connections',
  'allowlist-source-range', 'load-balance', 'upstream-hash-by',
]);

export interface OpenshiftOptions {
  mode?: 'report' | 'rewrite' | 'both';
}

export function emitOpenshift(parsed: ParsedIngresses, options: OpenshiftOptions = {}): EmitResult {
  const notes = new Notes();
  const out: { obj: K8sObject; origins: IngressModel[] }[] = [];
  const regex = regexHosts(parsed);
  const sorted = sortIngresses(parsed.ingresses);
  const suffix = options.mode === 'both' ? '-route' : '';

  const canaries = sorted.filter((i) => i.features.canary !== undefined);
  for (const ing of sorted) {
    reportUntranslated(notes, ing, TARGET, 'OpenShift', OPENSHIFT_TRANSLATED);
    if (ing.features.canary !== undefined) continue; // merged into the main Route below
    const annotations = routeAnnotations(ing, notes);
    const aliases = (ing.features.serverAlias ?? []).filter((h) => !ing.rules.some((r) => r.host === h));
    for (const r of ing.rules) {
      if (regex.has(ing.id.namespace + '/' + r.host)) {
        const rx = r.paths.filter((p) => hasRegexSyntax(p.path) && prefixRewriteIdiom(p.path) === undefined);
        if (rx.length > 0) notes.add('error', 'regex-paths', ing, `paths ${rx.map((p) => p.path).join(', ')} of host "${r.host}" are regexes in ingress-nginx; Route paths are literal prefixes, so requests would miss them`, ing.features.useRegex === true ? 'use-regex' : 'rewrite-target');
        else notes.add('warning', 'regex-paths', ing, `host "${r.host}" is in ingress-nginx regex mode (case-insensitive); Route paths match as case-sensitive prefixes`, ing.features.useRegex === true ? 'use-regex' : 'rewrite-target');
      }
      for (const host of [r.host].concat(r.host !== '' ? aliases : [])) {
        r.paths.forEach((p, i) => {
          const name = objectName([ing.id.name + suffix, slug(host), r.paths.length > 1 ? String(i + 1) : ''], 253);
          const route = buildRoute(ing, host, r.host, p, name, annotations, notes, parsed);
          if (route === undefined) return;
          const origins = [ing];
          for (const c of canaries) if (applyCanary(route, c, r.host, p, notes, parsed)) origins.push(c);
          out.push({ obj: route, origins });
        });
      }
    }
    if (ing.defaultBackend !== undefined && ing.rules.length === 0) {
      notes.add('warning', 'not-translated', ing, 'spec.defaultBackend (catch-all for unknown hosts) has no Route equivalent: a Route always has a host');
    }
  }
  for (const c of canaries) {
    if (!out.some((o) => o.origins.indexOf(c) > 0)) {
      notes.add('error', 'canary-without-main', c, 'no main Ingress serves this canary\'s host and path; ingress-nginx ignores it, and no Route is generated', 'canary');
    }
  }
  out.sort((a, b) => (a.obj.metadata.namespace + '/' + a.obj.metadata.name < b.obj.metadata.namespace + '/' + b.obj.metadata.name ? -1 : 1));
  for (const ing of sorted) for (const n of approximationNotes(notes.list, ing, TARGET, 'OpenShift', OPENSHIFT_TRANSLATED)) notes.push(n);
  return { objects: out.map((o) => o.obj), origins: out.map((o) => o.origins), notifications: notes.list, kept: new Set(), serviceAnnotations: [], label: 'OpenShift Routes' };
}

function routeAnnotations(ing: IngressModel, notes: Notes): Record<string, string> {
  const f = ing.features;
  const a: Record<string, string> = {};
  const t = f.timeouts;
  const server = Math.max(t?.read ?? 60, t?.send ?? 60);
  a[H + 'timeout'] = haproxyTime(server);
  if (t?.read !== undefined || t?.send !== undefined) {
    notes.add('info', 'timeout', ing, `proxy-read/send-timeout (seconds, idle between reads/writes) → ${H}timeout "${haproxyTime(server)}" (server inactivity; the router would read a bare number as milliseconds)`, t?.read !== undefined ? 'proxy-read-timeout' : 'proxy-send-timeout');
  }

  const protoNote = backendProtocolNote(ing, 'an OpenShift Route');
  if (protoNote !== undefined) notes.push(protoNote);
  if (f.backendProtocol === 'GRPCS') {
    notes.add('warning', 'approximated', ing, 'backend-protocol GRPCS: a reencrypt Route reaches the backend over TLS, but the router speaks HTTP/2 to it (which gRPC needs) only when HTTP/2 is enabled on the IngressController and the backend offers h2 in ALPN; otherwise gRPC calls fail', 'backend-protocol');
  }

  const allow = f.allowSourceRange;
  if (allow !== undefined && allow.length > 0) {
    if (allow.length > MAX_IP_WHITELIST) {
      notes.add('error', 'ip-whitelist-too-long', ing, `allowlist-source-range has ${allow.length} entries; the OpenShift router honours at most ${MAX_IP_WHITELIST} and ignores longer lists, which would open the route`, 'allowlist-source-range');
    }
    a[H + 'ip_whitelist'] = allow.join(' ');
  }

  const rps = annotationValue<number>(ing, 'limit-rps');
  const rpm = annotationValue<number>(ing, 'limit-rpm');
  const conns = annotationValue<number>(ing, 'limit-connections');
  if (rps !== undefined || rpm !== undefined || conns !== undefined) a[H + 'rate-limit-connections'] = 'true';
  if (rps !== undefined || rpm !== undefined) {
    // The router counts HTTP requests per client IP over a 3-second window.
    const per3s = rps !== undefined ? rps * 3 : Math.max(1, Math.round((rpm! * 3) / 60));
    a[H + 'rate-limit-connections.rate-http'] = String(per3s);
    notes.add('warning', 'approximated', ing, `limit-${rps !== undefined ? 'rps' : 'rpm'} becomes rate-limit-connections.rate-http ${per3s} (requests per client IP per 3 s window, no burst); the router rejects excess requests by closing or refusing them instead of ingress-nginx's 503`, rps !== undefined ? 'limit-rps' : 'limit-rpm');
  }
  if (conns !== undefined) a[H + 'rate-limit-connections.concurrent-tcp'] = String(conns);

  const lb = annotationValue<string>(ing, 'load-balance');
  const hashBy = annotationValue<string>(ing, 'upstream-hash-by');
  let balance = 'roundrobin';
  if (hashBy !== undefined) {
    const v = hashBy.trim();
    if (v === '$remote_addr' || v === '$binary_remote_addr') balance = 'source';
    else notes.add('warning', 'not-translated', ing, `upstream-hash-by "${v}": the router can hash only the client IP (balance source); round robin is used`, 'upstream-hash-by');
  } else if (lb === 'ewma') {
    balance = 'leastconn';
    notes.add('warning', 'approximated', ing, 'load-balance ewma (latency-weighted) becomes leastconn', 'load-balance');
  } else if (lb !== undefined && lb !== 'round_robin') {
    notes.add('warning', 'not-translated', ing, `load-balance ${lb} has no router equivalent; round robin is used`, 'load-balance');
  }
  a[H + 'balance'] = balance;

  if (f.affinity !== undefined) {
    a[RO + 'cookie_name'] = f.affinity.cookieName ?? 'INGRESSCOOKIE';
    const sameSite = annotationValue<string>(ing, 'session-cookie-samesite');
    if (sameSite !== undefined) a[RO + 'cookie-same-site'] = sameSite;
  } else {
    a[H + 'disable_cookies'] = 'true';
  }
  if (ing.tls.length > 0) a[H + 'hsts_header'] = 'max-age=31536000;includeSubDomains';

  const rewrite = f.rewriteTarget ?? '';
  if (rewrite !== '' && rewrite.indexOf('$') < 0) a[H + 'rewrite-target'] = rewrite;
  return a;
}

function targetPort(ing: IngressModel, b: Backend, parsed: ParsedIngresses, notes: Notes): number | string | undefined {
  if (b.kind !== 'service') return undefined;
  const svc = parsed.related.services.get(ing.id.namespace + '/' + b.name);
  if (b.portName !== undefined) return b.portName;
  const port = svc?.ports.find((p) => p.port === b.port);
  if (port?.name !== undefined && port.name !== '') return port.name;
  if (port?.targetPort !== undefined) return port.targetPort;
  if (svc === undefined) {
    notes.add('warning', 'port-unverified', ing, `Service ${b.name} is not among the rendered objects; Route port.targetPort is the endpoint port, so ${b.port} is right only if the Service's port and targetPort are equal`);
  }
  return b.port;
}

function buildRoute(ing: IngressModel, host: string, ruleHost: string, p: PathRule, name: string, annotations: Record<string, string>, notes: Notes, parsed: ParsedIngresses): K8sObject | undefined {
  const f = ing.features;
  const b = p.backend;
  if (b === undefined) return undefined;
  if (b.kind !== 'service') {
    notes.add('warning', 'not-translated', ing, `resource backend ${b.resourceKind}/${b.name} has no Route equivalent; path ${p.path} is not translated`);
    return undefined;
  }
  if (host === '') {
    notes.add('warning', 'generated-host', ing, `a rule without host becomes a Route whose host the router generates (<name>-<namespace>.<router domain>); ingress-nginx served it for every host`);
  }
  const spec: Rec = {};
  if (host !== '') {
    if (host.slice(0, 2) === '*.') {
      spec.host = 'wildcard' + host.slice(1);
      spec.wildcardPolicy = 'Subdomain';
    } else spec.host = host;
  }
  let path = p.path;
  const idiom = (f.rewriteTarget ?? '') === '/$2' ? prefixRewriteIdiom(p.path) : undefined;
  const rewrite = f.rewriteTarget ?? '';
  const copy = Object.assign({}, annotations);
  if (idiom !== undefined) {
    path = idiom;
    copy[H + 'rewrite-target'] = '/';
    notes.add('info', 'rewrite-prefix', ing, `path "${p.path}" with rewrite-target "/$2" strips the prefix ${idiom}: Route path ${idiom} with ${H}rewrite-target "/" does the same`, 'rewrite-target');
  } else if (rewrite !== '') {
    if (rewrite.indexOf('$') >= 0) notes.add('error', 'rewrite-captures', ing, `rewrite-target "${rewrite}" uses captures of path "${p.path}"; the router's rewrite-target replaces the matched prefix with a literal and cannot substitute them`, 'rewrite-target');
    else notes.add('warning', 'approximated', ing, `rewrite-target "${rewrite}" replaces the whole path in ingress-nginx; the router replaces only the Route path prefix "${p.path}", so ${p.path}/x becomes ${rewrite.replace(/\/$/, '')}/x instead of ${rewrite}`, 'rewrite-target');
  }
  if (path !== '/' && path !== '') spec.path = path;
  if (p.pathType === 'Exact') notes.add('warning', 'approximated', ing, `path ${p.path} is Exact; Route paths are prefixes, so ${p.path}/more also matches`);
  const port = targetPort(ing, b, parsed, notes);
  if (port !== undefined) spec.port = { targetPort: port };
  spec.to = { kind: 'Service', name: b.name, weight: 100 };

  const hasTls = ing.tls.some((t) => t.hosts.length === 0 || t.hosts.indexOf(ruleHost) >= 0);
  const secret = ing.tls.find((t) => (t.hosts.length === 0 || t.hosts.indexOf(ruleHost) >= 0) && (t.secretName ?? '') !== '')?.secretName;
  const proto = f.backendProtocol;
  if (f.sslPassthrough === true) {
    spec.tls = { insecureEdgeTerminationPolicy: hasTls && f.sslRedirect !== false ? 'Redirect' : 'None', termination: 'passthrough' };
  } else if (hasTls || f.forceSslRedirect === true) {
    const tls: Rec = {};
    if (secret !== undefined) tls.externalCertificate = { name: secret };
    else if (hasTls) notes.add('warning', 'tls-default-certificate', ing, `the TLS entry for "${ruleHost}" has no secretName; the Route uses the router's default certificate`);
    else notes.add('warning', 'approximated', ing, 'force-ssl-redirect without TLS on the Ingress: the Route terminates TLS at the router with its default certificate and redirects HTTP there', 'force-ssl-redirect');
    const redirect = f.forceSslRedirect === true || f.sslRedirect !== false;
    tls.insecureEdgeTerminationPolicy = redirect ? 'Redirect' : 'Allow';
    tls.termination = proto === 'HTTPS' || proto === 'GRPCS' ? 'reencrypt' : 'edge';
    spec.tls = tls;
    if (redirect) notes.add('info', 'redirect-status', ing, 'HTTP requests are redirected to HTTPS with 302 by the router (ingress-nginx: 308)', f.forceSslRedirect === true ? 'force-ssl-redirect' : 'ssl-redirect');
  } else if (proto === 'HTTPS' || proto === 'GRPCS') {
    notes.add('warning', 'approximated', ing, 'backend-protocol HTTPS on a host without TLS: a Route re-encrypts only when it terminates TLS itself; the backend is reached over plain HTTP', 'backend-protocol');
  }
  if (proto === 'HTTPS' || proto === 'GRPCS') {
    if (f.backendTls?.verify !== true) notes.add('warning', 'backend-tls', ing, 'reencrypt Routes verify the backend certificate (service CA or spec.tls.destinationCACertificate); ingress-nginx did not verify it (proxy-ssl-verify off): a self-signed backend certificate now fails', 'backend-protocol');
    if (f.backendTls?.secret !== undefined) notes.add('warning', 'backend-tls', ing, `copy ca.crt of Secret ${f.backendTls.secret.name} into spec.tls.destinationCACertificate (a Route takes the PEM inline); its client certificate is not presented to the backend`, 'proxy-ssl-secret');
  }
  if (proto === 'GRPC') notes.add('warning', 'not-translated', ing, 'backend-protocol GRPC (cleartext HTTP/2) has no Route setting: set appProtocol h2c on the Service port for the router to use HTTP/2', 'backend-protocol');
  if (rewrite !== '' && f.xForwardedPrefix !== undefined) {
    spec.httpHeaders = { actions: { request: [{ action: { set: { value: f.xForwardedPrefix }, type: 'Set' }, name: 'X-Forwarded-Prefix' }] } };
  }
  spec.wildcardPolicy = spec.wildcardPolicy ?? 'None';
  const sortedAnnotations: Record<string, string> = {};
  for (const k of Object.keys(copy).sort()) sortedAnnotations[k] = copy[k];
  const meta: K8sObject['metadata'] = { name, namespace: ing.id.namespace, annotations: sortedAnnotations };
  const labels = ing.metadata.labels;
  if (labels !== undefined && typeof labels === 'object') (meta as Rec).labels = labels;
  return { apiVersion: ROUTE_API_VERSION, kind: 'Route', metadata: meta, spec };
}

/** Adds the canary `c` as an alternate backend of `route` when it serves the same host and path. */
function applyCanary(route: K8sObject, c: IngressModel, host: string, p: PathRule, notes: Notes, parsed: ParsedIngresses): boolean {
  const spec = route.spec as Rec;
  if (c.id.namespace !== route.metadata.namespace) return false;
  const cp = c.rules.find((r) => r.host === host)?.paths.find((x) => x.path === p.path && x.pathType === p.pathType);
  if (cp === undefined || cp.backend?.kind !== 'service') return false;
  const canary = c.features.canary!;
  if (canary.header !== undefined || canary.cookie !== undefined) {
    notes.add('warning', 'not-translated', c, 'canary-by-header / canary-by-cookie have no Route equivalent (Routes split by weight only); only canary-weight is translated', canary.header !== undefined ? 'canary-by-header' : 'canary-by-cookie');
  }
  const total = canary.weightTotal;
  const w = Math.max(0, Math.min(canary.weight ?? 0, total));
  let main = total - w;
  let alt = w;
  if (total > MAX_ROUTE_WEIGHT) {
    main = Math.round((main * MAX_ROUTE_WEIGHT) / total);
    alt = Math.round((alt * MAX_ROUTE_WEIGHT) / total);
    notes.add('info', 'canary-weights', c, `canary-weight ${w} of ${total} is rescaled to router weights ${alt}/${main + alt} (Route weights are 0–${MAX_ROUTE_WEIGHT})`, 'canary-weight-total');
  }
  (spec.to as Rec).weight = main;
  const list = (spec.alternateBackends as Rec[] | undefined) ?? [];
  if (list.length >= 3) {
    notes.add('error', 'too-many-canaries', c, 'a Route takes at most 3 alternate backends', 'canary');
    return false;
  }
  list.push({ kind: 'Service', name: cp.backend.name, weight: alt });
  spec.alternateBackends = list;
  const mainPort = (spec.port as Rec | undefined)?.targetPort;
  const canaryPort = targetPort(c, cp.backend, parsed, new Notes());
  if (mainPort !== undefined && canaryPort !== mainPort) {
    notes.add('warning', 'canary-port', c, `the canary Service port (${String(canaryPort)}) differs from the main one (${String(mainPort)}); a Route uses one targetPort for all its backends`, 'canary');
  }
  return true;
}
