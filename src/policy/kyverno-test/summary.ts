// Per-category figures over many tests, the baseline comparison, and the text the
// conformance command prints.

import type { ConformanceSummary, Tally, TestResult } from './types';

const emptyTally = (): Tally => ({ passed: 0, failed: 0, skipped: 0 });

/** A stable one-line name of a failing row (no engine messages, so it survives wording changes). */
export function failureKey(t: TestResult, policy: string, rule: string, resource: string, reason: string): string {
  return `${t.relative}: ${policy}${rule ? '/' + rule : ''} ${resource}: ${reason}`;
}

export function summarize(results: TestResult[]): ConformanceSummary {
  const total = emptyTally();
  const categories: Record<string, Tally> = {};
  const skipReasons: Record<string, number> = {};
  const failures: string[] = [];
  for (const t of results) {
    const c = (categories[t.category] = categories[t.category] ?? emptyTally());
    if (t.error !== undefined && t.rows.length === 0) {
      c.failed++;
      total.failed++;
      failures.push(`${t.relative}: test error: ${t.error}`);
      continue;
    }
    for (const r of t.rows) {
      if (r.outcome === 'pass') {
        c.passed++;
        total.passed++;
      } else if (r.outcome === 'skip') {
        c.skipped++;
        total.skipped++;
        skipReasons[r.reason] = (skipReasons[r.reason] ?? 0) + 1;
      } else {
        c.failed++;
        total.failed++;
        failures.push(failureKey(t, r.policy, r.rule, r.resource, t.error !== undefined ? `test error: ${t.error}` : r.reason));
      }
    }
  }
  const sorted: Record<string, Tally> = {};
  for (const k of Object.keys(categories).sort()) sorted[k] = categories[k];
  return { tests: results.length, total, categories: sorted, skipReasons, failures: failures.sort() };
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

/** The conformance report: one line per category, skip reasons, failures, and the last line `N passed, M failed[, K skipped]`. */
export function formatSummary(s: ConformanceSummary, opts: { failures?: boolean } = {}): string {
  const lines: string[] = [];
  const width = Math.max(8, ...Object.keys(s.categories).map((k) => k.length));
  lines.push(`${'category'.padEnd(width)}  ${'passed'.padStart(6)}  ${'failed'.padStart(6)}  ${'skipped'.padStart(7)}  pass rate (decided)`);
  for (const [k, t] of Object.entries(s.categories)) {
    lines.push(`${k.padEnd(width)}  ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.skipped).padStart(7)}  ${pct(t.passed, t.passed + t.failed)}`);
  }
  const reasons = Object.entries(s.skipReasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (reasons.length > 0) {
    lines.push('', 'skipped, by reason:');
    for (const [r, n] of reasons) lines.push(`  ${String(n).padStart(5)}  ${r}`);
  }
  if (opts.failures !== false && s.failures.length > 0) {
    lines.push('', 'failed:');
    for (const f of s.failures) lines.push(`  ${f}`);
  }
  lines.push('', `${s.tests} tests, ${s.total.passed + s.total.failed + s.total.skipped} expected results`);
  lines.push(`${s.total.passed} passed, ${s.total.failed} failed${s.total.skipped > 0 ? `, ${s.total.skipped} skipped` : ''}`);
  return lines.join('\n') + '\n';
}

export interface Baseline {
  /** Per category: how many expected results passed when the baseline was written. */
  categories: Record<string, { passed: number }>;
  /** Failing rows known when the baseline was written (see failureKey). */
  failures: string[];
}

export function toBaseline(s: ConformanceSummary): Baseline {
  const categories: Record<string, { passed: number }> = {};
  for (const [k, t] of Object.entries(s.categories)) categories[k] = { passed: t.passed };
  return { categories, failures: s.failures };
}

/** Regressions against a baseline: fewer passes in a category, or a failing row the baseline did not list. */
export function compareWithBaseline(s: ConformanceSummary, b: Baseline): string[] {
  const problems: string[] = [];
  for (const [k, want] of Object.entries(b.categories)) {
    const got = s.categories[k]?.passed ?? 0;
    if (got < want.passed) problems.push(`category ${k}: ${got} passed, the baseline has ${want.passed}`);
  }
  const known = new Set(b.failures);
  for (const f of s.failures) if (!known.has(f)) problems.push(`new failure: ${f}`);
  return problems;
}
