// The kyverno-test runner: finds kyverno-test.yaml files under a directory (through a TestFs
// view, no I/O here), evaluates them with warden's policy engine, and compares every expected
// result the way `kyverno test` does. Used by `npm run conformance`, `warden test` and the
// corpus unit test.

import { findTestFiles, normalizePath, TEST_FILE_NAME } from './load';
import { runTestFile } from './run';
import type { TestFs, TestResult } from './types';

export { findTestFiles, joinPath, TEST_FILE_NAME } from './load';
export { runTestFile, categoryOf, relativePath } from './run';
export { comparePatched, resourcesEqual, tidy } from './patched';
export { compareWithBaseline, formatSummary, summarize, toBaseline, type Baseline } from './summary';
export { formatTestResult, formatTestSummary } from './format';
export { emptyRecord, recordingFs, replayFs, type FsRecord } from './recorded';
export type { Check, ConformanceSummary, RowOutcome, RowResult, Tally, TestFs, TestResult } from './types';

/** Runs every test file named `fileName` under `root`, in path order. */
export function runTests(fs: TestFs, root: string, fileName = TEST_FILE_NAME): TestResult[] {
  const r = normalizePath(root);
  return findTestFiles(fs, r, fileName).map((f) => runTestFile(fs, f, r));
}
