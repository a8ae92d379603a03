// Conformance against the ingress-nginx → Gateway API corpus (oracle: ingress2gateway
// v1.1.0), read in place from ../shared/corpus/ingress-nginx (or WARDEN_INGRESS_CORPUS).
// Each case: input.yaml → parseIngresses → emitGatewayApi, compared with gateway-api.yaml
// after the normalisation documented in corpus-helpers.ts.
//
// A case is "supported" when every annotation it uses is either translated by the
// gateway-api emitter (GATEWAY_API_TRANSLATED) or has no Gateway API equivalent in the
// registry (reported, never translated) — snippets included. Supported cases must match
// the oracle exactly, except the deliberate differences listed in deliberate-differences.ts.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lookupAnnotation, targetMapping } from '../../../src/ingress/annotations/index';
import type { Notification } from '../../../src/ingress/model';
import { parseIngresses } from '../../../src/ingress/parse';
import { GATEWAY_API_TRANSLATED, emitGatewayApi } from '../../../src/ingress/targets/gateway-api';
import { compareObjects, listCases, loadCase, type CorpusCase, type Obj } from './corpus-helpers';
import { DELIBERATE_DIFFERENCES } from './deliberate-differences';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.WARDEN_INGRESS_CORPUS ?? resolve(here, '../../../../shared/corpus/ingress-nginx');

function handledForGatewayApi(name: string): boolean {
  const spec = lookupAnnotation(name);
  if (spec === undefined) return false;
  const canonical = spec.aliasOf ?? spec.name;
  if (spec.value === 'snippet') return true;
  if (GATEWAY_API_TRANSLATED.indexOf(canonical) >= 0) return true;
  return targetMapping(spec, 'gateway-api').level === 'none';
}

interface Outcome {
  c: CorpusCase;
  supported: boolean;
  diffs: string[];
  notes: Notification[];
}

function run(c: CorpusCase): Outcome {
  const parsed = parseIngresses(c.input);
  const result = emitGatewayApi(parsed);
  const notes = parsed.notifications.concat(result.notifications);
  return {
    c,
    supported: c.annotations.every(handledForGatewayApi),
    diffs: c.oracleFailed ? [] : compareObjects(result.objects as unknown as Obj[], c.expected),
    notes,
  };
}

describe.skipIf(!existsSync(CORPUS) && process.env.WARDEN_REQUIRE_CORPUS !== '1')('ingress-nginx corpus (gateway-api target)', () => {
  const outcomes = existsSync(CORPUS) ? listCases(CORPUS).map((n) => run(loadCase(CORPUS, n))) : [];

  it('has the corpus', () => {
    expect(outcomes.length).toBeGreaterThan(100);
  });

  it('reports the conformance numbers', () => {
    const comparable = outcomes.filter((o) => !o.c.oracleFailed);
    const matching = comparable.filter((o) => o.diffs.length === 0);
    const deliberate = comparable.filter((o) => o.diffs.length > 0 && DELIBERATE_DIFFERENCES[o.c.name] !== undefined);
    const supported = outcomes.filter((o) => o.supported);
    const failed = comparable.filter((o) => o.diffs.length > 0 && DELIBERATE_DIFFERENCES[o.c.name] === undefined);
    console.log(
      [
        `ingress corpus: ${outcomes.length} cases, ${outcomes.length - comparable.length} where the oracle exits with an error`,
        `matching the oracle: ${matching.length} / ${comparable.length}`,
        `deliberate differences: ${deliberate.length}`,
        `supported (every annotation implemented for gateway-api): ${supported.length} / ${outcomes.length}`,
        `unsupported cases: ${outcomes.filter((o) => !o.supported).map((o) => o.c.name).join(', ')}`,
        ...failed.map((o) => `MISMATCH ${o.c.name}\n${o.diffs.join('\n')}`),
      ].join('\n'),
    );
    expect(matching.length + deliberate.length).toBe(comparable.length);
  });

  it('matches the oracle on every supported case (or differs only deliberately, with a finding)', () => {
    const problems: string[] = [];
    for (const o of outcomes) {
      if (!o.supported || o.c.oracleFailed) continue;
      const d = DELIBERATE_DIFFERENCES[o.c.name];
      if (d === undefined) {
        if (o.diffs.length > 0) problems.push(`${o.c.name}:\n${o.diffs.join('\n')}`);
        continue;
      }
      if (o.diffs.length === 0) problems.push(`${o.c.name} is listed as a deliberate difference but matches the oracle`);
      if (!o.notes.some((n) => n.code === d.code && (n.annotation ?? '') === d.annotation)) {
        problems.push(`${o.c.name}: no ${d.code} notification on ${d.annotation}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives an error finding wherever the oracle exits with an error', () => {
    const missing = outcomes
      .filter((o) => o.c.oracleFailed && !o.notes.some((n) => n.severity === 'error' || n.severity === 'critical'))
      .map((o) => o.c.name);
    expect(outcomes.some((o) => o.c.oracleFailed)).toBe(true);
    expect(missing).toEqual([]);
  });

  it('reports (or translates) every annotation the oracle calls unsupported', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const o of outcomes) {
      for (const u of o.c.unsupported) {
        checked++;
        const key = `nginx.ingress.kubernetes.io/${u.annotation}`;
        const spec = lookupAnnotation(u.annotation);
        const translated = spec !== undefined && GATEWAY_API_TRANSLATED.indexOf(spec.aliasOf ?? spec.name) >= 0;
        const reported = o.notes.some(
          (n) => n.annotation === key && (u.ingress === '*' || (n.ingress !== undefined && `${n.ingress.namespace}/${n.ingress.name}` === u.ingress)),
        );
        if (!translated && !reported) missing.push(`${o.c.name}: ${u.ingress} ${u.annotation}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('reports every snippet as critical and never emits its content', () => {
    let seen = 0;
    for (const o of outcomes) {
      for (const a of o.c.annotations) {
        if (!a.endsWith('-snippet')) continue;
        seen++;
        expect(o.notes.some((n) => n.severity === 'critical' && n.annotation === `nginx.ingress.kubernetes.io/${a}`)).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});
