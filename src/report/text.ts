// The human report: grouped by object, one line per finding, a summary last.
// Plain text (no colour): it travels through Helm's error text and report files.

import type { Finding } from './finding';
import { isBlocking } from './finding';

export interface Summary {
  documents: number;
  objects: number;
  changed: number;
  added: number;
  removed: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
  info: number;
  blocking: number;
}

export function summarize(findings: readonly Finding[], counts: Pick<Summary, 'documents' | 'objects' | 'changed' | 'added' | 'removed'>): Summary {
  const s: Summary = { ...counts, fail: 0, warn: 0, error: 0, skip: 0, info: 0, blocking: 0 };
  for (const f of findings) {
    if (f.result === 'fail') s.fail++;
    else if (f.result === 'warn') s.warn++;
    else if (f.result === 'error') s.error++;
    else if (f.result === 'skip') s.skip++;
    else if (f.result === 'info') s.info++;
    if (isBlocking(f)) s.blocking++;
  }
  return s;
}

export function objectLabel(f: Finding): string {
  const d = f.document;
  if (!d) return 'stream';
  if (d.kind === undefined && d.name === undefined) return `document ${d.index + 1} (line ${d.line})`;
  const id = d.name ?? '?';
  const ns = d.namespace ? d.namespace + '/' : '';
  const where = d.source ? ` (${d.source})` : ` (document ${d.index + 1}, line ${d.line})`;
  return `${d.kind ?? 'document'} ${ns}${id}${where}`;
}

export function findingLine(f: Finding): string {
  const tag = isBlocking(f) ? 'BLOCK' : f.result.toUpperCase();
  const path = f.path ? ` at ${f.path}` : '';
  const fix = f.fix ? ` — fix: ${f.fix}` : '';
  return `[${tag}] ${f.rule}${path}: ${f.message}${fix}`;
}

export function renderText(findings: readonly Finding[], summary: Summary, opts: { quiet: boolean }): string {
  const shown = opts.quiet ? findings.filter((f) => f.result === 'fail' || f.result === 'error') : findings;
  const groups = new Map<string, Finding[]>();
  for (const f of shown) {
    const key = objectLabel(f);
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const [label, list] of groups) {
    lines.push(label);
    for (const f of list) lines.push('  ' + findingLine(f));
  }
  const parts = [
    `${summary.documents} documents, ${summary.objects} objects`,
    `${summary.fail} failed`,
    `${summary.warn} warnings`,
  ];
  if (summary.error) parts.push(`${summary.error} errors`);
  if (summary.skip) parts.push(`${summary.skip} skipped`);
  if (summary.changed || summary.added || summary.removed) {
    parts.push(`${summary.changed} changed, ${summary.added} added, ${summary.removed} removed`);
  }
  lines.push('warden: ' + parts.join(', '));
  return lines.join('\n') + '\n';
}
