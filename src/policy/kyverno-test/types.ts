// Types of the kyverno-test runner. The runner is pure: the caller hands it a read-only
// view of a directory tree (TestFs) and gets plain results back.

/** A read-only file system view. Paths are `/`-separated; the runner only joins them. */
export interface TestFs {
  /** Entries of a directory (names, not paths). Throws when the directory cannot be read. */
  list(dir: string): { name: string; dir: boolean }[];
  /** Text of a file. Throws when the file cannot be read. */
  read(file: string): string;
}

/** One comparison between an expected result and one rule response of the engine. */
export interface Check {
  /** Rule name as the engine reported it (`autogen-…` for generated rules; empty for CEL policies). */
  rule: string;
  /** `apiVersion/Kind/namespace/name` of the resource evaluated. */
  resource: string;
  expected: string;
  /** The report result of the rule response (`pass`, `fail`, `warn`, `error`, `skip`). */
  got: string;
  ok: boolean;
  /** `Ok`, `Want pass, got fail`, `Resource diff`, … */
  reason: string;
  message: string;
}

export type RowOutcome = 'pass' | 'fail' | 'skip';

/**
 * One expected result for one resource name: a `results[]` entry × one of its `resources`.
 * `skip` means the runner cannot decide (a feature warden does not evaluate, or data only a
 * cluster has); it never counts as a pass.
 */
export interface RowResult {
  policy: string;
  rule: string;
  /** The resource as written in the test (`name` or `ns/name`). */
  resource: string;
  expected: string;
  outcome: RowOutcome;
  /** `Ok`, `Excluded`, `Not found`, `Want pass, got fail`, `Resource diff`, or why it was skipped. */
  reason: string;
  /** What the engine was compared on (empty for Excluded / Not found / skipped rows). */
  checks: Check[];
  /** The row compares a patched resource (mutate). */
  mutate?: boolean;
}

export interface TestResult {
  /** Path of the kyverno-test.yaml as given to the runner. */
  file: string;
  /** Path relative to the root directory searched. */
  relative: string;
  /** First directory below the root (`.` for a test at the root itself). */
  category: string;
  name: string;
  rows: RowResult[];
  /** The test could not be loaded or run (every row then fails). */
  error?: string;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export interface ConformanceSummary {
  tests: number;
  total: Tally;
  categories: Record<string, Tally>;
  /** Skip reason → number of rows. */
  skipReasons: Record<string, number>;
  /** One stable line per failing row: `relative: policy/rule resource: reason`. */
  failures: string[];
}
