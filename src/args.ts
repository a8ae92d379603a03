// Options of one warden run, parsed from Helm's `--post-renderer-args` (the
// `extraArgs` of the plugin input) or from the CLI. Options are data: the core
// reads this object and nothing else.

import { parseSnapshot, SnapshotError, type OwnershipSnapshot } from './checks/ownership/snapshot';
import { DEFAULT_PACKS, isPackName, PACK_NAMES, type PackName } from './packs/names';
import { checkUniqueNames, parsePolicyArg, PolicyInputError, type DeliveredPolicy } from './checks/policy/delivery';

export type Mode = 'audit' | 'enforce';
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'policyreport', 'policyreport:wgpolicy'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface WardenOptions {
  mode: Mode;
  /**
   * `--mode` was given (or set in .warden.yaml). Then it decides for every policy. Without it,
   * nothing is enforced except what a policy itself says: a rule whose failure action is
   * Enforce (ValidatingPolicy: validationActions with Deny) blocks, as Kyverno's admission would.
   */
  modeGiven: boolean;
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
  /** Base URL of a loopback `kubectl proxy` the plugin reads live metadata from (`--kube-proxy`). */
  kubeProxy?: string;
  /** Helm runs with --force-conflicts: its server-side apply overwrites other managers' fields. */
  forceConflicts?: boolean;
  /** Helm's --server-side (install: true|false, default true; upgrade: true|false|auto, default auto). */
  serverSide?: 'true' | 'false' | 'auto';
  /** Built-in policy packs the policy check runs ([] = none). */
  packs: PackName[];
  /** User policies from --policy / --policy-b64, checked and loaded (in argument order). */
  policies: DeliveredPolicy[];
  /** Keep policy documents the chart renders in the output (by default they are used and removed). */
  keepPolicies: boolean;
  /** Apply the changes of mutating policies to the output (false: --no-mutate, report them only). */
  mutate: boolean;
  /** Annotate offending objects with their findings (warden.helm.sh/findings). */
  auditAnnotations: boolean;
  /** Add the report to the release as an object: an openreports.io Report or a ConfigMap. */
  reportObject?: 'policyreport' | 'configmap';
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
  /** Gateway API: also emit experimental-channel fields (retry, sessionPersistence, ExternalAuth). */
  gatewayExperimental?: boolean;
  /** Traefik: Ingress + Middlewares (default) or IngressRoute objects. */
  ingressTraefik?: 'middlewares' | 'ingressroute';
  /** Traefik/HAProxy: ingressClassName of rewritten Ingresses (default: traefik / haproxy). */
  ingressNewClass?: string;
}

export const INGRESS_TARGETS = ['gateway-api', 'traefik', 'haproxy', 'openshift'] as const;
export type IngressTarget = (typeof INGRESS_TARGETS)[number];
export type IngressMode = 'report' | 'rewrite' | 'both';

export class UsageError extends Error {}

export const USAGE = `warden options (pass each with --post-renderer-args=OPTION):
  --mode=audit|enforce     audit reports findings; enforce fails the render on violations (default: audit,
                           except rules whose own failure action is Enforce, which block as in Kyverno)
  --release=NAME           Helm release name (for ownership checks)
  --namespace=NS           Helm release namespace (default: default)
  --checks=LIST            comma-separated checks to run: policy,ownership,ingress (default: all)
  --skip=LIST              checks to leave out
  --report-file=PATH       warden-exec: also write the report to PATH
  --report-format=F        format of the report text: text (default), json, sarif, junit, policyreport
                           (openreports.io/v1alpha1) or policyreport:wgpolicy (wgpolicyk8s.io/v1alpha2)
  --snapshot=SNAPSHOT      live ownership metadata of the rendered objects ("ws1.<base64url JSON>" or the JSON);
                           without it the cluster-dependent ownership checks are skipped
  --kube-proxy=URL         read that live metadata over HTTP from a "kubectl proxy" (e.g. http://127.0.0.1:8001);
                           needs allowedHosts in plugin.yaml (see docs/ownership.md)
  --packs=LIST             built-in policy packs: pod-security-baseline, pod-security-restricted,
                           best-practices, or none
                           (default: pod-security-baseline,best-practices)
  --allowed-registries=LIST  registries images may come from (e.g. ghcr.io/acme,registry.example.com;
                           wildcards allowed); empty (default) = not checked
  --exclude-rules=LIST     policies (NAME) or rules (POLICY/RULE) to leave out
  --policy=YAML            a Kyverno policy (ClusterPolicy/Policy, multi-document YAML allowed), repeatable
  --policy-b64=BASE64      the same, base64-encoded (one argument is limited to 128 KiB by the OS)
  --keep-policies          keep Kyverno policies the chart renders in the output (default: warden runs
                           them and removes them, each reported)
  --no-mutate              report what mutating policies (mutate rules, MutatingPolicy) would change
                           without changing the output; validation then sees the unchanged objects
  --audit-annotations      annotate offending objects with their findings (warden.helm.sh/findings)
  --report-object=KIND     add the report to the release: policyreport (an openreports.io/v1alpha1
                           Report, needs its CRD) or configmap (ConfigMap warden-report-RELEASE);
                           needs --release
  --ingress-target=T       ingress-nginx migration target: gateway-api (default), traefik, haproxy, openshift
  --ingress-mode=M         report (default: findings only), rewrite (replace Ingresses), both (add, keep Ingresses)
  --ingress-class=NAME     the ingress class migrated away from (default: nginx)
  --gateway=NAME           Gateway API: the Gateway generated routes attach to (default: the class name)
  --gateway-experimental   Gateway API: also use experimental-channel fields (retries, session persistence, external auth)
  --ingress-traefik=middlewares|ingressroute  Traefik output: Ingress + Middlewares (default) or IngressRoute
  --ingress-new-class=NAME ingressClassName of rewritten Ingresses (traefik: traefik, haproxy: haproxy)
  --take-ownership         Helm runs with --take-ownership: report adoptions instead of conflicts
  --upgrade                the operation is "helm upgrade" of an existing release
  --force-conflicts        Helm runs with --force-conflicts: report overwritten fields instead of apply conflicts
  --server-side=true|false|auto  Helm's --server-side, when not its default (apply conflicts exist only server-side)
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
export const VALUED_OPTIONS: ReadonlySet<string> = new Set(['mode', 'release', 'namespace', 'checks', 'skip', 'report-file', 'report-format', 'snapshot', 'kube-proxy', 'packs', 'allowed-registries', 'exclude-rules', 'policy', 'policy-b64', 'report-object', 'ingress-target', 'ingress-mode', 'ingress-class', 'gateway', 'ingress-traefik', 'ingress-new-class', 'server-side']);
const FLAGS = new Set(['quiet', 'help', 'take-ownership', 'force-conflicts', 'upgrade', 'report-only', 'keep-policies', 'no-mutate', 'audit-annotations', 'gateway-experimental']);

export function defaultOptions(): WardenOptions {
  return {
    mode: 'audit',
    modeGiven: false,
    checks: { policy: true, ownership: true, ingress: true },
    reportFormat: 'text',
    quiet: false,
    reportOnly: false,
    takeOwnership: false,
    upgrade: false,
    packs: DEFAULT_PACKS.slice(),
    policies: [],
    keepPolicies: false,
    mutate: true,
    auditAnnotations: false,
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
      else if (key === 'force-conflicts') o.forceConflicts = on;
      else if (key === 'upgrade') o.upgrade = on;
      else if (key === 'report-only') o.reportOnly = on;
      else if (key === 'keep-policies') o.keepPolicies = on;
      else if (key === 'no-mutate') o.mutate = !on;
      else if (key === 'audit-annotations') o.auditAnnotations = on;
      else if (key === 'gateway-experimental') o.gatewayExperimental = on;
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
        o.modeGiven = true;
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
        if (!(REPORT_FORMATS as readonly string[]).includes(value)) {
          throw new UsageError(`--report-format must be one of ${REPORT_FORMATS.join(', ')} (got "${value}")`);
        }
        o.reportFormat = value as ReportFormat;
        break;
      case 'policy':
      case 'policy-b64':
        try {
          o.policies.push(...parsePolicyArg(key, value, i + 1));
          checkUniqueNames(o.policies);
        } catch (e) {
          if (e instanceof PolicyInputError) throw new UsageError(e.message);
          throw e;
        }
        break;
      case 'report-object':
        if (value !== 'policyreport' && value !== 'configmap') {
          throw new UsageError(`--report-object must be policyreport or configmap (got "${value}")`);
        }
        o.reportObject = value;
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
      case 'ingress-traefik':
        if (value !== 'middlewares' && value !== 'ingressroute') throw new UsageError(`--ingress-traefik must be middlewares or ingressroute (got "${value}")`);
        o.ingressTraefik = value;
        break;
      case 'ingress-new-class':
        if (value === '') throw new UsageError('--ingress-new-class needs a name');
        o.ingressNewClass = value;
        break;
      case 'server-side':
        if (value !== 'true' && value !== 'false' && value !== 'auto') throw new UsageError(`--server-side must be true, false or auto (got "${value}")`);
        o.serverSide = value;
        break;
      case 'kube-proxy': {
        const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/.exec(value);
        if (!m) throw new UsageError(`--kube-proxy must be an http:// URL of a kubectl proxy, like http://127.0.0.1:8001 (got "${value}")`);
        o.kubeProxy = value.replace(/\/+$/, '');
        break;
      }
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
  if (o.reportObject !== undefined && o.release === undefined) {
    throw new UsageError(`--report-object=${o.reportObject} needs --release=NAME: the object is named after the release`);
  }
  return o;
}
