// The --kube-proxy route of the built plugin, without a cluster: plugin.wasm under @extism/extism
// (runInWorker, allowedHosts) and warden-exec (which allows exactly the --kube-proxy host) against a
// small fake API server. test/e2e/ownership-live.e2e.test.ts runs the same against a real
// kube-apiserver and inside real Helm.
import createPlugin from '@extism/extism';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasm = join(root, 'dist', 'warden', 'plugin.wasm');
const exe = join(root, 'dist', 'warden-exec', 'bin', `warden-exec-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`);

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: {k: v}\n`;
const RENDER = [cm('taken'), cm('kept'), cm('fresh')].join('---\n');

let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  // The release "web" (revision 2 deployed, 3 failed) has "kept"; "taken" belongs to release "other".
  const release = (manifest: string) =>
    Buffer.from(gzipSync(Buffer.from(JSON.stringify({ name: 'web', manifest }))).toString('base64')).toString('base64');
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    seen.push(url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url === '/api/v1') return json(200, { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] });
    if (url === '/api/v1/namespaces/prod/configmaps/taken') {
      return json(200, { metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'other', 'meta.helm.sh/release-namespace': 'prod' } } });
    }
    if (url === '/api/v1/namespaces/prod/configmaps/kept') return json(200, { metadata: {} });
    if (url.startsWith('/api/v1/namespaces/prod/secrets?labelSelector=')) {
      const rev = (n: number, status: string) => ({ metadata: { name: `sh.helm.release.v1.web.v${n}`, labels: { owner: 'helm', name: 'web', status, version: String(n) } } });
      return json(200, { items: [rev(1, 'superseded'), rev(2, 'deployed'), rev(3, 'failed')] });
    }
    if (url === '/api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v2') return json(200, { data: { release: release(cm('kept')) } });
    return json(404, { kind: 'Status', message: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ARGS = () => [`--kube-proxy=${base}`, '--release=web', '--namespace=prod', '--checks=ownership', '--mode=enforce'];
const EXPECTED =
  'unable to continue with update: ConfigMap "taken" in namespace "prod" exists and cannot be imported into the current release: ' +
  'invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "web": current value is "other"';

describe('--kube-proxy in the built plugin', () => {
  it.skipIf(!existsSync(wasm))('plugin.wasm under @extism/extism reads objects and the deployed release over HTTP', async () => {
    const plugin = await createPlugin({ wasm: [{ path: wasm }] }, { useWasi: true, runInWorker: true, allowedHosts: ['127.0.0.1'] });
    const before = seen.length;
    try {
      await expect(plugin.call('helm_plugin_main', JSON.stringify({ manifests: RENDER, extraArgs: ARGS() }))).rejects.toThrow(EXPECTED);
    } finally {
      await plugin.close();
    }
    const urls = seen.slice(before);
    // The release compared with is revision 2 (deployed), not 3 (failed): "kept" is not checked.
    expect(urls).toContain('/api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v2');
    expect(urls).not.toContain('/api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v3');
    // Existing objects without managedFields are read a second time in full (server-side apply
    // prediction needs their values); the missing one only once.
    const configMaps = urls.filter((u) => u.includes('/configmaps/'));
    expect(configMaps.filter((u) => u.endsWith('/fresh'))).toHaveLength(1);
    expect([...new Set(configMaps)].sort()).toEqual([
      '/api/v1/namespaces/prod/configmaps/fresh',
      '/api/v1/namespaces/prod/configmaps/kept',
      '/api/v1/namespaces/prod/configmaps/taken',
    ]);
  });

  it.skipIf(!existsSync(wasm))('the Node CLI (warden render) turns HTTP on for the --kube-proxy host', async () => {
    const { main } = await import('../../src/cli/main');
    let stdout = '';
    let stderr = '';
    const before = seen.length;
    const code = await main(['render', `--wasm=${wasm}`, ...ARGS()], {
      stdin: () => RENDER,
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
    });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(EXPECTED);
    expect(seen.slice(before)).toContain('/api/v1/namespaces/prod/configmaps/taken');
  });

  it.skipIf(!existsSync(exe) || !existsSync(wasm))('warden-exec allows the --kube-proxy host, and reads --snapshot-file', async () => {
    const runExec = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(exe, args, { env: { ...process.env, WARDEN_NO_TTY: '1', WARDEN_WASM: wasm } });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.stdout.resume();
        child.on('close', (code) => done({ code, stderr }));
        child.stdin.end(RENDER);
      });
    const dir = mkdtempSync(join(tmpdir(), 'warden-own-http-'));
    try {
      const report = join(dir, 'report.txt');
      const viaProxy = await runExec([...ARGS(), `--report-file=${report}`]);
      expect(viaProxy.code).toBe(1);
      expect(viaProxy.stderr).toContain(EXPECTED);

      const snap = join(dir, 'snap.json');
      writeFileSync(snap, JSON.stringify({ v: 1, r: 'web', n: 'prod', o: { 'v1/ConfigMap/prod/taken': ['Helm', 'other', 'prod'], 'v1/ConfigMap/prod/kept': 0, 'v1/ConfigMap/prod/fresh': 0 }, p: ['v1/ConfigMap/prod/kept'] }) + '\n');
      const viaFile = await runExec(['--release=web', '--namespace=prod', '--checks=ownership', '--mode=enforce', `--snapshot-file=${snap}`, `--report-file=${report}`]);
      expect(viaFile.code).toBe(1);
      expect(viaFile.stderr).toContain(EXPECTED);
      const missing = await runExec(['--release=web', `--snapshot-file=${join(dir, 'none')}`, `--report-file=${report}`]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^warden: --snapshot-file: open .*none: no such file or directory/);

    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
