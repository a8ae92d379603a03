// Comparing a patched resource with the test's expected document, as `kyverno test` does
// (cmd/cli/kubectl-kyverno/resource): the document with the same apiVersion/kind/namespace/name
// is picked from the file, both sides are tidied (null, {} and [] dropped recursively), generate
// labels fixed up, and they are equal when a JSON merge patch between them would be empty.

import { isMap } from '../operators/value';
import { loadDocuments, withDefaultNamespace, type Obj } from './load';
import type { TestFs } from './types';
import { deepEqual } from '../json';

/** Recursively drops null values and empty maps/lists (Kyverno's tidy). */
export function tidy(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const t = tidy(x);
      if (t !== undefined) out.push(t);
    }
    return out.length === 0 ? undefined : out;
  }
  if (isMap(v)) {
    const out: Obj = {};
    let any = false;
    for (const [k, x] of Object.entries(v)) {
      const t = tidy(x);
      if (t !== undefined) {
        out[k] = t;
        any = true;
      }
    }
    return any ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** Removes `generate.kyverno.io/*` labels and sets the managed-by label, on a copy. */
function fixupGenerateLabels(r: Obj): Obj {
  const meta = isMap(r.metadata) ? r.metadata : {};
  const labels: Obj = {};
  for (const [k, v] of Object.entries(isMap(meta.labels) ? meta.labels : {})) if (!k.startsWith('generate.kyverno.io/')) labels[k] = v;
  labels['app.kubernetes.io/managed-by'] = 'kyverno';
  return { ...r, metadata: { ...meta, labels } };
}

/** Equal after tidying and the generate-label fix-up (what the CLI calls "no diff"). */
export function resourcesEqual(actual: Obj, expected: Obj): boolean {
  return deepEqual(tidy(fixupGenerateLabels(actual)), tidy(fixupGenerateLabels(expected)));
}

function key(r: Obj): string {
  const meta = isMap(r.metadata) ? r.metadata : {};
  return `${String(r.apiVersion ?? '')}|${String(r.kind ?? '')}|${String(meta.namespace ?? '')}|${String(meta.name ?? '')}`;
}

/**
 * `equal`, `diff`, `missing` (no expected document for this resource: the CLI drops the row),
 * or an error message when the file cannot be loaded.
 */
export function comparePatched(fs: TestFs, file: string, actual: Obj): 'equal' | 'diff' | 'missing' | string {
  let docs: Obj[];
  try {
    docs = loadDocuments(fs, file).map(withDefaultNamespace);
  } catch (e) {
    return `failed to load resource (${e instanceof Error ? e.message : String(e)})`;
  }
  const want = docs.find((d) => key(d) === key(actual));
  if (!want) return 'missing';
  return resourcesEqual(actual, want) ? 'equal' : 'diff';
}
