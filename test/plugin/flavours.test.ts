// Same input → same output bytes and the same report in every place warden runs:
// plugin.wasm under Extism (what Helm's Wasm flavour calls), warden-exec (wazero,
// what released Helm runs as a subprocess), and the `warden` CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenWasm } from '../../src/cli/wasm';
import { generateStream } from '../../bench/gen.mjs';

const root = join(__dirname, '..', '..');
const exec = join(root, 'dist', 'warden-exec', 'bin', `warden-exec-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`);
const dir = mkdtempSync(join(tmpdir(), 'warden-flavours-'));

const inputs: Record<string, string> = {
  generated: generateStream(300_000, 7),
  'with a broken document': '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nnot: [valid\n',
  'not an object': '---\nfoo: bar\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
};

let plugin: WardenWasm;
beforeAll(async () => {
  plugin = await WardenWasm.load(join(root, 'dist', 'warden', 'plugin.wasm'));
});
afterAll(async () => plugin?.close());

function viaExec(input: string, args: string[]) {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(exec, [...args, `--report-file=${report}`], {
    input,
    env: { ...process.env, WARDEN_NO_TTY: '1', HELM_CACHE_HOME: join(dir, 'cache') },
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), report: readFileSync(report, 'utf8') };
}

function viaCli(input: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), 'render', ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('one behaviour in three runtimes', () => {
  for (const [name, input] of Object.entries(inputs)) {
    for (const args of [[], ['--mode=enforce', '--report-format=json']]) {
      it(`${name} ${args.join(' ') || '(no args)'}`, async () => {
        const wasm = await plugin.render(input, args);
        const go = viaExec(input, args);
        const cli = viaCli(input, [...args, `--report-file=${join(dir, 'cli-report.txt')}`]);
        if (wasm.error === undefined) {
          expect(go.code).toBe(0);
          expect(cli.code).toBe(0);
          expect(go.stdout).toBe(wasm.manifests);
          expect(cli.stdout).toBe(wasm.manifests);
          expect(go.report).toBe(wasm.report);
          expect(cli.stderr).toBe(wasm.report);
        } else {
          expect(go.code).toBe(1);
          expect(go.stdout).toBe('');
          expect(go.report.trim()).toBe(wasm.error.trim());
          expect(cli.code).toBe(1);
          expect(cli.stderr.trim()).toBe(wasm.error.trim());
        }
      });
    }
  }
});
