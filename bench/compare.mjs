// npm run bench:compare (and the end of a full npm run bench): warden against the real Kyverno
// CLI on the two comparisons the policy issues name, each measured as whole processes in one run:
//
//   1. `warden-exec` (plugin.wasm under wazero, what Helm users run) with the packs
//      pod-security-restricted + best-practices on charts-fixtures/large rendered by Helm, against
//      `kyverno apply` with the same policy files on the same manifests.
//   2. `npm run conformance` (warden's kyverno-test runner over ../shared/corpus/kyverno-policies)
//      against `kyverno test` on the same directory.
//
// Flags: --runs=N (warm runs per cell, default 5; Kyverno cells at most 3), --no-doc (do not
// rewrite the section of docs/performance.md), --out=FILE (default bench/compare.json).
// Needs npm run build, Helm and the Kyverno CLI from build/setup.sh --helm=all.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execPath, helmPath, kyvernoPath, packPolicyFiles } from './workloads.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const corpus = process.env.WARDEN_KYVERNO_CORPUS ?? join(root, '..', 'shared', 'corpus', 'kyverno-policies');
const log = (m) => process.stderr.write(`bench:compare: ${m}\n`);

const flags = { runs: 5, doc: true, out: join(root, 'bench', 'compare.json') };
for (const a of process.argv.slice(2)) {
  if (a.startsWith('--runs=')) flags.runs = Math.max(1, Number(a.slice(7)) || 1);
  else if (a === '--no-doc') flags.doc = false;
  else if (a.startsWith('--out=')) flags.out = a.slice(6);
  else {
    process.stderr.write(`bench:compare: unknown option ${a}\n`);
    process.exit(2);
  }
}

/** Runs argv once; wall time in ms and the result, failing loudly on an unexpected exit code. */
function timed(argv, { input, env, okCodes = [0], cwd = root }) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { input, env: { ...process.env, ...env }, cwd, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error) throw r.error;
  if (!okCodes.includes(r.status)) throw new Error(`${argv.slice(0, 3).join(' ')} … exited ${r.status}: ${(r.stderr || r.stdout).slice(-600)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** One cold run (not counted) and `runs` warm ones; median and min of the warm ones. */
function measure(label, runs, once, verify) {
  verify(once());
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = once();
    verify(r);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  const cell = { label, runs, medianMs: round(times[Math.floor(times.length / 2)]), minMs: round(times[0]) };
  log(`${label}: median ${cell.medianMs} ms, min ${cell.minMs} ms (${runs} runs)`);
  return cell;
}

const round = (x) => Math.round(x * 10) / 10;

function packsOnLargeChart(tmp, exec) {
  const rendered = timed([helmPath(), 'template', 'rel', join(root, 'charts-fixtures', 'large'), '--namespace', 'apps'], {}).stdout;
  const bytes = Buffer.byteLength(rendered);
  // Kyverno refuses comment-only documents; give it the same objects without them.
  const objects = join(tmp, 'large.yaml');
  writeFileSync(objects, rendered.split(/^---$/m).filter((d) => /^kind: /m.test(d)).map((d) => `---${d}`).join(''));
  // --packs=pod-security-restricted,best-practices, as src/packs/index.ts composes them
  const files = packPolicyFiles(['pod-security-baseline', 'pod-security-restricted', 'best-practices']);
  const cacheDir = join(tmp, 'wazero-cache');
  const report = join(tmp, 'report.json');
  const env = { WARDEN_CACHE_DIR: cacheDir, WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(tmp, 'helm-cache'), WARDEN_WASM: join(root, 'dist', 'warden-exec', 'plugin.wasm') };
  const args = ['--checks=policy', '--packs=pod-security-restricted,best-practices', `--report-file=${report}`, '--report-format=json'];
  let wardenFails = 0;
  const warden = measure('warden-exec restricted+best-practices, charts-fixtures/large', flags.runs, () => timed([exec, ...args], { input: rendered, env }), (r) => {
    if (r.stdout !== rendered) throw new Error('warden-exec changed the manifests (the packs only validate)');
    const summary = JSON.parse(readFileSync(report, 'utf8')).summary;
    wardenFails = summary.fail;
    if (summary.error > 0 || summary.objects !== summary.documents) throw new Error(`unexpected warden summary ${JSON.stringify(summary)}`);
  });
  let kyvernoFails = 0;
  let kyvernoPasses = 0;
  const kyverno = measure('kyverno apply, same policy files and manifests', Math.min(flags.runs, 3), () => timed([kyvernoPath(), 'apply', ...files, '--resource', objects], { env: { HOME: tmp, KUBECONFIG: join(tmp, 'none') }, okCodes: [0, 1] }), (r) => {
    const m = /pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)/.exec(r.stdout);
    if (!m) throw new Error(`no result summary from kyverno apply: ${r.stdout.slice(-300)}`);
    kyvernoPasses = Number(m[1]);
    kyvernoFails = Number(m[2]);
    if (kyvernoPasses + kyvernoFails === 0) throw new Error('kyverno evaluated nothing');
  });
  // Same verdicts, or the timing compares different work.
  if (kyvernoFails !== wardenFails) throw new Error(`kyverno apply found ${kyvernoFails} failures, warden ${wardenFails}`);
  const mb = bytes / (1024 * 1024);
  return {
    input: { chart: 'charts-fixtures/large', bytes, documents: rendered.split(/^---$/m).length - 1, policyFiles: files.length },
    warden: { ...warden, msPerMB: round(warden.medianMs / mb), failures: wardenFails },
    kyverno: { ...kyverno, msPerMB: round(kyverno.medianMs / mb), failures: kyvernoFails, passes: kyvernoPasses },
    ratio: Math.round((kyverno.medianMs / warden.medianMs) * 100) / 100,
  };
}

function conformanceVsKyvernoTest(tmp) {
  let line = '';
  const warden = measure('npm run conformance (node build/conformance.mjs)', flags.runs, () => timed([process.execPath, join(root, 'build', 'conformance.mjs'), '--quiet', corpus], {}), (r) => {
    line = r.stdout.trim().split('\n').pop();
    if (!/^\d+ passed, 0 failed/.test(line)) throw new Error(`conformance did not pass: ${line}`);
  });
  let kyvernoLine = '';
  const kyverno = measure('kyverno test on the same directory', Math.min(flags.runs, 2), () => timed([kyvernoPath(), 'test', corpus], { env: { HOME: tmp, KUBECONFIG: join(tmp, 'none') }, okCodes: [0, 1] }), (r) => {
    kyvernoLine = (r.stdout.match(/Test Summary: .*/g) ?? []).pop() ?? '';
    if (!kyvernoLine) throw new Error(`no "Test Summary" from kyverno test: ${r.stdout.slice(-300)}`);
  });
  return { warden: { ...warden, result: line }, kyverno: { ...kyverno, result: kyvernoLine }, ratio: Math.round((kyverno.medianMs / warden.medianMs) * 100) / 100 };
}

function markdown(doc) {
  const p = doc.packs;
  const c = doc.conformance;
  return [
    `Last run: ${doc.date}, commit ${doc.commit}, load average ${doc.loadavg.join(' ')} at start; whole processes, warm (one cold run first, not counted), medians.`,
    '',
    '| comparison | warden | Kyverno CLI v1.19.1 | Kyverno / warden |',
    '|---|---:|---:|---:|',
    `| packs restricted + best-practices (${p.input.policyFiles} policy files) on \`charts-fixtures/large\` rendered by Helm (${(p.input.bytes / 1024).toFixed(0)} KB, ${p.input.documents} documents): \`warden-exec\` vs \`kyverno apply\` | ${p.warden.medianMs} ms (${p.warden.msPerMB} ms/MB, ${p.warden.failures} failures) | ${p.kyverno.medianMs} ms (${p.kyverno.msPerMB} ms/MB, ${p.kyverno.failures} failures, ${p.kyverno.passes} passes) | ${p.ratio} |`,
    `| the kyverno/policies corpus: \`npm run conformance\` vs \`kyverno test\` | ${c.warden.medianMs} ms (${c.warden.result}) | ${c.kyverno.medianMs} ms (${c.kyverno.result}) | ${c.ratio} |`,
    '',
  ].join('\n');
}

const START = '<!-- bench:compare:start -->';
const END = '<!-- bench:compare:end -->';

function main() {
  for (const [what, path] of [['Helm', helmPath()], ['the Kyverno CLI', kyvernoPath()]]) {
    if (!existsSync(path)) throw new Error(`no ${what} at ${path} (run bash build/setup.sh --helm=all)`);
  }
  if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus}`);
  const tmp = mkdtempSync(join(tmpdir(), 'warden-compare-'));
  try {
    const started = loadavg().map((x) => x.toFixed(2));
    const commit = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
    const doc = { date: new Date().toISOString(), commit, loadavg: started, packs: packsOnLargeChart(tmp, execPath()), conformance: conformanceVsKyvernoTest(tmp) };
    writeFileSync(flags.out, JSON.stringify(doc, null, 2) + '\n');
    log(`wrote ${flags.out}`);
    if (flags.doc) {
      const file = join(root, 'docs', 'performance.md');
      const text = readFileSync(file, 'utf8');
      const a = text.indexOf(START);
      const b = text.indexOf(END);
      if (a < 0 || b < a) throw new Error(`docs/performance.md has no ${START} … ${END} section`);
      writeFileSync(file, text.slice(0, a + START.length) + '\n' + markdown(doc) + text.slice(b));
      log('updated docs/performance.md');
    }
    process.stdout.write(markdown(doc));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench:compare: ${e.message}\n`);
  process.exit(1);
}
