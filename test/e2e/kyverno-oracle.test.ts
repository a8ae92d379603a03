// The real Kyverno CLI as a second oracle of the policy engine.
//
// `kyverno apply` (v1.19.1, built from the Go module proxy by build/kyverno/install-kyverno.sh)
// and warden evaluate the same policies — every built-in pack file under src/packs/, read by
// Kyverno straight from those YAML files — on the same manifests: the fixture charts rendered by
// the pinned Helm, and a generated stream (bench/gen.mjs). Every (policy, rule, resource) verdict
// must agree: pass, fail, skip (and the set of rules that apply at all).
//
// warden's side is checked three ways, all against Kyverno's verdicts:
//   - the engine (src/policy evaluatePolicy) with the packs as the check loads them: every verdict;
//   - the Node core (runWarden, the policy check): its fail findings;
//   - plugin.wasm (QuickJS in Wasm under Extism): its fail findings, which must equal the Node core's.
//
// Without the Kyverno binary the tests are skipped with a note, unless WARDEN_REQUIRE_KYVERNO=1
// (then its absence fails). WARDEN_KYVERNO=<path> uses another binary. plugin.wasm comes from
// dist/ (npm run build); without it the Wasm test is skipped unless WARDEN_E2E_REQUIRE_ARTEFACTS=1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { generateStream } from '../../bench/gen.mjs';
import { parseArgs } from '../../src/args';
import { WardenWasm } from '../../src/cli/wasm';
import { runWarden } from '../../src/core';
import { PACK_NAMES, PACKS, type LoadedPolicy } from '../../src/packs';
import { builtinScope } from '../../src/checks/ownership/scope';
import { evaluatePolicy } from '../../src/policy';
import type { Finding } from '../../src/report/finding';
import { CHARTS_DIR, REPO_ROOT, helmBinary, needArtefact, run } from './helm';

const KYVERNO_VERSION = 'v1.19.1';
const KYVERNO = process.env.WARDEN_KYVERNO || path.join(process.env.WARDEN_CACHE || path.join(homedir(), '.cache', 'warden'), 'kyverno', KYVERNO_VERSION, 'kyverno');
const REQUIRE_KYVERNO = process.env.WARDEN_REQUIRE_KYVERNO === '1';
const HAVE_KYVERNO = existsSync(KYVERNO);
const WASM = path.join(REPO_ROOT, 'dist', 'warden', 'plugin.wasm');
const PACKS_DIR = path.join(REPO_ROOT, 'src', 'packs');
/** The registry policy's own default list, so that warden evaluates exactly what the file says. */
const ALLOWED_REGISTRIES = 'registry.example.com/*';
const WARDEN_ARGS = [`--packs=${PACK_NAMES.join(',')}`, `--allowed-registries=${ALLOWED_REGISTRIES}`, '--checks=policy', '--report-format=json'];

type Verdict = 'pass' | 'fail' | 'skip' | 'error' | 'warn';
/** `policy|rule|Kind|namespace|name` → verdict (a resource listed twice in a stream gets `#2`). */
type Verdicts = Map<string, Verdict>;

/**
 * A resource as both sides name it. The Kyverno CLI puts a namespaced object without
 * metadata.namespace into `default` (what a cluster would do without Helm's --namespace);
 * such an object is written `(default)` on both sides.
 */
function resourceId(kind: string, namespace: string, name: string): string {
  return `${kind}|${namespace === '' || namespace === 'default' ? '(default)' : namespace}|${name}`;
}

/** Every policy file of the built-in packs, as Kyverno reads them. */
function packFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(PACKS_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(path.join(PACKS_DIR, dir.name)).sort()) if (f.endsWith('.yaml')) out.push(path.join(PACKS_DIR, dir.name, f));
  }
  return out;
}

/** The packs' policies as warden's check loads them (deduplicated by name across packs). */
function wardenPolicies(): LoadedPolicy[] {
  const seen = new Map<string, LoadedPolicy>();
  for (const name of PACK_NAMES) for (const p of PACKS[name]) if (!seen.has(p.name)) seen.set(p.name, p);
  return [...seen.values()];
}

interface Resource {
  id: string;
  value: Record<string, unknown>;
  /** metadata.namespace is set (Kyverno's CLI puts an object without one into `default`). */
  hasNamespace: boolean;
}

/** The objects of a stream, with ids made unique by occurrence. */
function resources(stream: string): Resource[] {
  const out: Resource[] = [];
  const seen = new Map<string, number>();
  for (const doc of parseAllDocuments(stream)) {
    if (doc.errors.length > 0) throw new Error(`bad YAML in the test input: ${doc.errors[0].message}`);
    const v = doc.toJS() as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    const o = v as Record<string, unknown>;
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    const base = resourceId(String(o.kind ?? ''), String(meta.namespace ?? ''), String(meta.name ?? ''));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.push({ id: n === 1 ? base : `${base}#${n}`, value: o, hasNamespace: typeof meta.namespace === 'string' && meta.namespace !== '' });
  }
  return out;
}

/** warden's engine: every rule result for every resource (and the message of every failure). */
function engineVerdicts(stream: string, messages?: Map<string, string>): Verdicts {
  const out: Verdicts = new Map();
  const policies = wardenPolicies();
  for (const r of resources(stream)) {
    for (const p of policies) {
      for (const res of evaluatePolicy(p.policy, structuredClone(r.value))) {
        const key = `${res.policy}|${res.rule}|${r.id}`;
        if (out.has(key)) throw new Error(`warden gave two results for ${key}`);
        out.set(key, res.status as Verdict);
        if (messages && res.status === 'fail') messages.set(key, res.message);
      }
    }
  }
  return out;
}

interface KyvernoResult {
  policy: string;
  rule: string;
  result: Verdict;
  message?: string;
  resources?: { kind: string; namespace?: string; name: string }[];
  subjects?: { kind: string; namespace?: string; name: string }[];
}

/** Kyverno's report as (policy, rule, resource) → verdict. Resources are told apart by occurrence, like resources(). */
function kyvernoVerdicts(results: KyvernoResult[]): { verdicts: Verdicts; messages: Map<string, string> } {
  const verdicts: Verdicts = new Map();
  const messages = new Map<string, string>();
  for (const r of results) {
    const subjects = r.subjects ?? r.resources ?? [];
    if (subjects.length !== 1) throw new Error(`kyverno result with ${subjects.length} subjects: ${JSON.stringify(r)}`);
    const s = subjects[0];
    const base = `${r.policy}|${r.rule}|${resourceId(s.kind, s.namespace ?? '', s.name)}`;
    let key = base;
    for (let n = 2; verdicts.has(key); n++) key = `${base}#${n}`;
    verdicts.set(key, r.result);
    if (r.message) messages.set(key, r.message);
  }
  return { verdicts, messages };
}

/** Runs `kyverno apply` with every pack file on one manifest file; returns the report's results. */
async function kyvernoApply(manifests: string, dir: string, name: string): Promise<KyvernoResult[]> {
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.yaml`);
  writeFileSync(file, manifests);
  const r = await run(KYVERNO, ['apply', ...packFiles(), '--resource', file, '--policy-report', '--output-format', 'json'], {
    env: { ...process.env, HOME: dir, KUBECONFIG: path.join(dir, 'no-kubeconfig'), NO_COLOR: '1' },
    timeoutMs: 10 * 60_000,
  });
  // kyverno apply exits 1 when a policy fails; anything else is a broken run
  if (r.code !== 0 && r.code !== 1) throw new Error(`kyverno apply on ${name} exited ${r.code}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"results"'));
  if (!line) {
    // no result at all (no policy applies): Kyverno prints no report
    if (/pass: 0, fail: 0, warn: 0, error: 0, skip: 0/.test(r.stdout)) return [];
    throw new Error(`no JSON report in kyverno's output for ${name}:\n${r.stdout.slice(0, 3000)}`);
  }
  return (JSON.parse(line) as { results?: KyvernoResult[] }).results ?? [];
}

/**
 * The one deliberate difference (src/packs/best-practices/disallow-default-namespace.yaml says
 * why): the Kyverno CLI evaluates an object without metadata.namespace as if it were in
 * `default` and fails it; warden passes it, because Helm installs it into the release namespace
 * (`--namespace`), which is unknown when the manifests are checked. Returns warden's verdict for
 * such a (policy, rule, resource), undefined for every other one.
 */
function deliberateVerdict(key: string, kyvernoVerdict: Verdict, byId: Map<string, Resource>): Verdict | undefined {
  const [policy, rule] = key.split('|');
  if (policy !== 'disallow-default-namespace' || rule !== 'validate-namespace' || kyvernoVerdict !== 'fail') return undefined;
  const r = byId.get(key.split('|').slice(2).join('|'));
  return r && !r.hasNamespace ? 'pass' : undefined;
}

/** What warden must say: Kyverno's verdicts, with the deliberate differences applied (and listed). */
function expectedVerdicts(k: Verdicts, stream: string): { verdicts: Verdicts; deliberate: string[] } {
  const byId = new Map(resources(stream).map((r) => [r.id, r]));
  const verdicts: Verdicts = new Map();
  const deliberate: string[] = [];
  for (const [key, v] of k) {
    const d = deliberateVerdict(key, v, byId);
    verdicts.set(key, d ?? v);
    if (d) deliberate.push(`${key}: kyverno ${v}, warden ${d}`);
  }
  return { verdicts, deliberate };
}

/** Differences between two verdict maps, one line each (at most `limit`). */
function diff(kyverno: Verdicts, warden: Verdicts, messages: Map<string, string>, limit = 40): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...kyverno.keys(), ...warden.keys()])].sort()) {
    const k = kyverno.get(key) ?? 'no result';
    const w = warden.get(key) ?? 'no result';
    if (k !== w) out.push(`${key}: kyverno ${k}, warden ${w}${messages.has(key) ? ` (kyverno: ${messages.get(key)})` : ''}`);
  }
  return out.length > limit ? [...out.slice(0, limit), `… and ${out.length - limit} more`] : out;
}

/**
 * The stream as Helm installs it with `--namespace apps`: every namespaced object without a
 * namespace gets `apps`. On this input no deliberate difference applies: full agreement.
 */
function asInstalled(stream: string): string {
  const out: string[] = [];
  for (const doc of parseAllDocuments(stream)) {
    const v = doc.toJS() as Record<string, unknown> | null;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const api = String(v.apiVersion ?? '');
      const group = api.indexOf('/') >= 0 ? api.slice(0, api.indexOf('/')) : '';
      const meta = v.metadata as Record<string, unknown> | undefined;
      if (meta && !meta.namespace && builtinScope(group, String(v.kind)) !== 'Cluster') doc.setIn(['metadata', 'namespace'], 'apps');
    }
    out.push(doc.toString().replace(/^---\n/, ''));
  }
  return out.join('---\n');
}

/** Fail findings of a warden report as `policy|rule|Kind|namespace|name` keys (sorted, with repeats). */
function failKeys(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.check === 'policy' && f.result === 'fail')
    .map((f) => {
      const slash = f.rule.indexOf('/');
      return `${f.rule.slice(0, slash)}|${f.rule.slice(slash + 1)}|${resourceId(f.document?.kind ?? '', f.document?.namespace ?? '', f.document?.name ?? '')}`;
    })
    .sort();
}

const inputs: Record<string, string> = {};
const kyverno: Record<string, { verdicts: Verdicts; messages: Map<string, string> }> = {};
/** Kyverno's verdicts with the deliberate differences applied: what warden must say. */
const expected: Record<string, { verdicts: Verdicts; deliberate: string[] }> = {};
let work = '';

function needKyverno(ctx: TestContext): void {
  if (!HAVE_KYVERNO) ctx.skip(`no Kyverno CLI at ${KYVERNO}: run bash build/kyverno/install-kyverno.sh (~5 min cold), or set WARDEN_KYVERNO`);
}

beforeAll(async () => {
  if (!HAVE_KYVERNO) {
    if (REQUIRE_KYVERNO) throw new Error(`WARDEN_REQUIRE_KYVERNO=1 but there is no Kyverno CLI at ${KYVERNO} (bash build/kyverno/install-kyverno.sh builds it)`);
    return;
  }
  const version = execFileSync(KYVERNO, ['version'], { encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } });
  if (!version.includes(`Version: ${KYVERNO_VERSION}`)) throw new Error(`${KYVERNO} is not Kyverno ${KYVERNO_VERSION}:\n${version}`);
  work = mkdtempSync(path.join(tmpdir(), 'warden-kyverno-'));
  const helm = await helmBinary('v4.3.1');
  for (const chart of ['webapp', 'platform', 'large']) {
    inputs[`charts-fixtures/${chart}`] = execFileSync(helm, ['template', 'rel', path.join(CHARTS_DIR, chart), '--namespace', 'apps'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  inputs['generated 300 KB'] = generateStream(300_000, 11, { style: 'helm4' });
  for (const chart of ['webapp', 'large']) inputs[`charts-fixtures/${chart} as installed in apps`] = asInstalled(inputs[`charts-fixtures/${chart}`]);
  // Kyverno takes a few seconds per input; run them all up front.
  for (const [name, text] of Object.entries(inputs)) {
    kyverno[name] = kyvernoVerdicts(await kyvernoApply(text, work, name));
    expected[name] = expectedVerdicts(kyverno[name].verdicts, text);
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`Kyverno CLI ${KYVERNO_VERSION} as an oracle of the policy engine (built-in packs × fixture charts)`, () => {
  test('the comparison has something to compare: every input gets verdicts, the violating ones failures', (ctx) => {
    needKyverno(ctx);
    const total: Record<string, number> = {};
    for (const [name, k] of Object.entries(kyverno)) {
      const counts: Record<string, number> = {};
      for (const v of k.verdicts.values()) {
        counts[v] = (counts[v] ?? 0) + 1;
        total[v] = (total[v] ?? 0) + 1;
      }
      expect(counts.pass, `${name}: passes`).toBeGreaterThan(0);
      // charts-fixtures/large is a clean chart; the others violate the packs somewhere
      if (!name.startsWith('charts-fixtures/large')) expect(counts.fail, `${name}: failures`).toBeGreaterThan(0);
    }
    // skips too: require-probes' precondition leaves out Pods of Jobs and test hooks
    expect(total.skip).toBeGreaterThan(0);
    expect(total.error ?? 0).toBe(0);
  });

  test('warden\u2019s engine gives Kyverno\u2019s verdict for every (policy, rule, resource)', (ctx) => {
    needKyverno(ctx);
    const mismatches: string[] = [];
    const messages: string[] = [];
    let fails = 0;
    for (const name of Object.keys(inputs)) {
      const wardenMessages = new Map<string, string>();
      const w = engineVerdicts(inputs[name], wardenMessages);
      for (const d of diff(expected[name].verdicts, w, kyverno[name].messages)) mismatches.push(`${name}: ${d}`);
      // and the same message, word for word, for every failure
      for (const [key, v] of kyverno[name].verdicts) {
        if (v !== 'fail' || w.get(key) !== 'fail') continue;
        fails++;
        if (wardenMessages.get(key) !== kyverno[name].messages.get(key)) messages.push(`${name}: ${key}:\n  kyverno: ${kyverno[name].messages.get(key)}\n  warden:  ${wardenMessages.get(key)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(messages).toEqual([]);
    expect(fails).toBeGreaterThan(0);
  });

  test('the one deliberate difference (no metadata.namespace: Kyverno assumes default) occurs only where it should', (ctx) => {
    needKyverno(ctx);
    // present as rendered (the fixture Pods without a namespace) ...
    expect(expected['charts-fixtures/webapp'].deliberate.length).toBeGreaterThan(0);
    for (const d of expected['charts-fixtures/webapp'].deliberate) expect(d).toMatch(/^disallow-default-namespace\|validate-namespace\|Pod\|\(default\)\|\S+: kyverno fail, warden pass$/);
    // ... and absent once every object has the namespace Helm gives it
    expect(expected['charts-fixtures/webapp as installed in apps'].deliberate).toEqual([]);
    expect(expected['charts-fixtures/large as installed in apps'].deliberate).toEqual([]);
  });

  test('the policy check in the Node core fails exactly what Kyverno fails', (ctx) => {
    needKyverno(ctx);
    for (const name of Object.keys(inputs)) {
      const r = runWarden(inputs[name], parseArgs(WARDEN_ARGS));
      const wanted = [...expected[name].verdicts].filter(([, v]) => v === 'fail').map(([k]) => k.replace(/#\d+$/, '')).sort();
      expect(failKeys(r.findings), name).toEqual(wanted);
      // the packs need no cluster data and use no unsupported feature: nothing else to report
      expect(r.findings.filter((f) => f.check === 'policy' && f.result !== 'fail').map((f) => `${f.rule} ${f.result}: ${f.message}`), name).toEqual([]);
    }
  });

  test('plugin.wasm fails exactly what Kyverno fails (and what the Node core fails)', async (ctx) => {
    needKyverno(ctx);
    needArtefact(ctx, existsSync(WASM), path.relative(REPO_ROOT, WASM));
    const plugin = await WardenWasm.load(WASM);
    try {
      for (const name of Object.keys(inputs)) {
        const r = await plugin.render(inputs[name], WARDEN_ARGS);
        expect(r.error, name).toBeUndefined();
        const findings = (JSON.parse(r.report) as { findings: Finding[] }).findings;
        const wanted = [...expected[name].verdicts].filter(([, v]) => v === 'fail').map(([k]) => k.replace(/#\d+$/, '')).sort();
        expect(failKeys(findings), name).toEqual(wanted);
        expect(findings, `${name}: plugin.wasm = Node core`).toEqual(runWarden(inputs[name], parseArgs(WARDEN_ARGS)).findings);
      }
    } finally {
      await plugin.close();
    }
  }, 300_000);
});
