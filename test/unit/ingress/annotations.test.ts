// The annotation registry and its value parsers, table-driven.

import { describe, expect, it } from 'vitest';
import {
  ANNOTATIONS,
  canonicalAnnotation,
  lookupAnnotation,
  parseValue,
  targetCounts,
  targetMapping,
  type TargetId,
} from '../../../src/ingress/annotations/index';

describe('registry', () => {
  it('has every row of the reference table once', () => {
    expect(ANNOTATIONS.length).toBe(138);
    expect(new Set(ANNOTATIONS.map((a) => a.name)).size).toBe(138);
  });

  it('classifies every annotation for every target with the reference counts (§4)', () => {
    const expected: Record<TargetId, [number, number, number]> = {
      'gateway-api': [17, 30, 91],
      traefik: [54, 34, 50],
      haproxy: [13, 28, 97],
      openshift: [6, 19, 113],
    };
    for (const t of Object.keys(expected) as TargetId[]) {
      const c = targetCounts(t);
      expect([c.faithful, c.partial, c.none], t).toEqual(expected[t]);
      for (const spec of ANNOTATIONS) {
        const m = targetMapping(spec, t);
        if (m.level === 'none') expect(m.reason.length, `${spec.name} ${t}`).toBeGreaterThan(0);
        else expect(m.mapping).toBe(`${t}/${spec.aliasOf ?? spec.name}`);
      }
    }
  });

  it('has the parser risk levels of the reference (Low 77, Medium 46, High 10, Critical 5)', () => {
    const count = (r: string) => ANNOTATIONS.filter((a) => a.risk === r).length;
    expect([count('low'), count('medium'), count('high'), count('critical')]).toEqual([77, 46, 10, 5]);
    for (const a of ANNOTATIONS) if (a.value === 'snippet') expect(a.risk).toBe('critical');
  });

  it.each([
    ['nginx.ingress.kubernetes.io/whitelist-source-range', 'allowlist-source-range'],
    ['whitelist-source-range', 'allowlist-source-range'],
    ['limit-whitelist', 'limit-allowlist'],
    ['nginx.ingress.kubernetes.io/rewrite-target', 'rewrite-target'],
    ['nginx.ingress.kubernetes.io/no-such-thing', undefined],
    ['traefik.ingress.kubernetes.io/router.entrypoints', undefined],
  ])('resolves %s to %s', (key, canonical) => {
    expect(canonicalAnnotation(key)).toBe(canonical);
  });

  it('marks the parser-only annotations', () => {
    const parserOnly = ANNOTATIONS.filter((a) => a.parserOnly).map((a) => a.name).sort();
    expect(parserOnly).toEqual([
      'allowlist-source-range', 'disable-proxy-intercept-errors', 'fastcgi-index', 'fastcgi-params-configmap',
      'limit-allowlist', 'opentelemetry-operation-name', 'relative-redirects', 'use-port-in-redirects',
    ]);
  });
});

type Row = [annotation: string, raw: string, expected: unknown];

function value(name: string, raw: string): unknown {
  const spec = lookupAnnotation(name);
  if (spec === undefined) throw new Error(`no spec ${name}`);
  const r = parseValue(spec, raw);
  return r.ok ? r.value : { error: true };
}

const ERR = { error: true };

describe.each<[string, Row[]]>([
  ['booleans', [
    ['use-regex', 'true', true], ['use-regex', 'False', false], ['ssl-redirect', '1', true], ['enable-cors', 'yes', ERR],
  ]],
  ['on/off', [
    ['proxy-ssl-verify', 'on', true], ['proxy-ssl-verify', 'OFF', false], ['proxy-ssl-server-name', 'whoami.localhost', ERR],
    ['proxy-buffering', 'true', ERR],
  ]],
  ['integers', [
    ['canary-weight', '10', 10], ['permanent-redirect-code', '308', 308], ['limit-rps', '1.5', ERR], ['canary-weight', '', ERR],
  ]],
  ['seconds (bare integers; units rejected as ingress-nginx does)', [
    ['proxy-read-timeout', '60', 60], ['proxy-connect-timeout', '60s', ERR], ['cors-max-age', '600', 600], ['proxy-send-timeout', '-1', ERR],
  ]],
  ['sizes (powers of 1024, "0" = unlimited)', [
    ['proxy-body-size', '8m', 8 * 1024 * 1024], ['proxy-body-size', '10M', 10 * 1024 * 1024], ['proxy-body-size', '0', 0],
    ['client-body-buffer-size', '10K', 10240], ['proxy-buffer-size', '1g', 1024 ** 3], ['proxy-body-size', '512', 512],
    ['proxy-body-size', '1.5m', ERR], ['proxy-body-size', '10Mi', ERR],
  ]],
  ['CIDR lists', [
    ['whitelist-source-range', ' 192.168.1.0/24 , 10.0.0.0/8 ', ['192.168.1.0/24', '10.0.0.0/8']],
    ['allowlist-source-range', '192.168.20.1,2001:db8::/32', ['192.168.20.1', '2001:db8::/32']],
    ['denylist-source-range', '300.1.1.1', ERR], ['denylist-source-range', '10.0.0.0/33', ERR], ['limit-whitelist', 'example.com', ERR],
  ]],
  ['URLs', [
    ['permanent-redirect', 'https://www.google.com', { scheme: 'https', host: 'www.google.com', path: '' }],
    ['temporal-redirect', 'http://a.example:8080/x?y=1', { scheme: 'http', host: 'a.example', port: 8080, path: '/x', query: 'y=1' }],
    ['auth-url', '/relative', ERR], ['mirror-target', 'ftp://x', ERR],
  ]],
  ['paths', [
    ['app-root', '/app1', '/app1'], ['app-root', 'foo', ERR], ['rewrite-target', '/$2', '/$2'],
  ]],
  ['enums', [
    ['backend-protocol', 'grpc', 'GRPC'], ['backend-protocol', 'HTTPS', 'HTTPS'], ['backend-protocol', 'HTTP2', ERR],
    ['auth-tls-verify-client', 'optional_no_ca', 'optional_no_ca'], ['session-cookie-samesite', 'lax', 'Lax'], ['affinity', 'ip', ERR],
  ]],
  ['references and lists', [
    ['proxy-ssl-secret', 'default/my-ca', { namespace: 'default', name: 'my-ca' }], ['auth-secret', 'basic-auth', { name: 'basic-auth' }],
    ['auth-tls-secret', 'a/b/c', ERR], ['server-alias', 'alias1.localhost, alias2.localhost', ['alias1.localhost', 'alias2.localhost']],
    ['custom-http-errors', '404,415', [404, 415]], ['custom-http-errors', '404,abc', ERR],
    ['cors-allow-methods', 'GET, POST', ['GET', 'POST']],
  ]],
])('value parser: %s', (_title, rows) => {
  it.each(rows)('%s = %j', (name, raw, expected) => {
    expect(value(name, raw)).toEqual(expected);
  });
});
