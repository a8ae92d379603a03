// Traefik and OpenShift output validated against the targets' own CRD schemas, read from
// the Go module cache (build/setup.sh downloads them; never committed):
//   github.com/traefik/traefik/v3@v3.7.13   docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml
//   github.com/openshift/api@<pseudo-version> route/v1/zz_generated.crd-manifests/routes.crd.yaml
// HAProxy has no CRD: its annotation values are checked by haproxy-values.ts.
// Every corpus case and the fixtures of targets.test.ts are emitted for each target.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrateObjects } from '../../../src/ingress/migrate';
import { TRAEFIK_PROVIDER_ANNOTATIONS } from '../../../src/ingress/targets/traefik';
import { listCases, loadCase, loadYamlDocs } from './corpus-helpers';
import { checkHaproxyAnnotations } from './haproxy-values';
import { validate } from './schema-validate';
import { fixtureSets } from './fixtures-targets';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.WARDEN_INGRESS_CORPUS ?? resolve(here, '../../../../shared/corpus/ingress-nginx');
const MODCACHE = process.env.GOMODCACHE ?? join(homedir(), 'go/pkg/mod');
export const TRAEFIK_VERSION = 'v3.7.13';
export const OPENSHIFT_API_VERSION = 'v0.0.0-20251015095338-264e80a2b6e7';
const TRAEFIK_DIR = join(MODCACHE, `github.com/traefik/traefik/v3@${TRAEFIK_VERSION}`);
const TRAEFIK_CRDS = join(TRAEFIK_DIR, 'docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml');
const ROUTE_CRD = join(MODCACHE, `github.com/openshift/api@${OPENSHIFT_API_VERSION}`, 'route/v1/zz_generated.crd-manifests/routes.crd.yaml');
const REQUIRE = process.env.WARDEN_E2E_REQUIRE_ARTEFACTS === '1';

function loadCrds(file: string): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const doc of loadYamlDocs(readFileSync(file, 'utf8')) as Schema[]) {
    if (doc?.kind !== 'CustomResourceDefinition') continue;
    for (const v of doc.spec.versions) out.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
  return out;
}

/** Every target output object for every corpus case and fixture, per target and mode. */
function outputs(target: 'traefik' | 'haproxy' | 'openshift', extra: Record<string, unknown> = {}): { name: string; obj: Schema }[] {
  const out: { name: string; obj: Schema }[] = [];
  const inputs: [string, unknown[]][] = existsSync(CORPUS) ? listCases(CORPUS).map((n) => [n, loadCase(CORPUS, n).input]) : [];
  for (const [n, objs] of Object.entries(fixtureSets)) inputs.push([`fixture ${n}`, objs]);
  for (const [name, input] of inputs) {
    const r = migrateObjects(input, { target, mode: 'both', ...extra });
    for (const p of r.patches) if (p.op === 'insert') out.push({ name, obj: p.value as Schema });
  }
  return out;
}

function check(schemas: Map<string, Schema>, objs: { name: string; obj: Schema }[]): string[] {
  const problems: string[] = [];
  for (const { name, obj } of objs) {
    if (obj.apiVersion === 'networking.k8s.io/v1') continue;
    const [group, version] = obj.apiVersion.split('/');
    const schema = schemas.get(`${group}/${version}/${obj.kind}`);
    if (schema === undefined) {
      problems.push(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    const errors: string[] = [];
    validate(obj, schema, `${obj.kind}/${obj.metadata.name}`, errors);
    for (const e of errors) problems.push(`${name}: ${e}`);
  }
  return problems;
}

describe.skipIf(!existsSync(TRAEFIK_CRDS) && !REQUIRE)(`traefik output against Traefik ${TRAEFIK_VERSION} CRDs`, () => {
  const schemas = existsSync(TRAEFIK_CRDS) ? loadCrds(TRAEFIK_CRDS) : new Map<string, Schema>();

  it('the validator rejects what the Middleware schema rejects', () => {
    const errors: string[] = [];
    validate({ spec: { redirectScheme: { scheme: 'https', statusCode: 308 }, rateLimit: { average: 'x' } } }, schemas.get('traefik.io/v1alpha1/Middleware')!, '', errors);
    expect(errors.some((e) => e.includes('statusCode'))).toBe(true);
  });

  it.each([['middlewares'], ['ingressroute']])('every object emitted with --ingress-traefik=%s is valid', (mode) => {
    const objs = outputs('traefik', { traefikOutput: mode });
    const kinds = new Set(objs.map((o) => o.obj.kind));
    expect(kinds.has('Middleware')).toBe(true);
    if (mode === 'ingressroute') for (const k of ['IngressRoute', 'TraefikService', 'IngressRouteTCP']) expect(kinds.has(k), k).toBe(true);
    expect(check(schemas, objs)).toEqual([]);
  });

  it("the provider list equals the annotations Traefik's kubernetesIngressNGINX provider parses", () => {
    const src = readFileSync(join(TRAEFIK_DIR, 'pkg/provider/kubernetes/ingress-nginx/annotations.go'), 'utf8');
    const keys: string[] = [];
    const tag = 'annotation:"nginx.ingress.kubernetes.io/';
    for (let i = src.indexOf(tag); i >= 0; i = src.indexOf(tag, i + 1)) keys.push(src.slice(i + tag.length, src.indexOf('"', i + tag.length)));
    expect(keys.length).toBe(87);
    expect([...TRAEFIK_PROVIDER_ANNOTATIONS].sort()).toEqual(keys.sort());
  });
});

describe.skipIf(!existsSync(ROUTE_CRD) && !REQUIRE)('openshift output against the OpenShift Route CRD', () => {
  const schemas = existsSync(ROUTE_CRD) ? loadCrds(ROUTE_CRD) : new Map<string, Schema>();

  it('every Route emitted is valid', () => {
    const objs = outputs('openshift');
    expect(objs.filter((o) => o.obj.kind === 'Route').length).toBeGreaterThan(100);
    expect(check(schemas, objs)).toEqual([]);
  });
});

describe('haproxy output: every haproxy.org annotation value is well formed', () => {
  it('for the corpus and the fixtures', () => {
    const objs = outputs('haproxy');
    expect(objs.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const { name, obj } of objs) for (const p of checkHaproxyAnnotations(obj.metadata.annotations ?? {})) problems.push(`${name} ${obj.metadata.name}: ${p}`);
    expect(problems).toEqual([]);
  });
});
