// The policy check inside plugin.wasm (QuickJS in Wasm, under Extism) gives the same
// findings, report and output bytes as the same core in Node, on generated streams and on
// the fixture charts rendered by a real Helm. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
