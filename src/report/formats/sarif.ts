// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, …). Each finding of result
// fail/error/warn/info becomes a result located at the chart template it came from;
// pass and skip are not alerts and are left out.

import type { Finding } from '../finding';
import type { Summary } from '../text';
import { findingCategory, findingSeverity, fingerprint, objectId, templatePath, type ReportContext, type Severity } from './context';
import { ruleInfo } from './rules';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note' | 'none';

function level(f: Finding): Level {
  if (f.result === 'fail' || f.result === 'error') return 'error';
  if (f.result === 'warn') return 'warning';
  return 'none';
}

/** GitHub's `security-severity` scale (0–10) for a policy severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function reported(f: Finding): boolean {
  return f.result !== 'pass' && f.result !== 'skip';
}

/** The same finding on the same object fingerprints alike across runs, whatever its message or line. */
export function findingFingerprint(f: Finding): string {
  const d = f.document;
  const who = d && (d.kind !== undefined || d.name !== undefined)
    ? [d.apiVersion ?? '', d.kind ?? '', d.namespace ?? '', d.name ?? ''].join('|')
    : d
      ? // No identity: the template names it; only without one does its position have to.
        `document|${d.source ?? `#${d.index}`}`
      : 'stream';
  return fingerprint([f.rule, who, f.path ?? ''].join('\u0000'));
}

function location(f: Finding, ctx: ReportContext): Record<string, unknown>[] {
  const d = f.document;
  const out: Record<string, unknown> = {};
  const file = templatePath(f, ctx);
  if (file !== undefined) {
    // The rendered output does not tell the template's line; the caller may (else: its start).
    const line = ctx.templateLine?.(f);
    out.physicalLocation = { artifactLocation: { uri: encodeUri(file) }, region: { startLine: line !== undefined && line > 0 ? line : 1 } };
  } else if (d && ctx.manifestsFile !== undefined) {
    out.physicalLocation = { artifactLocation: { uri: encodeUri(ctx.manifestsFile) }, region: { startLine: d.line } };
  }
  if (d && (d.kind !== undefined || d.name !== undefined)) {
    const logical: Record<string, unknown> = {
      name: d.name ?? '?',
      fullyQualifiedName: objectId(f),
      kind: 'object',
    };
    out.logicalLocations = [
      logical,
      ...(d.namespace !== undefined ? [{ name: d.namespace, kind: 'namespace' }] : []),
      ...(d.kind !== undefined ? [{ name: d.kind, kind: 'type' }] : []),
    ];
  }
  return Object.keys(out).length === 0 ? [] : [out];
}

/** Percent-encodes what a relative URI reference may not hold as is (spaces, `#`, `?`, `%`). */
function encodeUri(path: string): string {
  if (path.startsWith('/')) return 'file://' + encodeUri(path.slice(1)).replace(/^/, '/');
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

export function renderSarif(findings: readonly Finding[], _summary: Summary, ctx: ReportContext): string {
  const shown = findings.filter(reported);
  const ruleIds: string[] = [];
  const byId = new Map<string, Finding>();
  for (const f of shown) {
    if (!byId.has(f.rule)) {
      byId.set(f.rule, f);
      ruleIds.push(f.rule);
    }
  }
  ruleIds.sort();
  const ruleIndex = new Map<string, number>();
  const rules = ruleIds.map((id, i) => {
    ruleIndex.set(id, i);
    const f = byId.get(id) as Finding;
    const info = ruleInfo(id, f.check);
    const severity = findingSeverity(f);
    const category = findingCategory(f);
    const tags = [f.check, category ?? info.category];
    const props: Record<string, unknown> = { tags, category: category ?? info.category };
    if (severity !== undefined) {
      props.severity = severity;
      props['security-severity'] = SECURITY_SEVERITY[severity];
    }
    const full = f.check === 'policy' ? `${info.help} ${f.message}` : info.help;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: info.title },
      fullDescription: { text: full },
      help: {
        text: full + (f.fix ? ` Fix: ${f.fix}` : ''),
        markdown: `**${info.title}**\n\n${info.help}` + (f.check === 'policy' ? `\n\n${f.message}` : '') + (f.fix ? `\n\nFix: ${f.fix}` : ''),
      },
      defaultConfiguration: { level: level(f) },
      properties: props,
    };
  });

  const results = shown.map((f) => {
    const text = `${objectId(f)}: ${f.message}` + (f.path ? ` (at ${f.path})` : '') + (f.fix ? ` Fix: ${f.fix}` : '');
    const r: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule),
      level: level(f),
      kind: 'fail',
      message: { text },
      locations: location(f, ctx),
      partialFingerprints: { 'wardenFinding/v1': findingFingerprint(f) },
      properties: {
        check: f.check,
        result: f.result,
        enforce: f.enforce,
        ...(f.document?.source !== undefined ? { template: f.document.source } : {}),
        ...(f.path !== undefined ? { path: f.path } : {}),
      },
    };
    if (f.result === 'info') r.kind = 'informational';
    return r;
  });

  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (ctx.timestamp !== undefined) invocation.endTimeUtc = ctx.timestamp;
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: ctx.tool.name,
        semanticVersion: ctx.tool.version,
        version: ctx.tool.version,
        ...(ctx.tool.informationUri ? { informationUri: ctx.tool.informationUri } : {}),
        rules,
      },
    },
    invocations: [invocation],
    results,
    columnKind: 'utf16CodeUnits',
    properties: {
      target: ctx.target,
      mode: ctx.mode,
      ...(ctx.release !== undefined ? { release: ctx.release } : {}),
      ...(ctx.namespace !== undefined ? { namespace: ctx.namespace } : {}),
    },
  };
  if (ctx.chartRoot !== undefined) {
    run.automationDetails = { id: `warden/${ctx.chartRoot}/` };
  }
  return JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }, null, 2) + '\n';
}
