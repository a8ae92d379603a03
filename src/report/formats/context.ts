// What every report format needs besides the findings: which tool, what was checked,
// and how. Pure data (no Node built-ins): the renderers also run inside plugin.wasm.

import { isBlocking, type Finding } from '../finding';

export interface ReportContext {
  tool: { name: string; version: string; informationUri?: string };
  /** What was checked, as the user named it: a chart directory, a file, or `-`. */
  target: string;
  /** `chart` when a chart was rendered with `helm template`, `manifests` when rendered YAML was read. */
  targetKind: 'chart' | 'manifests';
  /**
   * Where the chart lives, relative to the directory SARIF URIs are resolved against
   * (the repository root in CI), POSIX separators, e.g. `charts/webapp`. A `# Source:`
   * path `webapp/templates/x.yaml` then becomes `charts/webapp/templates/x.yaml`.
   */
  chartRoot?: string;
  /** The rendered manifests file (relative like chartRoot), when manifests were read from a file. */
  manifestsFile?: string;
  release?: string;
  namespace?: string;
  mode: 'audit' | 'enforce';
  /**
   * What fails CI (exit code 1): `blocking` only findings that block the render (the default),
   * `error` every fail/error, `warning` warnings too. Reports mark fail/error as failures in
   * every case, and warnings too with `warning`.
   */
  failOn: 'blocking' | 'error' | 'warning';
  /** RFC 3339 time of the run. Left out (reports stay byte-identical across runs) when not given. */
  timestamp?: string;
  /** What produced the report (policy reports' `process` property); default `warden check`. */
  process?: string;
  /** Colour the text report with ANSI escapes. */
  color?: boolean;
  /**
   * The line of the finding's object in its chart template, when the caller can tell
   * (the CLI reads the template; the renderers do no I/O).
   */
  templateLine?: (f: Finding) => number | undefined;
}

export function defaultContext(over: Partial<ReportContext> = {}): ReportContext {
  return {
    tool: { name: 'warden', version: '0.0.0-dev' },
    target: '-',
    targetKind: 'manifests',
    mode: 'audit',
    failOn: 'blocking',
    ...over,
  };
}

/** Optional fields another part of warden may add to findings; read defensively. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export function findingSeverity(f: Finding): Severity | undefined {
  const s = (f as { severity?: unknown }).severity;
  return s === 'critical' || s === 'high' || s === 'medium' || s === 'low' || s === 'info' ? s : undefined;
}

export function findingCategory(f: Finding): string | undefined {
  const c = (f as { category?: unknown }).category;
  return typeof c === 'string' && c !== '' ? c : undefined;
}

/** `policy/rule` → { policy, rule }; the policy part may itself hold `ns/name`. */
export function splitRule(id: string): { policy: string; rule: string } {
  const i = id.lastIndexOf('/');
  if (i < 0) return { policy: id, rule: id };
  return { policy: id.slice(0, i), rule: id.slice(i + 1) };
}

/** Is this finding a failure in reports (a JUnit failure)? fail/error always; warn with failOn=warning. */
export function isFailure(f: Finding, ctx: Pick<ReportContext, 'failOn'>): boolean {
  if (f.result === 'error') return true;
  if (f.result === 'fail') return true;
  return ctx.failOn === 'warning' && f.result === 'warn';
}

/** The chart file a finding came from, as a path relative to the SARIF root, if known. */
export function templatePath(f: Finding, ctx: ReportContext): string | undefined {
  const src = f.document?.source;
  if (src === undefined || src === '') return undefined;
  if (ctx.chartRoot === undefined) return src;
  // `# Source:` paths start with the chart's name: swap it for where the chart lives.
  const slash = src.indexOf('/');
  const rest = slash < 0 ? src : src.slice(slash + 1);
  const root = ctx.chartRoot === '.' || ctx.chartRoot === '' ? '' : ctx.chartRoot.replace(/\/+$/, '') + '/';
  return root + rest;
}

/** Object identity as a short string: `Kind namespace/name`, `Kind name`, or a document position. */
export function objectId(f: Finding): string {
  const d = f.document;
  if (!d) return 'stream';
  if (d.kind === undefined && d.name === undefined) return `document ${d.index + 1}`;
  return `${d.kind ?? 'document'} ${d.namespace ? d.namespace + '/' : ''}${d.name ?? '?'}`;
}

/** 64-bit FNV-1a as 16 hex digits: stable fingerprints without Node's crypto. */
export function fingerprint(text: string): string {
  let h1 = 0x84222325;
  let h0 = 0xcbf29ce4;
  // FNV-1a 64 over UTF-16 code units, in two 32-bit halves (prime 0x100000001b3).
  for (let i = 0; i < text.length; i++) {
    h1 = (h1 ^ text.charCodeAt(i)) >>> 0;
    // (h0:h1) * 0x1b3 + ((h1 << 8) into h0)
    const lo = h1 * 0x1b3;
    const hi = h0 * 0x1b3 + (h1 << 8) + Math.floor(lo / 0x100000000);
    h1 = lo >>> 0;
    h0 = hi >>> 0;
  }
  return (h0 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The exit code of `warden check`: 1 when something fails CI under `failOn`, else 0. */
export function exitCodeFor(findings: readonly Finding[], ctx: Pick<ReportContext, 'failOn'>): 0 | 1 {
  for (const f of findings) {
    if (isBlocking(f)) return 1;
    if (ctx.failOn !== 'blocking' && isFailure(f, ctx)) return 1;
  }
  return 0;
}
