// The annotation registry: every `nginx.ingress.kubernetes.io/*` annotation of the
// final ingress-nginx release (aliases included), one file per area. Lookups accept
// the full key or the bare name; aliases resolve to their canonical spec.

import type { AnnotationSpec, TargetId, TargetMapping } from './types';
import { TARGET_KEYS } from './types';
import { rewriteAnnotations } from './rewrite';
import { hostsAnnotations } from './hosts';
import { sslAnnotations } from './ssl';
import { backendProtocolAnnotations } from './backend-protocol';
import { timeoutsAnnotations } from './timeouts';
import { corsAnnotations } from './cors';
import { authBasicAnnotations } from './auth-basic';
import { authExternalAnnotations } from './auth-external';
import { authTlsAnnotations } from './auth-tls';
import { canaryAnnotations } from './canary';
import { affinityAnnotations } from './affinity';
import { rateLimitAnnotations } from './rate-limit';
import { sourceRangeAnnotations } from './source-range';
import { headersAnnotations } from './headers';
import { snippetsAnnotations } from './snippets';
import { mirrorAnnotations } from './mirror';
import { loadBalanceAnnotations } from './load-balance';
import { miscAnnotations } from './misc';

export * from './types';

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Every spec, in the order of the reference table. */
export const ANNOTATIONS: readonly AnnotationSpec[] = [
  ...rewriteAnnotations,
  ...hostsAnnotations,
  ...sslAnnotations,
  ...backendProtocolAnnotations,
  ...timeoutsAnnotations,
  ...corsAnnotations,
  ...authBasicAnnotations,
  ...authExternalAnnotations,
  ...authTlsAnnotations,
  ...canaryAnnotations,
  ...affinityAnnotations,
  ...rateLimitAnnotations,
  ...sourceRangeAnnotations,
  ...headersAnnotations,
  ...snippetsAnnotations,
  ...mirrorAnnotations,
  ...loadBalanceAnnotations,
  ...miscAnnotations,
];

const BY_NAME = new Map<string, AnnotationSpec>();
for (const spec of ANNOTATIONS) BY_NAME.set(spec.name, spec);

/** `nginx.ingress.kubernetes.io/foo` or `foo` → `foo`; other keys → undefined. */
export function annotationName(key: string): string | undefined {
  if (key.slice(0, NGINX_PREFIX.length) === NGINX_PREFIX) return key.slice(NGINX_PREFIX.length);
  return undefined;
}

/** The spec for a name or key, as written (an alias returns the alias's own spec). */
export function lookupAnnotation(nameOrKey: string): AnnotationSpec | undefined {
  return BY_NAME.get(annotationName(nameOrKey) ?? nameOrKey);
}

/** The canonical name (aliases resolved), or undefined for unknown names. */
export function canonicalAnnotation(nameOrKey: string): string | undefined {
  const spec = lookupAnnotation(nameOrKey);
  if (spec === undefined) return undefined;
  return spec.aliasOf ?? spec.name;
}

export function targetMapping(spec: AnnotationSpec, target: TargetId): TargetMapping {
  return spec.targets[TARGET_KEYS[target]];
}

/** faithful / partial / none counts per target, over every row of the registry. */
export function targetCounts(target: TargetId): { faithful: number; partial: number; none: number } {
  const counts = { faithful: 0, partial: 0, none: 0 };
  for (const spec of ANNOTATIONS) counts[targetMapping(spec, target).level]++;
  return counts;
}
