// parse → gateway-api emitter, per annotation area, and the traps of
// docs/nginx-annotations.md §3: each row checks the emitted objects and the
// notification (severity + code) that tells the exact difference.

import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../../src/ingress/annotations/index';
import type { Notification } from '../../../src/ingress/model';
import { parseIngresses, type ParseOptions } from '../../../src/ingress/parse';
import { GATEWAY_API_TRANSLATED, emitGatewayApi, goDuration, prefixRewriteIdiom } from '../../../src/ingress/targets/gateway-api';

type Obj = Record<string, any>;
const P = 'nginx.ingress.kubernetes.io/';

interface IngOpts {
  name?: string;
  host?: string;
  path?: string;
  pathType?: string;
  service?: string;
  port?: number;
  tls?: boolean;
  className?: string | null;
  apiVersion?: string;
}

function ingress(annotations: Record<string, string>, o: IngOpts = {}): Obj {
  const a: Record<string, string> = {};
  for (const k of Object.keys(annotations)) a[k.includes('/') ? k : P + k] = annotations[k];
  const spec: Obj = {
    rules: [{
      host: o.host ?? 'app.example.com',
      http: { paths: [{ path: o.path ?? '/', pathType: o.pathType ?? 'Prefix', backend: { service: { name: o.service ?? 'web', port: { number: o.port ?? 80 } } } }] },
    }],
  };
  if (o.className !== null) spec.ingressClassName = o.className ?? 'nginx';
  if (o.tls) spec.tls = [{ hosts: [o.host ?? 'app.example.com'], secretName: 'app-tls' }];
  return { apiVersion: o.apiVersion ?? 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: o.name ?? 'app', namespace: 'default', annotations: a }, spec };
}

function convert(objects: Obj[], options: ParseOptions & { experimental?: boolean } = {}) {
  const parsed = parseIngresses(objects, options);
  const r = emitGatewayApi(parsed, { experimental: options.experimental });
  const notes: Notification[] = parsed.notifications.concat(r.notifications);
  const find = (kind: string, name?: string) => r.objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name)) as Obj | undefined;
  const route = find('HTTPRoute', 'app-app-example-com');
  return { objects: r.objects as Obj[], notes, find, route, rule: route?.spec.rules?.[0] as Obj | undefined };
}

function has(notes: Notification[], severity: string, code: string, annotation?: string): boolean {
  return notes.some((n) => n.severity === severity && n.code === code && (annotation === undefined || n.annotation === P + annotation));
}

describe('basics', () => {
  it('emits one Gateway per class and one HTTPRoute per host, deterministically', () => {
    const input = [ingress({}), ingress({}, { name: 'other', host: 'b.example.com' })];
    const a = convert(input);
    expect(a.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Gateway/nginx', 'HTTPRoute/app-app-example-com', 'HTTPRoute/other-b-example-com']);
    expect(a.find('Gateway')!.spec.listeners.map((l: Obj) => l.name)).toEqual(['app-example-com-http', 'b-example-com-http']);
    expect(JSON.stringify(convert(input.slice().reverse()).objects)).toBe(JSON.stringify(a.objects));
  });

  it('skips class-less Ingresses unless asked, and notes v1beta1', () => {
    expect(convert([ingress({ 'use-regex': 'true' }, { className: null })]).objects).toEqual([]);
    expect(convert([ingress({}, { className: null })], { includeClassless: true }).route).toBeDefined();
    const old = ingress({}, { apiVersion: 'networking.k8s.io/v1beta1' });
    old.spec.rules[0].http.paths[0].backend = { serviceName: 'legacy', servicePort: 8080 };
    const c = convert([old]);
    expect(c.rule!.backendRefs).toEqual([{ name: 'legacy', port: 8080 }]);
    expect(has(c.notes, 'warning', 'deprecated-api')).toBe(true);
  });
});

describe('snippets and invalid values', () => {
  it.each(['configuration-snippet', 'server-snippet', 'auth-snippet', 'stream-snippet', 'modsecurity-snippet'])('%s is critical and never emitted', (name) => {
    const c = convert([ingress({ [name]: 'more_set_headers "X-Evil: 1";' })]);
    expect(has(c.notes, 'critical', 'snippet', name)).toBe(true);
    expect(JSON.stringify(c.objects)).not.toContain('X-Evil');
  });

  it('names Ingress and annotation for an invalid value', () => {
    const c = convert([ingress({ 'proxy-read-timeout': '60s' })]);
    const n = c.notes.find((x) => x.code === 'invalid-value')!;
    expect(n.severity).toBe('error');
    expect(n.message).toContain('default/app');
    expect(n.annotation).toBe(P + 'proxy-read-timeout');
  });
});

describe('rewrite and regex paths', () => {
  it('literal rewrite-target: ReplaceFullPath, with the whole-URI difference spelled out', () => {
    const c = convert([ingress({ 'rewrite-target': '/' }, { path: '/foo' })]);
    expect(c.rule!.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { replaceFullPath: '/', type: 'ReplaceFullPath' } } }]);
    expect(c.rule!.matches).toEqual([{ path: { type: 'RegularExpression', value: '(?i)/foo.*' } }]);
    expect(has(c.notes, 'warning', 'approximated', 'rewrite-target')).toBe(true);
    expect(has(c.notes, 'info', 'regex-paths')).toBe(true);
  });

  it('capture groups are an error (cannot be substituted)', () => {
    const c = convert([ingress({ 'rewrite-target': '/$1' }, { path: '/products/(.+)', pathType: 'ImplementationSpecific' })]);
    expect(has(c.notes, 'error', 'rewrite-captures', 'rewrite-target')).toBe(true);
  });

  it('the /x(/|$)(.*) → /$2 idiom is a prefix strip: PathPrefix + ReplacePrefixMatch', () => {
    const c = convert([ingress({ 'rewrite-target': '/$2' }, { path: '/something(/|$)(.*)', pathType: 'ImplementationSpecific' })]);
    expect(c.rule!.matches).toEqual([{ path: { type: 'PathPrefix', value: '/something' } }]);
    expect(c.rule!.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: '/', type: 'ReplacePrefixMatch' } } }]);
    expect(has(c.notes, 'warning', 'rewrite-prefix', 'rewrite-target')).toBe(true);
    expect(has(c.notes, 'error', 'rewrite-captures')).toBe(false);
  });

  it.each([
    ['/something(/|$)(.*)', '/something'],
    ['/api/v1(/|$)(.*)', '/api/v1'],
    ['/(/|$)(.*)', undefined],
    ['/a.b(/|$)(.*)', undefined],
    ['/something(/|$)(.+)', undefined],
    ['/something', undefined],
  ])('prefixRewriteIdiom(%s) = %s', (path, prefix) => {
    expect(prefixRewriteIdiom(path)).toBe(prefix);
  });

  it('regex mode is per host: it spreads to other Ingresses of the same host', () => {
    const c = convert([ingress({ 'use-regex': 'true' }, { path: '/a(.*)' }), ingress({}, { name: 'b', path: '/static' })]);
    expect(c.route!.spec.rules.map((r: Obj) => r.matches[0].path)).toEqual([
      { type: 'RegularExpression', value: '(?i)/a(.*).*' },
      { type: 'RegularExpression', value: '(?i)/static.*' },
    ]);
  });

  it('x-forwarded-prefix is set only together with rewrite-target', () => {
    const c = convert([ingress({ 'rewrite-target': '/', 'x-forwarded-prefix': '/foo' })]);
    expect(c.rule!.filters[0]).toEqual({ requestHeaderModifier: { set: [{ name: 'X-Forwarded-Prefix', value: '/foo' }] }, type: 'RequestHeaderModifier' });
    const d = convert([ingress({ 'x-forwarded-prefix': '/foo' })]);
    expect(d.rule!.filters).toBeUndefined();
    expect(has(d.notes, 'info', 'no-effect', 'x-forwarded-prefix')).toBe(true);
  });

  it('app-root: an Exact "/" rule with a 302 ReplaceFullPath redirect', () => {
    const c = convert([ingress({ 'app-root': '/app1' }, { path: '/api' })]);
    expect(c.route!.spec.rules[1]).toEqual({
      filters: [{ requestRedirect: { path: { replaceFullPath: '/app1', type: 'ReplaceFullPath' }, statusCode: 302 }, type: 'RequestRedirect' }],
      matches: [{ path: { type: 'Exact', value: '/' } }],
    });
  });
});

describe('redirects', () => {
  it.each<[Record<string, string>, number, string | null]>([
    [{ 'permanent-redirect': 'https://e.com/new' }, 301, null],
    [{ 'permanent-redirect': 'https://e.com/new', 'permanent-redirect-code': '308' }, 308, 'extended-feature'],
    [{ 'permanent-redirect': 'https://e.com/new', 'permanent-redirect-code': '300' }, 301, 'approximated'],
    [{ 'permanent-redirect': 'https://e.com/new', 'permanent-redirect-code': '500' }, 301, 'redirect-code-fallback'],
    [{ 'temporal-redirect': 'https://e.com/new' }, 302, null],
    [{ 'temporal-redirect': 'https://e.com/new', 'temporal-redirect-code': '429' }, 302, 'redirect-code-fallback'],
    [{ 'temporal-redirect': 'https://e.com/new', 'permanent-redirect': 'https://p.com/' }, 302, 'redirect-ignored'],
  ])('%j → %d', (annotations, code, noteCode) => {
    const c = convert([ingress(annotations)]);
    expect(c.rule!.backendRefs).toBeUndefined();
    expect(c.rule!.filters[0].requestRedirect).toMatchObject({ hostname: 'e.com', scheme: 'https', statusCode: code, path: { replaceFullPath: '/new', type: 'ReplaceFullPath' } });
    if (noteCode !== null) expect(c.notes.some((n) => n.code === noteCode)).toBe(true);
  });

  it('a query in the target is dropped with a warning; captures are an error', () => {
    expect(has(convert([ingress({ 'permanent-redirect': 'https://e.com/x?a=1' })]).notes, 'warning', 'approximated', 'permanent-redirect')).toBe(true);
    expect(has(convert([ingress({ 'permanent-redirect': 'https://e.com/$1' })]).notes, 'error', 'redirect-captures', 'permanent-redirect')).toBe(true);
  });

  it('ssl-redirect (default on with TLS): HTTPS route + an HTTP route redirecting with 308', () => {
    const c = convert([ingress({}, { tls: true })]);
    expect(c.route!.spec.parentRefs).toEqual([{ name: 'nginx', port: 443, sectionName: 'app-example-com-https' }]);
    expect(c.find('HTTPRoute', 'app-app-example-com-http')!.spec.rules[0].filters).toEqual([{ requestRedirect: { scheme: 'https', statusCode: 308 }, type: 'RequestRedirect' }]);
    const off = convert([ingress({ 'ssl-redirect': 'false' }, { tls: true })]);
    expect(off.find('HTTPRoute', 'app-app-example-com-http')).toBeUndefined();
  });

  it('from-to-www-redirect adds a redirect route for the other host, unless an Ingress serves it', () => {
    const c = convert([ingress({ 'from-to-www-redirect': 'true' })]);
    expect(c.find('HTTPRoute', '00-app-app-example-com-www-app-example-com-www-redirect')!.spec.rules[0].filters[0].requestRedirect).toEqual({ hostname: 'app.example.com', statusCode: 301 });
    const d = convert([ingress({ 'from-to-www-redirect': 'true' }), ingress({}, { name: 'www', host: 'www.app.example.com' })]);
    expect(d.objects.some((o) => o.metadata.name.endsWith('www-redirect'))).toBe(false);
    expect(has(d.notes, 'info', 'www-redirect-skipped')).toBe(true);
  });
});

describe('timeouts and body size', () => {
  it.each([[5, '5s'], [30, '30s'], [60, '1m0s'], [300, '5m0s'], [3600, '1h0m0s'], [3661, '1h1m1s']])('goDuration(%d) = %s', (s, d) => {
    expect(goDuration(s)).toBe(d);
  });

  it('proxy timeouts become timeouts.request with the difference reported', () => {
    const c = convert([ingress({ 'proxy-read-timeout': '30', 'proxy-connect-timeout': '5' })]);
    expect(c.rule!.timeouts).toEqual({ request: '5m0s' });
    expect(has(c.notes, 'warning', 'approximated')).toBe(true);
  });

  it.each([['10m', '10485760 bytes'], ['0', 'no limit']])('proxy-body-size %s is reported, not silently dropped', (raw, text) => {
    const c = convert([ingress({ 'proxy-body-size': raw })]);
    const n = c.notes.find((x) => x.code === 'body-size')!;
    expect(n.message).toContain(text);
    expect(has(c.notes, 'warning', 'not-translated', 'proxy-body-size')).toBe(true);
  });
});

describe('CORS', () => {
  it('emits the nginx defaults explicitly', () => {
    const c = convert([ingress({ 'enable-cors': 'true', 'cors-allow-origin': 'https://a.com, https://b.com', 'cors-max-age': '600' })]);
    expect(c.rule!.filters[0]).toEqual({
      cors: {
        allowCredentials: true,
        allowHeaders: ['DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization'],
        allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
        allowOrigins: ['https://a.com', 'https://b.com'],
        maxAge: 600,
      },
      type: 'CORS',
    });
    expect(convert([ingress({ 'enable-cors': 'false', 'cors-allow-origin': '*' })]).rule!.filters).toBeUndefined();
  });
});

describe('access control fails open: reported as errors', () => {
  it.each(['whitelist-source-range', 'allowlist-source-range', 'denylist-source-range'])('%s', (name) => {
    const c = convert([ingress({ [name]: '10.0.0.0/8' })]);
    expect(c.notes.some((n) => n.severity === 'error' && n.annotation === P + name && n.message.includes('access control'))).toBe(true);
  });
  it.each<[Record<string, string>, string]>([
    [{ 'auth-type': 'basic', 'auth-secret': 'basic' }, 'auth-type'],
    [{ 'auth-url': 'http://auth.svc/' }, 'auth-url'],
    [{ 'limit-rps': '10' }, 'limit-rps'],
    [{ 'auth-tls-secret': 'default/ca' }, 'auth-tls-secret'],
  ])('%j', (annotations, name) => {
    expect(convert([ingress(annotations)]).notes.some((n) => n.severity === 'error' && n.annotation === P + name)).toBe(true);
  });
});

describe('backend protocol', () => {
  it('GRPC becomes a GRPCRoute', () => {
    const c = convert([ingress({ 'backend-protocol': 'GRPC' })]);
    expect(c.find('GRPCRoute', 'app-app-example-com')!.spec.rules).toEqual([{ backendRefs: [{ name: 'web', port: 80 }] }]);
    expect(c.find('HTTPRoute')).toBeUndefined();
  });

  it('HTTPS + strict verification: BackendTLSPolicy; otherwise a warning naming what is missing', () => {
    const strict = { 'backend-protocol': 'HTTPS', 'proxy-ssl-verify': 'on', 'proxy-ssl-secret': 'ca', 'proxy-ssl-server-name': 'on', 'proxy-ssl-name': 'web.internal' };
    const c = convert([ingress(strict)]);
    expect(c.find('BackendTLSPolicy', 'web-backend-tls')!.spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'web' }],
      validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], hostname: 'web.internal' },
    });
    const loose = convert([ingress({ 'backend-protocol': 'HTTPS' })]);
    expect(loose.find('BackendTLSPolicy')).toBeUndefined();
    expect(loose.notes.find((n) => n.code === 'backend-tls')!.message).toContain('proxy-ssl-verify is not "on"');
  });

  it('upstream-vhost sets Host', () => {
    expect(convert([ingress({ 'upstream-vhost': 'internal' })]).rule!.filters).toEqual([
      { requestHeaderModifier: { set: [{ name: 'Host', value: 'internal' }] }, type: 'RequestHeaderModifier' },
    ]);
  });
});

describe('canary', () => {
  const main = ingress({}, { name: 'main' });
  const canary = (a: Record<string, string>) => ingress({ canary: 'true', ...a }, { name: 'canary', service: 'web-canary' });
  const routeOf = (objs: Obj[]) => convert(objs).find('HTTPRoute', 'canary-app-example-com')!;

  it('weights: canary = w, main = total − w', () => {
    expect(routeOf([main, canary({ 'canary-weight': '10', 'canary-weight-total': '120' })]).spec.rules[0].backendRefs).toEqual([
      { name: 'web-canary', port: 80, weight: 10 },
      { name: 'web', port: 80, weight: 110 },
    ]);
  });

  it('by header: "always" → canary, "never" → main', () => {
    const rules = routeOf([main, canary({ 'canary-by-header': 'X-Canary' })]).spec.rules;
    expect(rules.slice(1).map((r: Obj) => [r.matches[0].headers[0].value, r.backendRefs[0].name])).toEqual([['always', 'web-canary'], ['never', 'web']]);
  });

  it('a canary without a main Ingress is an error; other annotations on a canary are ignored (warned)', () => {
    const lone = convert([canary({})]);
    expect(has(lone.notes, 'error', 'canary-without-main', 'canary')).toBe(true);
    const c = convert([main, canary({ 'proxy-read-timeout': '5' })]);
    expect(has(c.notes, 'warning', 'canary-ignored', 'proxy-read-timeout')).toBe(true);
  });

  it('by cookie is not translated (warning)', () => {
    expect(has(convert([main, canary({ 'canary-by-cookie': 'c' })]).notes, 'warning', 'not-translated', 'canary-by-cookie')).toBe(true);
  });
});

describe('server-alias', () => {
  it('adds alias hostnames, skipping aliases another Ingress serves or claimed first', () => {
    const c = convert([
      ingress({ 'server-alias': 'alias.example.com, b.example.com' }),
      ingress({}, { name: 'b', host: 'b.example.com' }),
      ingress({ 'server-alias': 'alias.example.com' }, { name: 'c', host: 'c.example.com' }),
    ]);
    expect(c.route!.spec.hostnames).toEqual(['app.example.com', 'alias.example.com']);
    expect(c.find('HTTPRoute', 'c-c-example-com')!.spec.hostnames).toEqual(['c.example.com']);
    expect(c.notes.filter((n) => n.code === 'server-alias-skipped').length).toBe(2);
    expect(c.find('Gateway')!.spec.listeners.map((l: Obj) => l.name)).toContain('alias-example-com-http');
  });
});

describe('TLS passthrough', () => {
  it('ssl-passthrough: a TLS listener and a TLSRoute instead of the HTTPRoute', () => {
    const c = convert([ingress({ 'ssl-passthrough': 'true' }, { port: 443 })]);
    expect(c.find('TLSRoute', 'app-app-example-com-tls-passthrough')!.spec).toEqual({
      hostnames: ['app.example.com'],
      parentRefs: [{ name: 'nginx', sectionName: 'app-example-com-tls-passthrough' }],
      rules: [{ backendRefs: [{ name: 'web', port: 443 }] }],
    });
    expect(c.find('HTTPRoute')).toBeUndefined();
  });
});

describe('everything else is reported from the registry', () => {
  it.each([
    ['proxy-buffering', 'on', 'warning', 'not-translated'],
    ['affinity', 'cookie', 'warning', 'experimental-only'],
    ['load-balance', 'ewma', 'warning', 'not-translated'],
    ['mirror-target', 'https://mirror.example.com/', 'warning', 'not-translated'],
    ['auth-url', 'http://auth.default.svc/check', 'error', 'experimental-only'],
    ['auth-tls-secret', 'default/ca', 'error', 'not-translated'],
    ['force-ssl-redirect', 'true', 'warning', 'not-translated'],
    ['preserve-trailing-slash', 'false', 'warning', 'approximated'],
  ])('%s', (name, raw, severity, code) => {
    expect(has(convert([ingress({ [name]: raw })]).notes, severity, code, name)).toBe(true);
  });

  it('unknown nginx annotations are warned about', () => {
    expect(has(convert([ingress({ 'enable-opentracing': 'true' })]).notes, 'warning', 'unknown-annotation', 'enable-opentracing')).toBe(true);
  });
});

describe('no annotation is dropped silently', () => {
  const SAMPLE: Record<string, string> = {
    bool: 'true', onoff: 'on', int: '5', seconds: '5', size: '8m', cidrs: '10.0.0.0/8', url: 'https://e.com/x', path: '/x',
    ref: 'default/x', hosts: 'x.example.com', codes: '404', list: 'a', snippet: 'return 200;', string: 'x',
  };
  it.each(ANNOTATIONS.filter((a) => GATEWAY_API_TRANSLATED.indexOf(a.aliasOf ?? a.name) < 0).map((a) => [a.name, a] as const))(
    '%s is reported when not translated',
    (name, spec) => {
      const raw = spec.value === 'enum' ? spec.values![0] : SAMPLE[spec.value];
      const c = convert([ingress({ [name]: raw })]);
      expect(c.notes.some((n) => n.annotation === P + name && n.severity !== 'info')).toBe(true);
    },
  );
});

describe('shapes', () => {
  it('one Gateway per namespace; hostless and wildcard rules', () => {
    const other = ingress({}, { name: 'x', host: '*.example.com' });
    other.metadata.namespace = 'team-b';
    const hostless = ingress({}, { name: 'h', host: '' });
    delete hostless.spec.rules[0].host;
    const c = convert([ingress({}), other, hostless]);
    expect(c.objects.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.namespace)).toEqual(['default', 'team-b']);
    const gwB = c.objects.find((o) => o.kind === 'Gateway' && o.metadata.namespace === 'team-b')!;
    expect(gwB.spec.listeners).toEqual([{ hostname: '*.example.com', name: 'wildcard-example-com-http', port: 80, protocol: 'HTTP' }]);
    const all = c.find('HTTPRoute', 'h-all-hosts')!;
    expect(all.spec.hostnames).toBeUndefined();
    expect(c.find('Gateway')!.spec.listeners.some((l: Obj) => l.name === 'all-hosts-http' && l.hostname === undefined)).toBe(true);
  });

  it('a duplicate host+path across Ingresses is an error, the first Ingress wins', () => {
    const c = convert([ingress({}, { name: 'a' }), ingress({}, { name: 'b', service: 'other' })]);
    expect(has(c.notes, 'error', 'duplicate-path')).toBe(true);
    expect(c.find('HTTPRoute', 'a-app-example-com')!.spec.rules).toHaveLength(1);
  });

  it('a TLS entry without secretName emits no empty certificateRef', () => {
    const i = ingress({}, { tls: true });
    i.spec.tls = [{ hosts: ['app.example.com'] }];
    const c = convert([i]);
    expect(JSON.stringify(c.objects)).not.toContain('"name":""');
    expect(has(c.notes, 'warning', 'tls-default-certificate')).toBe(true);
  });
});

describe('Gateway API limits', () => {
  it('splits a host with more than 16 paths into several routes', () => {
    const i = ingress({});
    i.spec.rules[0].http.paths = Array.from({ length: 20 }, (_, n) => ({ path: `/p${n}`, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }));
    const c = convert([i]);
    const routes = c.objects.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.map((r) => [r.metadata.name, r.spec.rules.length])).toEqual([['app-app-example-com', 16], ['app-app-example-com-2', 4]]);
    expect(routes[1].spec.hostnames).toEqual(['app.example.com']);
    expect(has(c.notes, 'info', 'route-split')).toBe(true);
  });
});

describe('annotations translated since the first version', () => {
  it('mirror-target naming a Service becomes RequestMirror (path kept from the request)', () => {
    const { rule, notes } = convert([ingress({ 'mirror-target': 'http://shadow.test.svc.cluster.local:8080$request_uri' })]);
    expect(rule!.filters).toContainEqual({ requestMirror: { backendRef: { name: 'shadow', namespace: 'test', port: 8080 } }, type: 'RequestMirror' });
    expect(notes.some((n) => n.annotation === P + 'mirror-target' && n.severity !== 'info')).toBe(false);
  });

  it('custom-headers from a rendered ConfigMap become a ResponseHeaderModifier', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hdrs', namespace: 'default' }, data: { 'X-B': '2', 'X-A': '1' } };
    const { rule } = convert([cm, ingress({ 'custom-headers': 'default/hdrs' })]);
    expect(rule!.filters).toContainEqual({ responseHeaderModifier: { set: [{ name: 'X-A', value: '1' }, { name: 'X-B', value: '2' }] }, type: 'ResponseHeaderModifier' });
    expect(has(convert([ingress({ 'custom-headers': 'default/absent' })]).notes, 'warning', 'not-translated', 'custom-headers')).toBe(true);
  });

  it('force-ssl-redirect on a TLS host redirects even with ssl-redirect "false"', () => {
    const { objects } = convert([ingress({ 'force-ssl-redirect': 'true', 'ssl-redirect': 'false' }, { tls: true } as any)]);
    const http = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name.endsWith('-http'));
    expect(http?.spec.rules[0].filters[0]).toEqual({ requestRedirect: { scheme: 'https', statusCode: 308 }, type: 'RequestRedirect' });
  });

  it('experimental channel: retry (tries − 1), sessionPersistence, ExternalAuth — only with --gateway-experimental', () => {
    const ann = {
      'proxy-next-upstream': 'error timeout http_502 http_503', 'proxy-next-upstream-tries': '4',
      affinity: 'cookie', 'session-cookie-name': 'S', 'session-cookie-max-age': '3600',
      'auth-url': 'http://oauth2.auth.svc.cluster.local:4180/oauth2/auth', 'auth-response-headers': 'X-Auth-Request-User',
    };
    const std = convert([ingress(ann)]);
    expect(std.rule!.retry).toBeUndefined();
    expect(std.rule!.sessionPersistence).toBeUndefined();
    expect(has(std.notes, 'error', 'experimental-only', 'auth-url')).toBe(true);
    const exp = convert([ingress(ann)], { experimental: true });
    expect(exp.rule!.retry).toEqual({ attempts: 3, codes: [502, 503] });
    expect(exp.rule!.sessionPersistence).toEqual({ absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' }, sessionName: 'S', type: 'Cookie' });
    expect(exp.rule!.filters[0]).toEqual({
      externalAuth: { backendRef: { name: 'oauth2', namespace: 'auth', port: 4180 }, http: { allowedResponseHeaders: ['X-Auth-Request-User'], path: '/oauth2/auth' }, protocol: 'HTTP' },
      type: 'ExternalAuth',
    });
    expect(has(exp.notes, 'warning', 'approximated', 'proxy-next-upstream')).toBe(true);
    expect(exp.notes.some((n) => n.code === 'experimental-only')).toBe(false);
    // An auth service outside the cluster cannot be a backendRef: the Ingress fails open → error.
    expect(has(convert([ingress({ 'auth-url': 'https://auth.example.com/check' })], { experimental: true }).notes, 'error', 'not-translated', 'auth-url')).toBe(true);
  });
});
