// A mutation as edits of the rendered document: the smallest set of `set` / `delete` operations
// at YAML paths that turn the original object into the patched one, so a post-renderer can apply
// them in place (keeping the document's comments and key order) instead of re-writing it.

import { deepEqual } from '../json';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export type Edit = { op: 'set'; path: (string | number)[]; value: unknown } | { op: 'delete'; path: (string | number)[] };

/**
 * Edits from `before` to `after`: maps are compared key by key (recursively); a list that changed
 * is set as a whole, except a list of maps with the same length, compared element by element.
 */
export function diffEdits(before: unknown, after: unknown, path: (string | number)[] = []): Edit[] {
  if (deepEqual(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const out: Edit[] = [];
    for (const k of Object.keys(before)) if (!Object.prototype.hasOwnProperty.call(after, k)) out.push({ op: 'delete', path: [...path, k] });
    for (const [k, v] of Object.entries(after)) {
      if (!Object.prototype.hasOwnProperty.call(before, k)) out.push({ op: 'set', path: [...path, k], value: v });
      else out.push(...diffEdits(before[k], v, [...path, k]));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every(isObj) && after.every(isObj)) {
    return before.flatMap((b, i) => diffEdits(b, after[i], [...path, i]));
  }
  return [{ op: 'set', path, value: after }];
}
