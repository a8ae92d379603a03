// Emitter: neutral model → an Ingress for haproxytech's HAProxy Kubernetes Ingress
// Controller (`haproxy.org/*` annotations, class `haproxy` by default). The Ingress keeps
// its rules; the ingress-nginx annotations are replaced by the controller's own, values
// converted (times always carry a unit: a bare number means milliseconds to HAProxy).
// Settings the controller reads only from Services (cookie persistence) become Service
// annotations. In `both` mode the new Ingress is `<name>-haproxy`.

import type { TargetId } from '../annotations/index';
import type { IngressModel, ParsedIngresses } from '../model';
import {
  annotationValue,
  approximationNotes,
  backendProtocolNote,
  haproxyTime,
  hasRegexSyntax,
  ingressCopy,
  Notes,
  regexHosts,
  reportUntranslated,
  sortIngresses,
  v1Spec,
  type EmitResult,
  type K8sObject,
  type ServiceAnnotations,
} from './common';

const TARGET: TargetId = 'haproxy';
export const HAPROXY_PREFIX = 'haproxy.org/';

export const HAPROXY_TRANSLATED: ReadonlySet<string> = new Set([
  'rewrite-target', 'x-forwarded-prefix', 'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect', 'temporal-redirect-code',
  'ssl-redirect', 'force-ssl-redirect', 'ssl-passthrough', 'server-alias',
  'backend-protocol', 'proxy-ssl-secret', 'proxy-ssl-verify', 'proxy-read-timeout',
  'enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-allow-credentials', 'cors-max-age',
  'auth-type', 'auth-secret', 'auth-secret-type', 'auth-realm',
  'affinity', 'session-cookie-name',
  'limit-rps', 'limit-rpm', 'limit-allowlist',
  'allowlist-source-range', 'denylist-source-range', 'upstream-vhost', 'load-balance', 'upstream-hash-by',
]);

export interface HaproxyOptions {
  mode?: 'report' | 'rewrite' | 'both';
  newIngressClass?: string;
}

export function emitHaproxy(parsed: ParsedIngresses, options: HaproxyOptions = {}): EmitResult {
  const notes = new Notes();
  const objects: { obj: K8sObject; origins: IngressModel[] }[] = [];
  const svc: ServiceAnnotations[] = [];
  const regex = regexHosts(parsed);
  const className = options.newIngressClass ?? 'haproxy';
  const suffix = options.mode === 'both' ? '-haproxy' : '';
  for (const ing of sortIngresses(parsed.ingresses)) {
    reportUntranslated(notes, ing, TARGET, 'HAProxy', HAPROXY_TRANSLATED);
    if (ing.features.canary !== undefined) {
      notes.add('error', 'canary', ing, 'the HAProxy Kubernetes Ingress Controller has no canary model (no weighted or header-based split between two Ingresses); the canary Ingress is not rewritten', 'canary');
      continue;
    }
    const a = translate(ing, notes, ing.rules.some((r) => regex.has(ing.id.namespace + '/' + r.host)), svc, parsed);
    const aliases = ing.features.serverAlias ?? [];
    const extra = new Map<string, string[]>();
    for (const r of ing.rules) if (r.host !== '' && aliases.length > 0) extra.set(r.host, aliases.filter((h) => !ing.rules.some((x) => x.host === h)));
    objects.push({ obj: ingressCopy(ing, ing.id.name + suffix, className, a, v1Spec(ing, extra)), origins: [ing] });
  }
  for (const ing of sortIngresses(parsed.ingresses)) for (const n of approximationNotes(notes.list, ing, TARGET, 'HAProxy', HAPROXY_TRANSLATED)) notes.push(n);
  return {
    objects: objects.map((o) => o.obj),
    origins: objects.map((o) => o.origins),
    notifications: notes.list,
    kept: new Set(),
    serviceAnnotations: svc,
    label: 'an HAProxy Ingress',
  };
}

/** Count capture groups `( … )` that are not `(?…)` and not escaped. */
export function captureGroups(re: string): number {
  let n = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re.charAt(i);
    if (c === '\\') i++;
    else if (c === '(' && re.charAt(i + 1) !== '?') n++;
  }
  return n;
}

/** nginx `rewrite (?i)<path> <target>` as haproxytech's `path-rewrite "<regex> <replacement>"` (which sees path + query). */
export function haproxyPathRewrite(path: string, target: string): string {
  const groups = captureGroups(path);
  const replacement = target.replace(/\$(\d+)/g, '\\$1') + `\\${groups + 1}`;
  return `(?i)^[^?]*?(?:${path})[^?]*(\\?.*)?$ ${replacement}`;
}

function translate(ing: IngressModel, notes: Notes, regexMode: boolean, svc: ServiceAnnotations[], parsed: ParsedIngresses): Record<string, string> {
  const f = ing.features;
  const out: Record<string, string> = {};
  const set = (k: string, v: string): void => void (out[HAPROXY_PREFIX + k] = v);

  const tls = ing.tls.length > 0;
  if (f.forceSslRedirect === true || (tls && f.sslRedirect !== false)) {
    set('ssl-redirect', 'true');
    set('ssl-redirect-code', '301');
    notes.add('warning', 'redirect-status', ing, 'the HTTPS redirect answers 301 (haproxytech allows only 301, 302, 303); ingress-nginx sends 308, which also keeps the method and body of non-GET requests', f.forceSslRedirect === true ? 'force-ssl-redirect' : 'ssl-redirect');
  } else if (tls && f.sslRedirect === false) set('ssl-redirect', 'false');
  if (f.sslPassthrough === true) set('ssl-passthrough', 'true');

  if (regexMode) {
    const regexPaths = ing.rules.flatMap((r) => r.paths).filter((p) => hasRegexSyntax(p.path));
    const sev = regexPaths.length > 0 ? 'error' : 'warning';
    notes.add(sev, 'regex-paths', ing, regexPaths.length > 0
      ? `paths ${regexPaths.map((p) => p.path).join(', ')} are regexes in ingress-nginx; haproxytech has no regex paths and would match them as literal prefixes (requests would miss them)`
      : 'the host is in ingress-nginx regex mode (case-insensitive matching); haproxytech matches these paths as case-sensitive literal prefixes', f.useRegex === true ? 'use-regex' : 'rewrite-target');
  }
  const rewrite = f.rewriteTarget ?? '';
  if (rewrite !== '') {
    const paths = Array.from(new Set(ing.rules.flatMap((r) => r.paths.map((p) => p.path)))).sort();
    if (paths.length > 0) set('path-rewrite', paths.map((p) => haproxyPathRewrite(p, rewrite)).join('\n'));
    if (f.xForwardedPrefix !== undefined) set('request-set-header', `X-Forwarded-Prefix ${f.xForwardedPrefix}`);
  }
  if (f.upstreamVhost !== undefined) {
    if (f.upstreamVhost.indexOf('$') >= 0) notes.add('error', 'vhost-variables', ing, `upstream-vhost "${f.upstreamVhost}" uses nginx variables; haproxytech would send them literally`, 'upstream-vhost');
    set('set-host', f.upstreamVhost);
  }
  if (f.redirect !== undefined) {
    const r = f.redirect;
    set('request-redirect', r.url.port !== undefined ? `${r.url.host}:${r.url.port}` : r.url.host);
    const code = r.code;
    set('request-redirect-code', String(code));
    notes.add('warning', 'approximated', ing, `${r.kind}-redirect "${r.raw}": haproxytech redirects to host${r.url.port !== undefined ? ':port' : ''} "${r.url.host}" keeping the request's scheme, path and query; ingress-nginx sends every request to exactly ${r.raw}`, `${r.kind}-redirect`);
  }

  const proto = f.backendProtocol;
  if (proto === 'HTTPS' || proto === 'GRPCS') set('server-ssl', 'true');
  if (proto === 'GRPC' || proto === 'GRPCS') set('server-proto', 'h2');
  const protoNote = backendProtocolNote(ing, 'the HAProxy Kubernetes Ingress Controller');
  if (protoNote !== undefined) notes.push(protoNote);
  const btls = f.backendTls;
  if (btls?.secret !== undefined) {
    const ref = `${btls.secret.namespace ?? ing.id.namespace}/${btls.secret.name}`;
    set('server-crt', ref);
    if (btls.verify === true) set('server-ca', ref);
  } else if (btls?.verify === true) {
    notes.add('error', 'backend-tls', ing, 'proxy-ssl-verify is on without proxy-ssl-secret: haproxytech verifies only with server-ca, so the backend would not be verified', 'proxy-ssl-verify');
  }
  const read = f.timeouts?.read;
  if (read !== undefined) {
    set('timeout-server', haproxyTime(read));
    notes.add('info', 'timeout', ing, `proxy-read-timeout ${read} (seconds) → timeout-server "${haproxyTime(read)}" (server inactivity; HAProxy would read a bare number as milliseconds)`, 'proxy-read-timeout');
  }

  if (f.cors !== undefined) {
    const c = f.cors;
    set('cors-enable', 'true');
    const origins = c.allowOrigins;
    if (origins.length === 1 && origins[0].indexOf('*') < 0) set('cors-allow-origin', origins[0]);
    else if (origins.indexOf('*') >= 0) set('cors-allow-origin', '*');
    else {
      const alts = origins.map((o) => o.split('.').join('\\.').split('*').join('[a-z0-9-]+'));
      set('cors-allow-origin', `^(${alts.join('|')})$`);
      notes.add('info', 'cors-origins', ing, `cors-allow-origin lists several origins; haproxytech takes one origin or a regex, so they become ${out[HAPROXY_PREFIX + 'cors-allow-origin']}`, 'cors-allow-origin');
    }
    set('cors-allow-methods', c.allowMethods.join(', '));
    set('cors-allow-headers', c.allowHeaders.join(', '));
    set('cors-allow-credentials', String(c.allowCredentials));
    set('cors-max-age', haproxyTime(c.maxAge));
    if (c.exposeHeaders.length > 0) notes.add('warning', 'not-translated', ing, 'cors-expose-headers has no haproxytech annotation; Access-Control-Expose-Headers is not sent', 'cors-expose-headers');
  }

  const authType = annotationValue<string>(ing, 'auth-type');
  const authSecret = annotationValue<{ namespace?: string; name: string }>(ing, 'auth-secret');
  if (authType === 'basic' && authSecret !== undefined) {
    set('auth-type', 'basic-auth');
    set('auth-secret', `${authSecret.namespace ?? ing.id.namespace}/${authSecret.name}`);
    const realm = annotationValue<string>(ing, 'auth-realm');
    if (realm !== undefined) set('auth-realm', realm);
    notes.add('warning', 'secret-format', ing, `Secret ${authSecret.name}: haproxytech wants one key per user holding a crypt(3) password hash, ingress-nginx an htpasswd file under key "auth" (or auth-map); convert the Secret, or every request is refused`, 'auth-secret');
  } else if (authType === 'digest') {
    notes.add('error', 'not-translated', ing, 'auth-type digest has no haproxytech equivalent; leaving it out removes authentication', 'auth-type');
  }

  const allow = f.allowSourceRange;
  if (allow !== undefined && allow.length > 0) set('allow-list', allow.join(', '));
  const deny = f.denySourceRange;
  if (deny !== undefined && deny.length > 0) set('deny-list', deny.join(', '));

  const rps = annotationValue<number>(ing, 'limit-rps');
  const rpm = annotationValue<number>(ing, 'limit-rpm');
  if (rps !== undefined || rpm !== undefined) {
    set('rate-limit-requests', String(rps ?? rpm));
    set('rate-limit-period', rps !== undefined ? '1s' : '1m');
    set('rate-limit-status-code', '503');
    notes.add('warning', 'approximated', ing, `limit-${rps !== undefined ? 'rps' : 'rpm'}: haproxytech counts requests per client IP in a fixed ${rps !== undefined ? '1s' : '1m'} period with no burst allowance (ingress-nginx allows bursts of limit × limit-burst-multiplier); the 503 status is kept`, rps !== undefined ? 'limit-rps' : 'limit-rpm');
    const exempt = annotationValue<string[]>(ing, 'limit-allowlist');
    if (exempt !== undefined && exempt.length > 0) set('rate-limit-whitelist', exempt.join(', '));
  }

  const lb = annotationValue<string>(ing, 'load-balance');
  const hashBy = annotationValue<string>(ing, 'upstream-hash-by');
  if (hashBy !== undefined) {
    const v = hashBy.trim();
    const algo = v === '$remote_addr' || v === '$binary_remote_addr' ? 'source' : v === '$request_uri' || v === '$uri' ? 'uri' : v.slice(0, 6) === '$http_' ? `hdr(${v.slice(6).split('_').join('-')})` : undefined;
    if (algo !== undefined) set('load-balance', algo);
    else notes.add('warning', 'not-translated', ing, `upstream-hash-by "${v}" has no haproxytech balance algorithm (only client IP, URI or one header); round robin is used`, 'upstream-hash-by');
  } else if (lb !== undefined) {
    const algo = lb === 'round_robin' ? 'roundrobin' : lb === 'ewma' ? 'leastconn' : undefined;
    if (algo !== undefined) set('load-balance', algo);
    if (lb === 'ewma') notes.add('warning', 'approximated', ing, 'load-balance ewma (latency-weighted) becomes leastconn (fewest connections)', 'load-balance');
    else if (algo === undefined) notes.add('warning', 'not-translated', ing, `load-balance ${lb} has no haproxytech equivalent; round robin is used`, 'load-balance');
  }

  if (f.affinity !== undefined) {
    const cookie = f.affinity.cookieName ?? 'INGRESSCOOKIE';
    const names = new Set<string>();
    for (const r of ing.rules) for (const p of r.paths) if (p.backend?.kind === 'service') names.add(p.backend.name);
    for (const n of Array.from(names).sort()) {
      const key = ing.id.namespace + '/' + n;
      if (parsed.related.services.has(key)) svc.push({ service: key, annotations: { [HAPROXY_PREFIX + 'cookie-persistence']: cookie }, origin: ing });
      else notes.add('warning', 'service-not-rendered', ing, `haproxytech reads cookie-persistence from the Service, and Service ${key} is not among the rendered objects: annotate it with ${HAPROXY_PREFIX}cookie-persistence=${cookie}`, 'affinity');
    }
    notes.add('info', 'affinity', ing, `affinity cookie ${cookie} becomes ${HAPROXY_PREFIX}cookie-persistence on the backend Service (HAProxy inserts the cookie; its attributes are HAProxy's defaults)`, 'affinity');
  }
  return out;
}
