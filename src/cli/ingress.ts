// `warden ingress <chart-dir | rendered.yaml | -> --target T`: the ingress-nginx migration
// report, one section per Ingress (what maps, what changes, what has no equivalent, which
// objects replace it), and optionally the rewritten manifests (--output). It runs the core
// migration directly (src/ingress/migrate.ts), the same code the plugin runs.
// Exit codes: 0 every Ingress migrates without errors, 1 some cannot (errors or critical
// findings), 2 usage or input error.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { INGRESS_TARGETS, type IngressTarget } from '../args';
import { applyPatches } from '../apply/apply';
import { emitStream } from '../emit/emit';
import { lookupAnnotation, NGINX_PREFIX } from '../ingress/annotations/index';
import { migrateIngresses, type IngressMode, type MigrateOptions } from '../ingress/migrate';
import { readStream, type SourceDocument } from '../read/document';
import type { Finding } from '../report/finding';
import { classify, progressLine, renderChart, type CheckIo } from './check';
import { commandConfig, ConfigError, configSetting, type WardenConfig } from './config';

export const INGRESS_HELP = `warden ingress — migration report for Ingresses with ingress-nginx annotations

Usage:
  warden ingress CHART_DIR|RENDERED.yaml|- --target T [OPTIONS]

Options:
  --target T               gateway-api, traefik, haproxy or openshift (required)
  --mode M                 report (default; with --output: rewrite), rewrite (replace the Ingresses),
                           both (add the new objects, keep the Ingresses)
  --output FILE            write the manifests with the rewrite applied to FILE ("-": stdout;
                           the report then goes to stderr)
  --format text|json       the report's format (default text)
  --ingress-class NAME     the class migrated away from (default nginx)
  --gateway NAME           gateway-api: the Gateway routes attach to
  --gateway-experimental   gateway-api: also use experimental-channel fields
  --ingress-traefik middlewares|ingressroute  traefik: output kind (default middlewares)
  --ingress-new-class NAME traefik/haproxy: class of rewritten Ingresses
  --config FILE            the .warden.yaml to use (default: found from the chart directory, or the
                           current one, up to the repository root); --no-config: none. Its ingress:
                           keys (target, mode, class, gateway, …) apply where no option is given
Rendering a chart (helm template; Helm from --helm, $HELM or PATH):
  -f, --values FILE, --set K=V, --set-string, --set-json, --set-file, --release NAME, -n NS, --helm PATH

Examples:
  warden ingress ./charts/web --target gateway-api --gateway public
  warden ingress ./charts/web --target traefik --output migrated.yaml
  helm template web ./chart | warden ingress - --target haproxy --format json > ingress-report.json
  warden ingress rendered.yaml --target openshift --mode both --output - > with-routes.yaml

Exit codes: 0 all Ingresses migrate without errors, 1 some do not, 2 usage or input error.`;

class IngressUsage extends Error {}

interface IngressCliOptions {
  input?: string;
  target?: IngressTarget;
  mode?: IngressMode;
  output?: string;
  format: 'text' | 'json';
  migrate: Partial<MigrateOptions>;
  helmArgs: string[];
  release?: string;
  namespace?: string;
  helm?: string;
  help: boolean;
  configFile?: string;
  noConfig: boolean;
}

const HELM_VALUED = new Map([
  ['-f', '--values'], ['--values', '--values'], ['--set', '--set'], ['--set-string', '--set-string'],
  ['--set-json', '--set-json'], ['--set-file', '--set-file'], ['--kube-version', '--kube-version'],
]);
const VALUED = new Set(['--target', '--mode', '--output', '--format', '--ingress-class', '--gateway', '--ingress-traefik', '--ingress-new-class', '--release', '--namespace', '-n', '--helm', '--config']);

/**
 * Parses the command line. `config` gives the .warden.yaml for the input (found after parsing, as
 * the input says where to look); its ingress: keys fill in what the command line leaves out.
 */
export function parseIngressArgs(args: readonly string[], config: (o: IngressCliOptions) => WardenConfig | undefined = () => undefined): IngressCliOptions {
  const o: IngressCliOptions = { format: 'text', migrate: {}, helmArgs: [], help: false, noConfig: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq < 0 ? arg : arg.slice(0, eq);
    let value: string | undefined;
    if (VALUED.has(key) || HELM_VALUED.has(key)) {
      value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new IngressUsage(`${key} needs a value`);
    }
    if (arg === '--help' || arg === '-h') o.help = true;
    else if (arg === '--no-config') o.noConfig = true;
    else if (key === '--gateway-experimental') {
      const v = eq < 0 ? 'true' : arg.slice(eq + 1);
      if (v !== 'true' && v !== 'false') throw new IngressUsage(`--gateway-experimental must be true or false (got "${v}")`);
      o.migrate.experimental = v === 'true';
    } else if (HELM_VALUED.has(key)) o.helmArgs.push(HELM_VALUED.get(key)!, value!);
    else if (key === '--config') o.configFile = value;
    else if (key === '--target') {
      if (!(INGRESS_TARGETS as readonly string[]).includes(value!)) throw new IngressUsage(`--target must be one of ${INGRESS_TARGETS.join(', ')} (got "${value}")`);
      o.target = value as IngressTarget;
    } else if (key === '--mode') {
      if (value !== 'report' && value !== 'rewrite' && value !== 'both') throw new IngressUsage(`--mode must be report, rewrite or both (got "${value}")`);
      o.mode = value;
    } else if (key === '--format') {
      if (value !== 'text' && value !== 'json') throw new IngressUsage(`--format must be text or json (got "${value}")`);
      o.format = value;
    } else if (key === '--output') o.output = value;
    else if (key === '--ingress-class') o.migrate.ingressClass = value;
    else if (key === '--gateway') o.migrate.gatewayName = value;
    else if (key === '--ingress-traefik') {
      if (value !== 'middlewares' && value !== 'ingressroute') throw new IngressUsage(`--ingress-traefik must be middlewares or ingressroute (got "${value}")`);
      o.migrate.traefikOutput = value;
    } else if (key === '--ingress-new-class') o.migrate.newIngressClass = value;
    else if (key === '--release') o.release = value;
    else if (key === '--namespace' || key === '-n') o.namespace = value;
    else if (key === '--helm') o.helm = value;
    else if (arg.startsWith('-') && arg !== '-') throw new IngressUsage(`unknown option "${arg}" (see warden ingress --help)`);
    else if (o.input === undefined) o.input = arg;
    else throw new IngressUsage(`only one chart or file may be given (got "${o.input}" and "${arg}")`);
  }
  if (o.help) return o;
  if (o.input === undefined) throw new IngressUsage('give a chart directory, a rendered YAML file, or - for stdin (see warden ingress --help)');
  // .warden.yaml's ingress: keys, where the command line says nothing (parseConfig checked the values)
  const c = config(o);
  const set = (option: string) => configSetting(c, option);
  o.target ??= set('ingress-target') as IngressTarget | undefined;
  const configMode = set('ingress-mode') as IngressMode | undefined;
  o.migrate.ingressClass ??= set('ingress-class');
  o.migrate.gatewayName ??= set('gateway');
  if (o.migrate.experimental === undefined && set('gateway-experimental') !== undefined) o.migrate.experimental = set('gateway-experimental') === 'true';
  o.migrate.traefikOutput ??= set('ingress-traefik') as MigrateOptions['traefikOutput'];
  o.migrate.newIngressClass ??= set('ingress-new-class');
  if (o.target === undefined) throw new IngressUsage('--target is required: gateway-api, traefik, haproxy or openshift (or ingress.target in .warden.yaml)');
  if (o.mode === undefined) {
    // --output asks for rewritten manifests: it wins over a configured "mode: report"
    if (o.output !== undefined) o.mode = configMode === undefined || configMode === 'report' ? 'rewrite' : configMode;
    else o.mode = configMode ?? 'report';
  }
  if (o.output !== undefined && o.mode === 'report') throw new IngressUsage('--output writes rewritten manifests: use it with --mode rewrite or both');
  return o;
}

export interface IngressReportEntry {
  namespace: string;
  name: string;
  source?: string;
  /** rewritten, kept (served as is by the target), blocked (errors), not-selected (other class), report. */
  status: 'rewritten' | 'kept' | 'blocked' | 'not-selected' | 'report';
  /** Annotations with no finding of their own: translated as they are. */
  maps: string[];
  objects: string[];
  findings: { result: Finding['result']; rule: string; annotation?: string; message: string }[];
}

export interface IngressReport {
  target: IngressTarget;
  mode: IngressMode;
  ingresses: IngressReportEntry[];
  summary: { ingresses: number; rewritten: number; kept: number; blocked: number; notSelected: number; errors: number; warnings: number };
}

/** Builds the per-Ingress report from a rendered stream. Pure; also returns the rewritten stream. */
export function ingressReport(manifests: string, target: IngressTarget, mode: IngressMode, migrate: Partial<MigrateOptions> = {}): { report: IngressReport; output: string } {
  const docs = readStream(manifests);
  for (const d of docs) {
    const v = d.empty ? undefined : d.value();
    if (v !== undefined && !('value' in v)) throw new IngressUsage(`document ${d.index + 1}${d.ref.source ? ` (${d.ref.source})` : ''} is not valid YAML: ${v.error}`);
  }
  // The report always sees what a rewrite would do; report mode just does not apply it.
  const r = migrateIngresses(docs, { ...migrate, target, mode: mode === 'report' ? 'rewrite' : mode });
  const ingresses = docs.filter((d) => !d.empty && d.identity.kind === 'Ingress');
  const entries: IngressReportEntry[] = [];
  for (const d of ingresses) entries.push(entryFor(d, r.findings, r.patches, mode));
  const summary = { ingresses: entries.length, rewritten: 0, kept: 0, blocked: 0, notSelected: 0, errors: 0, warnings: 0 };
  for (const e of entries) {
    if (e.status === 'rewritten') summary.rewritten++;
    else if (e.status === 'kept') summary.kept++;
    else if (e.status === 'blocked') summary.blocked++;
    else if (e.status === 'not-selected') summary.notSelected++;
    for (const f of e.findings) {
      if (f.result === 'fail' || f.result === 'error') summary.errors++;
      else if (f.result === 'warn') summary.warnings++;
    }
  }
  const output = mode === 'report' ? manifests : emitStream(applyPatches(docs, r.patches).pieces);
  return { report: { target, mode, ingresses: entries, summary }, output };
}

function entryFor(d: SourceDocument, findings: Finding[], patches: ReturnType<typeof migrateIngresses>['patches'], mode: IngressMode): IngressReportEntry {
  const id = d.ref;
  const namespace = id.namespace ?? 'default';
  const label = `${namespace}/${id.name ?? ''}`;
  const mine = findings.filter((f) => f.document?.index === d.index);
  const v = d.value();
  const meta = ('value' in v ? ((v.value as Record<string, unknown>)?.metadata as Record<string, unknown> | undefined) : undefined) ?? {};
  const annotations = Object.keys((meta.annotations as Record<string, unknown> | undefined) ?? {}).filter((k) => k.startsWith(NGINX_PREFIX)).sort();
  const mentioned = new Set<string>();
  for (const f of mine) {
    const m = /metadata\.annotations\["([^"]+)"\]/.exec(f.path ?? '');
    // notes confirm a faithful mapping, except the ones saying it is an approximation
    if (m && (f.result !== 'info' || f.rule === 'ingress/approximated')) mentioned.add(m[1]);
  }
  const objects: string[] = [];
  for (const p of patches) {
    if (p.op !== 'insert') continue;
    const who = p.reason.indexOf(' translated from Ingress ');
    if (who < 0) continue;
    if (p.reason.slice(who + ' translated from Ingress '.length).split(', ').indexOf(label) >= 0) objects.push(p.reason.slice(0, who));
  }
  let status: IngressReportEntry['status'] = 'report';
  if (mine.some((f) => f.rule === 'ingress/not-selected')) status = 'not-selected';
  else if (mine.some((f) => f.rule === 'ingress/kept')) status = 'kept';
  else if (mine.some((f) => f.rule === 'ingress/not-rewritten')) status = 'blocked';
  else if (mode !== 'report' || objects.length > 0) status = 'rewritten';
  const e: IngressReportEntry = {
    namespace,
    name: id.name ?? '',
    status,
    maps: status === 'blocked' || status === 'not-selected' ? [] : annotations.filter((k) => !mentioned.has(k) && lookupAnnotation(k) !== undefined && lookupAnnotation(k)!.value !== 'snippet'),
    objects,
    findings: mine.map((f) => {
      const m = /metadata\.annotations\["([^"]+)"\]/.exec(f.path ?? '');
      const out: IngressReportEntry['findings'][number] = { result: f.result, rule: f.rule, message: f.message };
      if (m) out.annotation = m[1];
      return out;
    }),
  };
  if (d.ref.source !== undefined) e.source = d.ref.source;
  return e;
}

const MARK: Record<string, string> = { fail: '✗', error: '✗', warn: '!', info: '·', pass: '✓', skip: '-' };

export function formatIngressReport(rep: IngressReport): string {
  const lines: string[] = [`ingress-nginx → ${rep.target} (${rep.mode})`, ''];
  for (const e of rep.ingresses) {
    lines.push(`Ingress ${e.namespace}/${e.name}${e.source ? `  (${e.source})` : ''}: ${e.status}`);
    if (e.objects.length > 0) lines.push(`  becomes: ${e.objects.join(', ')}`);
    if (e.maps.length > 0) lines.push(`  maps as is: ${e.maps.map((k) => k.slice(NGINX_PREFIX.length)).join(', ')}`);
    const groups: [string, (f: IngressReportEntry['findings'][number]) => boolean][] = [
      ['blocks (no faithful translation; access control or values that cannot be kept)', (f) => f.result === 'fail' || f.result === 'error'],
      ['changes or is left out', (f) => f.result === 'warn'],
      ['notes', (f) => f.result === 'info' && f.rule !== 'ingress/kept'],
    ];
    for (const [title, pick] of groups) {
      const list = e.findings.filter(pick);
      if (list.length === 0) continue;
      lines.push(`  ${title}:`);
      for (const f of list) lines.push(`    ${MARK[f.result] ?? '-'} ${f.message.replace(`Ingress ${e.namespace}/${e.name}: `, '')}`);
    }
    lines.push('');
  }
  const s = rep.summary;
  lines.push(`${s.ingresses} Ingress${s.ingresses === 1 ? '' : 'es'}: ${s.rewritten} rewritten, ${s.kept} kept as is, ${s.blocked} blocked, ${s.notSelected} of another class; ${s.errors} errors, ${s.warnings} warnings`);
  return lines.join('\n') + '\n';
}

export async function ingressCommand(args: readonly string[], io: CheckIo): Promise<number> {
  let o: IngressCliOptions;
  const cwd = io.cwd ?? process.cwd();
  try {
    o = parseIngressArgs(args, (x) => commandConfig({ inputs: [x.input!], cwd, configFile: x.configFile, noConfig: x.noConfig }));
  } catch (e) {
    if (e instanceof IngressUsage || e instanceof ConfigError) {
      io.stderr(`warden ingress: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (o.help) {
    io.stdout(INGRESS_HELP + '\n');
    return 0;
  }
  const progress = progressLine(io);
  let manifests: string;
  try {
    const input = classify(o.input!, cwd);
    if (input.kind === 'chart') {
      progress(`rendering ${o.input} with helm template…`);
      const renderOptions = { helmArgs: o.helmArgs, release: o.release, namespace: o.namespace, helm: o.helm } as unknown as Parameters<typeof renderChart>[0];
      manifests = renderChart(renderOptions, input.dir, io);
    } else if (input.file === undefined) manifests = io.stdin();
    else manifests = readFileSync(resolve(cwd, input.file), 'utf8');
  } catch (e) {
    io.stderr(`warden ingress: ${(e as Error).message}\n`);
    return 2;
  } finally {
    progress('');
  }
  let result: ReturnType<typeof ingressReport>;
  try {
    result = ingressReport(manifests, o.target!, o.mode!, o.migrate);
  } catch (e) {
    if (e instanceof IngressUsage) {
      io.stderr(`warden ingress: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const text = o.format === 'json' ? JSON.stringify(result.report, null, 2) + '\n' : formatIngressReport(result.report);
  if (o.output !== undefined) {
    if (o.output === '-') {
      io.stdout(result.output);
      io.stderr(text);
    } else {
      try {
        const full = resolve(cwd, o.output);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, result.output);
      } catch (e) {
        io.stderr(`warden ingress: cannot write ${o.output}: ${(e as Error).message}\n`);
        return 2;
      }
      io.stdout(text);
    }
  } else io.stdout(text);
  return result.report.summary.errors > 0 || result.report.summary.blocked > 0 ? 1 : 0;
}
