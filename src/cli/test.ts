// `warden test DIR…`: runs the Kyverno CLI tests (kyverno-test.yaml) found under each DIR with
// warden's policy engine and prints Kyverno-like tables. The runner (src/policy/kyverno-test) is
// the same code `npm run conformance` uses; it runs here in Node because a test reads many
// files (policies, resources, values, expected patched resources) that the Wasm sandbox cannot.
// Exit codes: 0 every expected result holds, 1 one does not (or a test cannot load), 2 usage error.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatTestResult, formatTestSummary, runTestFile, runTests, TEST_FILE_NAME, type TestFs, type TestResult } from '../policy/kyverno-test';

export const TEST_HELP = `warden test — run Kyverno CLI tests (kyverno-test.yaml) with warden's policy engine

Usage:
  warden test DIR|FILE... [OPTIONS]

Every file named kyverno-test.yaml under each DIR is run (a FILE is run as is): its policies
are applied to its resources (mutate rules first, then validation, as "kyverno test" does) and
each expected result (policy, rule, resources, result, patchedResources) is compared.

Options:
  -f, --file-name NAME   test file name to look for (default: ${TEST_FILE_NAME})
  --fail-only            print only the failing rows
  --detailed-results     add the rule message to each row
  --require-tests        fail when no test file is found
  --fail-on-skip         count expected results warden cannot evaluate yet as failures
  -h, --help             this help

Results warden cannot evaluate (a rule type or policy kind it does not implement yet, or data only
a cluster has) are listed as "Skipped" with the reason and counted as neither passed nor failed.

Examples:
  warden test charts/webapp/policy-tests
  warden test . --fail-only --detailed-results
  warden test policies/require-labels/kyverno-test.yaml --require-tests --fail-on-skip

Exit codes: 0 all expected results hold, 1 a result differs or a test cannot be loaded, 2 usage error.`;

/** The file system view the runner reads through. */
export const nodeTestFs: TestFs = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDir(resolve(dir, e.name))) })),
  read: (file) => readFileSync(file, 'utf8'),
};

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export function testCommand(argv: readonly string[], io: Io): number {
  const paths: string[] = [];
  let fileName = TEST_FILE_NAME;
  let failOnly = false;
  let detailed = false;
  let requireTests = false;
  let failOnSkip = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      io.stdout(TEST_HELP + '\n');
      return 0;
    } else if (a === '-f' || a === '--file-name') {
      const v = argv[++i];
      if (v === undefined || v === '') {
        io.stderr(`warden test: ${a} needs a value\n`);
        return 2;
      }
      fileName = v;
    } else if (a.startsWith('--file-name=')) fileName = a.slice('--file-name='.length);
    else if (a === '--fail-only') failOnly = true;
    else if (a === '--detailed-results') detailed = true;
    else if (a === '--require-tests') requireTests = true;
    else if (a === '--fail-on-skip') failOnSkip = true;
    else if (a.startsWith('-') && a !== '-') {
      io.stderr(`warden test: unknown option "${a}" (see "warden test --help")\n`);
      return 2;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    io.stderr('warden test: a directory is required (see "warden test --help")\n');
    return 2;
  }
  const results: TestResult[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      io.stderr(`warden test: ${p}: no such file or directory\n`);
      return 2;
    }
    if (st.isDirectory()) results.push(...runTests(nodeTestFs, abs, fileName));
    else results.push({ ...runTestFile(nodeTestFs, abs, dirname(abs)), relative: p });
  }
  if (results.length === 0) {
    io.stdout('\nNo test yamls available\n');
    if (requireTests) {
      io.stderr('warden test: no tests found\n');
      return 1;
    }
    return 0;
  }
  for (const t of results) io.stdout(formatTestResult(t, { detailed, failOnly }) + '\n');
  io.stdout(formatTestSummary(results));
  const failed = results.some((t) => t.error !== undefined || t.rows.some((r) => r.outcome === 'fail' || (failOnSkip && r.outcome === 'skip')));
  return failed ? 1 : 0;
}
