// Per-target coverage computed from the registry and the emitters, for docs/ingress.md
// (test/unit/ingress/docs.test.ts keeps the committed table equal to this output).

import { ANNOTATIONS, targetMapping, type TargetId } from './annotations/index';
import { GATEWAY_API_EMITTED } from './targets/gateway-api';
import { HAPROXY_TRANSLATED } from './targets/haproxy';
import { OPENSHIFT_TRANSLATED } from './targets/openshift';
import { TRAEFIK_EMITTED, TRAEFIK_PROVIDER_ANNOTATIONS, TRAEFIK_TRANSLATED_APPROXIMATED } from './targets/traefik';

const TRANSLATED: Record<TargetId, ReadonlySet<string>> = {
  'gateway-api': GATEWAY_API_EMITTED,
  traefik: TRAEFIK_EMITTED,
  haproxy: HAPROXY_TRANSLATED,
  openshift: OPENSHIFT_TRANSLATED,
};

export interface TargetCoverage {
  target: TargetId;
  faithful: number;
  approximated: number;
  unsupported: number;
  /** Rows (faithful or approximated) warden's emitter writes output for. */
  emitted: number;
}

export function coverage(): TargetCoverage[] {
  return (['gateway-api', 'traefik', 'haproxy', 'openshift'] as TargetId[]).map((target) => {
    const c: TargetCoverage = { target, faithful: 0, approximated: 0, unsupported: 0, emitted: 0 };
    for (const spec of ANNOTATIONS) {
      const m = targetMapping(spec, target);
      if (m.level === 'faithful') c.faithful++;
      else if (m.level === 'partial') c.approximated++;
      else c.unsupported++;
      if (m.level !== 'none' && TRANSLATED[target].has(spec.aliasOf ?? spec.name)) c.emitted++;
    }
    return c;
  });
}

export interface TraefikPathCoverage {
  path: 'kept' | 'translated';
  faithful: number;
  approximated: number;
  /** kept: rows the provider does not read (the Ingress is translated instead); translated: mapped rows warden does not carry (snippets, `not-translated` with the reason, `not-implemented`). */
  elsewhere: number;
  unsupported: number;
}

/** Snippets and the WAF keys are read by the provider but never make an Ingress kept. */
const NEVER_KEPT = ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id'];

/**
 * The registry's Traefik column describes the kubernetesIngressNGINX provider, which serves an
 * Ingress only when it is kept. The two paths counted apart: rows the provider reads (kept), and
 * what warden's Middleware / IngressRoute translation carries (faithfully, or with a finding).
 */
export function traefikPaths(): TraefikPathCoverage[] {
  const provider = new Set(TRAEFIK_PROVIDER_ANNOTATIONS);
  const kept: TraefikPathCoverage = { path: 'kept', faithful: 0, approximated: 0, elsewhere: 0, unsupported: 0 };
  const translated: TraefikPathCoverage = { path: 'translated', faithful: 0, approximated: 0, elsewhere: 0, unsupported: 0 };
  for (const spec of ANNOTATIONS) {
    const m = targetMapping(spec, 'traefik');
    const name = spec.aliasOf ?? spec.name;
    if (m.level === 'none') {
      kept.unsupported++;
      translated.unsupported++;
      continue;
    }
    if (!provider.has(spec.name) || spec.value === 'snippet' || NEVER_KEPT.indexOf(name) >= 0) kept.elsewhere++;
    else if (m.level === 'faithful') kept.faithful++;
    else kept.approximated++;
    if (!TRANSLATED.traefik.has(name) || spec.value === 'snippet') translated.elsewhere++;
    else if (m.level === 'faithful' && TRAEFIK_TRANSLATED_APPROXIMATED.indexOf(name) < 0) translated.faithful++;
    else translated.approximated++;
  }
  return [kept, translated];
}

/** The Markdown table of docs/ingress.md. */
export function coverageTable(): string {
  const rows = coverage().map((c) => `| ${c.target} | ${c.faithful} | ${c.approximated} | ${c.unsupported} | ${c.emitted} |`);
  return [
    '| Target | Faithful | Approximated (with a finding) | No equivalent (reported) | Mapped rows warden emits |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `${ANNOTATIONS.length} annotations (aliases included). Traefik's kubernetesIngressNGINX provider reads ${TRAEFIK_PROVIDER_ANNOTATIONS.length} of them as they are: an Ingress using only those is kept.`,
    '',
    'The traefik row describes the provider, which applies only to a kept Ingress. The two Traefik paths apart:',
    '',
    '| Traefik path | Faithful | Approximated (with a finding) | Handled by the other path / not carried yet | No equivalent (reported) |',
    '|---|---|---|---|---|',
    ...traefikPaths().map((p) =>
      p.path === 'kept'
        ? `| Ingress kept (kubernetesIngressNGINX provider) | ${p.faithful} | ${p.approximated} | ${p.elsewhere} not read by the provider: the Ingress is translated | ${p.unsupported} |`
        : `| Middleware / IngressRoute translation | ${p.faithful} | ${p.approximated} | ${p.elsewhere} mapped rows not carried: snippets, \`ingress/not-translated\` with the reason, or \`ingress/not-implemented\` | ${p.unsupported} |`,
    ),
  ].join('\n');
}
