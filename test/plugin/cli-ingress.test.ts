// `warden ingress` as installed (bin/warden.mjs → dist/cli/warden.mjs), on the fixture chart
// charts-fixtures/ingress-nginx-app rendered by real Helm v4.3.1 (cached by build/helm/install-helm.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const chart = join(root, 'charts-fixtures', 'ingress-nginx-app');
let helm = '';
let dir = '';

function warden(args: string[], input = '') {
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), 'ingress', ...args], {
    input,
    encoding: 'utf8',
    cwd: root,
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
