// Every registry row × every target, as a table: the annotation alone on Ingress default/one
// (with the context annotations it needs, registry-samples.ts) is run through each emitter, and
// the outcome must be the one the registry's classification and the emitter's own declaration
// (its *_TRANSLATED set) promise:
//
//   faithful         the output changes because of it, and no warning or error names it
//   approximated     a finding names the Ingress and the annotation (the difference)
//   not carried yet  an `ingress/not-implemented` (or not-translated) warning names them
//   no equivalent    a warning names them (an error when dropping it fails open)
//   snippet          a critical finding, never translated
//
// Traefik has two paths: an Ingress whose annotations the kubernetesIngressNGINX provider
// reads is kept (the registry's Traefik column describes that provider), anything else is
// translated into Middlewares / IngressRoutes (TRAEFIK_TRANSLATED, TRAEFIK_TRANSLATED_APPROXIMATED).
// Each row with a value parser also gets an invalid value: `invalid-value` on every path.

import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, NGINX_PREFIX, targetMapping, type AnnotationSpec, type TargetId } from '../../../src/ingress/annotations/index';
import { migrateObjects, type MigrateOptions } from '../../../src/ingress/migrate';
import { ACCESS_CONTROL } from '../../../src/ingress/targets/common';
import { GATEWAY_API_EMITTED } from '../../../src/ingress/targets/gateway-api';
import { HAPROXY_TRANSLATED } from '../../../src/ingress/targets/haproxy';
import { OPENSHIFT_TRANSLATED } from '../../../src/ingress/targets/openshift';
import { TRAEFIK_EMITTED, TRAEFIK_PROVIDER_ANNOTATIONS, TRAEFIK_TRANSLATED_APPROXIMATED } from '../../../src/ingress/targets/traefik';
import { INVALID, rowInput, sampleValue } from './registry-samples';

type Path = 'gateway-api' | 'traefik-kept' | 'traefik-translated' | 'haproxy' | 'openshift';
type Expect = 'faithful' | 'approximated' | 'not-carried' | 'none' | 'snippet' | 'kept-faithful' | 'kept-approximated' | 'not-applicable';

const PATHS: Record<Path, { target: TargetId; options: Partial<MigrateOptions>; translated: ReadonlySet<string>; approximated: readonly string[] }> = {
  'gateway-api': {
    target: 'gateway-api',
    options: { experimental: true },
    translated: GATEWAY_API_EMITTED,
    approximated: [],
  },
  'traefik-kept': { target: 'traefik', options: {}, translated: new Set(), approximated: [] },
  'traefik-translated': {
    target: 'traefik',
    options: { traefikOutput: 'ingressroute' },
    translated: TRAEFIK_EMITTED,
    approximated: TRAEFIK_TRANSLATED_APPROXIMATED,
  },
  haproxy: { target: 'haproxy', options: {}, translated: HAPROXY_TRANSLATED, approximated: [] },
  openshift: { target: 'openshift', options: {}, translated: OPENSHIFT_TRANSLATED, approximated: [] },
};

const PROVIDER = new Set(TRAEFIK_PROVIDER_ANNOTATIONS);
const NEVER_KEPT = ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id'];

/**
 * Rows whose registry level holds for some values only, and the sample value is one the
 * target reproduces exactly (no finding is due); the other values have their own tests.
 */
const FAITHFUL_FOR_SAMPLE: Partial<Record<Path, string[]>> = {
  // HTTPS: the provider reaches the backend with scheme https as ingress-nginx did (FCGI and
  // AUTO_HTTP are reported: see the backend-protocol table in targets-traps.test.ts).
  'traefik-kept': ['backend-protocol'],
};

/** Faithful rows whose sample is also what the output says without them (a default made explicit). */
const NO_CHANGE_FOR_SAMPLE: Partial<Record<Path, string[]>> = {
  // "on" with proxy-ssl-name: the ServersTransport serverName (SNI and verified name) is already there.
  'traefik-translated': ['proxy-ssl-server-name'],
};

/** What the registry and the emitter's declarations promise for `spec` on `path`. */
export function expected(spec: AnnotationSpec, path: Path): Expect {
  const name = spec.aliasOf ?? spec.name;
  if (spec.value === 'snippet') return 'snippet';
  const p = PATHS[path];
  const m = targetMapping(spec, p.target);
  if (path === 'traefik-kept') {
    if (m.level === 'none' || !PROVIDER.has(spec.name) || NEVER_KEPT.indexOf(name) >= 0) return 'not-applicable';
    return m.level === 'faithful' || (FAITHFUL_FOR_SAMPLE[path] ?? []).indexOf(name) >= 0 ? 'kept-faithful' : 'kept-approximated';
  }
  if (m.level === 'none') return 'none';
  if (!p.translated.has(name)) return 'not-carried';
  if ((FAITHFUL_FOR_SAMPLE[path] ?? []).indexOf(name) >= 0) return 'faithful';
  return m.level === 'faithful' && p.approximated.indexOf(name) < 0 ? 'faithful' : 'approximated';
}

function run(spec: AnnotationSpec, path: Path, annotations: Record<string, string>) {
  const p = PATHS[path];
  return migrateObjects(rowInput(spec, annotations), { target: p.target, mode: 'rewrite', ...p.options });
}

/** Problems with the outcome of `spec` on `path` (empty when it matches the expectation). */
function check(spec: AnnotationSpec, path: Path): string[] {
  const exp = expected(spec, path);
  if (exp === 'not-applicable') return [];
  const key = NGINX_PREFIX + spec.name;
  const r = run(spec, path, { [spec.name]: sampleValue(spec) });
  const about = r.findings.filter((f) => f.path === `metadata.annotations["${key}"]` && f.message.includes('Ingress default/one'));
  const loud = about.filter((f) => f.result === 'warn' || f.result === 'fail');
  const codes = about.map((f) => `${f.rule}:${f.result}`).join(', ') || 'no finding';
  const failsOpen = ACCESS_CONTROL.indexOf(spec.aliasOf ?? spec.name) >= 0;
  const problem = (what: string): string[] => [`${spec.name} (${exp}): ${what} [${codes}]`];
  switch (exp) {
    case 'snippet':
      return about.some((f) => f.rule === 'ingress/snippet' && f.result === 'fail') ? [] : problem('no critical snippet finding');
    case 'none':
      if (loud.length === 0) return problem('no warning names it');
      if (failsOpen && !loud.some((f) => f.result === 'fail')) return problem('fails open but no error');
      return [];
    case 'not-carried': {
      const ok = loud.some((f) => f.rule === 'ingress/not-implemented' || f.rule === 'ingress/not-translated');
      if (!ok) return problem('not carried, but no not-implemented / not-translated warning');
      if (failsOpen && !loud.some((f) => f.result === 'fail')) return problem('fails open but no error');
      return [];
    }
    case 'approximated':
      if (about.some((f) => f.rule === 'ingress/not-implemented')) return problem('declared translated, but reported as not implemented');
      return about.length > 0 ? [] : problem('approximation without a finding');
    case 'faithful': {
      if (loud.length > 0) return problem('faithful, but a warning or error names it');
      if ((NO_CHANGE_FOR_SAMPLE[path] ?? []).indexOf(spec.aliasOf ?? spec.name) >= 0) return [];
      const without = run(spec, path, {});
      return JSON.stringify(r.patches) !== JSON.stringify(without.patches) ? [] : problem('faithful, but the output is the same without it');
    }
    case 'kept-faithful':
    case 'kept-approximated': {
      if (!r.findings.some((f) => f.rule === 'ingress/kept' && f.message.includes('Ingress default/one'))) return problem('the provider reads it, but the Ingress is not kept');
      if (r.patches.some((p) => p.op === 'remove')) return problem('kept, but removed');
      if (exp === 'kept-faithful') return loud.length > 0 ? problem('faithful under the provider, but a warning names it') : [];
      return loud.some((f) => f.rule === 'ingress/approximated') ? [] : problem('the provider approximates it, but no approximated warning');
    }
  }
  return [];
}

describe('every registry row × target has the outcome its classification promises', () => {
  for (const path of Object.keys(PATHS) as Path[]) {
    it(path, () => {
      const problems: string[] = [];
      for (const spec of ANNOTATIONS) problems.push(...check(spec, path));
      expect(problems).toEqual([]);
    });
  }

  it('the table covers every row on every path, and each outcome kind occurs', () => {
    const seen = new Set<string>();
    for (const path of Object.keys(PATHS) as Path[]) for (const spec of ANNOTATIONS) seen.add(`${path} ${expected(spec, path)}`);
    for (const kind of ['faithful', 'approximated', 'not-carried', 'none', 'snippet']) {
      for (const path of ['gateway-api', 'traefik-translated', 'haproxy', 'openshift']) expect(seen.has(`${path} ${kind}`), `${path} ${kind}`).toBe(true);
    }
    expect(seen.has('traefik-kept kept-faithful') && seen.has('traefik-kept kept-approximated')).toBe(true);
  });

  it('rows whose Traefik mapping names the provider are the ones the provider parses', () => {
    const wrong: string[] = [];
    for (const spec of ANNOTATIONS) {
      const m = targetMapping(spec, 'traefik');
      if (m.level !== 'none' && m.note.slice(0, 8) === 'provider' && !PROVIDER.has(spec.name)) wrong.push(spec.name);
    }
    expect(wrong).toEqual([]);
  });
});

describe('an invalid value is an invalid-value error naming Ingress and annotation, on every target', () => {
  const parsed = ANNOTATIONS.filter((s) => INVALID[s.value] !== undefined);
  it('every row with a value parser has an invalid sample', () => {
    expect(parsed.length).toBe(ANNOTATIONS.filter((s) => ['string', 'list', 'snippet'].indexOf(s.value) < 0).length);
  });
  for (const path of Object.keys(PATHS) as Path[]) {
    it(path, () => {
      const problems: string[] = [];
      for (const spec of parsed) {
        const key = NGINX_PREFIX + spec.name;
        const r = run(spec, path, { [spec.name]: INVALID[spec.value] });
        const f = r.findings.find((x) => x.rule === 'ingress/invalid-value' && x.path === `metadata.annotations["${key}"]`);
        if (f === undefined) problems.push(`${spec.name}: no invalid-value finding`);
        else if (f.result !== 'fail' || !f.message.includes('Ingress default/one') || !f.message.includes(key)) problems.push(`${spec.name}: ${f.result} ${f.message}`);
        // The erroneous Ingress is never rewritten.
        if (r.patches.some((p) => p.op === 'remove' && p.doc === 4)) problems.push(`${spec.name}: rewritten despite the invalid value`);
      }
      expect(problems).toEqual([]);
    });
  }
});
