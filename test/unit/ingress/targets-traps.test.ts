// The traps of the migration, per target: backend-protocol values no target speaks (FCGI,
// AUTO_HTTP) and the ones each maps, regex paths and rewrite captures, redirect status codes,
// body size "0" (unlimited), proxy-http-version "1.0", and the Gateway named by --gateway.

import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/args';
import { migrateObjects, type MigrateOptions } from '../../../src/ingress/migrate';
import { ingress, P, service } from './fixtures-targets';

type Obj = Record<string, any>;

function run(input: unknown[], options: Partial<MigrateOptions> & { target: MigrateOptions['target'] }) {
  const r = migrateObjects(input, { mode: 'rewrite', ...options });
  const inserted = r.patches.filter((p) => p.op === 'insert').map((p) => (p.op === 'insert' ? (p.value as Obj) : {}));
  const removed = r.patches.filter((p) => p.op === 'remove').map((p) => (p.op === 'remove' ? p.doc : -1));
  const sets = r.patches.filter((p) => p.op === 'set').map((p) => (p.op === 'set' ? [p.path.join('.'), p.value] : []));
  const about = (annotation: string) => r.findings.filter((f) => f.path === `metadata.annotations["${P}${annotation}"]`);
  return { r, inserted, removed, sets, about, byKind: (k: string) => inserted.filter((o) => o.kind === k) };
}

// limit-rate is not read by Traefik's provider: the Ingress goes through the Middleware translation.
const NOT_KEPT = { 'limit-rate': '100' };

describe('backend-protocol: every value on every target', () => {
  type Row = { finding?: [rule: string, result: string, text: string]; check?: (o: ReturnType<typeof run>) => void };
  const anno = (o: ReturnType<typeof run>, kind: string, key: string) => o.byKind(kind).map((x) => x.metadata.annotations?.[key]);
  const haproxy = (ssl: string | undefined, proto: string | undefined) => (o: ReturnType<typeof run>) => {
    expect(anno(o, 'Ingress', 'haproxy.org/server-ssl')).toEqual([ssl]);
    expect(anno(o, 'Ingress', 'haproxy.org/server-proto')).toEqual([proto]);
  };
  const scheme = (value: string | undefined) => (o: ReturnType<typeof run>) => {
    const s = o.sets.find((x) => x[0] === 'metadata.annotations.traefik.ingress.kubernetes.io/service.serversscheme');
    expect(s?.[1]).toBe(value);
  };
  const termination = (value: string) => (o: ReturnType<typeof run>) => expect(o.byKind('Route')[0].spec.tls.termination).toBe(value);
  const FCGI: Row['finding'] = ['ingress/not-translated', 'fail', 'FastCGI'];
  const AUTO: Row['finding'] = ['ingress/approximated', 'warn', "client's scheme"];
  const TABLE: Record<string, Record<string, Row>> = {
    haproxy: {
      HTTP: { check: haproxy(undefined, undefined) },
      HTTPS: { check: haproxy('true', undefined) },
      GRPC: { check: haproxy(undefined, 'h2') },
      GRPCS: { check: haproxy('true', 'h2') },
      AUTO_HTTP: { finding: AUTO, check: haproxy(undefined, undefined) },
      FCGI: { finding: FCGI },
    },
    openshift: {
      HTTP: { check: termination('edge') },
      HTTPS: { finding: ['ingress/backend-tls', 'warn', 'self-signed'], check: termination('reencrypt') },
      GRPC: { finding: ['ingress/not-translated', 'warn', 'h2c'], check: termination('edge') },
      GRPCS: { finding: ['ingress/approximated', 'warn', 'HTTP/2'], check: termination('reencrypt') },
      AUTO_HTTP: { finding: AUTO, check: termination('edge') },
      FCGI: { finding: FCGI },
    },
    'traefik-middlewares': {
      HTTP: { check: scheme(undefined) },
      HTTPS: { check: scheme('https') },
      GRPC: { check: scheme('h2c') },
      GRPCS: { check: scheme('https') },
      AUTO_HTTP: { finding: AUTO, check: scheme(undefined) },
      FCGI: { finding: FCGI },
    },
    'traefik-kept': {
      HTTP: {}, HTTPS: {}, GRPC: {}, GRPCS: {},
      AUTO_HTTP: { finding: AUTO },
      FCGI: { finding: FCGI },
    },
    'gateway-api': {
      HTTP: { check: (o) => expect(o.byKind('HTTPRoute')).toHaveLength(2) },
      HTTPS: { finding: ['ingress/backend-tls', 'warn', 'always verifies'] },
      GRPC: { check: (o) => expect(o.byKind('GRPCRoute').length).toBeGreaterThan(0) },
      GRPCS: { finding: ['ingress/backend-tls', 'warn', 'always verifies'], check: (o) => expect(o.byKind('GRPCRoute').length).toBeGreaterThan(0) },
      AUTO_HTTP: { finding: AUTO, check: (o) => expect(o.byKind('HTTPRoute').length).toBeGreaterThan(0) },
      FCGI: { finding: FCGI },
    },
  };
  for (const [target, rows] of Object.entries(TABLE)) {
    it.each(Object.keys(rows))(`${target}: %s`, (value) => {
      const row = rows[value];
      const extra = target === 'traefik-middlewares' ? NOT_KEPT : {};
      const options: Partial<MigrateOptions> & { target: MigrateOptions['target'] } = { target: target.slice(0, 7) === 'traefik' ? 'traefik' : (target as MigrateOptions['target']) };
      const o = run([service('web'), ingress('be', 'be.example.com', { 'backend-protocol': value, ...extra }, { tls: true })], options);
      const loud = o.about('backend-protocol').filter((f) => f.result !== 'info');
      if (target === 'traefik-kept') expect(o.r.findings.some((f) => f.rule === 'ingress/kept')).toBe(true);
      if (row.finding === undefined) expect(loud).toEqual([]);
      else {
        const [rule, result, text] = row.finding;
        const f = loud.find((x) => x.rule === rule);
        expect(f, `${rule} for ${value}`).toBeDefined();
        expect(f!.result).toBe(result);
        expect(f!.message).toContain('Ingress default/be');
        expect(f!.message).toContain(text);
      }
      if (value === 'FCGI' && target !== 'traefik-kept') {
        // An error: the Ingress is not rewritten and nothing is generated from it.
        expect(o.removed).toEqual([]);
        expect(o.inserted.filter((x) => x.kind !== 'Gateway')).toEqual([]);
      }
      row.check?.(o);
    });
  }
});

describe('regex paths and rewrite captures', () => {
  it('haproxy: a regex path is an error (literal prefixes would miss it); the Ingress is not rewritten', () => {
    const o = run([service('web'), ingress('rx', 'rx.example.com', { 'use-regex': 'true' }, { path: '/api/v[0-9]+/.*', pathType: 'ImplementationSpecific' })], { target: 'haproxy' });
    const f = o.about('use-regex').find((x) => x.rule === 'ingress/regex-paths')!;
    expect(f.result).toBe('fail');
    expect(f.message).toContain('/api/v[0-9]+/.*');
    expect(o.removed).toEqual([]);
    expect(o.inserted).toEqual([]);
    expect(o.r.findings.some((x) => x.rule === 'ingress/not-rewritten')).toBe(true);
    // Without regex syntax the difference is case only: a warning, and the rewrite happens.
    const plain = run([service('web'), ingress('rx', 'rx.example.com', { 'use-regex': 'true' }, { path: '/api' })], { target: 'haproxy' });
    expect(plain.about('use-regex').find((x) => x.rule === 'ingress/regex-paths')!.result).toBe('warn');
    expect(plain.removed).toEqual([1]);
  });

  it('openshift: rewrite-target captures are an error; the Ingress is not rewritten', () => {
    const o = run([service('web'), ingress('cap', 'cap.example.com', { 'rewrite-target': '/v2/$1', 'use-regex': 'true' }, { path: '/api/(.*)', pathType: 'ImplementationSpecific' })], { target: 'openshift' });
    const f = o.about('rewrite-target').find((x) => x.rule === 'ingress/rewrite-captures')!;
    expect(f.result).toBe('fail');
    expect(f.message).toContain('/v2/$1');
    expect(o.removed).toEqual([]);
    expect(o.byKind('Route')).toEqual([]);
  });
});

describe('traefik: redirect status codes on the emitted Middleware', () => {
  const CASES: [Record<string, string>, boolean, number][] = [
    [{ 'permanent-redirect': 'https://new.example.com/' }, true, 301],
    [{ 'permanent-redirect': 'https://new.example.com/', 'permanent-redirect-code': '308' }, true, 308],
    [{ 'permanent-redirect': 'https://new.example.com/', 'permanent-redirect-code': '302' }, false, 302],
    [{ 'permanent-redirect': 'https://new.example.com/', 'permanent-redirect-code': '310' }, true, 301],
    [{ 'temporal-redirect': 'https://new.example.com/' }, false, 302],
    [{ 'temporal-redirect': 'https://new.example.com/', 'temporal-redirect-code': '307' }, false, 307],
    [{ 'temporal-redirect': 'https://new.example.com/', 'permanent-redirect': 'https://other.example.com/' }, false, 302],
  ];
  it.each(CASES.map((c) => [JSON.stringify(c[0]), ...c] as const))('%s', (_, annotations, permanent, code) => {
    for (const traefikOutput of ['middlewares', 'ingressroute'] as const) {
      const o = run([service('web'), ingress('moved', 'old.example.com', { ...annotations, ...NOT_KEPT })], { target: 'traefik', traefikOutput });
      const mw = o.byKind('Middleware').find((m) => m.metadata.name === 'moved-redirect')!;
      expect(mw.spec).toEqual({ redirectRegex: { permanent, regex: '.*', replacement: annotations['temporal-redirect'] ?? annotations['permanent-redirect'] } });
      const kind = annotations['temporal-redirect'] !== undefined ? 'temporal' : 'permanent';
      const status = o.about(`${kind}-redirect`).find((f) => f.rule === 'ingress/redirect-status')!;
      expect(status.message).toContain(`answers ${code} in ingress-nginx`);
      expect(status.message).toContain(permanent ? '301 to GET and 308' : '302 to GET and 307');
      const codeKey = `${kind}-redirect-code`;
      if (annotations[codeKey] !== undefined && code === Number(annotations[codeKey])) {
        expect(o.about(codeKey).some((f) => f.rule === 'ingress/redirect-status' && f.result === 'warn')).toBe(true);
      }
      if (code === 301 && annotations['permanent-redirect-code'] === '310') {
        expect(o.about('permanent-redirect-code').some((f) => f.rule === 'ingress/redirect-code-fallback')).toBe(true);
      }
    }
  });
});

describe('proxy-body-size "0" means unlimited', () => {
  const input = (extra: Record<string, string> = {}) => [service('web'), ingress('big', 'big.example.com', { 'proxy-body-size': '0', ...extra })];

  it('traefik: kept by the provider as it is; translated, no body limit is written', () => {
    const kept = run(input(), { target: 'traefik' });
    expect(kept.r.findings.some((f) => f.rule === 'ingress/kept')).toBe(true);
    expect(kept.removed).toEqual([]);
    for (const traefikOutput of ['middlewares', 'ingressroute'] as const) {
      const o = run(input(NOT_KEPT), { target: 'traefik', traefikOutput });
      expect(o.removed).toEqual([1]);
      expect(JSON.stringify(o.inserted)).not.toContain('maxRequestBodyBytes');
      expect(o.about('proxy-body-size').filter((f) => f.result !== 'info')).toEqual([]);
    }
    // A real limit does become one (bytes, 1024-based).
    const limited = run([service('web'), ingress('big', 'big.example.com', { 'proxy-body-size': '2m', ...NOT_KEPT })], { target: 'traefik' });
    expect(limited.byKind('Middleware').find((m) => m.metadata.name === 'big-buffering')!.spec).toEqual({ buffering: { maxRequestBodyBytes: 2 * 1024 * 1024 } });
  });

  it.each([['haproxy'], ['openshift']] as const)('%s: reported as unlimited, not as a dropped limit', (target) => {
    const o = run(input(), { target });
    const f = o.about('proxy-body-size');
    expect(f.map((x) => [x.rule, x.result])).toEqual([['ingress/body-size', 'info']]);
    expect(f[0].message).toContain('no limit');
    expect(o.removed).toEqual([1]);
    expect(JSON.stringify(o.inserted)).not.toContain('body');
    // A real limit has no equivalent: a warning.
    const limited = run([service('web'), ingress('big', 'big.example.com', { 'proxy-body-size': '8m' })], { target });
    expect(limited.about('proxy-body-size').map((x) => [x.rule, x.result])).toEqual([['ingress/not-translated', 'warn']]);
  });

  it('gateway-api: the unlimited body is named in the finding', () => {
    const o = run(input(), { target: 'gateway-api' });
    expect(o.about('proxy-body-size').find((f) => f.rule === 'ingress/body-size')!.message).toContain('"0" = unlimited');
  });
});

describe('traefik: proxy-http-version "1.0"', () => {
  it('kept: the provider ignores it (Traefik talks HTTP/1.1): a warning', () => {
    const o = run([service('web'), ingress('old', 'old.example.com', { 'proxy-http-version': '1.0' })], { target: 'traefik' });
    expect(o.r.findings.some((f) => f.rule === 'ingress/kept')).toBe(true);
    const f = o.about('proxy-http-version').find((x) => x.rule === 'ingress/approximated' && x.message.includes('"1.0"'))!;
    expect(f.result).toBe('warn');
    expect(f.message).toContain('HTTP/1.1');
  });

  it('translated: the same warning; "1.1" gives none', () => {
    const o = run([service('web'), ingress('old', 'old.example.com', { 'proxy-http-version': '1.0', ...NOT_KEPT })], { target: 'traefik' });
    expect(o.removed).toEqual([1]);
    expect(o.about('proxy-http-version').find((x) => x.rule === 'ingress/approximated')!.message).toContain('HTTP/1.1');
    const v11 = run([service('web'), ingress('new', 'new.example.com', { 'proxy-http-version': '1.1', ...NOT_KEPT })], { target: 'traefik' });
    expect(v11.about('proxy-http-version').filter((f) => f.result !== 'info')).toEqual([]);
  });
});

describe('gateway-api: --gateway=NAME', () => {
  it('every route attaches to the named Gateway, which is the one emitted', () => {
    const opts = parseArgs(['--ingress-target=gateway-api', '--gateway=shared-gw']);
    expect(opts.gateway).toBe('shared-gw');
    const input = [service('web'), ingress('a', 'a.example.com', {}, { tls: true }), ingress('b', 'b.example.com', { 'ssl-passthrough': 'true' })];
    const o = run(input, { target: 'gateway-api', gatewayName: opts.gateway });
    const routes = o.inserted.filter((x) => x.kind.slice(-5) === 'Route');
    expect(routes.map((x) => x.kind).sort()).toEqual(['HTTPRoute', 'HTTPRoute', 'TLSRoute']);
    for (const r of routes) {
      expect(r.spec.parentRefs.length).toBeGreaterThan(0);
      for (const ref of r.spec.parentRefs) expect(ref.name).toBe('shared-gw');
    }
    expect(o.byKind('Gateway').map((g) => g.metadata.name)).toEqual(['shared-gw']);
    // Without it, the ingress class names the Gateway.
    const dflt = run(input, { target: 'gateway-api' });
    expect(dflt.inserted.filter((x) => x.kind.slice(-5) === 'Route').every((r) => r.spec.parentRefs.every((p: Obj) => p.name === 'nginx'))).toBe(true);
  });
});
