// The pipeline: read → checks → apply → emit → report. Pure: strings in, strings out.
// The Extism entry, `warden-exec` (through the same Wasm) and the Node CLI are thin
// shells around `runWarden` and `handleHelmInput`.

import { applyPatches } from './apply/apply';
import { parseArgs, UsageError, USAGE, type WardenOptions } from './args';
import type { Check, Patch } from './checks/check';
import { allChecks } from './checks';
import { emitStream } from './emit/emit';
import { readStream, type SourceDocument } from './read/document';
import { isBlocking, type Finding } from './report/finding';
import { findingLine, objectLabel, summarize, type Summary } from './report/text';
import { deliveryPatches, pluginReport } from './report/channels';
import { PolicyInputError } from './checks/policy/delivery';

export interface WardenResult {
  manifests: string;
  findings: Finding[];
  summary: Summary;
  /** The human report (text or JSON, per options). */
  report: string;
  /** 1 when enforced findings block the render. */
  exitCode: 0 | 1;
}

/** Findings about the stream itself: documents Helm or Kubernetes could not use. */
function readFindings(documents: readonly SourceDocument[]): Finding[] {
  const out: Finding[] = [];
  for (const doc of documents) {
    if (doc.empty) continue;
    const h = doc.identity;
    if (h.kind !== undefined && h.apiVersion !== undefined) continue;
    const parsed = doc.value();
    if ('error' in parsed) {
      const at = parsed.error.line !== undefined ? ` at line ${parsed.error.line}, column ${parsed.error.column}` : '';
      out.push({
        check: 'read',
        rule: 'read/yaml-syntax',
        result: 'error',
        enforce: true,
        message:
          parsed.error.line === undefined
            ? `document ${doc.index + 1} (line ${doc.line}) could not be read: ${parsed.error.message}`
            : `document ${doc.index + 1} (line ${doc.line}) is not valid YAML${at}: ${parsed.error.message}`,
        document: doc.ref,
        fix: 'correct the template that renders it; Helm would reject this output too',
      });
      continue;
    }
    if (parsed.value === null || parsed.value === undefined) continue;
    const missing = [h.apiVersion === undefined ? 'apiVersion' : '', h.kind === undefined ? 'kind' : '']
      .filter(Boolean)
      .join(' and ');
    out.push({
      check: 'read',
      rule: 'read/not-a-kubernetes-object',
      result: 'warn',
      enforce: false,
      message: `document ${doc.index + 1} (line ${doc.line}) has no ${missing}; Kubernetes will not accept it`,
      document: doc.ref,
    });
  }
  return out;
}

export function runWarden(manifests: string, options: WardenOptions, checks: readonly Check[] = allChecks): WardenResult {
  const documents = readStream(manifests);
  const findings: Finding[] = readFindings(documents);
  const patches: Patch[] = [];
  for (const check of checks) {
    if (!options.checks[check.name]) continue;
    const r = check.run({ documents, options });
    findings.push(...r.findings);
    patches.push(...r.patches);
  }
  // Opt-in channels that carry findings into the release (--audit-annotations, --report-object).
  if (options.auditAnnotations || options.reportObject !== undefined) patches.push(...deliveryPatches(documents, findings, options, patches));
  const applied = applyPatches(documents, patches);
  findings.push(...applied.findings);
  const output = patches.length === 0 ? manifests : emitStream(applied.pieces);

  let changed = 0;
  let added = 0;
  for (const p of applied.pieces) {
    if (p.kind === 'changed') changed++;
    else if (p.kind === 'added') added++;
  }
  const objects = documents.filter((d) => !d.empty).length;
  const removed = documents.length - (applied.pieces.length - added);
  const summary = summarize(findings, { documents: documents.length, objects, changed, added, removed });
  const report = pluginReport(findings, summary, options);
  return { manifests: output, findings, summary, report, exitCode: summary.blocking > 0 ? 1 : 0 };
}

const MAX_ERROR_LINES = 25;

/** The short text Helm shows when enforced findings block the render. */
export function blockingMessage(findings: readonly Finding[], mode: string): string {
  const blocking = findings.filter(isBlocking);
  // Without --mode=enforce, policy findings block only because their policies say Enforce.
  const byPolicyAction = mode !== 'enforce' && blocking.length > 0 && blocking.every((f) => f.check === 'policy');
  const lines = [
    `warden: ${blocking.length} finding${blocking.length === 1 ? '' : 's'} block${blocking.length === 1 ? 's' : ''} this render (${byPolicyAction ? 'the policies\' failure action is Enforce' : `mode ${mode}`}):`,
  ];
  for (const f of blocking.slice(0, MAX_ERROR_LINES)) lines.push(`  ${objectLabel(f)}: ${findingLine(f)}`);
  if (blocking.length > MAX_ERROR_LINES) {
    // Ownership conflicts need the cluster: `warden ownership` reads it; everything else `warden check` shows.
    const command = blocking.every((f) => f.check === 'ownership') ? 'warden ownership' : 'warden check';
    lines.push(`  … and ${blocking.length - MAX_ERROR_LINES} more (run "${command}" for the full report)`);
  }
  lines.push(
    mode === 'enforce' || byPolicyAction
      ? 'Fix the chart, or pass --post-renderer-args=--mode=audit to report these without blocking.'
      : 'Fix the chart: Helm cannot apply this output.',
  );
  return lines.join('\n');
}

export const HELM_BUG_MESSAGE =
  'warden: this Helm sent the manifests as {} instead of text, so the Wasm post-renderer cannot see them. ' +
  'Every Helm 4 release up to v4.3.1 has this bug (helm/helm#31832: the post-renderer message declares manifests as *bytes.Buffer). ' +
  'Use the subprocess flavour, which runs the same warden on any Helm 4: install the warden-exec plugin and pass --post-renderer warden-exec.';

/** Handles one Helm post-renderer call: input JSON in, output JSON or an error text out. */
export function handleHelmInput(input: string): { output: string } | { error: string } {
  let msg: unknown;
  try {
    msg = JSON.parse(input);
  } catch (e) {
    return { error: `warden: the plugin input is not JSON (${(e as Error).message}); expected {"manifests": "...", "extraArgs": [...]}` };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return { error: 'warden: the plugin input is not a JSON object; expected {"manifests": "...", "extraArgs": [...]}' };
  }
  const { manifests, extraArgs } = msg as { manifests?: unknown; extraArgs?: unknown };
  if (manifests !== null && typeof manifests === 'object') return { error: HELM_BUG_MESSAGE };
  if (typeof manifests !== 'string') {
    return { error: `warden: the plugin input has no "manifests" text (got ${manifests === undefined ? 'nothing' : typeof manifests})` };
  }
  if (extraArgs !== undefined && extraArgs !== null && !Array.isArray(extraArgs)) {
    return { error: 'warden: "extraArgs" in the plugin input must be a list of strings' };
  }
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs((extraArgs ?? []) as string[]);
  } catch (e) {
    if (e instanceof UsageError) return { error: `warden: ${e.message}` };
    throw e;
  }
  if (options.help) return { error: USAGE };
  let result: WardenResult;
  try {
    result = runWarden(manifests, options);
  } catch (e) {
    // A policy the chart ships that cannot be used: an error naming it, whatever the mode.
    if (e instanceof PolicyInputError) return { error: `warden: ${e.message}` };
    throw e;
  }
  if (result.exitCode !== 0 && !options.reportOnly) return { error: blockingMessage(result.findings, options.mode) };
  const report = { text: result.report, exitCode: result.exitCode, summary: result.summary };
  // Unchanged manifests go back as the JSON string Helm sent: re-escaping a megabyte costs
  // QuickJS ~25 ms, finding the end of the token ~3 ms. Same decoded text either way.
  const raw = result.manifests === manifests ? manifestsToken(input) : undefined;
  if (raw !== undefined) return { output: `{"manifests":${raw},"report":${JSON.stringify(report)}}` };
  return { output: JSON.stringify({ manifests: result.manifests, report }) };
}

const MANIFESTS_PREFIX = '{"manifests":"';

/**
 * The `"manifests"` JSON string token exactly as it appears in the input, when the input
 * starts with it (Helm's and warden-exec's encoders write it first) and names it once;
 * otherwise undefined.
 */
export function manifestsToken(input: string): string | undefined {
  if (!input.startsWith(MANIFESTS_PREFIX)) return undefined;
  // The closing quote is the first `"` not preceded by an odd number of backslashes.
  let q = input.indexOf('"', MANIFESTS_PREFIX.length);
  while (q >= 0) {
    let backslashes = 0;
    while (input.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if ((backslashes & 1) === 0) break;
    q = input.indexOf('"', q + 1);
  }
  if (q < 0 || input.indexOf('"manifests"', q + 1) >= 0) return undefined; // a later duplicate key wins in JSON.parse
  return input.slice(MANIFESTS_PREFIX.length - 1, q + 1);
}
