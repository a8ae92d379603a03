// .warden.yaml (src/cli/config.ts), --policy FILE|DIR reading, `warden config args|validate`
// and `warden policies list|show` (src/cli/policies.ts), in process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../src/args';
import { cliPluginArgs, commandConfig, configCommand, ConfigError, configSetting, configStart, findConfig, parseConfig, readPolicyPaths, shellQuote } from '../../src/cli/config';
import { packListing, policiesCommand } from '../../src/cli/policies';
import { PACKS, PACK_NAMES } from '../../src/packs';

const root = join(__dirname, '..', '..');

const TEAM = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
spec:
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Deployment]
      validate:
        message: "every Deployment needs a team label"
        pattern:
          metadata:
            labels:
              team: "?*"
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-config-'));
  mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
  mkdirSync(join(dir, 'repo', 'charts', 'web', 'templates'), { recursive: true });
  mkdirSync(join(dir, 'repo', 'policies', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'repo', 'charts', 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'repo', 'policies', 'team.yaml'), TEAM);
  writeFileSync(join(dir, 'repo', 'policies', 'nested', 'two.yml'), TEAM.replace(/require-team-label/g, 'require-owner-label').replace(/team/g, 'owner') + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: example-resource\n');
  writeFileSync(join(dir, 'repo', 'policies', 'kyverno-test.yaml'), 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [team.yaml]\n');
  writeFileSync(join(dir, 'repo', 'policies', 'README.md'), '# not yaml\n');
  writeFileSync(
    join(dir, 'repo', '.warden.yaml'),
    '# repo settings\nmode: enforce\npacks: [pod-security-restricted, best-practices]\npolicies: [policies/]\nallowedRegistries: [ghcr.io/acme]\nexcludeRules: require-probes\ningress:\n  target: traefik\n  mode: both\nownership:\n  takeOwnership: true\nauditAnnotations: true\nfailOn: warning\n',
  );
});

describe('.warden.yaml', () => {
  it('becomes the plugin arguments, in the order written', () => {
    const c = parseConfig(readFileSync(join(dir, 'repo', '.warden.yaml'), 'utf8'), '.warden.yaml');
    expect(c.args).toEqual([
      '--mode=enforce',
      '--packs=pod-security-restricted,best-practices',
      '--allowed-registries=ghcr.io/acme',
      '--exclude-rules=require-probes',
      '--ingress-target=traefik',
      '--ingress-mode=both',
      '--take-ownership=true',
      '--audit-annotations=true',
    ]);
    expect(c.failOn).toBe('warning');
    const migration = parseConfig('ingress:\n  target: traefik\n  traefik: ingressroute\n  newClass: edge\n  gatewayExperimental: true\n', 'w.yaml');
    expect(parseArgs(parseConfig('mutate: false\n', 'w.yaml').args).mutate).toBe(false);
    expect(parseArgs(parseConfig('mutate: true\n', 'w.yaml').args).mutate).toBe(true);
    expect(parseArgs(migration.args)).toMatchObject({ ingressTarget: 'traefik', ingressTraefik: 'ingressroute', ingressNewClass: 'edge', gatewayExperimental: true });
    const o = parseArgs(c.args);
    expect(o).toMatchObject({ mode: 'enforce', packs: ['pod-security-restricted', 'best-practices'], allowedRegistries: ['ghcr.io/acme'], ingressTarget: 'traefik', ingressMode: 'both', takeOwnership: true, auditAnnotations: true });
  });

  it.each([
    ['mode: enforce\npack: [best-practices]\n', 'w.yaml:2: unknown key "pack" (known: mode, checks'],
    ['ingress:\n  target: traefik\n  clas: nginx\n', 'w.yaml:3: unknown key "ingress.clas" (known under ingress: target, mode, class, gateway, gatewayExperimental, traefik, newClass)'],
    ['mode: block\n', 'w.yaml:1: mode must be one of audit, enforce (got "block")'],
    ['packs:\n  - best-practices\n  - pod-security-strict\n', 'w.yaml:3: packs: unknown entry "pod-security-strict"'],
    ['packs: [none, best-practices]\n', 'packs: "none" cannot be combined'],
    ['keepPolicies: yes please\n', 'w.yaml:1: keepPolicies must be true or false'],
    ['ingress: traefik\n', 'w.yaml:1: ingress must be a map'],
    ['- mode\n', 'w.yaml:1: .warden.yaml must be a map'],
    ['mode: audit\nmode: enforce\n', 'w.yaml:2: not valid YAML'],
  ])('%j is rejected with the line and key', (text, message) => {
    expect(() => parseConfig(text, 'w.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(text, 'w.yaml')).toThrow(message);
  });

  it('an empty file is no settings', () => {
    expect(parseConfig('# nothing yet\n', 'w.yaml')).toMatchObject({ args: [], policyPaths: [] });
  });

  it('is found in the chart directory or a parent, not above the repository root', () => {
    expect(findConfig(join(dir, 'repo', 'charts', 'web'))).toBe(join(dir, 'repo', '.warden.yaml'));
    expect(findConfig(join(dir, 'repo', 'charts', 'web', 'Chart.yaml'))).toBe(join(dir, 'repo', '.warden.yaml'));
    // a .warden.yaml above the repository is not used
    mkdirSync(join(dir, 'outer', 'inner', '.git'), { recursive: true });
    writeFileSync(join(dir, 'outer', '.warden.yaml'), 'mode: enforce\n');
    expect(findConfig(join(dir, 'outer', 'inner'))).toBeUndefined();
    // the chart's own file wins over the repository's
    writeFileSync(join(dir, 'repo', 'charts', 'web', '.warden.yml'), 'mode: audit\n');
    expect(findConfig(join(dir, 'repo', 'charts', 'web'))).toBe(join(dir, 'repo', 'charts', 'web', '.warden.yml'));
  });
});

describe('.warden.yaml for ownership, snapshot and ingress', () => {
  it('is looked for from the first chart directory among the inputs, else the current directory', () => {
    const repo = join(dir, 'repo');
    const chart = join(repo, 'charts', 'web');
    expect(configStart(['charts/web'], repo)).toBe(chart);
    expect(configStart([join(chart, 'Chart.yaml')], dir)).toBe(chart);
    // rendered files, stdin and packaged charts say nothing about where the chart lives
    expect(configStart(['-', 'rendered.yaml', 'web-0.1.0.tgz', 'charts/web'], repo)).toBe(chart);
    expect(configStart(['-', 'missing.yaml'], repo)).toBe(repo);
  });

  it('commandConfig: found as warden check finds it, --config FILE, --no-config; settings by plugin option', () => {
    writeFileSync(join(dir, 'repo', 'charts', 'web', '.warden.yml'), 'mode: audit\n');
    expect(commandConfig({ inputs: ['charts/web'], cwd: join(dir, 'repo') })?.file).toBe(join(dir, 'repo', 'charts', 'web', '.warden.yml'));
    const top = commandConfig({ inputs: ['-'], cwd: join(dir, 'repo') });
    expect(top?.file).toBe(join(dir, 'repo', '.warden.yaml'));
    expect(configSetting(top, 'ingress-target')).toBe('traefik');
    expect(configSetting(top, 'take-ownership')).toBe('true');
    expect(configSetting(top, 'upgrade')).toBeUndefined();
    expect(configSetting(undefined, 'ingress-target')).toBeUndefined();
    // the last one wins, as on the command line
    expect(configSetting({ file: 'x', args: ['--ingress-mode=report', '--ingress-mode=both'], policyPaths: [] }, 'ingress-mode')).toBe('both');
    expect(commandConfig({ inputs: ['charts/web'], cwd: join(dir, 'repo'), noConfig: true })).toBeUndefined();
    expect(commandConfig({ inputs: ['charts/web'], cwd: join(dir, 'repo'), configFile: '.warden.yaml' })?.file).toBe(join(dir, 'repo', '.warden.yaml'));
    expect(() => commandConfig({ inputs: [], cwd: dir, configFile: 'nope.yaml' })).toThrow(ConfigError);
    // policies are not read: a broken policy file does not stop warden ingress
    writeFileSync(join(dir, 'with-policies.yaml'), 'policies: [does-not-exist/]\ningress:\n  target: haproxy\n');
    expect(configSetting(commandConfig({ inputs: [], cwd: dir, configFile: 'with-policies.yaml' }), 'ingress-target')).toBe('haproxy');
  });
});

describe('--policy FILE|DIR', () => {
  it('reads directories recursively, keeps the policy documents and names what it left out', () => {
    const { files, skipped } = readPolicyPaths(['policies'], join(dir, 'repo'));
    expect(files.map((f) => [f.name, f.policies])).toEqual([
      ['policies/nested/two.yml', ['require-owner-label']],
      ['policies/team.yaml', ['require-team-label']],
    ]);
    expect(files[0].text).not.toContain('example-resource');
    expect(skipped).toEqual(['policies/kyverno-test.yaml']);
  });

  it('a named file without a policy, a missing path and a broken policy are errors naming the file and line', () => {
    const cwd = join(dir, 'repo');
    expect(() => readPolicyPaths(['policies/kyverno-test.yaml'], cwd)).toThrow('policies/kyverno-test.yaml (line 2): cli.kyverno.io/v1alpha1 Test is not a policy warden can run');
    expect(() => readPolicyPaths(['nope.yaml'], cwd)).toThrow('--policy nope.yaml: no such file or directory');
    writeFileSync(join(dir, 'broken.yaml'), TEAM.replace('      match:\n', '      matches:\n'));
    expect(() => readPolicyPaths([join(dir, 'broken.yaml')], cwd)).toThrow(/broken.yaml, ClusterPolicy require-team-label, rule check-team \(line 8\): the rule has an unknown field "matches"/);
  });

  it('render/check arguments: the configuration first, policy files as --policy-b64, the command line last', () => {
    const args = cliPluginArgs(['--mode=audit', '--policy', join(dir, 'repo', 'policies', 'team.yaml')], { start: join(dir, 'repo', 'charts', 'web'), cwd: dir, configFile: join(dir, 'repo', '.warden.yaml') });
    expect(args[0]).toBe('--mode=enforce');
    expect(args[args.length - 1]).toBe('--mode=audit');
    const o = parseArgs(args);
    expect(o.mode).toBe('audit');
    // two from the configuration's directory; the explicit file is one of them and is read once
    expect(o.policies.map((p) => p.name)).toEqual(['require-owner-label', 'require-team-label']);
  });
});

describe('warden config args|validate', () => {
  function runConfig(args: string[], cwd = join(dir, 'repo')) {
    let out = '';
    let err = '';
    const code = configCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd });
    return { code, out, err };
  }

  it('prints --post-renderer-args flags that a shell hands to Helm as exactly the plugin arguments', () => {
    const r = runConfig(['args', 'charts/web']);
    // the chart's own .warden.yml (mode: audit) is found first
    expect(r.out).toBe('--post-renderer-args=--mode=audit\n');
    const full = runConfig(['args', '--config', '.warden.yaml']);
    expect(full.code).toBe(0);
    expect(full.err).toContain('failOn applies to "warden check" only');
    // the shell turns the printed text back into argv: check with a real shell
    const sh = spawnSync('sh', ['-c', `printf '%s\\n' ${full.out.replace(/ \\\n/g, ' ')}`], { encoding: 'utf8' });
    const argv = sh.stdout.trimEnd().split('\n');
    expect(argv.every((a) => a.startsWith('--post-renderer-args='))).toBe(true);
    const pluginArgs = argv.map((a) => a.slice('--post-renderer-args='.length));
    const lines = runConfig(['args', '--config', '.warden.yaml', '--format', 'lines']).out.trimEnd().split('\n');
    expect(pluginArgs).toEqual(lines);
    const o = parseArgs(pluginArgs);
    expect(o.policies.map((p) => p.name)).toEqual(['require-owner-label', 'require-team-label']);
    expect(o.mode).toBe('enforce');
    expect(JSON.parse(runConfig(['args', '--config', '.warden.yaml', '--format=json']).out)).toEqual(lines);
  });

  it('validate names the problem; no file is a usage error', () => {
    expect(runConfig(['validate', '--config', '.warden.yaml']).out).toBe('.warden.yaml: valid (8 settings, 2 policies from 2 files)\n');
    writeFileSync(join(dir, 'bad.yaml'), 'mode: enforce\nchecks: [policy, owner]\n');
    const bad = runConfig(['validate', '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad.yaml:2: checks: unknown entry "owner" (known: policy, ownership, ingress)');
    expect(runConfig(['args'], join(dir, 'outer', 'inner')).err).toContain('no .warden.yaml in . or its parents');
    expect(runConfig(['frobnicate']).code).toBe(2);
  });

  it('warns when an argument is over the 128 KiB the OS passes to warden-exec', () => {
    const big = join(dir, 'big');
    mkdirSync(join(big, '.git'), { recursive: true });
    const filler = '  # ' + 'x'.repeat(200) + '\n';
    writeFileSync(join(big, 'p.yaml'), TEAM.replace('spec:\n', 'spec:\n' + filler.repeat(700)));
    writeFileSync(join(big, '.warden.yaml'), 'policies: [p.yaml]\n');
    const r = runConfig(['args'], big);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/p.yaml gives a \d+ KiB argument; the OS passes at most 128 KiB per argument/);
  });

  it('shellQuote leaves plain words alone and quotes the rest', () => {
    expect(shellQuote('--post-renderer-args=--packs=a,b')).toBe('--post-renderer-args=--packs=a,b');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('warden policies list|show', () => {
  function runPolicies(args: string[]) {
    let out = '';
    let err = '';
    const code = policiesCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
    return { code, out, err };
  }

  it('list names every policy of every pack with its rules', () => {
    const r = runPolicies(['list']);
    expect(r.code).toBe(0);
    for (const pack of PACK_NAMES) {
      expect(r.out).toContain(`${pack}${pack === 'pod-security-restricted' ? '' : ' (default)'}: ${PACKS[pack].length} policies`);
      for (const p of PACKS[pack]) expect(r.out).toContain(p.name);
    }
    expect(r.out).toMatch(/disallow-latest-tag +medium +Best Practices: Disallow Latest Tag\n +rules: require-image-tag, validate-image-tag/);
    const json = JSON.parse(runPolicies(['list', '--pack', 'best-practices', '--format=json']).out);
    expect(json).toEqual(packListing('best-practices'));
    expect(json[0].policies.find((p: any) => p.name === 'disallow-latest-tag')).toMatchObject({ severity: 'medium', category: 'Best Practices', rules: ['require-image-tag', 'validate-image-tag'], file: 'src/packs/best-practices/disallow-latest-tag.yaml' });
  });

  it('show prints the policy file as it is in src/packs (copyable), or a whole pack', () => {
    const r = runPolicies(['show', 'disallow-latest-tag']);
    expect(r.out).toBe(readFileSync(join(root, 'src', 'packs', 'best-practices', 'disallow-latest-tag.yaml'), 'utf8'));
    const pack = runPolicies(['show', 'pod-security-restricted']).out;
    const names = parseAllDocuments(pack).map((d) => (d.toJS() as any).metadata.name);
    expect(names).toEqual(PACKS['pod-security-restricted'].map((p) => p.name));
  });

  it('unknown names are usage errors with suggestions', () => {
    const r = runPolicies(['show', 'latest-tag']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean disallow-latest-tag');
    expect(runPolicies(['list', '--pack', 'nope']).err).toContain('unknown pack "nope"');
    expect(runPolicies(['remove']).code).toBe(2);
  });
});
