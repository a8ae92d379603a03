// The policy check inside plugin.wasm (QuickJS in Wasm, under Extism) gives the same
// findings, report and output bytes as the same core in Node, on generated streams and on
// the fixture charts rendered by a real Helm. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStream } from '../../bench/gen.mjs';
import { parseArgs } from '../../src/args';
import { WardenWasm } from '../../src/cli/wasm';
import { blockingMessage, runWarden } from '../../src/core';
import type { Finding } from '../../src/report/finding';
import { helmBinary } from '../e2e/helm';

const root = join(__dirname, '..', '..');
const wasmPath = join(root, 'dist', 'warden', 'plugin.wasm');

const inputs: Record<string, string> = {
  'generated 300 KB': generateStream(300_000, 11),
  'generated 300 KB (helm4 style)': generateStream(300_000, 12, { style: 'helm4' }),
};

let plugin: WardenWasm;
beforeAll(async () => {
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: run npm run build first`);
  plugin = await WardenWasm.load(wasmPath);
  // The fixture charts, rendered by the pinned Helm the e2e tests use (built once, cached).
  const helm = await helmBinary('v4.3.1');
  for (const chart of ['webapp', 'platform', 'large']) {
    inputs[`charts-fixtures/${chart}`] = execFileSync(helm, ['template', 'rel', join(root, 'charts-fixtures', chart), '--namespace', 'apps'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
  }
});
afterAll(async () => plugin?.close());

const ARGS: string[][] = [
  [],
  ['--packs=pod-security-restricted,best-practices', '--allowed-registries=ghcr.io/acme,docker.io'],
  ['--mode=enforce'],
];

function nodeRun(input: string, args: string[]) {
  return runWarden(input, parseArgs([...args, '--report-format=json']));
}

describe('policy findings: plugin.wasm = Node', () => {
  it('the inputs give policy findings at all (otherwise this compares nothing)', () => {
    for (const name of Object.keys(inputs).filter((n) => n !== 'charts-fixtures/large')) {
      const r = nodeRun(inputs[name], []);
      expect(r.findings.filter((f) => f.check === 'policy').length, name).toBeGreaterThan(0);
    }
  });

  for (const args of ARGS) {
    it(`${args.join(' ') || '(no args)'}`, async () => {
      for (const [name, input] of Object.entries(inputs)) {
        const node = nodeRun(input, args);
        const wasm = await plugin.render(input, [...args, '--report-format=json']);
        if (node.exitCode === 0) {
          expect(wasm.error, name).toBeUndefined();
          expect(wasm.manifests === input, `${name}: output bytes unchanged`).toBe(true);
          const fromWasm = JSON.parse(wasm.report) as { findings: Finding[] };
          expect(fromWasm.findings, name).toEqual(node.findings);
          expect(wasm.report, name).toBe(node.report);
        } else {
          expect(args).toContain('--mode=enforce');
          expect(wasm.error, name).toBe(blockingMessage(node.findings, 'enforce'));
        }
      }
    });
  }

  it('enforce mode blocks the generated stream and names objects and rules', async () => {
    const r = await plugin.render(inputs['generated 300 KB'], ['--mode=enforce']);
    expect(r.error).toMatch(/^warden: \d+ findings block this render \(mode enforce\):\n {2}Deployment \S+ \(\S+\): \[BLOCK\] [a-z-]+\/autogen-[a-z-]+/);
  });
});

// CEL policies of the kyverno/policies corpus (validate.cel in ClusterPolicy rules and
// ValidatingPolicy), given as user policies, over their own test resources: every finding
// and the report are the same in plugin.wasm and in Node (tests that need cluster data give
// "needs cluster data" findings here: the plugin has none).
const CORPUS = process.env.WARDEN_KYVERNO_CORPUS ?? join(root, '..', 'shared', 'corpus', 'kyverno-policies');

function celCorpusCases(): { name: string; policies: string; resources: string }[] {
  const out: { name: string; policies: string; resources: string }[] = [];
  if (!existsSync(CORPUS)) return out;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'kyverno-test.yaml') {
        const test = parse(readFileSync(p, 'utf8')) as { policies?: string[]; resources?: string[] };
        const read = (list: string[] | undefined) => (list ?? []).map((f) => readFileSync(join(dirname(p), f), 'utf8')).join('\n---\n');
        const policies = read(test.policies);
        if (!/kind:\s*ValidatingPolicy|\n\s+cel:\s*\n/.test(policies) || /\n\s+(mutate|generate):/.test(policies)) continue;
        out.push({ name: p.slice(CORPUS.length + 1), policies, resources: read(test.resources) });
      }
    }
  };
  for (const cat of readdirSync(CORPUS).filter((c) => /-(cel|vpol)$/.test(c))) walk(join(CORPUS, cat));
  return out;
}

describe.skipIf(!existsSync(CORPUS) && process.env.WARDEN_REQUIRE_CORPUS !== '1')('CEL policies from the corpus: plugin.wasm = Node', () => {
  it('same findings and report for every CEL test of the corpus', async () => {
    const cases = celCorpusCases();
    expect(cases.length).toBeGreaterThan(100);
    let findings = 0;
    let blocking = 0;
    let nodeMs = 0;
    let wasmMs = 0;
    const statuses = new Set<string>();
    for (const c of cases) {
      // --report-only: policies whose validationActions say Deny would block (no --mode given);
      // the report still says which findings block, and that is compared too
      const args = ['--checks=policy', '--packs=none', '--report-only', `--policy-b64=${Buffer.from(c.policies).toString('base64')}`, '--report-format=json'];
      let t = performance.now();
      const node = runWarden(c.resources, parseArgs(args));
      nodeMs += performance.now() - t;
      t = performance.now();
      const wasm = await plugin.render(c.resources, args);
      wasmMs += performance.now() - t;
      expect(wasm.error, c.name).toBeUndefined();
      expect(wasm.report, c.name).toBe(node.report);
      const nodeFindings = node.findings.filter((f) => f.check === 'policy');
      findings += nodeFindings.length;
      blocking += nodeFindings.filter((f) => f.enforce).length;
      for (const f of nodeFindings) statuses.add(f.result);
    }
    console.log(`CEL corpus: ${cases.length} tests, ${findings} policy findings; Node ${nodeMs.toFixed(0)} ms, plugin.wasm ${wasmMs.toFixed(0)} ms`);
    // the comparison covers real verdicts: failures (and errors) from CEL policies
    expect(findings).toBeGreaterThan(500);
    expect(statuses.has('fail')).toBe(true);
    // Deny policies block without --mode, and the comparison covers those verdicts as well
    expect(blocking).toBeGreaterThan(0);
  }, 300_000);
});

// Policies that mutate (ClusterPolicy mutate rules, MutatingPolicy) from the corpus, given as
// user policies, over their own test resources: the same output bytes (the in-place edits),
// findings and report in plugin.wasm and in Node, with mutations applied and with --no-mutate.
function mutateCorpusCases(): { name: string; policies: string; resources: string }[] {
  const out: { name: string; policies: string; resources: string }[] = [];
  if (!existsSync(CORPUS)) return out;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'kyverno-test.yaml') {
        const test = parse(readFileSync(p, 'utf8')) as { policies?: string[]; resources?: string[] };
        const read = (list: string[] | undefined) => (list ?? []).map((f) => readFileSync(join(dirname(p), f), 'utf8')).join('\n---\n');
        const policies = read(test.policies);
        if (!/kind:\s*MutatingPolicy|\n\s+mutate:\s*\n/.test(policies)) continue;
        out.push({ name: p.slice(CORPUS.length + 1), policies, resources: read(test.resources) });
      }
    }
  };
  walk(CORPUS);
  return out;
}

describe.skipIf(!existsSync(CORPUS) && process.env.WARDEN_REQUIRE_CORPUS !== '1')('mutating policies from the corpus: plugin.wasm = Node', () => {
  it('same output bytes, findings and report for every mutate test of the corpus', async () => {
    const cases = mutateCorpusCases();
    expect(cases.length).toBeGreaterThan(40);
    let changed = 0;
    let infos = 0;
    for (const c of cases) {
      for (const extra of [[], ['--no-mutate']]) {
        const args = ['--checks=policy', '--packs=none', ...extra, `--policy-b64=${Buffer.from(c.policies).toString('base64')}`, '--report-format=json'];
        const node = runWarden(c.resources, parseArgs(args));
        const wasm = await plugin.render(c.resources, args);
        expect(wasm.error, c.name).toBeUndefined();
        expect(wasm.manifests === node.manifests, `${c.name} ${extra.join(' ')}: output bytes`).toBe(true);
        expect(wasm.report, c.name).toBe(node.report);
        if (extra.length > 0) expect(node.manifests === c.resources, `${c.name}: --no-mutate changes nothing`).toBe(true);
        else if (node.manifests !== c.resources) changed++;
        infos += node.findings.filter((f) => f.check === 'policy' && f.result === 'info').length;
      }
    }
    console.log(`mutate corpus: ${cases.length} tests, ${changed} outputs changed, ${infos} mutation findings`);
    // the comparison covers real mutations, not unchanged streams
    expect(changed).toBeGreaterThan(cases.length / 2);
  }, 300_000);
});
