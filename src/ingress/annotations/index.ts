// The annotation registry: every `nginx.ingress.kubernetes.io/*` annotation of the
// final ingress-nginx release (aliases included), as the tables in registry.ts. Lookups accept
// the full key or the bare name; aliases resolve to their canonical spec.

import type { AnnotationSpec, TargetId, TargetMapping } from './types';
import { TARGET_KEYS } from './types';
import { REGISTRY } from './registry';

export * from './types';

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Every spec, in the order of the reference table. */
export const ANNOTATIONS: readonly AnnotationSpec[] = REGISTRY;

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
