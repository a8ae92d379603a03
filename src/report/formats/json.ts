// The JSON report: warden-report.schema.json beside this file documents it. The shape
// is versioned by `reportVersion`; fields are only ever added within a version.

import type { Finding } from '../finding';
import { isBlocking } from '../finding';
import type { Summary } from '../text';
import { exitCodeFor, findingCategory, findingSeverity, isFailure, objectId, templatePath, type ReportContext } from './context';

export const JSON_REPORT_VERSION = 'warden.report/v1';

function findingJson(f: Finding, ctx: ReportContext): Record<string, unknown> {
  const out: Record<string, unknown> = {
    check: f.check,
    rule: f.rule,
    result: f.result,
    enforce: f.enforce,
    blocking: isBlocking(f),
    failure: isFailure(f, ctx),
    message: f.message,
  };
  const severity = findingSeverity(f);
  if (severity !== undefined) out.severity = severity;
  const category = findingCategory(f);
  if (category !== undefined) out.category = category;
  if (f.path !== undefined) out.path = f.path;
  if (f.fix !== undefined) out.fix = f.fix;
  out.object = objectId(f);
  if (f.document) {
    const d = f.document;
    const doc: Record<string, unknown> = { index: d.index, line: d.line };
    if (d.apiVersion !== undefined) doc.apiVersion = d.apiVersion;
    if (d.kind !== undefined) doc.kind = d.kind;
    if (d.name !== undefined) doc.name = d.name;
    if (d.namespace !== undefined) doc.namespace = d.namespace;
    if (d.source !== undefined) doc.source = d.source;
    out.document = doc;
    const file = templatePath(f, ctx);
    if (file !== undefined) out.file = file;
  }
  return out;
}

export function renderJson(findings: readonly Finding[], summary: Summary, ctx: ReportContext): string {
  const target: Record<string, unknown> = { kind: ctx.targetKind, name: ctx.target };
  if (ctx.chartRoot !== undefined) target.chartRoot = ctx.chartRoot;
  if (ctx.release !== undefined) target.release = ctx.release;
  if (ctx.namespace !== undefined) target.namespace = ctx.namespace;
  const report: Record<string, unknown> = {
    reportVersion: JSON_REPORT_VERSION,
    tool: { name: ctx.tool.name, version: ctx.tool.version },
    target,
    mode: ctx.mode,
    failOn: ctx.failOn,
    exitCode: exitCodeFor(findings, ctx),
  };
  if (ctx.timestamp !== undefined) report.timestamp = ctx.timestamp;
  report.summary = {
    documents: summary.documents,
    objects: summary.objects,
    changed: summary.changed,
    added: summary.added,
    removed: summary.removed,
    fail: summary.fail,
    warn: summary.warn,
    error: summary.error,
    skip: summary.skip,
    info: summary.info,
    blocking: summary.blocking,
    failures: findings.filter((f) => isFailure(f, ctx)).length,
  };
  report.findings = findings.map((f) => findingJson(f, ctx));
  return JSON.stringify(report, null, 2) + '\n';
}
