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

type Schema = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.WARDEN_INGRESS_CORPUS ?? resolve(here, '../../../../shared/corpus/ingress-nginx');
const CRDS =
  process.env.WARDEN_GATEWAY_API_CRDS ??
  join(process.env.GOMODCACHE ?? join(homedir(), 'go/pkg/mod'), 'sigs.k8s.io/gateway-api@v1.5.0/config/crd/standard');

function loadSchemas(): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const f of readdirSync(CRDS)) {
    if (!f.endsWith('.yaml')) continue;
    for (const doc of loadYamlDocs(readFileSync(join(CRDS, f), 'utf8')) as Schema[]) {
      if (doc.kind !== 'CustomResourceDefinition') continue;
      for (const v of doc.spec.versions) out.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return out;
}

export function validate(value: unknown, schema: Schema, path: string, errors: string[]): void {
  if (schema['x-kubernetes-int-or-string'] && (typeof value === 'number' || typeof value === 'string')) return;
  if (schema['x-kubernetes-preserve-unknown-fields'] && schema.properties === undefined) return;
  const t = schema.type;
  const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (t === 'object' && !isObj) return void errors.push(`${path}: expected object`);
  if (t === 'array' && !Array.isArray(value)) return void errors.push(`${path}: expected array`);
  if (t === 'string' && typeof value !== 'string') return void errors.push(`${path}: expected string, got ${JSON.stringify(value)}`);
  if (t === 'integer' && !Number.isInteger(value)) return void errors.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
  if (t === 'boolean' && typeof value !== 'boolean') return void errors.push(`${path}: expected boolean`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern);
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => validate(v, schema.items, `${path}[${i}]`, errors));
  }
  if (isObj) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (obj[r] === undefined) errors.push(`${path}: missing required ${r}`);
    for (const k of Object.keys(obj)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub === undefined) {
        if (schema.properties !== undefined || schema.additionalProperties === false) errors.push(`${path}.${k}: unknown field`);
        continue;
      }
      validate(obj[k], sub, `${path}.${k}`, errors);
    }
  }
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
