// Traefik's Middleware / IngressRoute translation of rows the kubernetesIngressNGINX provider
// reads: buffering, auth-method, global auth, cipher suites, client chain depth, cookie
// attributes, affinity mode, canary header patterns and cookies, upstream-hash-by. The exact
// fields emitted, and the exact finding where Traefik differs.

import { describe, expect, it } from 'vitest';
import { migrateObjects, type MigrateOptions } from '../../../src/ingress/migrate';
import { fixtureSets, ingress, P, service } from './fixtures-targets';

type Obj = Record<string, any>;

function run(input: unknown[], options: Partial<MigrateOptions> = {}) {
  const r = migrateObjects(input, { target: 'traefik', mode: 'rewrite', ...options });
  const inserted = r.patches.filter((p) => p.op === 'insert').map((p) => (p.op === 'insert' ? (p.value as Obj) : {}));
  const sets = r.patches.filter((p) => p.op === 'set').map((p) => (p.op === 'set' ? [p.path.join('.'), p.value] : []));
  const about = (annotation: string) => r.findings.filter((f) => f.path === `metadata.annotations["${P}${annotation}"]`);
  const byName = (kind: string, name: string) => inserted.find((o) => o.kind === kind && o.metadata.name === name);
  return { r, inserted, sets, about, byName, byKind: (k: string) => inserted.filter((o) => o.kind === k) };
}

// limit-rate is not read by Traefik's provider: the Ingress goes through the Middleware translation.
const one = (annotations: Record<string, string>, extra: { tls?: boolean } = {}) =>
  [service('web'), ingress('one', 'one.example.com', Object.assign({ 'limit-rate': '100' }, annotations), extra)];
const loud = (o: ReturnType<typeof run>, a: string) => o.about(a).filter((f) => f.result === 'warn' || f.result === 'fail').map((f) => f.rule);

describe('buffering', () => {
  it('proxy-buffering "on" with buffer size and count: memResponseBodyBytes = size × count; the other rows reported exactly', () => {
    const o = run(fixtureSets.buffers);
    expect(o.byName('Middleware', 'buf-buffering')!.spec).toEqual({ buffering: { maxRequestBodyBytes: 2097152, memResponseBodyBytes: 65536 } });
    expect(o.inserted.find((x) => x.kind === 'Ingress')!.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('default-buf-buffering@kubernetescrd');
    expect(loud(o, 'proxy-buffering')).toEqual([]);
    expect(loud(o, 'proxy-buffer-size')).toEqual([]);
    expect(o.about('proxy-buffers-number').map((f) => [f.rule, f.result])).toEqual([['ingress/buffering', 'info']]);
    expect(o.about('proxy-request-buffering').map((f) => [f.rule, f.result])).toEqual([['ingress/approximated', 'warn']]);
    expect(o.about('proxy-request-buffering')[0].message).toContain('reads every request body in full');
    const tmp = o.about('proxy-max-temp-file-size');
    expect(tmp.map((f) => [f.rule, f.result])).toEqual([['ingress/not-translated', 'warn']]);
    expect(tmp[0].message).toContain('answers 500');
    expect(o.r.findings.some((f) => f.rule === 'ingress/not-implemented')).toBe(false);
  });

  it('proxy-buffering "on" alone: an empty buffering Middleware (both directions buffered, as nginx with request buffering on)', () => {
    const o = run(one({ 'proxy-buffering': 'on' }));
    expect(o.byName('Middleware', 'one-buffering')!.spec).toEqual({ buffering: {} });
    expect(loud(o, 'proxy-buffering')).toEqual([]);
  });

  it('proxy-buffering "off" next to proxy-body-size: responses are held back too, reported', () => {
    const o = run(one({ 'proxy-buffering': 'off', 'proxy-body-size': '1m' }));
    expect(o.byName('Middleware', 'one-buffering')!.spec).toEqual({ buffering: { maxRequestBodyBytes: 1048576 } });
    const f = o.about('proxy-buffering');
    expect(f.map((x) => [x.rule, x.result])).toEqual([['ingress/approximated', 'warn']]);
    expect(f[0].message).toContain('server-sent events');
  });

  it('proxy-buffering "off" alone and proxy-request-buffering "off" alone: Traefik streams, nothing emitted, nothing to report', () => {
    for (const a of [{ 'proxy-buffering': 'off' }, { 'proxy-request-buffering': 'off' }] as Record<string, string>[]) {
      const o = run(one(a));
      expect(o.byKind('Middleware')).toEqual([]);
      expect(loud(o, Object.keys(a)[0])).toEqual([]);
    }
  });

  it('proxy-request-buffering "on" alone: no Middleware (it would buffer responses), reported', () => {
    const o = run(one({ 'proxy-request-buffering': 'on' }));
    expect(o.byKind('Middleware')).toEqual([]);
    expect(o.about('proxy-request-buffering').map((f) => [f.rule, f.result])).toEqual([['ingress/approximated', 'warn']]);
  });

  it('proxy-buffer-size without proxy-buffering: nothing to set (info)', () => {
    const o = run(one({ 'proxy-buffer-size': '16k' }));
    expect(o.byKind('Middleware')).toEqual([]);
    expect(o.about('proxy-buffer-size').map((f) => [f.rule, f.result])).toEqual([['ingress/buffering', 'info']]);
  });
});

describe('auth, TLS and cookies', () => {
  it('the session fixture: cipherSuites, Max-Age from session-cookie-expires, auth-method and preserve-trailing-slash reported', () => {
    const o = run(fixtureSets.session);
    expect(o.byName('TLSOption', 'sess-tls')!.spec).toEqual({ cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] });
    expect(o.byName('Ingress', 'sess')!.metadata.annotations['traefik.ingress.kubernetes.io/router.tls.options']).toBe('default-sess-tls@kubernetescrd');
    expect(o.sets).toContainEqual(['metadata.annotations.traefik.ingress.kubernetes.io/service.sticky.cookie.maxage', '7200']);
    expect(o.byName('Middleware', 'sess-forward-auth')!.spec).toEqual({ forwardAuth: { address: 'https://auth.example.com/check', trustForwardHeader: false } });
    const rules = (a: string) => o.about(a).map((f) => [f.rule, f.result]);
    expect(rules('auth-method')).toEqual([['ingress/approximated', 'warn']]);
    expect(o.about('auth-method')[0].message).toContain('receives GET');
    expect(rules('session-cookie-expires')).toEqual([['ingress/approximated', 'warn']]);
    expect(rules('affinity-mode')).toEqual([['ingress/affinity', 'info']]);
    expect(rules('preserve-trailing-slash')).toEqual([['ingress/approximated', 'warn']]);
    expect(rules('ssl-ciphers')).toEqual([['ingress/approximated', 'warn']]);
  });

  it('ssl-ciphers with client certificates: one TLSOption with both; OpenSSL keywords are not carried', () => {
    const both = run(one({ 'ssl-ciphers': 'ECDHE-RSA-CHACHA20-POLY1305', 'auth-tls-secret': 'default/client-ca', 'auth-tls-verify-depth': '2' }, { tls: true }));
    expect(both.byKind('TLSOption').map((x) => [x.metadata.name, x.spec])).toEqual([
      ['one-client-tls', { clientAuth: { clientAuthType: 'RequireAndVerifyClientCert', secretNames: ['client-ca'] }, cipherSuites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] }],
    ]);
    expect(both.about('auth-tls-verify-depth').map((f) => [f.rule, f.result])).toEqual([['ingress/approximated', 'warn']]);
    const kw = run(one({ 'ssl-ciphers': 'HIGH:!aNULL:!MD5' }, { tls: true }));
    expect(kw.byKind('TLSOption')).toEqual([]);
    expect(kw.about('ssl-ciphers').map((f) => [f.rule, f.result])).toEqual([['ingress/not-translated', 'warn']]);
    expect(kw.about('ssl-ciphers')[0].message).toContain('HIGH, !aNULL, !MD5');
  });

  it('auth-method GET is what forwardAuth sends: no finding; enable-global-auth says exactly why it is not carried', () => {
    const get = run(one({ 'auth-url': 'https://auth.example.com/check', 'auth-method': 'GET' }));
    expect(get.about('auth-method')).toEqual([]);
    const off = run(one({ 'enable-global-auth': 'false' }));
    const f = off.about('enable-global-auth');
    expect(f.map((x) => [x.rule, x.result])).toEqual([['ingress/not-translated', 'warn']]);
    expect(f[0].message).toContain('warden does not read the controller ConfigMap');
    expect(f[0].message).toContain('to the other routers only');
  });

  it('affinity-mode "balanced" is reported (Traefik keeps sessions where they are); max-age wins over expires', () => {
    const o = run(one({ affinity: 'cookie', 'affinity-mode': 'balanced', 'session-cookie-max-age': '60', 'session-cookie-expires': '120' }));
    expect(o.about('affinity-mode').map((f) => [f.rule, f.result])).toEqual([['ingress/approximated', 'warn']]);
    expect(o.sets).toContainEqual(['metadata.annotations.traefik.ingress.kubernetes.io/service.sticky.cookie.maxage', '60']);
  });
});

describe('ingressroute: canary rules and hashing', () => {
  it('header pattern and cookie rules, with priorities in ingress-nginx precedence; a longer path still wins', () => {
    const o = run(fixtureSets.canaryRules, { traefikOutput: 'ingressroute' });
    const base = 'Host(`rules.example.com`) && PathPrefix(`/`)';
    const v1 = { name: 'app-v1', port: 80 };
    const v2 = { name: 'app-v2', port: 80 };
    expect(o.byName('IngressRoute', 'rules')!.spec.routes.map((r: Obj) => [r.match, r.priority, r.services])).toEqual([
      [base, 4 * base.length, [{ kind: 'TraefikService', name: 'rules-canary-2' }]],
      [`${base} && HeaderRegexp(\`X-Canary\`, \`^(beta|rc)$\`)`, 4 * base.length + 2, [v2]],
      [`${base} && HeaderRegexp(\`Cookie\`, \`(^|;\\s*)canary_flag=always(;|$)\`)`, 4 * base.length + 1, [v2]],
      [`${base} && HeaderRegexp(\`Cookie\`, \`(^|;\\s*)canary_flag=never(;|$)\`)`, 4 * base.length + 1, [v1]],
    ]);
    const api = o.byName('IngressRoute', 'rules-api')!.spec.routes[0];
    expect(api.priority).toBe(4 * api.match.length);
    expect(api.priority).toBeGreaterThan(4 * base.length + 2);
    expect(o.byName('TraefikService', 'rules-canary-2')!.spec).toEqual({ weighted: { services: [{ ...v1, weight: 90 }, { ...v2, weight: 10 }] } });
    for (const a of ['canary-by-header-pattern', 'canary-by-cookie']) expect(o.about(a)).toEqual([]);
  });

  it('hosts without canary rules keep Traefik\'s default priority', () => {
    const o = run(fixtureSets.rich, { traefikOutput: 'ingressroute' });
    for (const r of o.byKind('IngressRoute').flatMap((x) => x.spec.routes)) expect(r.priority).toBeUndefined();
  });

  it('session affinity and load-balance on a canary Ingress (ingress-nginx applies them to the canary) are reported, not dropped', () => {
    const canary = { canary: 'true', 'canary-weight': '20', affinity: 'cookie', 'session-cookie-name': 'c', 'load-balance': 'ewma' };
    const input = [service('app-v1'), service('app-v2'), ingress('m', 'm.example.com', {}, { service: 'app-v1' }), ingress('c', 'm.example.com', canary, { service: 'app-v2' })];
    const o = run(input, { traefikOutput: 'ingressroute' });
    expect(o.byKind('TraefikService')).toHaveLength(1);
    for (const a of ['affinity', 'session-cookie-name']) {
      const f = o.about(a);
      expect(f.map((x) => [x.rule, x.result]), a).toEqual([['ingress/not-translated', 'warn']]);
      expect(f[0].message).toMatch(/^Ingress default\/c: .* on a canary Ingress is not carried/);
    }
    expect(loud(o, 'load-balance')).toEqual(['ingress/not-translated']);
    // the canary's own canary-* rows are translated, not reported
    expect(o.about('canary-weight')).toEqual([]);
  });

  it('a PCRE-only pattern (lookahead) is not written: RE2 would reject the route', () => {
    const input = [service('app-v1'), service('app-v2'), ingress('m', 'm.example.com', {}, { service: 'app-v1' }),
      ingress('c', 'm.example.com', { canary: 'true', 'canary-by-header': 'X-C', 'canary-by-header-pattern': '^(?!old)' }, { service: 'app-v2' })];
    const o = run(input, { traefikOutput: 'ingressroute' });
    expect(o.byName('IngressRoute', 'm')!.spec.routes.map((r: Obj) => r.match)).toEqual(['Host(`m.example.com`) && PathPrefix(`/`)']);
    expect(o.about('canary-by-header-pattern').map((f) => [f.rule, f.result])).toEqual([['ingress/not-translated', 'warn']]);
  });

  it('upstream-hash-by $remote_addr → strategy hrw (IngressRoute only); other keys are reported', () => {
    const ir = run(one({ 'upstream-hash-by': '$remote_addr' }), { traefikOutput: 'ingressroute' });
    expect(ir.byName('IngressRoute', 'one')!.spec.routes[0].services).toEqual([{ name: 'web', port: 80, strategy: 'hrw' }]);
    expect(ir.about('upstream-hash-by').map((f) => [f.rule, f.result])).toEqual([['ingress/approximated', 'warn']]);
    const mw = run(one({ 'upstream-hash-by': '$remote_addr' }));
    expect(mw.about('upstream-hash-by').map((f) => [f.rule, f.result])).toEqual([['ingress/not-translated', 'warn']]);
    const uri = run(one({ 'upstream-hash-by': '$request_uri' }), { traefikOutput: 'ingressroute' });
    expect(uri.byName('IngressRoute', 'one')!.spec.routes[0].services).toEqual([{ name: 'web', port: 80 }]);
    expect(uri.about('upstream-hash-by')[0].message).toContain('hashes the client IP');
  });
});
