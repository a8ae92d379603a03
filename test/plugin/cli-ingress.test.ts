// `warden ingress` as installed (bin/warden.mjs → dist/cli/warden.mjs), on the fixture chart
// charts-fixtures/ingress-nginx-app rendered by real Helm v4.3.1 (cached by build/helm/install-helm.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const chart = join(root, 'charts-fixtures', 'ingress-nginx-app');
let helm = '';
let dir = '';

function warden(args: string[], input = '', cwd = root) {
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), 'ingress', ...args], {
    input,
    encoding: 'utf8',
    cwd,
    env: { ...process.env, HELM: helm } as NodeJS.ProcessEnv,
  });
}

function objects(text: string): Record<string, any>[] {
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o !== null);
}

beforeAll(() => {
  helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  dir = mkdtempSync(join(tmpdir(), 'warden-ingress-'));
});

describe('warden ingress', () => {
  it('reports per Ingress for a chart (helm template) without changing anything', () => {
    const r = warden([chart, '--target', 'traefik', '--release', 'demo']);
    expect(r.status).toBe(1); // the canary cannot be expressed with Traefik Ingresses, the snippet is critical
    expect(r.stdout).toContain('ingress-nginx → traefik (report)');
    expect(r.stdout).toMatch(/Ingress default\/docs {2}\(ingress-nginx-app\/templates\/ingress-docs\.yaml\): kept/);
    expect(r.stdout).toMatch(/Ingress default\/shop .*: rewritten\n {2}becomes: Ingress shop, Ingress shop-http, Middleware shop-allowlist/);
    expect(r.stdout).toContain('configuration-snippet injects raw nginx configuration');
    expect(r.stdout).toMatch(/4 Ingresses: 2 rewritten, 1 kept as is, 1 blocked/);
  });

  it('--format json is deterministic and names objects and findings per Ingress', () => {
    const a = warden([chart, '--target', 'openshift', '--format', 'json']);
    const b = warden([chart, '--target', 'openshift', '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    const rep = JSON.parse(a.stdout);
    expect(rep.target).toBe('openshift');
    const shop = rep.ingresses.find((e: any) => e.name === 'shop');
    expect(shop.objects).toEqual(['Route shop-shop-example-com', 'Route shop-www-shop-example-com']);
    expect(shop.findings.some((f: any) => f.annotation === 'nginx.ingress.kubernetes.io/enable-cors' && f.rule === 'ingress/not-translated')).toBe(true);
    expect(rep.ingresses.find((e: any) => e.name === 'shop-canary').status).toBe('rewritten');
  });

  it('--output writes the rewritten manifests (rewrite by default), readable from stdin', () => {
    const rendered = execFileSync(helm, ['template', 'demo', chart], { encoding: 'utf8' });
    const out = join(dir, 'haproxy.yaml');
    const r = warden(['-', '--target', 'haproxy', '--output', out], rendered);
    expect(r.stderr).toBe('');
    const objs = objects(readFileSync(out, 'utf8'));
    const shop = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'shop')!;
    expect(shop.spec.ingressClassName).toBe('haproxy');
    expect(shop.metadata.annotations['haproxy.org/timeout-server']).toBe('120s');
    expect(Object.keys(shop.metadata.annotations).some((k) => k.startsWith('nginx.ingress.kubernetes.io/'))).toBe(false);
    expect(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'shop')!.metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'SHOP' });
    // The canary has no HAProxy equivalent: it stays as it was.
    expect(objs.find((o) => o.metadata.name === 'shop-canary')!.spec.ingressClassName).toBe('nginx');
    const both = warden(['-', '--target', 'gateway-api', '--mode', 'both', '--output', '-'], rendered);
    const kinds = objects(both.stdout).map((o) => o.kind);
    expect(kinds.filter((k) => k === 'Ingress').length).toBe(4);
    expect(kinds).toContain('HTTPRoute');
    expect(both.stderr).toContain('ingress-nginx → gateway-api (both)');
  });

  it('usage errors exit 2', () => {
    expect(warden([chart]).status).toBe(2);
    expect(warden([chart, '--target', 'nginx']).stderr).toContain('--target must be one of');
    expect(warden([chart, '--target', 'traefik', '--mode', 'report', '--output', 'x.yaml']).status).toBe(2);
    writeFileSync(join(dir, 'bad.yaml'), 'kind: Ingress\nmetadata: [\n');
    const bad = warden([join(dir, 'bad.yaml'), '--target', 'traefik']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('document 1');
  });
});

describe('warden ingress with .warden.yaml', () => {
  let repo = '';
  beforeAll(() => {
    // a repository whose .warden.yaml sets the ingress: keys, with rendered manifests and a chart of its own
    repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, '.warden.yaml'), 'ingress:\n  target: traefik\n  traefik: ingressroute\n  mode: report\n');
    writeFileSync(join(repo, 'rendered.yaml'), execFileSync(helm, ['template', 'demo', chart], { encoding: 'utf8' }));
    writeFileSync(join(repo, 'both.yaml'), 'ingress:\n  target: gateway-api\n  mode: both\n  gateway: public\n');
    cpSync(chart, join(repo, 'charts', 'app'), { recursive: true });
    writeFileSync(join(repo, 'charts', 'app', '.warden.yaml'), 'ingress:\n  target: openshift\n');
  });

  it('takes the target and options of the .warden.yaml found from the current directory', () => {
    const r = warden(['rendered.yaml', '--format', 'json'], '', repo);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ target: 'traefik', mode: 'report' });
    // traefik: ingressroute (not the default Ingress + Middlewares)
    expect(rep.ingresses.find((e: any) => e.name === 'shop').objects.some((o: string) => o.startsWith('IngressRoute '))).toBe(true);
  });

  it('the command line wins: --target, --ingress-traefik, --output over "mode: report", --no-config, --config', () => {
    expect(warden(['rendered.yaml'], '', repo).stdout).toContain('ingress-nginx → traefik (report)');
    expect(warden(['rendered.yaml', '--target', 'haproxy'], '', repo).stdout).toContain('ingress-nginx → haproxy (report)');
    const mw = JSON.parse(warden(['rendered.yaml', '--format', 'json', '--ingress-traefik', 'middlewares'], '', repo).stdout);
    expect(mw.ingresses.find((e: any) => e.name === 'shop').objects.some((o: string) => o.startsWith('IngressRoute '))).toBe(false);
    // --output asks for rewritten manifests: "mode: report" of the file does not refuse it
    const out = join(dir, 'from-config.yaml');
    const rw = warden(['rendered.yaml', '--output', out], '', repo);
    expect(rw.stderr).toBe('');
    expect(rw.stdout).toContain('ingress-nginx → traefik (rewrite)');
    expect(objects(readFileSync(out, 'utf8')).map((o) => o.kind)).toContain('IngressRoute');
    const none = warden(['rendered.yaml', '--no-config'], '', repo);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--target is required');
    // --config FILE: mode both and the Gateway name from that file
    const both = warden(['rendered.yaml', '--config', 'both.yaml', '--output', '-'], '', repo);
    expect(both.stderr).toContain('ingress-nginx → gateway-api (both)');
    const objs = objects(both.stdout);
    expect(objs.filter((o) => o.kind === 'Ingress').length).toBe(4);
    expect(objs.find((o) => o.kind === 'HTTPRoute')!.spec.parentRefs[0].name).toBe('public');
  });

  it('a chart directory: the chart\'s own .warden.yaml comes first; a bad one is a usage error', () => {
    const r = warden([join(repo, 'charts', 'app'), '--release', 'demo']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('ingress-nginx → openshift (report)');
    writeFileSync(join(dir, 'bad.yaml'), 'ingress:\n  target: nginx\n');
    const bad = warden(['rendered.yaml', '--config', join(dir, 'bad.yaml')], '', repo);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`warden ingress: ${join(dir, 'bad.yaml')}:2: ingress.target must be one of gateway-api, traefik, haproxy, openshift (got "nginx")\n`);
  });
});
