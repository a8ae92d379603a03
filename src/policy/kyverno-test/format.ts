// Kyverno-CLI-like text for `warden test`: per test file a table
// ID │ POLICY │ RULE │ RESOURCE │ RESULT │ REASON, then a summary line.

import type { TestResult } from './types';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '│ ' + cells.map((c, i) => c.padEnd(widths[i])).join(' │ ') + ' │';
  const rule = '│' + widths.map((w) => '─'.repeat(w + 2)).join('│') + '│';
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

const cap = (s: string) => (s === '' ? s : s[0].toUpperCase() + s.slice(1));

/** The table of one test file (one row per rule response compared; one per excluded/missing/skipped result). */
export function formatTestResult(t: TestResult, opts: { detailed?: boolean; failOnly?: boolean } = {}): string {
  const lines = [`Loading test ( ${t.relative} ) ...`];
  if (t.error !== undefined) lines.push(`  Error: ${t.error}`);
  const header = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'];
  if (opts.detailed) header.push('MESSAGE');
  const rows: string[][] = [];
  let id = 0;
  const push = (cells: string[], message: string) => {
    const row = [String(++id), ...cells];
    if (opts.detailed) row.push(message.replace(/\s+/g, ' '));
    rows.push(row);
  };
  for (const r of t.rows) {
    if (opts.failOnly && r.outcome !== 'fail') continue;
    if (r.checks.length === 0 || r.outcome === 'skip') {
      push([r.policy, r.rule, r.resource, r.outcome === 'skip' ? 'Skipped' : cap(r.outcome), r.reason], r.reason);
      continue;
    }
    for (const c of r.checks) push([r.policy, c.rule, c.resource, c.ok ? 'Pass' : 'Fail', c.reason], c.message);
  }
  if (rows.length > 0) lines.push('', table(header, rows));
  return lines.join('\n') + '\n';
}

/** Kyverno's summary line, plus what warden could not evaluate. */
export function formatTestSummary(results: TestResult[]): string {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const reasons = new Map<string, number>();
  for (const t of results) {
    if (t.error !== undefined && t.rows.length === 0) failed++;
    for (const r of t.rows) {
      if (r.outcome === 'pass') passed++;
      else if (r.outcome === 'fail') failed++;
      else {
        skipped++;
        reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
      }
    }
  }
  let s = `Test Summary: ${passed} tests passed and ${failed} tests failed`;
  if (skipped > 0) {
    const list = [...reasons.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
    s += `\n${skipped} tests not evaluated by warden (counted as neither): ${list.join('; ')}`;
  }
  return s + '\n';
}
