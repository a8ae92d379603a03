// docs/cli.md stays true: every command of `warden --help` has its section, and the sample report
// (in docs/cli.md and README.md)
// is the real output of the installed CLI on charts-fixtures/webapp (real Helm v4.3.1).
// WARDEN_UPDATE_DOCS=1 rewrites the sample block instead of failing.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const DOC = join(root, 'docs', 'cli.md');
const START = '<!-- sample:webapp:start -->\n';
const END = '<!-- sample:webapp:end -->';

function warden(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(root, 'bin', 'warden.mjs'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env } as NodeJS.ProcessEnv,
  });
}

describe('docs/cli.md', () => {
  it('documents every command warden --help lists', () => {
    const help = warden(['--help']).stdout;
    const commands = [...help.matchAll(/^\s+warden ([a-z]+)/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    const doc = readFileSync(DOC, 'utf8');
    for (const c of commands) expect(doc, `docs/cli.md has no section for "warden ${c}"`).toMatch(new RegExp(`^## .*\\bwarden ${c}\\b`, 'm'));
  });

  it('shows the real text report of warden check on charts-fixtures/webapp', () => {
    const helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const r = warden(['check', 'charts-fixtures/webapp', '--release', 'web', '-n', 'prod', '--no-config'], { HELM: helm });
    expect(r.status).toBe(0);
    const block = START + '```text\n$ warden check charts-fixtures/webapp --release web -n prod\n' + r.stdout + '```\n' + END;
    for (const file of [DOC, join(root, 'README.md')]) {
      const name = file.slice(root.length + 1);
      const doc = readFileSync(file, 'utf8');
      const a = doc.indexOf(START);
      const b = doc.indexOf(END);
      expect(a >= 0 && b > a, `the sample markers are in ${name}`).toBe(true);
      const current = doc.slice(a, b + END.length);
      if (process.env.WARDEN_UPDATE_DOCS === '1') {
        writeFileSync(file, doc.slice(0, a) + block + doc.slice(b + END.length));
        continue;
      }
      expect(current, `${name} sample is stale: run WARDEN_UPDATE_DOCS=1 npx vitest run test/plugin/cli-docs.test.ts`).toBe(block);
    }
  });
});

// The migration example in README.md and docs/ingress.md is an excerpt (two of four Ingresses) of
// real `warden ingress` output: every line it shows must be a line of the real output, in order,
// and the summary line must be the real one.
describe('the ingress migration example', () => {
  const COMMAND = 'warden ingress charts-fixtures/ingress-nginx-app --target traefik --release demo';

  function excerpt(file: string): string[] {
    const doc = readFileSync(file, 'utf8');
    const at = doc.indexOf('`' + COMMAND + '`');
    expect(at, `${file} shows the example`).toBeGreaterThanOrEqual(0);
    const start = doc.indexOf('```text\n', at);
    const end = doc.indexOf('\n```', start + 8);
    return doc.slice(start + 8, end).split('\n').filter((l) => l.trim() !== '');
  }

  it('is real output of the CLI, in README.md and docs/ingress.md', () => {
    const helm = execFileSync('bash', [join(root, 'build', 'helm', 'install-helm.sh'), 'v4.3.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const r = warden(COMMAND.split(' ').slice(1).concat('--no-config'), { HELM: helm });
    expect(r.stderr).toBe('');
    const real = r.stdout.split('\n').filter((l) => l.trim() !== '');
    for (const file of [join(root, 'README.md'), join(root, 'docs', 'ingress.md')]) {
      const shown = excerpt(file);
      expect(shown.length).toBeGreaterThan(10);
      let i = 0;
      for (const line of shown) {
        while (i < real.length && real[i] !== line) i++;
        expect(i < real.length, `${file.slice(root.length + 1)}: "${line}" is not (in this order) in the real output:\n${r.stdout}`).toBe(true);
        i++;
      }
      expect(shown[shown.length - 1]).toBe(real[real.length - 1]);
    }
  });
});
