// Per-target coverage computed from the registry and the emitters, for docs/ingress.md
// (test/unit/ingress/docs.test.ts keeps the committed table equal to this output).

import { ANNOTATIONS, targetMapping, type TargetId } from './annotations/index';
import { GATEWAY_API_REPORTED_ONLY, GATEWAY_API_TRANSLATED } from './targets/gateway-api';
import { HAPROXY_TRANSLATED } from './targets/haproxy';
import { OPENSHIFT_TRANSLATED } from './targets/openshift';
import { TRAEFIK_PROVIDER_ANNOTATIONS, TRAEFIK_REPORTED_ONLY, TRAEFIK_TRANSLATED } from './targets/traefik';

const TRANSLATED: Record<TargetId, ReadonlySet<string>> = {
  'gateway-api': new Set(GATEWAY_API_TRANSLATED.filter((n) => GATEWAY_API_REPORTED_ONLY.indexOf(n) < 0)),
  traefik: new Set(Array.from(TRAEFIK_TRANSLATED).filter((n) => TRAEFIK_REPORTED_ONLY.indexOf(n) < 0)),
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

/** The Markdown table of docs/ingress.md. */
export function coverageTable(): string {
  const rows = coverage().map((c) => `| ${c.target} | ${c.faithful} | ${c.approximated} | ${c.unsupported} | ${c.emitted} |`);
  return [
    '| Target | Faithful | Approximated (with a finding) | No equivalent (reported) | Mapped rows warden emits |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `${ANNOTATIONS.length} annotations (aliases included). Traefik's kubernetesIngressNGINX provider reads ${TRAEFIK_PROVIDER_ANNOTATIONS.length} of them as they are: an Ingress using only those is kept.`,
  ].join('\n');
}
