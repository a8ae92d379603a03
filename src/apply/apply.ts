// Applies the patches all checks returned. Documents without patches are left
// alone (their original text is emitted as is); changed documents are edited
// through the YAML library so comments and key order survive where it can keep them.

import { stringify } from 'yaml';
import type { Patch } from '../checks/check';
import type { SourceDocument } from '../read/document';
import type { Finding } from '../report/finding';
import { stringifyPlain } from '../emit/plain';

/** One piece of output, in order: an original document or new text. */
export type OutputPiece =
  | { kind: 'original'; doc: SourceDocument }
  | { kind: 'changed'; doc: SourceDocument; text: string }
  | { kind: 'added'; after: number; text: string };

export interface ApplyResult {
  pieces: OutputPiece[];
  /** Notes about what apply did (removals, edits that could not be made). */
  findings: Finding[];
}

const STRINGIFY_OPTIONS = { lineWidth: 0 } as const;

/** A new document's text: the fast writer when it is sure of the result, else the `yaml` package (same text). */
function stringifyNew(value: unknown): string {
  return stringifyPlain(value) ?? stringify(value, STRINGIFY_OPTIONS);
}

function markerOf(doc: SourceDocument): string {
  return doc.bodyOffset > 0 ? '---\n' : '';
}

export function applyPatches(documents: readonly SourceDocument[], patches: readonly Patch[]): ApplyResult {
  const findings: Finding[] = [];
  const byDoc = new Map<number, Patch[]>();
  const inserts = new Map<number, Patch[]>();
  for (const p of patches) {
    if (p.op === 'insert') {
      const list = inserts.get(p.after) ?? [];
      list.push(p);
      inserts.set(p.after, list);
      continue;
    }
    if (p.doc < 0 || p.doc >= documents.length) {
      throw new Error(`internal error: patch "${p.reason}" names document ${p.doc + 1}, but the stream has ${documents.length}`);
    }
    const list = byDoc.get(p.doc) ?? [];
    list.push(p);
    byDoc.set(p.doc, list);
  }

  const pieces: OutputPiece[] = [];
  const pushInserts = (after: number) => {
    for (const p of inserts.get(after) ?? []) {
      if (p.op === 'insert') pieces.push({ kind: 'added', after, text: '---\n' + stringifyNew(p.value) });
    }
  };
  pushInserts(-1);
  for (const doc of documents) {
    const list = byDoc.get(doc.index);
    if (!list) {
      pieces.push({ kind: 'original', doc });
    } else {
      const removal = list.find((p) => p.op === 'remove');
      if (removal) {
        findings.push({
          check: 'read',
          rule: 'apply/removed',
          result: 'info',
          enforce: false,
          message: `removed from the output: ${removal.reason}`,
          document: doc.ref,
        });
      } else {
        const edit = editDocument(doc, list);
        pieces.push({ kind: 'changed', doc, text: edit.text });
        if (edit.dropped.length > 0) {
          findings.push({
            check: 'read',
            rule: 'apply/edits-dropped',
            result: 'error',
            enforce: false,
            message:
              `the document was replaced (${edit.replacedBy}), so ${edit.dropped.length} edit(s) of it were not applied: ` +
              `${[...new Set(edit.dropped)].join('; ')}. The replacement was made from the document as rendered`,
            fix: 'run the two checks in separate passes, or exclude this object from one of them',
            document: doc.ref,
          });
        }
      }
    }
    pushInserts(doc.index);
  }
  return { pieces, findings };
}

function editDocument(doc: SourceDocument, patches: readonly Patch[]): { text: string; dropped: string[]; replacedBy?: string } {
  const replacement = patches.find((p) => p.op === 'replace');
  if (replacement !== undefined && replacement.op === 'replace') {
    // A replacement (e.g. an Ingress rewritten for another controller) wins; edits other checks
    // made to the same document are reported, never silently merged or lost.
    const dropped = patches.filter((p) => p.op === 'set' || p.op === 'delete').map((p) => p.reason);
    return { text: markerOf(doc) + stringifyNew(replacement.value), dropped, replacedBy: replacement.reason };
  }
  const ydoc = doc.yaml();
  for (const p of patches) {
    if (p.op === 'set') ydoc.setIn(p.path, ydoc.createNode(p.value));
    else if (p.op === 'delete') ydoc.deleteIn(p.path);
  }
  return { text: String(ydoc), dropped: [] };
}
