// Ownership problems visible in the render alone, without a cluster.

import { groupKind } from './keys';
import type { RenderedObject } from './objects';

export type StaticProblem =
  /** The same group/kind/namespace/name more than once (hooks aside). Helm has no check of its own. */
  | { rule: 'duplicate-object'; object: RenderedObject; first: RenderedObject }
  /** A namespaced object hard-coded to a namespace other than the release's. */
  | { rule: 'namespace-mismatch'; object: RenderedObject }
  /** A cluster-scoped object with metadata.namespace: Kubernetes ignores it, Helm's key keeps it. */
  | { rule: 'namespace-ignored'; object: RenderedObject }
  /** A cluster-scoped object whose name does not vary with the release. */
  | { rule: 'cluster-scoped-name'; object: RenderedObject }
  /** A kind warden does not know; assumed namespaced (one per group/Kind). */
  | { rule: 'assumed-namespaced'; object: RenderedObject }
  /** metadata.name and metadata.generateName both set: Helm's check fails on it. */
  | { rule: 'name-and-generate-name'; object: RenderedObject };

/** Kinds whose names are fixed by definition or meant to be shared; renaming them is no fix. */
const FIXED_NAMES = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

export interface StaticOptions {
  /** The release name, when known: cluster-scoped names should contain it. */
  release?: string;
  /**
   * The release namespace, only when the user gave it (`--namespace` or the snapshot).
   * Helm renders `{{ .Release.Namespace }}` as a literal, so without it a hard-coded
   * namespace cannot be told from the release's own: no namespace-mismatch then.
   */
  namespace?: string;
}

/** A name that cannot tell two releases apart: no release name in it, or (release unknown) a single word. */
function genericName(name: string, release: string | undefined): boolean {
  if (name === '') return false;
  if (release !== undefined) return !name.includes(release);
  return !/[-.:]/.test(name);
}

export function staticProblems(objects: readonly RenderedObject[], opts: StaticOptions): StaticProblem[] {
  const out: StaticProblem[] = [];
  const seen = new Map<string, RenderedObject>();
  const assumed = new Set<string>();
  // Report in document order, whatever Helm's visiting order.
  const byDocument = [...objects].sort((a, b) => a.doc.index - b.doc.index || (a.item ?? 0) - (b.item ?? 0));
  for (const o of byDocument) {
    if (o.scopeSource === 'assumed') {
      const gk = groupKind(o.group, o.kind);
      if (!assumed.has(gk)) {
        assumed.add(gk);
        out.push({ rule: 'assumed-namespaced', object: o });
      }
    }
    if (o.generateName !== undefined && o.name !== '') out.push({ rule: 'name-and-generate-name', object: o });
    if (o.hook !== undefined) continue;
    if (o.name !== '') {
      const first = seen.get(o.identity);
      if (first) out.push({ rule: 'duplicate-object', object: o, first });
      else seen.set(o.identity, o);
    }
    if (o.writtenNamespace !== undefined) {
      if (o.scope === 'Cluster') out.push({ rule: 'namespace-ignored', object: o });
      else if (opts.namespace !== undefined && o.writtenNamespace !== opts.namespace) {
        out.push({ rule: 'namespace-mismatch', object: o });
      }
    }
    if (o.scope === 'Cluster' && !FIXED_NAMES.has(o.kind) && genericName(o.name, opts.release)) {
      out.push({ rule: 'cluster-scoped-name', object: o });
    }
  }
  return out;
}
