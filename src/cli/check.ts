// `warden check <chart-dir | rendered.yaml | ->`: renders a chart with the installed
// `helm template` (or reads rendered manifests), runs the same plugin.wasm Helm runs,
// prints a grouped human report and writes machine reports (--format/--output pairs).
// Exit codes: 0 passed, 1 findings fail (blocking ones; or per --fail-on), 2 usage or input error.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseArgs, UsageError, USAGE, VALUED_OPTIONS } from '../args';
import type { Finding } from '../report/finding';
import { exitCodeFor, isFailure, type ReportContext } from '../report/formats/context';
import { FORMAT_NAMES, isFormatName, renderReport, type FormatName } from '../report/formats';
import type { Summary } from '../report/text';
import { WARDEN_VERSION } from '../version';
import { allowedHostsFor, WardenWasm } from './wasm';
import { ConfigError, resolveArgs } from './config';

export const CHECK_HELP = `warden check — check a chart (or rendered manifests) the way Helm's post-renderer would

Usage:
  warden check CHART_DIR [OPTIONS]      render with "helm template", then check
  warden check RENDERED.yaml [OPTIONS]  check manifests rendered before
  warden check - [OPTIONS]              check manifests from standard input

Rendering (passed to helm template; Helm from $HELM, else "helm" on PATH):
  -f, --values FILE        values file (repeatable)
  --set K=V                also --set-string, --set-json, --set-file (repeatable)
  --release NAME           release name (default: release-name, as helm template)
  -n, --namespace NS       release namespace (also used by the ownership checks)
  --kube-version V         also -a/--api-versions V (repeatable)
  --helm PATH              the helm binary (default: $HELM, else helm on PATH)

Checks (the plugin's options, see "warden render --help"):
  --mode=audit|enforce     enforce: findings that would fail the render fail the check
  --policy FILE|DIR        Kyverno policies to run besides the packs (*.yaml/*.yml, recursive); repeatable
  --config FILE            the .warden.yaml to use (default: found from the chart directory, or the
                           current one, up to the repository root); --no-config: none
  --checks=LIST, --skip=LIST, --packs=LIST, --snapshot=S, --take-ownership, --upgrade, …
                           every option of the plugin but --report-format/--report-file

Reports:
  --format FORMAT          ${FORMAT_NAMES.join('|')}
                           (policyreport = openreports.io/v1alpha1; :wgpolicy = wgpolicyk8s.io/v1alpha2)
  --output FILE            write the --format given just before it to FILE; several
                           --format/--output pairs are allowed; without --format the
                           format follows the extension (.sarif .json .xml .txt .yaml)
                           A --format without --output goes to stdout (the human report
                           then goes to stderr).
  --fail-on=blocking|error|warning
                           what makes the exit code 1: blocking findings (default),
                           any fail/error, or warnings too
  --color=auto|always|never  colour the human report (auto: on a terminal, unless NO_COLOR is set)
  --quiet                  the human report lists failures only
  --timestamp              put the time of the run into the reports (they are reproducible without)
  --wasm PATH              plugin.wasm to run (default: the one built into this package)

Examples:
  warden check ./charts/webapp
  warden check ./charts/webapp -f prod.yaml --set image.tag=2.8.0 --release web -n prod --mode=enforce
  warden check ./charts/webapp --format sarif --output warden.sarif --format junit --output junit.xml
  helm template web ./chart | warden check - --fail-on=warning
  warden check rendered.yaml --format policyreport:wgpolicy > report.json

Exit codes: 0 passed, 1 findings fail the check, 2 usage or input error (including Helm failing).`;

export interface CheckIo {
  stdin: () => string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Is stdout a terminal (for --color=auto)? */
  isTTY?: boolean;
  /** Is stderr a terminal (the progress line; --color=auto for a report on stderr)? */
  stderrTTY?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

class CheckUsage extends Error {}

interface Output {
  format: FormatName;
  file?: string;
}

interface CheckOptions {
  input?: string;
  helmArgs: string[];
  release?: string;
  namespace?: string;
  helm?: string;
  wasm?: string;
  pluginArgs: string[];
  outputs: Output[];
  failOn: ReportContext['failOn'];
  color: 'auto' | 'always' | 'never';
  quiet: boolean;
  timestamp: boolean;
  help: boolean;
  /** --policy FILE|DIR (read here, passed on as --policy-b64). */
  policyPaths: string[];
  configFile?: string;
  noConfig: boolean;
  /** --fail-on was given (it then wins over .warden.yaml's failOn). */
  failOnSet: boolean;
}

const HELM_VALUED = new Map<string, string>([
  ['-f', '--values'],
  ['--values', '--values'],
  ['--set', '--set'],
  ['--set-string', '--set-string'],
  ['--set-json', '--set-json'],
  ['--set-file', '--set-file'],
  ['--kube-version', '--kube-version'],
  ['-a', '--api-versions'],
  ['--api-versions', '--api-versions'],
]);
const OWN_VALUED = new Set(['--release', '--namespace', '-n', '--helm', '--wasm', '--format', '--output', '--fail-on', '--color', '--policy', '--config']);
/** The plugin's own valued options (args.ts), whatever they are: passed through as given. */
const PLUGIN_VALUED = {
  has: (key: string) => key.startsWith('--') && VALUED_OPTIONS.has(key.slice(2)) && !OWN_VALUED.has(key) && !REPLACED.has(key),
};
const PLUGIN_FLAGS = new Set(['--take-ownership', '--upgrade', '--no-mutate']);
/** Plugin options `warden check` replaces with its own. */
const REPLACED = new Map([
  ['--report-format', 'use --format (several allowed)'],
  ['--report-file', 'use --output FILE'],
]);

function formatFromExtension(file: string): FormatName | undefined {
  const f = file.toLowerCase();
  if (f.endsWith('.sarif') || f.endsWith('.sarif.json')) return 'sarif';
  if (f.endsWith('.xml')) return 'junit';
  if (f.endsWith('.json')) return 'json';
  if (f.endsWith('.txt')) return 'text';
  if (f.endsWith('.yaml') || f.endsWith('.yml')) return 'policyreport';
  return undefined;
}

export function parseCheckArgs(args: readonly string[]): CheckOptions {
  const o: CheckOptions = {
    helmArgs: [],
    pluginArgs: [],
    outputs: [],
    failOn: 'blocking',
    color: 'auto',
    quiet: false,
    timestamp: false,
    help: false,
    policyPaths: [],
    noConfig: false,
    failOnSet: false,
  };
  let pendingFormat: FormatName | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const valued = HELM_VALUED.has(key) || OWN_VALUED.has(key) || PLUGIN_VALUED.has(key);
    let value: string | undefined;
    if (valued) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = args[++i];
        if (value === undefined) throw new CheckUsage(`${key} needs a value`);
      }
    }
    if (REPLACED.has(key)) throw new CheckUsage(`${key} is a plugin option; with warden check ${REPLACED.get(key)}`);
    if (arg === '--help' || arg === '-h') o.help = true;
    else if (arg === '--quiet') o.quiet = true;
    else if (arg === '--timestamp') o.timestamp = true;
    else if (arg === '--no-config') o.noConfig = true;
    else if (key === '--policy') o.policyPaths.push(value as string);
    else if (key === '--config') o.configFile = value;
    else if (PLUGIN_FLAGS.has(key)) o.pluginArgs.push(arg);
    else if (HELM_VALUED.has(key)) o.helmArgs.push(HELM_VALUED.get(key) as string, value as string);
    else if (PLUGIN_VALUED.has(key)) o.pluginArgs.push(`${key}=${value}`);
    else if (key === '--release') o.release = value;
    else if (key === '--namespace' || key === '-n') o.namespace = value;
    else if (key === '--helm') o.helm = value;
    else if (key === '--wasm') o.wasm = value;
    else if (key === '--fail-on') {
      if (value !== 'blocking' && value !== 'error' && value !== 'warning') {
        throw new CheckUsage(`--fail-on must be blocking, error or warning (got "${value}")`);
      }
      o.failOn = value;
      o.failOnSet = true;
    } else if (key === '--color') {
      if (value !== 'auto' && value !== 'always' && value !== 'never') {
        throw new CheckUsage(`--color must be auto, always or never (got "${value}")`);
      }
      o.color = value;
    } else if (key === '--format') {
      if (!isFormatName(value as string)) throw new CheckUsage(`--format must be one of ${FORMAT_NAMES.join(', ')} (got "${value}")`);
      if (pendingFormat !== undefined) o.outputs.push({ format: pendingFormat });
      pendingFormat = value as FormatName;
    } else if (key === '--output') {
      if (value === '') throw new CheckUsage('--output needs a file name');
      const format = pendingFormat ?? formatFromExtension(value as string);
      if (format === undefined) throw new CheckUsage(`--output ${value}: give --format before it (the extension does not say which format)`);
      o.outputs.push({ format, file: value });
      pendingFormat = undefined;
    } else if (arg.startsWith('-') && arg !== '-') throw new CheckUsage(`unknown option "${arg}" (see warden check --help)`);
    else if (o.input === undefined) o.input = arg;
    else throw new CheckUsage(`only one chart or file may be given (got "${o.input}" and "${arg}")`);
  }
  if (pendingFormat !== undefined) o.outputs.push({ format: pendingFormat });
  if (o.outputs.filter((x) => x.file === undefined).length > 1) {
    throw new CheckUsage('only one --format can go to stdout; give the others an --output FILE');
  }
  if (o.release === '') throw new CheckUsage('--release needs a name');
  if (o.namespace === '') throw new CheckUsage('--namespace needs a name');
  return o;
}

/** A path for reports: relative to cwd with forward slashes, or absolute when outside it. */
function reportPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  if (rel === '') return '.';
  if (rel.startsWith('..')) return resolve(cwd, path).split(sep).join('/');
  return rel.split(sep).join('/');
}

export type Input = { kind: 'chart'; dir: string } | { kind: 'manifests'; file?: string };

export function classify(input: string, cwd: string): Input {
  if (input === '-') return { kind: 'manifests' };
  const full = resolve(cwd, input);
  let st;
  try {
    st = statSync(full);
  } catch (e) {
    throw new CheckUsage(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (st.isDirectory()) {
    if (!existsSync(resolve(full, 'Chart.yaml'))) {
      throw new CheckUsage(`${input} is a directory without Chart.yaml: give a chart directory, a rendered YAML file, or - for stdin`);
    }
    return { kind: 'chart', dir: input };
  }
  if (input.endsWith('Chart.yaml')) return { kind: 'chart', dir: dirname(input) };
  if (input.endsWith('.tgz')) return { kind: 'chart', dir: input };
  return { kind: 'manifests', file: input };
}

export function renderChart(o: CheckOptions, chart: string, io: CheckIo): string {
  const env = io.env ?? process.env;
  const helm = o.helm ?? (env.HELM && env.HELM !== '' ? env.HELM : 'helm');
  const args = ['template', o.release ?? 'release-name', chart, ...o.helmArgs];
  if (o.namespace !== undefined) args.push('--namespace', o.namespace);
  const r = spawnSync(helm, args, { cwd: io.cwd ?? process.cwd(), encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CheckUsage(
        `Helm is needed to render ${chart} but "${helm}" was not found. Install Helm (3 or 4), put it on PATH or set $HELM; ` +
          'or render yourself and check the output: helm template NAME CHART | warden check -',
      );
    }
    throw new CheckUsage(`cannot run ${helm}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    throw new CheckUsage(`helm template failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout).trimEnd()}`);
  }
  return r.stdout;
}

interface PluginRun {
  findings: Finding[];
  summary: Summary;
  /** The plugin refused the render (enforced findings block it). */
  blocked: boolean;
}

async function runPlugin(plugin: WardenWasm, manifests: string, pluginArgs: string[]): Promise<PluginRun | { error: string }> {
  // --report-only: the plugin returns every finding even when some would block the render.
  const r = await plugin.render(manifests, [...pluginArgs, '--report-format=json', '--report-only']);
  if (r.error !== undefined) return { error: r.error };
  const report = JSON.parse(r.report) as { findings: Finding[]; summary: Summary };
  return { findings: report.findings, summary: report.summary, blocked: report.summary.blocking > 0 };
}

/**
 * Finds an object's line in its chart template: the line declaring its kind (`kind: Deployment`),
 * the n-th such line for the n-th object of that kind rendered from the template. Templates that
 * compute the kind, or render objects in loops, fall back to the template's start.
 */
function templateLocator(chartDir: string): (f: Finding) => number | undefined {
  const files = new Map<string, string[] | null>();
  const ordinal = new Map<string, number>();
  const seen = new Map<string, number>();
  return (f) => {
    const d = f.document;
    if (!d || d.source === undefined || d.kind === undefined) return undefined;
    const slash = d.source.indexOf('/');
    if (slash < 0) return undefined;
    let lines = files.get(d.source);
    if (lines === undefined) {
      try {
        lines = readFileSync(resolve(chartDir, d.source.slice(slash + 1)), 'utf8').split('\n');
      } catch {
        lines = null;
      }
      files.set(d.source, lines);
    }
    if (lines === null) return undefined;
    // Which object of this kind from this template is it (in stream order)?
    const objectKey = `${d.source}\u0000${d.index}`;
    let n = ordinal.get(objectKey);
    if (n === undefined) {
      const kindKey = `${d.source}\u0000${d.kind}`;
      n = seen.get(kindKey) ?? 0;
      seen.set(kindKey, n + 1);
      ordinal.set(objectKey, n);
    }
    let count = 0;
    for (let i = 0; i < lines.length; i++) {
      const m = /^kind:\s*["']?([A-Za-z0-9]+)["']?\s*(#.*)?$/.exec(lines[i].trimEnd());
      if (m && m[1] === d.kind && count++ === n) return i + 1;
    }
    return undefined;
  };
}

/**
 * A one-line status on stderr while Helm, the cluster reads and the plugin run, only when stderr is
 * a terminal (and not in CI, nor with TERM=dumb). `progress('')` clears it; call it before printing.
 */
export function progressLine(io: Pick<CheckIo, 'stderr' | 'stderrTTY' | 'env'>): (msg: string) => void {
  const env = io.env ?? process.env;
  const on = io.stderrTTY === true && !env.CI && env.TERM !== 'dumb';
  let shown = false;
  return (msg) => {
    if (!on || (msg === '' && !shown)) return;
    io.stderr(msg === '' ? '\r\u001b[K' : `\r\u001b[K${msg}`);
    shown = msg !== '';
  };
}

function useColor(o: CheckOptions, io: CheckIo, toStderr: boolean): boolean {
  if (o.color !== 'auto') return o.color === 'always';
  const env = io.env ?? process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return toStderr ? io.stderrTTY === true : io.isTTY === true;
}

export async function checkCommand(args: readonly string[], io: CheckIo): Promise<number> {
  let o: CheckOptions;
  try {
    o = parseCheckArgs(args);
    if (o.help) {
      io.stdout(CHECK_HELP + '\n');
      return 0;
    }
    // Validate the plugin options here, so a typo is a usage error before Helm runs.
    parseArgs([...o.pluginArgs, ...(o.release ? [`--release=${o.release}`] : []), ...(o.namespace ? [`--namespace=${o.namespace}`] : [])]);
    if (o.input === undefined) throw new CheckUsage('give a chart directory, a rendered YAML file, or - for stdin (see warden check --help)');
  } catch (e) {
    if (e instanceof CheckUsage || e instanceof UsageError) {
      io.stderr(`warden check: ${e.message.split('\n' + USAGE)[0]}\n`);
      return 2;
    }
    throw e;
  }
  const cwd = io.cwd ?? process.cwd();
  const progress = progressLine(io);

  let input: Input;
  let manifests: string;
  try {
    input = classify(o.input, cwd);
    if (input.kind === 'chart') {
      progress(`rendering ${o.input} with helm template…`);
      manifests = renderChart(o, input.dir, io);
    } else if (input.file === undefined) manifests = io.stdin();
    else manifests = readFileSync(resolve(cwd, input.file), 'utf8');
  } catch (e) {
    progress('');
    if (e instanceof CheckUsage) {
      io.stderr(`warden check: ${e.message}\n`);
      return 2;
    }
    io.stderr(`warden check: cannot read ${o.input}: ${(e as Error).message}\n`);
    return 2;
  }

  // .warden.yaml (from the chart directory, else the current one, up to the repository root)
  // and --policy files become plugin arguments before the command line's own.
  let pluginArgs: string[];
  try {
    const start = input.kind === 'chart' && !input.dir.endsWith('.tgz') ? resolve(cwd, input.dir) : cwd;
    const r = resolveArgs({ cliArgs: o.pluginArgs, policyPaths: o.policyPaths, start, cwd, configFile: o.configFile, noConfig: o.noConfig });
    for (const s of r.skipped) io.stderr(`warden check: ${s}: no Kyverno policy in it, left out\n`);
    if (r.config?.failOn !== undefined && !o.failOnSet) o.failOn = r.config.failOn;
    pluginArgs = r.pluginArgs;
    parseArgs(pluginArgs);
  } catch (e) {
    progress('');
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`warden check: ${e.message.split('\n' + USAGE)[0]}\n`);
      return 2;
    }
    throw e;
  }
  // The chart was rendered with this release name: the ownership checks must see the same.
  const release = o.release ?? (input.kind === 'chart' ? 'release-name' : undefined);
  if (release !== undefined) pluginArgs.push(`--release=${release}`);
  if (o.namespace !== undefined) pluginArgs.push(`--namespace=${o.namespace}`);

  progress(`checking ${(manifests.length / 1024).toFixed(0)} KiB of manifests…`);
  let plugin: WardenWasm;
  try {
    plugin = await WardenWasm.load(o.wasm, { allowedHosts: allowedHostsFor(pluginArgs) });
  } catch (e) {
    progress('');
    io.stderr(`warden check: ${(e as Error).message}\n`);
    return 2;
  }
  let run: PluginRun | { error: string };
  try {
    run = await runPlugin(plugin, manifests, pluginArgs);
  } finally {
    await plugin.close();
    progress('');
  }
  if ('error' in run) {
    io.stderr(run.error.endsWith('\n') ? run.error : run.error + '\n');
    return 2;
  }

  const mode = pluginArgs.filter((a) => a.startsWith('--mode=')).pop() === '--mode=enforce' ? 'enforce' : 'audit';
  const base: ReportContext = {
    tool: { name: 'warden', version: WARDEN_VERSION },
    target: o.input,
    targetKind: input.kind === 'chart' ? 'chart' : 'manifests',
    mode,
    failOn: o.failOn,
  };
  if (input.kind === 'chart' && !input.dir.endsWith('.tgz')) base.chartRoot = reportPath(input.dir, cwd);
  if (input.kind === 'manifests' && input.file !== undefined) base.manifestsFile = reportPath(input.file, cwd);
  if (release !== undefined) base.release = release;
  if (o.namespace !== undefined) base.namespace = o.namespace;
  if (o.timestamp) base.timestamp = new Date().toISOString();
  if (input.kind === 'chart' && base.chartRoot !== undefined) base.templateLine = templateLocator(resolve(cwd, input.dir));

  for (const out of o.outputs) {
    const text = renderReport(out.format, run.findings, run.summary, { ...base, color: false });
    if (out.file === undefined) {
      io.stdout(text);
      continue;
    }
    try {
      const full = resolve(cwd, out.file);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    } catch (e) {
      io.stderr(`warden check: cannot write ${out.file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const humanToStderr = o.outputs.some((x) => x.file === undefined);
  const shown = o.quiet ? run.findings.filter((f) => isFailure(f, base)) : run.findings;
  let human = renderReport('text', shown, run.summary, { ...base, color: useColor(o, io, humanToStderr) });
  (humanToStderr ? io.stderr : io.stdout)(human);
  return run.blocked ? 1 : exitCodeFor(run.findings, base);
}
