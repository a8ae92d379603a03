// Traefik, HAProxy and OpenShift emitters: what maps, what changes (findings with the exact
// difference), what has no equivalent, and the keep / rewrite / both decisions.

import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, targetMapping } from '../../../src/ingress/annotations/index';
import { migrateObjects, type MigrateOptions } from '../../../src/ingress/migrate';
import { haproxyPathRewrite } from '../../../src/ingress/targets/haproxy';
import { TRAEFIK_PROVIDER_ANNOTATIONS } from '../../../src/ingress/targets/traefik';
import { fixtureSets, ingress, RICH, service } from './fixtures-targets';

type Obj = Record<string, any>;

function run(input: unknown[], options: Partial<MigrateOptions> & { target: MigrateOptions['target'] }) {
  const r = migrateObjects(input, { mode: 'rewrite', ...options });
  const inserted = r.patches.filter((p) => p.op === 'insert').map((p) => (p.op === 'insert' ? (p.value as Obj) : {}));
  const removed = r.patches.filter((p) => p.op === 'remove').map((p) => (p.op === 'remove' ? p.doc : -1));
  const sets = r.patches.filter((p) => p.op === 'set').map((p) => (p.op === 'set' ? [p.doc, p.path.join('.'), p.value] : []));
  const byKind = (kind: string) => inserted.filter((o) => o.kind === kind);
  const finding = (rule: string, annotation?: string) =>
    r.findings.find((f) => f.rule === `ingress/${rule}` && (annotation === undefined || (f.path ?? '').includes(annotation)));
  return { r, inserted, removed, sets, byKind, finding };
}

describe('traefik', () => {
  it('keeps an Ingress whose every annotation the kubernetesIngressNGINX provider reads', () => {
    const ing = ingress('kept', 'kept.example.com', { 'enable-cors': 'true', 'limit-rps': '5', 'proxy-body-size': '2m', 'whitelist-source-range': '10.0.0.0/8' });
    for (const mode of ['rewrite', 'both'] as const) {
      const { inserted, removed, finding } = run([service('web'), ing], { target: 'traefik', mode });
      expect(inserted).toEqual([]);
      expect(removed).toEqual([]);
      expect(finding('kept')!.result).toBe('info');
      // The registry's documented provider differences are reported.
      expect(finding('approximated', 'limit-rps')!.message).toContain('429');
    }
  });

  it('the provider list is a subset of the registry, and its traefik rows are not "none"', () => {
    for (const name of TRAEFIK_PROVIDER_ANNOTATIONS) {
      const spec = ANNOTATIONS.find((a) => a.name === name);
      expect(spec, name).toBeDefined();
      if (['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id', 'modsecurity-snippet'].includes(name)) continue;
      expect(targetMapping(spec!, 'traefik').level, name).not.toBe('none');
    }
  });

  it('snippets and log-only WAF keys prevent keeping; snippets are dropped, never translated', () => {
    const ing = ingress('snip', 'snip.example.com', { 'configuration-snippet': 'more_set_headers "X: 1";', 'enable-cors': 'true' });
    const { inserted, removed, finding } = run([service('web'), ing], { target: 'traefik' });
    expect(removed).toEqual([1]);
    expect(finding('snippet')!.result).toBe('fail');
    expect(JSON.stringify(inserted)).not.toContain('more_set_headers');
    const waf = run([service('web'), ingress('waf', 'waf.example.com', { 'enable-modsecurity': 'true' })], { target: 'traefik' });
    expect(waf.finding('kept')).toBeUndefined();
    expect(waf.finding('not-translated', 'enable-modsecurity')!.message).toContain('Traefik Hub');
  });

  it('middlewares: TLS router + plain-HTTP redirect Ingress, Middlewares referenced in nginx phase order, Service annotations', () => {
    const { inserted, byKind, sets, finding, removed } = run(fixtureSets.rich, { target: 'traefik' });
    expect(removed).toEqual([1]);
    const [main, http] = byKind('Ingress');
    expect(main.metadata.name).toBe('shop');
    expect(main.spec.ingressClassName).toBe('traefik');
    expect(main.metadata.labels).toEqual({ app: 'shop' });
    const a = main.metadata.annotations;
    expect(a['traefik.ingress.kubernetes.io/router.tls']).toBe('true');
    expect(a['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('websecure');
    expect(a['traefik.ingress.kubernetes.io/router.middlewares'].split(',')).toEqual(
      ['cors', 'allowlist', 'rate-limit', 'request-headers', 'rewrite', 'buffering'].map((m) => `default-shop-${m}@kubernetescrd`),
    );
    expect(Object.keys(a).some((k) => k.startsWith('nginx.ingress.kubernetes.io/'))).toBe(false);
    expect(main.spec.rules.map((r: Obj) => r.host)).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(http.metadata.name).toBe('shop-http');
    expect(http.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('default-shop-https-redirect@kubernetescrd');
    expect(http.spec.tls).toBeUndefined();
    const mw = (n: string) => byKind('Middleware').find((m) => m.metadata.name === `shop-${n}`)!.spec;
    expect(mw('allowlist')).toEqual({ ipAllowList: { sourceRange: ['10.0.0.0/8', '192.168.0.0/16'] } });
    expect(mw('rate-limit')).toEqual({ rateLimit: { average: 20, burst: 100, period: '1s' } });
    expect(mw('buffering')).toEqual({ buffering: { maxRequestBodyBytes: 8 * 1024 * 1024 } });
    expect(mw('rewrite')).toEqual({ replacePathRegex: { regex: '(?i)^.*?(?:/shop).*$', replacement: '/' } });
    expect(mw('https-redirect')).toEqual({ redirectScheme: { permanent: true, scheme: 'https' } });
    expect(mw('cors').headers.accessControlAllowOriginListRegex).toEqual(['^https://[a-z0-9-]+\\.b\\.example\\.com$']);
    expect(byKind('ServersTransport')[0].spec).toEqual({ insecureSkipVerify: true, forwardingTimeouts: { dialTimeout: '10s', responseHeaderTimeout: '120s' } });
    expect(sets).toContainEqual([0, 'metadata.annotations.traefik.ingress.kubernetes.io/service.serversscheme', 'https']);
    expect(sets).toContainEqual([0, 'metadata.annotations.traefik.ingress.kubernetes.io/service.sticky.cookie.name', 'SHOP']);
    expect(finding('rate-limit') ?? finding('approximated', 'limit-rps')).toBeDefined();
    expect(finding('regex-paths')!.message).toContain('ingressroute');
    expect(inserted.every((o) => o.metadata.namespace === 'default')).toBe(true);
  });

  it('the rewrite regex reproduces nginx: unanchored, case-insensitive, whole path replaced, $n → ${n}', () => {
    const { byKind } = run([service('web'), ingress('cap', 'cap.example.com', { 'rewrite-target': '/v2/$1', 'use-regex': 'true' }, { path: '/api/(.*)' })], { target: 'traefik', traefikOutput: 'ingressroute' });
    const spec = byKind('Middleware').find((m) => m.metadata.name === 'cap-rewrite')!.spec.replacePathRegex;
    expect(spec).toEqual({ regex: '(?i)^.*?(?:/api/(.*)).*$', replacement: '/v2/${1}' });
    // Go's RE2 has the same leftmost-first semantics as JS for this pattern.
    const re = new RegExp(spec.regex.replace('(?i)', ''), 'i');
    expect('/x/API/users'.replace(re, spec.replacement.replace('${1}', '$1'))).toBe('/v2/users');
  });

  it('ingressroute: anchored case-insensitive regex, TraefikService weights and header rules for canaries, IngressRouteTCP for passthrough', () => {
    const c = run(fixtureSets.canary, { target: 'traefik', traefikOutput: 'ingressroute' });
    const ts = c.byKind('TraefikService')[0];
    expect(ts.spec.weighted.services.map((s: Obj) => [s.name, s.weight])).toEqual([['app-v1', 80], ['app-v2', 20]]);
    const routes = c.byKind('IngressRoute')[0].spec.routes;
    expect(routes.map((r: Obj) => r.match)).toEqual([
      'Host(`app.example.com`) && PathPrefix(`/`)',
      'Host(`app.example.com`) && PathPrefix(`/`) && Header(`X-Canary`, `always`)',
      'Host(`app.example.com`) && PathPrefix(`/`) && Header(`X-Canary`, `never`)',
    ]);
    expect(c.removed).toEqual([2, 3]);
    const idiom = run(fixtureSets.idiom, { target: 'traefik', traefikOutput: 'ingressroute' });
    expect(idiom.byKind('IngressRoute')[0].spec.routes[0].match).toBe('Host(`strip.example.com`) && PathRegexp(`(?i)^/api(/|$)(.*)`)');
    const pt = run(fixtureSets.passthrough, { target: 'traefik', traefikOutput: 'ingressroute' });
    expect(pt.byKind('IngressRouteTCP')[0].spec).toEqual({ entryPoints: ['websecure'], routes: [{ match: 'HostSNI(`pt.example.com`)', services: [{ name: 'tls-app', port: 443 }] }], tls: { passthrough: true } });
  });

  it('middlewares mode cannot express canaries or passthrough: error, the Ingress is kept', () => {
    // limit-rate is not read by the provider, so the host cannot stay on it.
    const [s1, s2, main, canary] = fixtureSets.canary as Obj[];
    const mainLimited = JSON.parse(JSON.stringify(main));
    mainLimited.metadata.annotations['nginx.ingress.kubernetes.io/limit-rate'] = '100';
    const c = run([s1, s2, mainLimited, canary], { target: 'traefik' });
    expect(c.finding('canary-needs-ingressroute')!.result).toBe('fail');
    expect(c.removed).toEqual([2]);
    const [svc, pti] = fixtureSets.passthrough as Obj[];
    const ptLimited = JSON.parse(JSON.stringify(pti));
    ptLimited.metadata.annotations['nginx.ingress.kubernetes.io/limit-rate'] = '100';
    const pt = run([svc, ptLimited], { target: 'traefik' });
    expect(pt.finding('passthrough-needs-ingressroute')).toBeDefined();
    expect(pt.removed).toEqual([]);
  });

  it('both: new objects get a -traefik suffix next to the kept Ingress', () => {
    const { inserted, removed } = run(fixtureSets.rich, { target: 'traefik', mode: 'both' });
    expect(removed).toEqual([]);
    expect(inserted.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name)).toEqual(['shop-traefik', 'shop-traefik-http']);
  });

  it('basic auth: the Secret layout difference is a finding; denylist has no equivalent and blocks the rewrite', () => {
    expect(run(fixtureSets.auth, { target: 'traefik' }).finding('kept')).toBeDefined();
    const auth = run(fixtureSets.auth, { target: 'traefik', traefikOutput: 'ingressroute' });
    expect(auth.byKind('Middleware').find((m) => m.metadata.name === 'basic-basic-auth')!.spec).toEqual({ basicAuth: { realm: 'Staff only', secret: 'htpasswd' } });
    expect(auth.finding('secret-format')!.message).toContain('"users"');
    const lim = run(fixtureSets.limits, { target: 'traefik' });
    expect(lim.finding('not-translated', 'denylist-source-range')!.result).toBe('fail');
    expect(lim.removed).toEqual([]);
    expect(lim.finding('not-rewritten')).toBeDefined();
  });

  it('from-to-www-redirect and custom-headers (rendered ConfigMap) in both output kinds', () => {
    const mw = run(fixtureSets.www, { target: 'traefik' });
    const redirect = mw.byKind('Middleware').find((m) => m.metadata.name === 'www-www-redirect-1')!.spec.redirectRegex;
    expect(redirect).toEqual({ permanent: true, regex: '^(https?)://www\\.example\\.org(:[0-9]+)?(.*)$', replacement: '${1}://example.org${3}' });
    expect('http://www.example.org:8080/a?b'.replace(new RegExp(redirect.regex), '$1://example.org$3')).toBe('http://example.org/a?b');
    const wwwIng = mw.byKind('Ingress').find((i) => i.metadata.name === 'www-www-redirect')!;
    expect(wwwIng.spec.rules[0].host).toBe('www.example.org');
    expect(wwwIng.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('default-www-www-redirect-1@kubernetescrd');
    expect(mw.byKind('Middleware').find((m) => m.metadata.name === 'www-response-headers')!.spec).toEqual({ headers: { customResponseHeaders: { 'X-Frame-Options': 'DENY' } } });
    const ir = run(fixtureSets.www, { target: 'traefik', traefikOutput: 'ingressroute' });
    const http = ir.byKind('IngressRoute').find((r) => r.metadata.name === 'www-http')!;
    expect(http.spec.routes.map((r: Obj) => r.match)).toContain('Host(`www.example.org`)');
  });

  it('proxy-next-upstream → retry Middleware counting every try like nginx', () => {
    const ing = JSON.parse(JSON.stringify(fixtureSets.limits[1]));
    delete ing.metadata.annotations['nginx.ingress.kubernetes.io/denylist-source-range'];
    const r = run([fixtureSets.limits[0], ing], { target: 'traefik' });
    expect(r.byKind('Middleware').find((m) => m.metadata.name === 'limited-retry')!.spec).toEqual({
      retry: { attempts: 4, retryNonIdempotentMethod: true, status: ['502', '503'], timeout: '20s' },
    });
    expect(r.finding('approximated', 'proxy-next-upstream')!.message).toContain('same server');
  });
});

describe('haproxy', () => {
  it('maps annotations with units converted and reports what changes', () => {
    const { byKind, sets, finding } = run(fixtureSets.rich, { target: 'haproxy' });
    const ing = byKind('Ingress')[0];
    expect(ing.spec.ingressClassName).toBe('haproxy');
    const a = ing.metadata.annotations;
    expect(a).toMatchObject({
      'haproxy.org/timeout-server': '120s',
      'haproxy.org/cors-max-age': '600s',
      'haproxy.org/ssl-redirect': 'true',
      'haproxy.org/ssl-redirect-code': '301',
      'haproxy.org/allow-list': '10.0.0.0/8, 192.168.0.0/16',
      'haproxy.org/rate-limit-requests': '20',
      'haproxy.org/rate-limit-period': '1s',
      'haproxy.org/rate-limit-status-code': '503',
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/set-host': 'internal.shop',
      'haproxy.org/request-set-header': 'X-Forwarded-Prefix /shop',
    });
    expect(a['haproxy.org/server-ca']).toBeUndefined(); // nginx did not verify (proxy-ssl-verify off)
    expect(sets).toEqual([[0, 'metadata.annotations.haproxy.org/cookie-persistence', 'SHOP']]);
    expect(finding('redirect-status')!.message).toContain('308');
    expect(finding('not-translated', 'proxy-body-size')!.result).toBe('warn');
  });

  it('path-rewrite keeps the query and turns $n into \\n', () => {
    expect(haproxyPathRewrite('/api/(.*)', '/v2/$1')).toBe('(?i)^[^?]*?(?:/api/(.*))[^?]*(\\?.*)?$ /v2/\\1\\2');
    const re = new RegExp('^[^?]*?(?:/api/(.*))[^?]*(\\?.*)?$', 'i');
    expect('/API/users?x=1'.replace(re, '/v2/$1$2')).toBe('/v2/users?x=1');
  });

  it('canaries have no equivalent; digest auth fails open and blocks', () => {
    expect(run(fixtureSets.canary, { target: 'haproxy' }).finding('canary')!.result).toBe('fail');
    const d = run([service('web'), ingress('dig', 'dig.example.com', { 'auth-type': 'digest', 'auth-secret': 'users' })], { target: 'haproxy' });
    expect(d.removed).toEqual([]);
    expect(d.finding('not-translated', 'auth-type')!.result).toBe('fail');
  });

  it('limits: rpm period, deny list, exempt list; ewma approximated; limit-connections fails open', () => {
    const lim = run(fixtureSets.limits, { target: 'haproxy' });
    expect(lim.finding('not-translated', 'limit-connections')!.result).toBe('fail');
    expect(lim.inserted).toEqual([]);
    const ing = JSON.parse(JSON.stringify(fixtureSets.limits[1]));
    delete ing.metadata.annotations['nginx.ingress.kubernetes.io/limit-connections'];
    const a = run([fixtureSets.limits[0], ing], { target: 'haproxy' }).byKind('Ingress')[0].metadata.annotations;
    expect(a).toMatchObject({ 'haproxy.org/rate-limit-period': '1m', 'haproxy.org/deny-list': '203.0.113.0/24', 'haproxy.org/rate-limit-whitelist': '10.1.0.0/16', 'haproxy.org/load-balance': 'leastconn' });
  });
});

describe('openshift', () => {
  it('one Route per host and path with TLS edge/reencrypt, Redirect, timeouts with units and pinned router defaults', () => {
    const { byKind, finding, removed } = run(fixtureSets.rich, { target: 'openshift' });
    expect(removed).toEqual([1]);
    const [route, alias] = byKind('Route');
    expect(route.metadata.name).toBe('shop-shop-example-com');
    expect(alias.spec.host).toBe('www.shop.example.com');
    expect(route.spec).toMatchObject({
      host: 'shop.example.com',
      path: '/shop',
      port: { targetPort: 'http' },
      to: { kind: 'Service', name: 'web', weight: 100 },
      tls: { externalCertificate: { name: 'shop-tls' }, insecureEdgeTerminationPolicy: 'Redirect', termination: 'reencrypt' },
    });
    expect(route.metadata.annotations).toMatchObject({
      'haproxy.router.openshift.io/timeout': '120s',
      'haproxy.router.openshift.io/ip_whitelist': '10.0.0.0/8 192.168.0.0/16',
      'haproxy.router.openshift.io/balance': 'roundrobin',
      'router.openshift.io/cookie_name': 'SHOP',
      'haproxy.router.openshift.io/hsts_header': 'max-age=31536000;includeSubDomains',
    });
    expect(finding('redirect-status')!.message).toContain('302');
    expect(finding('backend-tls')!.message).toContain('self-signed');
  });

  it('without annotations the router defaults that differ from nginx are pinned', () => {
    const r = run([service('web'), ingress('plain', 'plain.example.com')], { target: 'openshift' }).byKind('Route')[0];
    expect(r.metadata.annotations).toEqual({
      'haproxy.router.openshift.io/balance': 'roundrobin',
      'haproxy.router.openshift.io/disable_cookies': 'true',
      'haproxy.router.openshift.io/timeout': '60s',
    });
    expect(r.spec.port).toEqual({ targetPort: 'http' });
    expect(r.spec.tls).toBeUndefined();
  });

  it('ssl-redirect "false" → Allow; the /x(/|$)(.*) idiom → path prefix + rewrite-target "/"', () => {
    const r = run([service('web'), ingress('allow', 'allow.example.com', { 'ssl-redirect': 'false' }, { tls: true })], { target: 'openshift' }).byKind('Route')[0];
    expect(r.spec.tls.insecureEdgeTerminationPolicy).toBe('Allow');
    const i = run(fixtureSets.idiom, { target: 'openshift' });
    const route = i.byKind('Route')[0];
    expect(route.spec.path).toBe('/api');
    expect(route.metadata.annotations['haproxy.router.openshift.io/rewrite-target']).toBe('/');
    expect(i.finding('regex-paths')!.result).toBe('warn');
  });

  it('canary weights become alternateBackends; header canaries are reported', () => {
    const c = run(fixtureSets.canary, { target: 'openshift' });
    const route = c.byKind('Route')[0];
    expect(route.spec.to).toEqual({ kind: 'Service', name: 'app-v1', weight: 80 });
    expect(route.spec.alternateBackends).toEqual([{ kind: 'Service', name: 'app-v2', weight: 20 }]);
    expect(c.finding('not-translated', 'canary-by-header')).toBeDefined();
    expect(c.removed).toEqual([2, 3]);
    const big = run([service('app-v1'), service('app-v2'), ingress('m', 'w.example.com', {}, { service: 'app-v1' }), ingress('c', 'w.example.com', { canary: 'true', 'canary-weight': '250', 'canary-weight-total': '1000' }, { service: 'app-v2' })], { target: 'openshift' });
    expect(big.byKind('Route')[0].spec.alternateBackends[0].weight).toBe(64);
    expect(big.byKind('Route')[0].spec.to.weight).toBe(192);
  });

  it('an allow-list longer than the router honours fails open: error, not rewritten', () => {
    const cidrs = Array.from({ length: 62 }, (_, i) => `10.0.${i}.0/24`).join(',');
    const r = run([service('web'), ingress('many', 'many.example.com', { 'whitelist-source-range': cidrs })], { target: 'openshift' });
    expect(r.finding('ip-whitelist-too-long')!.result).toBe('fail');
    expect(r.removed).toEqual([]);
    expect(r.inserted).toEqual([]);
  });

  it('auth has no Route equivalent and blocks the rewrite', () => {
    const r = run(fixtureSets.auth, { target: 'openshift' });
    expect(r.finding('not-translated', 'auth-type')!.result).toBe('fail');
    expect(r.inserted).toEqual([]);
  });
});

describe('deterministic output', () => {
  it.each([['traefik'], ['haproxy'], ['openshift']] as const)('%s: the same input gives the same patches and findings', (target) => {
    for (const input of Object.values(fixtureSets)) {
      for (const extra of [{}, { traefikOutput: 'ingressroute' as const }]) {
        const a = migrateObjects(input, { target, mode: 'both', ...extra });
        const b = migrateObjects(JSON.parse(JSON.stringify(input)), { target, mode: 'both', ...extra });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }
    }
  });
});

// Every registry row × target: registry-rows.test.ts (outcomes derived from the registry).

void RICH;
