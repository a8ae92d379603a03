// The installed CLI (bin/warden.mjs → dist/cli/warden.mjs → plugin.wasm) with real Helm v4.3.1:
// `--policy FILE|DIR`, `.warden.yaml`, `warden policies`, `warden config args`, and the plugin's
// delivery options through `warden render`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../src/args';
import { runWarden } from '../../src/core';

const root = join(__dirname, '..', '..');
let helm = '';
let dir = '';

function warden(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, HELM: helm, NO_COLOR: '', FORCE_COLOR: '' };
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    cwd: opts.cwd ?? root,
    env: env as NodeJS.ProcessEnv,
  });
}

const NO_NODEPORT = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-nodeport
spec:
  rules:
    - name: check-service-type
      match:
        any:
          - resources:
              kinds: [Service]
      validate:
        message: "NodePort Services are not allowed"
        pattern:
          spec:
            =(type): "!NodePort"
`;

beforeAll(() => {
  helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  dir = mkdtempSync(join(tmpdir(), 'warden-cli-policies-'));
  mkdirSync(join(dir, 'policies', 'more'), { recursive: true });
  writeFileSync(join(dir, 'policies', 'no-nodeport.yaml'), NO_NODEPORT);
  writeFileSync(join(dir, 'policies', 'more', 'kyverno-test.yaml'), 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\n');
  // a repository with a chart and a .warden.yaml at its root
  mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
  execFileSync('cp', ['-r', join(root, 'charts-fixtures', 'webapp'), join(dir, 'repo', 'webapp')]);
  mkdirSync(join(dir, 'repo', 'policies'));
  writeFileSync(join(dir, 'repo', 'policies', 'no-nodeport.yaml'), NO_NODEPORT);
  writeFileSync(join(dir, 'repo', '.warden.yaml'), 'mode: enforce\npacks: [none]\nchecks: [policy]\npolicies: [policies]\n');
});

describe('warden check --policy and .warden.yaml', () => {
  it('--policy DIR runs the policies in it on the chart; what is not a policy is named and left out', () => {
    const ok = warden(['check', 'charts-fixtures/webapp', '--packs=none', '--checks=policy', '--mode=enforce', '--policy', join(dir, 'policies')]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/policies\/more\/kyverno-test.yaml: no Kyverno policy in it, left out/);
    const bad = warden(['check', 'charts-fixtures/webapp', '--packs=none', '--checks=policy', '--mode=enforce', '--policy', join(dir, 'policies'), '--set', 'service.type=NodePort', '--format', 'json']);
    expect(bad.status).toBe(1);
    const json = JSON.parse(bad.stdout);
    expect(json.findings.map((f: any) => `${f.rule} ${f.object} ${f.result}`)).toEqual(['no-nodeport/check-service-type Service release-name-webapp fail']);
    expect(bad.stderr).toContain('no-nodeport/check-service-type');
  });

  it('an invalid policy file is a usage error naming the file, policy, rule and line', () => {
    writeFileSync(join(dir, 'broken.yaml'), NO_NODEPORT.replace('      validate:', '      validation:'));
    const r = warden(['check', 'charts-fixtures/webapp', '--policy', join(dir, 'broken.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^warden check: .*broken.yaml, ClusterPolicy no-nodeport, rule check-service-type \(line 12\): the rule has an unknown field "validation"/);
  });

  it('.warden.yaml at the repository root configures a check of a chart below it; --no-config ignores it', () => {
    const cwd = join(dir, 'repo');
    const clean = warden(['check', 'webapp'], { cwd });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('mode enforce');
    const bad = warden(['check', 'webapp', '--set', 'service.type=NodePort'], { cwd });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('no-nodeport/check-service-type');
    // command-line options win over the file
    expect(warden(['check', 'webapp', '--set', 'service.type=NodePort', '--mode=audit'], { cwd }).status).toBe(0);
    const none = warden(['check', 'webapp', '--set', 'service.type=NodePort', '--no-config', '--checks=policy'], { cwd });
    expect(none.status).toBe(0);
    expect(none.stdout).not.toContain('no-nodeport');
    writeFileSync(join(dir, 'bad.warden.yaml'), 'mode: enforce\npolicys: [x]\n');
    const invalid = warden(['check', 'webapp', '--config', join(dir, 'bad.warden.yaml')], { cwd });
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('bad.warden.yaml:2: unknown key "policys"');
  });

  it('warden config args prints what the plugin gets; warden render with those arguments sees the same', () => {
    const cwd = join(dir, 'repo');
    const lines = warden(['config', 'args', 'webapp', '--format', 'lines'], { cwd });
    expect(lines.status).toBe(0);
    const args = lines.stdout.trimEnd().split('\n');
    expect(args.slice(0, 3)).toEqual(['--mode=enforce', '--packs=none', '--checks=policy']);
    expect(args[3]).toBe(`--policy-b64=${Buffer.from(NO_NODEPORT).toString('base64')}`);
    const rendered = execFileSync(helm, ['template', 'web', join(cwd, 'webapp'), '--set', 'service.type=NodePort'], { encoding: 'utf8' });
    const viaArgs = warden(['render', '--no-config', ...args], { input: rendered, cwd });
    expect(viaArgs.status).toBe(1);
    expect(viaArgs.stderr).toContain('no-nodeport/check-service-type');
    const viaConfig = warden(['render'], { input: rendered, cwd });
    expect(viaConfig.status).toBe(1);
    expect(viaConfig.stderr).toBe(viaArgs.stderr);
  });
});

describe('warden render: the delivery options of the plugin', () => {
  it('--policy FILE, --audit-annotations and --report-object=policyreport', () => {
    const rendered = execFileSync(helm, ['template', 'web', join(root, 'charts-fixtures', 'webapp'), '--set', 'service.type=NodePort'], { encoding: 'utf8' });
    const r = warden(['render', '--no-config', '--packs=none', '--checks=policy', '--policy', join(dir, 'policies', 'no-nodeport.yaml'), '--audit-annotations', '--report-object=policyreport', '--release=web'], { input: rendered });
    expect(r.status).toBe(0);
    const out = parseAllDocuments(r.stdout).map((d) => d.toJS() as any).filter(Boolean);
    const svc = out.find((o) => o.kind === 'Service');
    expect(svc.metadata.annotations['warden.helm.sh/findings']).toBe('fail no-nodeport/check-service-type: NodePort Services are not allowed. (spec.type)');
    const rep = out[out.length - 1];
    expect(rep).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'Report', metadata: { name: 'warden-web' }, summary: { fail: 1 } });
  });

  it('--report-format=sarif gives the report as SARIF', () => {
    const rendered = execFileSync(helm, ['template', 'web', join(root, 'charts-fixtures', 'webapp')], { encoding: 'utf8' });
    const r = warden(['render', '--no-config', '--report-format=sarif', '--release=web'], { input: rendered });
    expect(r.status).toBe(0);
    const sarif = JSON.parse(r.stderr);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
  });
});

describe('plugin.wasm = the core in Node', () => {
  it('user and chart policies, annotations and the report object give the same bytes in Wasm as in Node', () => {
    const chartPolicy = `---\n# Source: webapp/templates/policy.yaml\n${NO_NODEPORT.replace('no-nodeport', 'chart-no-nodeport')}`;
    const rendered = execFileSync(helm, ['template', 'web', join(root, 'charts-fixtures', 'webapp'), '--set', 'service.type=NodePort'], { encoding: 'utf8' }) + chartPolicy;
    const args = [`--policy-b64=${Buffer.from(NO_NODEPORT).toString('base64')}`, '--audit-annotations', '--report-object=configmap', '--release=web', '--namespace=prod'];
    const wasm = warden(['render', '--no-config', ...args], { input: rendered });
    expect(wasm.status).toBe(0);
    const node = runWarden(rendered, parseArgs(args));
    expect(wasm.stdout).toBe(node.manifests);
    expect(wasm.stderr).toBe(node.report);
    expect(node.manifests).not.toContain('chart-no-nodeport\n');
    expect(node.findings.filter((f) => f.rule.endsWith('/check-service-type')).map((f) => f.rule)).toEqual(['no-nodeport/check-service-type', 'chart-no-nodeport/check-service-type']);
  });
});

describe('warden policies', () => {
  it('list and show work from the installed binary', () => {
    const list = warden(['policies', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('best-practices (default):');
    const show = warden(['policies', 'show', 'require-probes']);
    expect(show.stdout).toBe(readFileSync(join(root, 'src', 'packs', 'best-practices', 'require-probes.yaml'), 'utf8'));
    expect(warden(['policies', 'show', 'nope']).status).toBe(2);
  });
});
