// Conformance runner for any directory of the ingress-nginx corpus layout
// (<case>/input.yaml, gateway-api.yaml, notes.txt):
//
//   npx vite-node test/unit/ingress/conformance-runner.ts <dir> [--verbose]
//
// A case passes when warden's gateway-api output is semantically equal to the oracle's
// (normalisation: corpus-helpers.ts), or differs only as listed in
// deliberate-differences.ts with the listed notification present, or — when the oracle
// exited with an error — when warden raises an error or critical notification.
// The last line is always `N passed, M failed`; the exit code is 1 when M > 0.

import { parseIngresses } from '../../../src/ingress/parse';
import { emitGatewayApi } from '../../../src/ingress/targets/gateway-api';
import { compareObjects, listCases, loadCase, type Obj } from './corpus-helpers';
import { DELIBERATE_DIFFERENCES } from './deliberate-differences';

const args = process.argv.slice(2).filter((a) => a !== '--');
const verbose = args.indexOf('--verbose') >= 0;
const dir = args.find((a) => !a.startsWith('--'));
if (dir === undefined) {
  console.error('usage: conformance-runner <corpus-dir> [--verbose]');
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const name of listCases(dir)) {
  const c = loadCase(dir, name);
  const parsed = parseIngresses(c.input);
  const result = emitGatewayApi(parsed);
  const notes = parsed.notifications.concat(result.notifications);
  let why: string | undefined;
  if (c.oracleFailed) {
    if (!notes.some((n) => n.severity === 'error' || n.severity === 'critical')) why = 'oracle exits with an error; warden raised no error';
  } else {
    const diffs = compareObjects(result.objects as unknown as Obj[], c.expected);
    const d = DELIBERATE_DIFFERENCES[name];
    if (diffs.length > 0 && d === undefined) why = diffs.join('\n');
    else if (diffs.length > 0 && !notes.some((n) => n.code === d.code && (n.annotation ?? '') === d.annotation)) {
      why = `deliberate difference without its ${d.code} notification on ${d.annotation}`;
    }
  }
  if (why === undefined) {
    passed++;
    if (verbose) console.log(`pass ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}\n${why}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
