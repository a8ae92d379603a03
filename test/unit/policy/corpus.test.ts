// Conformance against the Kyverno CLI tests of kyverno/policies (read in place, never copied),
// through the same runner as `npm run conformance` (src/policy/kyverno-test). Fails on a
// regression against test/unit/policy/conformance-baseline.json: fewer passes in a category,
// or a failing expected result the baseline does not list. To record new figures after an
// improvement: `npm run conformance -- --write-baseline test/unit/policy/conformance-baseline.json`.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, formatSummary, runTests, summarize, type Baseline } from '../../../src/policy/kyverno-test';
import { nodeTestFs } from '../../../src/cli/test';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.WARDEN_KYVERNO_CORPUS ?? resolve(here, '../../../../shared/corpus/kyverno-policies');
const BASELINE = resolve(here, 'conformance-baseline.json');

describe.skipIf(!existsSync(CORPUS) && process.env.WARDEN_REQUIRE_CORPUS !== '1')('kyverno/policies CLI tests', () => {
  it('does not regress against the committed baseline', () => {
    const summary = summarize(runTests(nodeTestFs, CORPUS));
    console.log(formatSummary(summary));
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
    expect(summary.tests).toBeGreaterThan(0);
    expect(compareWithBaseline(summary, baseline)).toEqual([]);
  });
});
