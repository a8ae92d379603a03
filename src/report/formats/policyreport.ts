// Policy reports in both formats in use, with the fields Kyverno fills
// (/work/shared/docs/kyverno-semantics.md §12):
//   openreports.io/v1alpha1 ClusterReport / Report — what Kyverno v1.19 `apply --policy-report` emits;
//   wgpolicyk8s.io/v1alpha2 ClusterPolicyReport / PolicyReport — the older API.
// Like Kyverno's CLI, results of cluster-wide rules (every built-in check, and ClusterPolicies)
// go into one cluster report named "merged"; results of a namespaced policy (`ns/name/rule`)
// go into a namespaced report in the policy's namespace. Several reports are wrapped in a v1 List.
// A result's subject carries a namespace only when the object is namespaced (cluster-scoped ones,
// e.g. ClusterRole, have none, as in Kyverno's reports); a namespaced policy cannot match them.

import { parseApiVersion } from '../../checks/ownership/keys';
import { builtinScope } from '../../checks/ownership/scope';
import { isClusterScoped } from '../../policy/kyverno-test/load';
import type { Finding } from '../finding';
import type { Summary } from '../text';
import { findingCategory, findingSeverity, splitRule, templatePath, type ReportContext } from './context';
import { ruleInfo } from './rules';

export type PolicyReportFlavour = 'openreports' | 'wgpolicy';

type ReportResult = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** warden result → report result. `info` (a note, nothing was violated) reports as pass. */
function reportResult(f: Finding): ReportResult {
  switch (f.result) {
    case 'fail':
      return 'fail';
    case 'warn':
      return 'warn';
    case 'error':
      return 'error';
    case 'skip':
      return 'skip';
    default:
      return 'pass';
  }
}

function timestamp(ctx: ReportContext): { seconds: number; nanos: number } | undefined {
  if (ctx.timestamp === undefined) return undefined;
  const ms = Date.parse(ctx.timestamp);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/**
 * Is the kind cluster-scoped? Kubernetes' built-in kinds by their group, else the kinds the
 * Kyverno CLI itself treats as cluster-scoped (CRDs such as ClusterPolicy, ClusterIssuer).
 */
function isClusterScopedKind(apiVersion: string | undefined, kind: string): boolean {
  const scope = builtinScope(parseApiVersion(apiVersion ?? '').group, kind);
  return scope !== undefined ? scope === 'Cluster' : isClusterScoped(kind);
}

/**
 * The object a result is about, as Kyverno writes it: a namespaced object in its namespace (the
 * release namespace when the manifest has none, where Helm installs it); a cluster-scoped one
 * without a namespace (the API server drops one written on it).
 */
function subject(f: Finding, ctx: ReportContext): Record<string, string>[] {
  const d = f.document;
  if (!d || (d.kind === undefined && d.name === undefined)) return [];
  const ref: Record<string, string> = {};
  if (d.apiVersion !== undefined) ref.apiVersion = d.apiVersion;
  if (d.kind !== undefined) ref.kind = d.kind;
  if (d.name !== undefined) ref.name = d.name;
  const ns = d.kind !== undefined && isClusterScopedKind(d.apiVersion, d.kind) ? undefined : (d.namespace ?? ctx.namespace);
  if (ns !== undefined && ns !== '') ref.namespace = ns;
  return [ref];
}

function result(f: Finding, ctx: ReportContext): Record<string, unknown> {
  const { policy, rule } = splitRule(f.rule);
  const r: Record<string, unknown> = { source: 'warden', policy, rule };
  const info = ruleInfo(f.rule, f.check);
  r.category = findingCategory(f) ?? info.category;
  const severity = findingSeverity(f);
  if (severity !== undefined) r.severity = severity;
  const ts = timestamp(ctx);
  if (ts !== undefined) r.timestamp = ts;
  r.result = reportResult(f);
  r.scored = true;
  // Both APIs spell the field `resources` in JSON (openreports.io's Go field is Subjects, its
  // JSON name is still "resources": reports-api v0.2.1 report_types.go), as Kyverno writes it.
  r.resources = subject(f, ctx);
  r.message = f.message;
  const props: Record<string, string> = { check: f.check, process: ctx.process ?? 'warden check', wardenResult: f.result };
  if (f.enforce) props.enforce = 'true';
  if (f.path !== undefined) props.path = f.path;
  if (f.fix !== undefined) props.fix = f.fix;
  const file = templatePath(f, ctx);
  if (file !== undefined) props.template = file;
  r.properties = props;
  return r;
}

function summaryOf(results: readonly Record<string, unknown>[]): Record<ReportResult, number> {
  const s: Record<ReportResult, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) s[r.result as ReportResult]++;
  return s;
}

function reportObject(
  flavour: PolicyReportFlavour,
  namespace: string | undefined,
  results: Record<string, unknown>[],
  ctx: ReportContext,
): Record<string, unknown> {
  const apiVersion = flavour === 'openreports' ? 'openreports.io/v1alpha1' : 'wgpolicyk8s.io/v1alpha2';
  const kind =
    flavour === 'openreports' ? (namespace === undefined ? 'ClusterReport' : 'Report') : namespace === undefined ? 'ClusterPolicyReport' : 'PolicyReport';
  const labels: Record<string, string> = { 'app.kubernetes.io/managed-by': 'warden' };
  if (ctx.release !== undefined) labels['warden.helm.sh/release'] = ctx.release;
  const metadata: Record<string, unknown> = { name: 'merged' };
  if (namespace !== undefined) metadata.namespace = namespace;
  metadata.labels = labels;
  const obj: Record<string, unknown> = { apiVersion, kind, metadata };
  if (flavour === 'openreports') obj.source = 'warden';
  obj.summary = summaryOf(results);
  obj.results = results;
  return obj;
}

/**
 * One namespaced openreports.io/v1alpha1 Report holding every finding of a render, for
 * adding to a Helm release (`--report-object=policyreport`). It carries no namespace: Helm
 * puts it into the release namespace. Named `warden-<release>`.
 */
export function releaseReportObject(findings: readonly Finding[], ctx: ReportContext, name: string): Record<string, unknown> {
  const results = findings.map((f) => result(f, ctx));
  const obj = reportObject('openreports', '', results, ctx);
  const metadata = obj.metadata as Record<string, unknown>;
  metadata.name = name;
  delete metadata.namespace;
  return obj;
}

export function renderPolicyReport(
  findings: readonly Finding[],
  _summary: Summary,
  ctx: ReportContext,
  flavour: PolicyReportFlavour = 'openreports',
): string {
  const cluster: Record<string, unknown>[] = [];
  const byNamespace = new Map<string, Record<string, unknown>[]>();
  for (const f of findings) {
    const r = result(f, ctx);
    const policy = r.policy as string;
    // A namespaced policy is named `ns/name` (its rule id `ns/name/rule`).
    const slash = f.check === 'policy' ? policy.indexOf('/') : -1;
    if (slash > 0) {
      const ns = policy.slice(0, slash);
      const list = byNamespace.get(ns) ?? [];
      list.push(r);
      byNamespace.set(ns, list);
    } else cluster.push(r);
  }
  const reports = [reportObject(flavour, undefined, cluster, ctx)];
  for (const ns of [...byNamespace.keys()].sort()) reports.push(reportObject(flavour, ns, byNamespace.get(ns) ?? [], ctx));
  const doc = reports.length === 1 ? reports[0] : { apiVersion: 'v1', kind: 'List', items: reports };
  return JSON.stringify(doc, null, 2) + '\n';
}
