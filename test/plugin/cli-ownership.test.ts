// `warden ownership` and `warden snapshot` as installed (bin/warden.mjs → dist/cli/warden.mjs →
// plugin.wasm) against a fake Kubernetes API server (plain HTTP, named by a kubeconfig): the
// `.warden.yaml` settings they take (found as `warden check` finds it; the command line wins),
// and the progress line on a terminal (a real pseudo-terminal from util-linux `script`).
// Charts are rendered by real Helm v4.3.1 (build/helm/install-helm.sh).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const BIN = join(root, 'bin', 'warden.mjs');
const CLEAR = '\r\u001b[K';
let helm = '';
let dir = '';
let repo = '';
let server: Server;
const requests: string[] = [];

/** A ConfigMap "shared" in prod that Helm release "other" owns; everything else does not exist. */
const SHARED = {
  kind: 'PartialObjectMetadata',
  apiVersion: 'meta.k8s.io/v1',
  metadata: {
    name: 'shared',
    namespace: 'prod',
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'other', 'meta.helm.sh/release-namespace': 'prod' },
    managedFields: [{ manager: 'helm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }],
  },
};

function answer(path: string): [number, unknown] {
  if (path === '/api/v1') return [200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list'] }] }];
  if (path.startsWith('/api/v1/namespaces/prod/secrets?')) return [200, { kind: 'PartialObjectMetadataList', items: [] }];
  if (path === '/api/v1/namespaces/prod/configmaps/shared') return [200, SHARED];
  return [404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` }];
}

const RENDERED = '---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n';

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: Record<string, string | undefined> = { ...process.env, HELM: helm, KUBECONFIG: join(dir, 'kubeconfig'), NO_COLOR: '1', TERM: 'xterm', SHELL: '/bin/sh', ...extra };
  delete e.CI;
  return e as NodeJS.ProcessEnv;
}

/** Runs a command without blocking this process (the fake server answers from it). */
function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const warden = (args: string[], cwd = repo) => run(process.execPath, [BIN, ...args], cwd);

/** warden with stderr on a pseudo-terminal and stdout into a file: returns what the terminal got. */
async function onTerminal(args: string[], cwd = repo) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.txt`);
  const r = await run('script', ['-qec', `${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')} > ${sh(out)}`, '/dev/null'], cwd);
  return { status: r.status, terminal: r.stdout, stdout: readFileSync(out, 'utf8') };
}

beforeAll(async () => {
  helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  dir = mkdtempSync(join(tmpdir(), 'warden-ownership-cli-'));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const [status, body] = answer(req.url ?? '');
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {server: "http://127.0.0.1:${port}"}\nusers:\n- name: u\n  user: {token: t}\n` +
      'contexts:\n- name: fake\n  context: {cluster: fake, user: u, namespace: prod}\ncurrent-context: fake\n',
  );
  // A repository with a .warden.yaml at its root and a chart with its own.
  repo = join(dir, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.warden.yaml'), 'ownership:\n  takeOwnership: true\n');
  writeFileSync(join(repo, 'rendered.yaml'), RENDERED);
  writeFileSync(join(repo, 'plain.yaml'), 'ownership:\n  takeOwnership: false\n');
  // The chart names its ConfigMap after the operation, so the render shows whether it was an upgrade.
  const chart = join(repo, 'charts', 'web');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ if .Release.IsUpgrade }}upgraded{{ else }}installed{{ end }}\ndata:\n  k: v\n');
  writeFileSync(join(chart, '.warden.yaml'), 'ownership:\n  upgrade: true\n');
  cpSync(chart, join(repo, 'charts', 'bare'), { recursive: true });
  writeFileSync(join(repo, 'charts', 'bare', '.warden.yaml'), '');
});

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('warden ownership with .warden.yaml', () => {
  it('ownership.takeOwnership of the .warden.yaml found from the current directory adopts the conflict', async () => {
    const r = await warden(['ownership', 'rendered.yaml', '--release', 'web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`warden ownership: helm install web -n prod --take-ownership against http://127.0.0.1:`);
    expect(r.stdout).toContain(`  settings: ${join(repo, '.warden.yaml')}\n`);
    expect(r.stdout).not.toContain('BLOCK');
    expect(r.stdout).toMatch(/ConfigMap prod\/shared .*\n.*adopt/i);
    expect(r.status).toBe(0);
    expect(requests).toContain('/api/v1/namespaces/prod/configmaps/shared');
  });

  it('the command line wins: --take-ownership=false, --no-config and --config FILE', async () => {
    for (const args of [['--take-ownership=false'], ['--no-config'], ['--config', 'plain.yaml']]) {
      const r = await warden(['ownership', 'rendered.yaml', '--release', 'web', ...args]);
      expect(r.status, args.join(' ')).toBe(1); // the conflict with release "other" blocks
      expect(r.stdout).toContain('warden ownership: helm install web -n prod against');
      expect(r.stdout).toContain('BLOCK ownership/conflict  ConfigMap "shared" in namespace "prod" belongs to Helm release "other"');
    }
    const none = await warden(['ownership', 'rendered.yaml', '--release', 'web', '--no-config']);
    expect(none.stdout).not.toContain('settings:');
  });

  it('an invalid .warden.yaml is a usage error naming the file and line, before the cluster is read', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'ownership:\n  takeOwnerhip: true\n');
    const before = requests.length;
    const r = await warden(['ownership', 'rendered.yaml', '--release', 'web', '--config', join(dir, 'bad.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`warden ownership: ${join(dir, 'bad.yaml')}:2: unknown key "ownership.takeOwnerhip" (known under ownership: takeOwnership, upgrade)\n`);
    expect(requests.length).toBe(before);
    expect((await warden(['snapshot', 'rendered.yaml', '--release', 'web', '--config', join(dir, 'bad.yaml')])).stderr).toMatch(/^warden snapshot: .*bad\.yaml:2: unknown key/);
  });

  it('a chart directory: its own .warden.yaml (ownership.upgrade) renders as "helm upgrade"', async () => {
    const r = await warden(['ownership', 'charts/web', '--release', 'web', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ blocking: 0 });
    expect(requests).toContain('/api/v1/namespaces/prod/configmaps/upgraded');
    expect(requests).not.toContain('/api/v1/namespaces/prod/configmaps/installed');
    // the chart's file is found first: the repository's takeOwnership is not used
    const text = await warden(['ownership', 'charts/web', '--release', 'web']);
    expect(text.stdout).toMatch(/^warden ownership: helm upgrade web -n prod against /);
    expect(text.stdout).toContain(`  settings: ${join(repo, 'charts', 'web', '.warden.yaml')}\n`);
  });
});

describe('warden snapshot with .warden.yaml', () => {
  const objects = (stdout: string) => Object.keys(JSON.parse(stdout).o).join(' ');

  it('ownership.upgrade renders the chart with --is-upgrade; --is-upgrade=false and --no-config win', async () => {
    const up = await warden(['snapshot', 'charts/web', '--release', 'web', '--format', 'json']);
    expect(up.status, up.stderr).toBe(0);
    expect(objects(up.stdout)).toContain('/upgraded');
    for (const args of [['--is-upgrade=false'], ['--no-config'], ['--config', '.warden.yaml']]) {
      const r = await warden(['snapshot', 'charts/web', '--release', 'web', '--format', 'json', ...args]);
      expect(r.status, r.stderr).toBe(0);
      expect(objects(r.stdout), args.join(' ')).toContain('/installed');
    }
    // an empty .warden.yaml in the chart: found first, no settings
    const bare = await warden(['snapshot', 'charts/bare', '--release', 'web', '--format', 'json']);
    expect(objects(bare.stdout)).toContain('/installed');
    expect((await warden(['snapshot', 'charts/bare', '--release', 'web', '--format', 'json', '--is-upgrade'])).stdout).toContain('/upgraded');
  });
});

describe('the progress line of warden ownership and warden snapshot', () => {
  it('on a terminal: rendering, reading the cluster, checking; cleared before the output', async () => {
    const r = await onTerminal(['ownership', 'charts/web', '--release', 'web']);
    expect(r.status).toBe(0);
    const steps = r.terminal.split(CLEAR).filter((s) => s !== '');
    expect(steps).toEqual([
      'rendering charts/web with helm template…',
      expect.stringMatching(/^reading the live state of release "web" in "prod" from http:\/\/127\.0\.0\.1:\d+…$/),
      'checking 1 object with the plugin…',
    ]);
    expect(r.terminal.endsWith(CLEAR)).toBe(true);
    expect(r.stdout).toMatch(/^warden ownership: helm upgrade web/);

    const s = await onTerminal(['snapshot', 'rendered.yaml', '--release', 'web']);
    expect(s.status).toBe(0);
    const lines = s.terminal.split(CLEAR);
    expect(lines[1]).toMatch(/^reading the live state of release "web" in "prod" from http:\/\/127\.0\.0\.1:\d+…$/);
    // the summary line comes after the progress line was cleared
    expect(lines[2]).toMatch(/^warden snapshot: 1 object read from http:\/\/127\.0\.0\.1:\d+ for release "web" in "prod"/);
    expect(s.stdout).toMatch(/^ws1\./);
  });

  it('without a terminal: stderr has only the command\'s own lines', async () => {
    const r = await warden(['ownership', 'charts/web', '--release', 'web']);
    expect(r.stderr).toBe('');
    const s = await warden(['snapshot', 'rendered.yaml', '--release', 'web']);
    expect(s.stderr).toMatch(/^warden snapshot: 1 object read from /);
    expect(s.stderr).not.toContain('\u001b[');
  });
});
