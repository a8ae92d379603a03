// `npm run conformance -- [DIR] [--baseline FILE] [--write-baseline FILE] [--quiet]`: runs every
// kyverno-test.yaml under DIR (default ../shared/corpus/kyverno-policies next to the repository)
// through warden's engine and prints per-category figures; the last line is
// `N passed, M failed[, K skipped]`. With --baseline it also exits 1 on a regression against
// the committed figures; --write-baseline records the current figures.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareWithBaseline, formatSummary, runTests, summarize, toBaseline, type Baseline } from '../policy/kyverno-test';
import { nodeTestFs } from './test';

export function conformanceMain(argv: readonly string[], repoRoot: string): number {
  let dir: string | undefined;
  let baseline: string | undefined;
  let writeBaseline: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--baseline' || a === '--write-baseline') {
      const v = argv[++i];
      if (v === undefined) {
        process.stderr.write(`conformance: ${a} needs a file\n`);
        return 2;
      }
      if (a === '--baseline') baseline = v;
      else writeBaseline = v;
    } else if (a === '--quiet') quiet = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: npm run conformance -- [DIR] [--baseline FILE] [--write-baseline FILE] [--quiet]\n');
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`conformance: unknown option ${a}\n`);
      return 2;
    } else dir = a;
  }
  const root = resolve(dir ?? resolve(repoRoot, '..', 'shared', 'corpus', 'kyverno-policies'));
  if (!existsSync(root)) {
    process.stderr.write(`conformance: ${root} does not exist (give the path of a kyverno/policies checkout)\n`);
    return 2;
  }
  const started = Date.now();
  const summary = summarize(runTests(nodeTestFs, root));
  process.stdout.write(`kyverno tests under ${root} (${Date.now() - started} ms)\n\n`);
  process.stdout.write(formatSummary(summary, { failures: !quiet }));
  if (writeBaseline) {
    writeFileSync(resolve(writeBaseline), baselineText(toBaseline(summary)));
    process.stderr.write(`conformance: baseline written to ${writeBaseline}\n`);
  }
  if (baseline) {
    const problems = compareWithBaseline(summary, JSON.parse(readFileSync(resolve(baseline), 'utf8')) as Baseline);
    if (problems.length > 0) {
      process.stderr.write(`conformance: regressions against ${baseline}:\n${problems.map((p) => `  ${p}\n`).join('')}`);
      return 1;
    }
  }
  return 0;
}

/** One line per category and per known failure, so baseline diffs read well in review. */
function baselineText(b: Baseline): string {
  const cats = Object.entries(b.categories).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const fails = b.failures.map((f) => `    ${JSON.stringify(f)}`);
  return `{\n  "categories": {\n${cats.join(',\n')}\n  },\n  "failures": [${fails.length ? '\n' + fails.join(',\n') + '\n  ' : ''}]\n}\n`;
}
