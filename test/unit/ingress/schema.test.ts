// Gateway API output validated against the Gateway API v1.5.0 standard-channel CRD
// schemas (openAPIV3Schema), from the Go module sigs.k8s.io/gateway-api, read from the
// Go module cache (`go mod download sigs.k8s.io/gateway-api@v1.5.0`; never committed).
// Set WARDEN_GATEWAY_API_CRDS to another config/crd/standard folder to use other files.
//
// The validator is structural: type, properties (unknown fields rejected), required,
// enum, pattern, min/max length, items and values. CEL rules (x-kubernetes-validations)
// are not evaluated.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIngresses } from '../../../src/ingress/parse';
import { emitGatewayApi } from '../../../src/ingress/targets/gateway-api';
import { listCases, loadCase, loadYamlDocs } from './corpus-helpers';
import { renderFixtureChart } from './fixture-chart';
import { validate } from './schema-validate';

type Schema = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const CHART = resolve(here, '../../../charts-fixtures/ingress-nginx-app');
const CORPUS = process.env.WARDEN_INGRESS_CORPUS ?? resolve(here, '../../../../shared/corpus/ingress-nginx');
const CRDS =
  process.env.WARDEN_GATEWAY_API_CRDS ??
  join(process.env.GOMODCACHE ?? join(homedir(), 'go/pkg/mod'), 'sigs.k8s.io/gateway-api@v1.5.0/config/crd/standard');

function loadSchemas(dir = CRDS): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.yaml')) continue;
    for (const doc of loadYamlDocs(readFileSync(join(dir, f), 'utf8')) as Schema[]) {
      if (doc.kind !== 'CustomResourceDefinition') continue;
      for (const v of doc.spec.versions) out.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return out;
}

describe.skipIf((!existsSync(CRDS) || !existsSync(CORPUS)) && process.env.WARDEN_E2E_REQUIRE_ARTEFACTS !== '1')('gateway-api output against the Gateway API v1.5.0 CRD schemas', () => {
  const schemas = existsSync(CRDS) ? loadSchemas() : new Map<string, Schema>();

  it('loads the standard-channel schemas', () => {
    for (const k of ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'BackendTLSPolicy']) {
      expect(schemas.has(`gateway.networking.k8s.io/v1/${k}`), k).toBe(true);
    }
  });

  it('rejects what the schema rejects (the validator can fail)', () => {
    const errors: string[] = [];
    const schema = schemas.get('gateway.networking.k8s.io/v1/HTTPRoute')!;
    validate({ spec: { rules: [{ matches: [{ path: { type: 'Regex', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 300 } }] }], bogus: 1 } }, schema, '', errors);
    expect(errors.some((e) => e.includes('statusCode'))).toBe(true);
    expect(errors.some((e) => e.includes('path.type'))).toBe(true);
    expect(errors.some((e) => e.includes('bogus'))).toBe(true);
  });

  it('every object emitted for the corpus is valid', () => {
    const problems: string[] = [];
    let count = 0;
    for (const name of listCases(CORPUS)) {
      const c = loadCase(CORPUS, name);
      for (const obj of emitGatewayApi(parseIngresses(c.input)).objects) {
        count++;
        const [group, version] = obj.apiVersion.split('/');
        const schema = schemas.get(`${group}/${version}/${obj.kind}`);
        if (schema === undefined) {
          problems.push(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
          continue;
        }
        const errors: string[] = [];
        const { metadata: _m, ...rest } = obj;
        validate(rest, schema, `${obj.kind}/${obj.metadata.name}`, errors);
        for (const e of errors) problems.push(`${name}: ${e}`);
      }
    }
    expect(count).toBeGreaterThan(200);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!existsSync(CRDS) && process.env.WARDEN_E2E_REQUIRE_ARTEFACTS !== '1')('gateway-api output for the ingress-nginx-app fixture chart against the CRD schemas', () => {
  it('every object emitted for the chart (standard channel, and experimental with --gateway-experimental) is valid', () => {
    const input = renderFixtureChart(CHART);
    expect(input.filter((o) => (o as Schema).kind === 'Ingress')).toHaveLength(4);
    for (const [dir, experimental] of [[CRDS, false], [join(dirname(CRDS), 'experimental'), true]] as const) {
      if (experimental && !existsSync(dir)) continue;
      const schemas = loadSchemas(dir);
      const objs = emitGatewayApi(parseIngresses(input), { experimental, gatewayName: 'shop-gw' }).objects;
      expect(new Set(objs.map((o) => o.kind))).toEqual(new Set(['Gateway', 'HTTPRoute']));
      const problems: string[] = [];
      for (const obj of objs) {
        const [group, version] = obj.apiVersion.split('/');
        const schema = schemas.get(`${group}/${version}/${obj.kind}`);
        if (schema === undefined) {
          problems.push(`no schema for ${obj.apiVersion} ${obj.kind}`);
          continue;
        }
        const { metadata: _m, ...rest } = obj;
        validate(rest, schema, `${obj.kind}/${obj.metadata.name}`, problems);
      }
      expect(problems).toEqual([]);
    }
  });
});

const EXPERIMENTAL = join(dirname(CRDS), 'experimental');

describe.skipIf(!existsSync(EXPERIMENTAL) && process.env.WARDEN_E2E_REQUIRE_ARTEFACTS !== '1')('gateway-api --gateway-experimental output against the experimental-channel CRDs', () => {
  it('retry, sessionPersistence and ExternalAuth are valid experimental HTTPRoute fields', () => {
    const schemas = loadSchemas(EXPERIMENTAL);
    const P = 'nginx.ingress.kubernetes.io/';
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'exp',
        namespace: 'default',
        annotations: {
          [P + 'proxy-next-upstream']: 'error http_502', [P + 'proxy-next-upstream-tries']: '3', [P + 'affinity']: 'cookie',
          [P + 'session-cookie-max-age']: '5400', [P + 'auth-url']: 'http://auth.sso.svc:9000/verify', [P + 'auth-response-headers']: 'X-User',
          [P + 'mirror-target']: 'http://shadow$request_uri',
        },
      },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'exp.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    };
    const inputs: unknown[][] = [[ing]];
    if (existsSync(CORPUS)) for (const name of listCases(CORPUS)) inputs.push(loadCase(CORPUS, name).input);
    const problems: string[] = [];
    let withExperimental = 0;
    for (const input of inputs) {
      for (const obj of emitGatewayApi(parseIngresses(input), { experimental: true }).objects) {
        const [group, version] = obj.apiVersion.split('/');
        const schema = schemas.get(`${group}/${version}/${obj.kind}`);
        if (schema === undefined) continue; // TLSRoute etc. are checked by the standard-channel test
        const rules = ((obj.spec as Schema).rules ?? []) as Schema[];
        if (rules.some((r) => r.retry !== undefined || r.sessionPersistence !== undefined)) withExperimental++;
        const errors: string[] = [];
        const { metadata: _m, ...rest } = obj;
        validate(rest, schema, `${obj.kind}/${obj.metadata.name}`, errors);
        problems.push(...errors);
      }
    }
    expect(withExperimental).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
