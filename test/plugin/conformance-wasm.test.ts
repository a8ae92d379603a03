// The whole Kyverno conformance corpus through plugin.wasm: every kyverno-test.yaml runs once in
// Node (recording each file and directory the runner reads) and once inside plugin.wasm under
// Extism (the runner replaying that record through the `warden_kyverno_test` export). The
// TestResults — every row's outcome, reason, rule responses and messages — must be identical
// JSON, so the engine Helm runs gives byte-identical verdicts to the engine the corpus test
// checks against Kyverno. Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenWasm } from '../../src/cli/wasm';
import { nodeTestFs } from '../../src/cli/test';
import { emptyRecord, findTestFiles, recordingFs, runTestFile, summarize, type TestResult } from '../../src/policy/kyverno-test';

const root = join(__dirname, '..', '..');
const wasmPath = join(root, 'dist', 'warden', 'plugin.wasm');
const CORPUS = process.env.WARDEN_KYVERNO_CORPUS ?? join(root, '..', 'shared', 'corpus', 'kyverno-policies');
const requireCorpus = process.env.WARDEN_REQUIRE_CORPUS === '1';

let plugin: WardenWasm;
beforeAll(async () => {
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: run npm run build first`);
  plugin = await WardenWasm.load(wasmPath);
});
afterAll(async () => plugin?.close());

describe('the corpus is there when CI says it must be', () => {
  it.runIf(requireCorpus)('WARDEN_REQUIRE_CORPUS=1: ../shared/corpus/kyverno-policies exists', () => {
    expect(existsSync(CORPUS), CORPUS).toBe(true);
  });
});

describe.skipIf(!existsSync(CORPUS) && !requireCorpus)('Kyverno conformance corpus: plugin.wasm = Node', () => {
  it('every kyverno-test.yaml gives the same TestResult JSON in plugin.wasm and in Node', async () => {
    const files = findTestFiles(nodeTestFs, CORPUS);
    expect(files.length).toBeGreaterThan(300);
    const differing: string[] = [];
    const fromNode: TestResult[] = [];
    let nodeMs = 0;
    let wasmMs = 0;
    for (const file of files) {
      const record = emptyRecord();
      let t = performance.now();
      const node = runTestFile(recordingFs(nodeTestFs, record), file, CORPUS);
      nodeMs += performance.now() - t;
      fromNode.push(node);
      t = performance.now();
      const r = await plugin.callRaw(JSON.stringify({ file, root: CORPUS, record }), 'warden_kyverno_test');
      wasmMs += performance.now() - t;
      expect(r.error, file).toBeUndefined();
      if (r.output !== JSON.stringify(node)) differing.push(node.relative);
    }
    const s = summarize(fromNode);
    console.log(
      `corpus through plugin.wasm: ${files.length} test files, ${s.total.passed + s.total.failed + s.total.skipped} expected results; ` +
        `Node ${nodeMs.toFixed(0)} ms, plugin.wasm (Extism) ${wasmMs.toFixed(0)} ms; ${differing.length} differ`,
    );
    expect(differing).toEqual([]);
    // the comparison covers real verdicts of every kind, not empty results
    expect(s.total.passed).toBeGreaterThan(3500);
    const outcomes = new Set(fromNode.flatMap((t) => t.rows.flatMap((r) => r.checks.map((c) => c.got))));
    for (const got of ['pass', 'fail', 'skip']) expect(outcomes.has(got), got).toBe(true);
  }, 600_000);
});
