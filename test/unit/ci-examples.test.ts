// The CI examples in examples/ci/ (documented in docs/ci/github-actions.md) must stay true:
// valid YAML, and every warden command, option and plugin argument they use must exist in
// the CLI's help. Renaming a command or an option fails this test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../src/args';
import { main } from '../../src/cli/main';

const root = join(__dirname, '..', '..');
const EXAMPLES = ['examples/ci/.github-workflow.yml', 'examples/ci/.gitlab-ci.yml'];

async function help(argv: string[]): Promise<string> {
  let out = '';
  const code = await main(argv, { stdin: () => '', stdout: (s) => (out += s), stderr: (s) => (out += s) });
  expect(code, `warden ${argv.join(' ')}`).toBe(0);
  return out;
}

function load(file: string): any {
  const docs = parseAllDocuments(readFileSync(join(root, file), 'utf8'));
  expect(Array.isArray(docs) && docs.length, file).toBe(1);
  const doc = (docs as any[])[0];
  expect(doc.errors.map((e: Error) => e.message), file).toEqual([]);
  expect(doc.warnings.map((e: Error) => e.message), file).toEqual([]);
  return doc.toJS();
}

/** Every shell script of a workflow (GitHub `run:`) or pipeline (GitLab script/before_script). */
function scripts(file: string): string[] {
  const data = load(file);
  const out: string[] = [];
  if (data.jobs) {
    for (const job of Object.values<any>(data.jobs)) for (const step of job.steps ?? []) if (typeof step.run === 'string') out.push(step.run);
  } else {
    for (const job of Object.values<any>(data)) {
      if (job === null || typeof job !== 'object' || Array.isArray(job)) continue;
      for (const k of ['before_script', 'script', 'after_script']) for (const s of job[k] ?? []) out.push(String(s));
    }
  }
  return out.map((s) => s.replace(/\\\n\s*/g, ' '));
}

/** `warden SUB …` invocations: the command word and the options on that command line. */
function wardenCalls(script: string): { sub: string; words: string[] }[] {
  const calls: { sub: string; words: string[] }[] = [];
  for (const line of script.split('\n')) {
    const re = /(?:^|[\s;(|&])warden\s+([a-z-]+)([^;|&)\n]*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) calls.push({ sub: m[1], words: m[2].trim().split(/\s+/).filter(Boolean) });
  }
  return calls;
}

describe('examples/ci', () => {
  it('are valid YAML with the documented shape', () => {
    const gh = load(EXAMPLES[0]);
    const steps = Object.values<any>(gh.jobs).flatMap((j) => j.steps ?? []);
    const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toMatch(/^reports\/.*\.sarif$/);
    expect(gh.jobs.check.permissions['security-events']).toBe('write');
    const gl = load(EXAMPLES[1]);
    expect(gl.warden.artifacts.reports.junit).toBe('reports/*.xml');
    // the JUnit files the job writes are the ones it reports
    expect(gl.warden.script.join('\n')).toContain('--format junit --output "reports/$name.xml"');
  });

  it('run only warden commands and options that exist (warden --help)', async () => {
    const top = await help(['--help']);
    const commands = new Set([...top.matchAll(/^\s+warden ([a-z-]+)/gm)].map((m) => m[1]));
    expect(commands.has('check')).toBe(true);
    let calls = 0;
    for (const file of EXAMPLES) {
      for (const script of scripts(file)) {
        for (const { sub, words } of wardenCalls(script)) {
          calls++;
          if (sub === 'version') continue;
          expect(commands.has(sub) || sub.startsWith('-'), `${file}: "warden ${sub}" is not a command of warden --help`).toBe(true);
          const subHelp = await help([sub, '--help']);
          for (const w of words) {
            if (!w.startsWith('-')) continue;
            const flag = w.split('=')[0];
            expect(subHelp, `${file}: warden ${sub} ${flag} is not in "warden ${sub} --help"`).toMatch(new RegExp(`(^|[\\s,\\[])${flag.replace(/[-]/g, '\\-')}\\b`, 'm'));
          }
        }
      }
    }
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  it('pass only plugin arguments warden accepts (--post-renderer-args)', () => {
    let n = 0;
    for (const file of EXAMPLES) {
      for (const script of scripts(file)) {
        for (const m of script.matchAll(/--post-renderer-args=(--[a-z-]+(?:=[^\s"'\\]*)?)/g)) {
          n++;
          expect(() => parseArgs([m[1]]), `${file}: ${m[1]}`).not.toThrow();
        }
        if (script.includes('helm template')) expect(script).toContain('--post-renderer warden-exec');
      }
    }
    expect(n).toBeGreaterThanOrEqual(4);
  });
});
