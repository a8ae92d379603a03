// Options of one warden run, parsed from Helm's `--post-renderer-args` (the
// `extraArgs` of the plugin input) or from the CLI. Options are data: the core
// reads this object and nothing else.

import { parseSnapshot, SnapshotError, type OwnershipSnapshot } from './checks/ownership/snapshot';
import { DEFAULT_PACKS, isPackName, PACK_NAMES, type PackName } from './packs/names';

export type Mode = 'audit' | 'enforce';
export type ReportFormat = 'text' | 'json';

export interface WardenOptions {
  mode: Mode;
  release?: string;
  namespace?: string;
  /** Checks to run; all by default. */
  checks: { policy: boolean; ownership: boolean; ingress: boolean };
  /** Where `warden-exec` writes its report (the plugin itself does no I/O). */
  reportFile?: string;
  reportFormat: ReportFormat;
  /** Show only failures in the report. */
  quiet: boolean;
  /**
   * Never fail the render: return the manifests with the full report, its exitCode saying
   * whether findings block. For tools that want every finding (the CLI's `check`), not Helm.
   */
  reportOnly: boolean;
  /** Helm runs with --take-ownership: existing objects are adopted instead of checked. */
  takeOwnership: boolean;
  /** The operation is an upgrade of an existing release (only objects new to it are checked). */
  upgrade: boolean;
  /** Live ownership metadata of the rendered objects (`--snapshot`), validated. */
  snapshot?: OwnershipSnapshot;
  /** Built-in policy packs the policy check runs ([] = none). */
  packs: PackName[];
  /** Registries (or image prefixes, wildcards allowed) images may come from; [] = not checked. */
  allowedRegistries: string[];
  /** Policies (`name`) or rules (`policy/rule`) to leave out. */
  excludeRules: string[];
  /** The controller Ingresses are migrated to (the ingress check). */
  ingressTarget: IngressTarget;
  /** report: findings only; rewrite: replace the Ingresses; both: add the new objects, keep the Ingresses. */
  ingressMode: IngressMode;
  /** The ingress class migrated away from. */
  ingressClass: string;
  /** Gateway API: the Gateway the generated routes attach to (default: the ingress class name). */
  gateway?: string;
}

export const INGRESS_TARGETS = ['gateway-api', 'traefik', 'haproxy', 'openshift'] as const;
export type IngressTarget = (typeof INGRESS_TARGETS)[number];
export type IngressMode = 'report' | 'rewrite' | 'both';

export class UsageError extends Error {}

export const USAGE = `warden options (pass each with --post-renderer-args=OPTION):
  --mode=audit|enforce     audit (default) reports findings; enforce fails the render on violations
  --release=NAME           Helm release name (for ownership checks)
  --namespace=NS           Helm release namespace (default: default)
  --checks=LIST            comma-separated checks to run: policy,ownership,ingress (default: all)
  --skip=LIST              checks to leave out
  --report-file=PATH       warden-exec: also write the report to PATH
  --report-format=text|json  format of the report text (default: text)
  --snapshot=SNAPSHOT      live ownership metadata of the rendered objects ("ws1.<base64url JSON>" or the JSON);
                           without it the cluster-dependent ownership checks are skipped
  --packs=LIST             built-in policy packs: pod-security-baseline, pod-security-restricted,
                           best-practices, or none
                           (default: pod-security-baseline,best-practices)
  --allowed-registries=LIST  registries images may come from (e.g. ghcr.io/acme,registry.example.com;
                           wildcards allowed); empty (default) = not checked
  --exclude-rules=LIST     policies (NAME) or rules (POLICY/RULE) to leave out
  --ingress-target=T       ingress-nginx migration target: gateway-api (default), traefik, haproxy, openshift
  --ingress-mode=M         report (default: findings only), rewrite (replace Ingresses), both (add, keep Ingresses)
  --ingress-class=NAME     the ingress class migrated away from (default: nginx)
  --gateway=NAME           Gateway API: the Gateway generated routes attach to (default: the class name)
  --take-ownership         Helm runs with --take-ownership: report adoptions instead of conflicts
  --upgrade                the operation is "helm upgrade" of an existing release
  --quiet                  report failures only
  --report-only            never fail the render; the report's exitCode says whether findings block (for CI tools)
  --help                   show this text (as the plugin's error, since Helm shows nothing else)`;

const CHECK_NAMES = ['policy', 'ownership', 'ingress'] as const;

function parseCheckList(flag: string, v: string): Set<string> {
  const out = new Set<string>();
  for (const raw of v.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(CHECK_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`${flag}: unknown check "${name}" (known: ${CHECK_NAMES.join(', ')})`);
    }
    out.add(name);
  }
  return out;
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parsePackList(v: string): PackName[] {
  const names = splitList(v);
  if (names.length === 1 && names[0] === 'none') return [];
  const out: PackName[] = [];
  for (const name of names) {
    if (!isPackName(name)) throw new UsageError(`--packs: unknown pack "${name}" (known: ${PACK_NAMES.join(', ')}, or none)`);
    if (out.indexOf(name) < 0) out.push(name);
  }
  return out;
}

/** Options taking a value; `--key=value` or `--key value`. */
export const VALUED_OPTIONS: ReadonlySet<string> = new Set(['mode', 'release', 'namespace', 'checks', 'skip', 'report-file', 'report-format', 'snapshot', 'packs', 'allowed-registries', 'exclude-rules', 'ingress-target', 'ingress-mode', 'ingress-class', 'gateway']);
const FLAGS = new Set(['quiet', 'help', 'take-ownership', 'upgrade', 'report-only']);

export function defaultOptions(): WardenOptions {
  return {
    mode: 'audit',
    checks: { policy: true, ownership: true, ingress: true },
    reportFormat: 'text',
    quiet: false,
    reportOnly: false,
    takeOwnership: false,
    upgrade: false,
    packs: DEFAULT_PACKS.slice(),
    allowedRegistries: [],
    excludeRules: [],
    ingressTarget: 'gateway-api',
    ingressMode: 'report',
    ingressClass: 'nginx',
  };
}

/** Parses args; throws UsageError with a message naming the bad argument. */
export function parseArgs(args: readonly string[]): WardenOptions & { help: boolean } {
  const o = { ...defaultOptions(), help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') throw new UsageError(`argument ${i + 1} is not a string`);
    if (arg.trim() === '') continue;
    if (!arg.startsWith('--')) {
      throw new UsageError(`unexpected argument "${arg}": options look like --mode=enforce`);
    }
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (FLAGS.has(key)) {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new UsageError(`--${key} takes no value (got "${value}")`);
      }
      const on = value !== 'false';
      if (key === 'quiet') o.quiet = on;
      else if (key === 'take-ownership') o.takeOwnership = on;
      else if (key === 'upgrade') o.upgrade = on;
      else if (key === 'report-only') o.reportOnly = on;
      else o.help = on;
      continue;
    }
    if (!VALUED_OPTIONS.has(key)) {
      throw new UsageError(`unknown option "--${key}"\n${USAGE}`);
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
    }
    switch (key) {
      case 'mode':
        if (value !== 'audit' && value !== 'enforce') {
          throw new UsageError(`--mode must be audit or enforce (got "${value}")`);
        }
        o.mode = value;
        break;
      case 'release':
        if (value === '') throw new UsageError('--release needs a name');
        o.release = value;
        break;
      case 'namespace':
        if (value === '') throw new UsageError('--namespace needs a name');
        o.namespace = value;
        break;
      case 'checks': {
        const on = parseCheckList('--checks', value);
        o.checks = { policy: on.has('policy'), ownership: on.has('ownership'), ingress: on.has('ingress') };
        break;
      }
      case 'skip':
        for (const name of parseCheckList('--skip', value)) o.checks[name as keyof WardenOptions['checks']] = false;
        break;
      case 'report-file':
        if (value === '') throw new UsageError('--report-file needs a path');
        o.reportFile = value;
        break;
      case 'report-format':
        if (value !== 'text' && value !== 'json') {
          throw new UsageError(`--report-format must be text or json (got "${value}")`);
        }
        o.reportFormat = value;
        break;
      case 'packs':
        o.packs = parsePackList(value);
        break;
      case 'allowed-registries':
        o.allowedRegistries = splitList(value);
        break;
      case 'exclude-rules':
        o.excludeRules = splitList(value);
        break;
      case 'ingress-target':
        if (!(INGRESS_TARGETS as readonly string[]).includes(value)) {
          throw new UsageError(`--ingress-target must be one of ${INGRESS_TARGETS.join(', ')} (got "${value}")`);
        }
        o.ingressTarget = value as IngressTarget;
        break;
      case 'ingress-mode':
        if (value !== 'report' && value !== 'rewrite' && value !== 'both') {
          throw new UsageError(`--ingress-mode must be report, rewrite or both (got "${value}")`);
        }
        o.ingressMode = value;
        break;
      case 'ingress-class':
        if (value === '') throw new UsageError('--ingress-class needs a name');
        o.ingressClass = value;
        break;
      case 'gateway':
        if (value === '') throw new UsageError('--gateway needs a name');
        o.gateway = value;
        break;
      case 'snapshot':
        try {
          o.snapshot = parseSnapshot(value);
        } catch (e) {
          if (e instanceof SnapshotError) throw new UsageError(`--snapshot: ${e.message}`);
          throw e;
        }
        break;
    }
  }
  return o;
}
