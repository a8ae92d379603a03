// Getting findings to the user from inside Helm. Helm drops whatever a post-renderer logs,
// so audit findings (which do not fail the render) would vanish. Two opt-in channels put
// them into the release itself, where `kubectl` shows them:
//
//   --audit-annotations       every object with findings gets the annotation
//                             `warden.helm.sh/findings`: one line per finding
//                             (`fail policy/rule: message`), at most MAX_ANNOTATION_LINES.
//   --report-object=configmap ConfigMap `warden-report-<release>` with report.txt + report.json
//   --report-object=policyreport  openreports.io/v1alpha1 Report `warden-<release>` (needs the
//                             openreports.io CRDs in the cluster).
//
// The report formats (`--report-format`) for the report text warden-exec shows and writes
// are rendered here too. Pure: runs inside plugin.wasm.

import type { WardenOptions } from '../args';
import type { Patch } from '../checks/check';
import type { SourceDocument } from '../read/document';
import { isMap } from '../policy/operators/value';
import { WARDEN_VERSION } from '../version';
import type { Finding } from './finding';
import { renderReport, type ReportContext } from './formats';
import { releaseReportObject } from './formats/policyreport';
import { renderText, summarize, type Summary } from './text';

export const FINDINGS_ANNOTATION = 'warden.helm.sh/findings';
export const MAX_ANNOTATION_LINES = 20;
const MAX_MESSAGE = 300;
/** ConfigMaps are limited to 1 MiB; leave room for metadata. */
const MAX_CONFIGMAP_BYTES = 900 * 1024;

/** The report context of a plugin run (no chart directory is known inside Helm). */
export function pluginReportContext(options: WardenOptions): ReportContext {
  const ctx: ReportContext = {
    tool: { name: 'warden', version: WARDEN_VERSION },
    target: options.release ?? '-',
    targetKind: 'manifests',
    mode: options.mode,
    failOn: 'blocking',
    process: 'helm post-renderer',
  };
  if (options.release !== undefined) ctx.release = options.release;
  if (options.namespace !== undefined) ctx.namespace = options.namespace;
  return ctx;
}

/** The report text of a plugin run in the format `--report-format` asks for. */
export function pluginReport(findings: readonly Finding[], summary: Summary, options: WardenOptions): string {
  switch (options.reportFormat) {
    case 'json':
      // The plugin's own JSON (what `warden check` reads): summary + findings.
      return JSON.stringify({ summary, findings }, null, 2) + '\n';
    case 'text':
      return renderText(findings, summary, { quiet: options.quiet });
    default: {
      const shown = options.quiet ? findings.filter((f) => f.result === 'fail' || f.result === 'error') : findings;
      return renderReport(options.reportFormat, shown, summary, pluginReportContext(options));
    }
  }
}

function annotationLine(f: Finding): string {
  let msg = f.message.replace(/\s+/g, ' ').trim();
  if (msg.length > MAX_MESSAGE) msg = msg.slice(0, MAX_MESSAGE - 1) + '…';
  return `${f.result} ${f.rule}: ${msg}${f.path ? ` (${f.path})` : ''}`;
}

/** Findings worth an annotation: what went wrong or needs a look (not skips, notes or passes). */
function annotatable(f: Finding): boolean {
  return f.result === 'fail' || f.result === 'error' || f.result === 'warn';
}

/** The annotation text for one object's findings. */
export function annotationValue(findings: readonly Finding[]): string {
  const lines = findings.slice(0, MAX_ANNOTATION_LINES).map(annotationLine);
  if (findings.length > MAX_ANNOTATION_LINES) lines.push(`… and ${findings.length - MAX_ANNOTATION_LINES} more (see the warden report)`);
  return lines.join('\n');
}

/** `warden-report-<release>` cut to a valid object name. */
function objectName(prefix: string, release: string): string {
  const name = `${prefix}-${release}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return name.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

/**
 * Patches that carry the findings into the output (the opt-in channels above). `patches` are
 * the checks' patches: documents they remove or replace get no annotation.
 */
export function deliveryPatches(
  documents: readonly SourceDocument[],
  checkFindings: readonly Finding[],
  options: WardenOptions,
  patches: readonly Patch[],
): Patch[] {
  // The removals the checks asked for, noted as apply will note them (so the report object says
  // what left the output, e.g. policies the chart shipped).
  const findings: Finding[] = [...checkFindings];
  let removed = 0;
  for (const p of patches) {
    if (p.op !== 'remove') continue;
    removed++;
    const doc = documents[p.doc];
    findings.push({ check: 'read', rule: 'apply/removed', result: 'info', enforce: false, message: `removed from the output: ${p.reason}`, document: doc?.ref });
  }
  const out: Patch[] = [];
  if (options.auditAnnotations) {
    const untouchable = new Set<number>();
    for (const p of patches) if (p.op === 'remove' || p.op === 'replace') untouchable.add(p.doc);
    const byDoc = new Map<number, Finding[]>();
    for (const f of findings) {
      if (!f.document || !annotatable(f)) continue;
      const list = byDoc.get(f.document.index) ?? [];
      list.push(f);
      byDoc.set(f.document.index, list);
    }
    for (const index of [...byDoc.keys()].sort((a, b) => a - b)) {
      const doc = documents[index];
      if (!doc || doc.empty || untouchable.has(index)) continue;
      const parsed = doc.value();
      if ('error' in parsed || !isMap(parsed.value)) continue;
      const meta = parsed.value.metadata;
      const value = annotationValue(byDoc.get(index) ?? []);
      const reason = `warden findings annotated (${FINDINGS_ANNOTATION})`;
      if (isMap(meta) && isMap(meta.annotations)) out.push({ op: 'set', doc: index, path: ['metadata', 'annotations', FINDINGS_ANNOTATION], value, reason });
      else if (isMap(meta)) out.push({ op: 'set', doc: index, path: ['metadata', 'annotations'], value: { [FINDINGS_ANNOTATION]: value }, reason });
    }
  }
  if (options.reportObject !== undefined && options.release !== undefined) {
    const objects = documents.filter((d) => !d.empty).length;
    const summary = summarize(findings, { documents: documents.length, objects, changed: 0, added: 0, removed });
    const after = documents.length - 1;
    const ctx = pluginReportContext(options);
    if (options.reportObject === 'policyreport') {
      out.push({ op: 'insert', after, value: releaseReportObject(findings, ctx, objectName('warden', options.release)), reason: 'warden report (--report-object=policyreport)' });
    } else {
      let text = renderText(findings, summary, { quiet: false });
      let json = JSON.stringify({ summary, findings }, null, 2) + '\n';
      const data: Record<string, string> = {};
      if (text.length + json.length > MAX_CONFIGMAP_BYTES) json = '';
      if (text.length > MAX_CONFIGMAP_BYTES) text = text.slice(0, MAX_CONFIGMAP_BYTES) + '\n… (cut: the report is larger than a ConfigMap holds; run "warden check" for all of it)\n';
      data['report.txt'] = text;
      if (json !== '') data['report.json'] = json;
      out.push({
        op: 'insert',
        after,
        value: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: objectName('warden-report', options.release),
            labels: {
              'app.kubernetes.io/name': 'warden-report',
              'app.kubernetes.io/instance': options.release,
              'app.kubernetes.io/component': 'report',
            },
            annotations: {
              'warden.helm.sh/summary': `${summary.fail} fail, ${summary.error} error, ${summary.warn} warn, ${summary.skip} skip; ${summary.blocking} blocking (mode ${options.mode})`,
            },
          },
          data,
        },
        reason: 'warden report (--report-object=configmap)',
      });
    }
  }
  return out;
}
