// The entry point for the ingress check: rendered documents → findings + patches.
// Pure and deterministic; src/checks/ingress wires it to the options.
//
//   report   findings only, manifests unchanged
//   rewrite  translated Ingresses are removed and the target objects inserted in their place
//   both     target objects inserted next to the Ingresses, which stay (staged migration)
//
// An Ingress with an error-level notification (invalid value, access control that would
// be dropped, regex captures that cannot be substituted, …) is never rewritten: it stays,
// nothing is emitted from it (objects built from it are withheld), and the findings say why.
// Snippets are critical findings; in rewrite mode they disappear with the Ingress.

import type { Patch } from '../checks/check';
import type { SourceDocument } from '../read/document';
import type { DocumentRef, Finding, FindingResult } from '../report/finding';
import type { TargetId } from './annotations/types';
import type { IngressModel, Notification } from './model';
import { ingressLabel } from './model';
import { parseIngresses, type ParseOptions } from './parse';
import { emitGatewayApi, type GatewayApiOptions } from './targets/gateway-api';

export type IngressMode = 'report' | 'rewrite' | 'both';

export interface MigrateOptions extends ParseOptions, GatewayApiOptions {
  target: TargetId;
  mode: IngressMode;
}

export interface MigrateResult {
  findings: Finding[];
  patches: Patch[];
}

const RELEVANT_KINDS = ['Ingress', 'Service', 'Secret', 'ConfigMap'];

const RESULT: Record<Notification['severity'], FindingResult> = {
  critical: 'fail',
  error: 'fail',
  warning: 'warn',
  info: 'info',
};

/** Migrate the Ingresses among `documents` (a rendered stream) to `options.target`. */
export function migrateIngresses(documents: readonly SourceDocument[], options: MigrateOptions): MigrateResult {
  // Cheap identity scans first; only Ingresses and the objects they refer to are parsed.
  const docIndex: number[] = [];
  const objects: unknown[] = [];
  for (const d of documents) {
    if (d.empty) continue;
    const kind = d.identity.kind;
    if (kind === undefined || RELEVANT_KINDS.indexOf(kind) < 0) continue;
    const v = d.value();
    if (!('value' in v)) continue;
    docIndex.push(d.index);
    objects.push(v.value);
  }
  const byIndex = new Map<number, SourceDocument>();
  for (const d of documents) byIndex.set(d.index, d);
  const refOf = (objectIndex: number): DocumentRef | undefined => byIndex.get(docIndex[objectIndex])?.ref;
  return migrateObjects(objects, options, refOf, (i) => docIndex[i]);
}

/**
 * The same on plain objects: `refOf`/`docOf` map an object's position to its document
 * (tests and the CLI use identity mappings).
 */
export function migrateObjects(
  objects: readonly unknown[],
  options: MigrateOptions,
  refOf: (objectIndex: number) => DocumentRef | undefined = () => undefined,
  docOf: (objectIndex: number) => number = (i) => i,
): MigrateResult {
  const parsed = parseIngresses(objects, options);
  const findings: Finding[] = [];
  const toFinding = (n: Notification): Finding => {
    const f: Finding = {
      check: 'ingress',
      rule: `ingress/${n.code}`,
      result: RESULT[n.severity],
      enforce: n.severity === 'critical' || n.severity === 'error',
      message: n.message,
    };
    if (n.ingress !== undefined) {
      const ref = refOf(n.ingress.index);
      if (ref !== undefined) f.document = ref;
    }
    if (n.annotation !== undefined) f.path = `metadata.annotations["${n.annotation}"]`;
    return f;
  };

  if (options.target !== 'gateway-api') {
    for (const n of parsed.notifications) findings.push(toFinding(n));
    findings.push({
      check: 'ingress',
      rule: 'ingress/target-not-implemented',
      result: 'error',
      enforce: true,
      message: `ingress target "${options.target}" is not implemented yet; only gateway-api is`,
    });
    return { findings, patches: [] };
  }

  const result = emitGatewayApi(parsed, options);
  const notes = parsed.notifications.concat(result.notifications);
  for (const n of notes) findings.push(toFinding(n));
  if (options.mode === 'report') return { findings, patches: [] };

  const erroneous = new Set<number>();
  for (const n of notes) if (n.severity === 'error' && n.ingress !== undefined) erroneous.add(n.ingress.index);
  const blocked = new Set<IngressModel>();
  for (const ing of parsed.ingresses) if (erroneous.has(ing.id.index)) blocked.add(ing);
  for (const ing of blocked) {
    findings.push({
      check: 'ingress',
      rule: 'ingress/not-rewritten',
      result: 'fail',
      enforce: true,
      message: `Ingress ${ingressLabel(ing.id)} is kept and nothing is generated from it: it has errors above that a rewrite would hide`,
      ...(refOf(ing.id.index) ? { document: refOf(ing.id.index) } : {}),
    });
  }

  const patches: Patch[] = [];
  result.objects.forEach((obj, i) => {
    const origins = result.origins[i];
    if (obj.kind !== 'Gateway' && origins.some((o) => blocked.has(o))) return;
    const kept = obj.kind === 'Gateway' ? origins.filter((o) => !blocked.has(o)) : origins;
    if (kept.length === 0) return;
    const after = Math.min(...kept.map((o) => docOf(o.id.index)));
    patches.push({ op: 'insert', after, value: obj, reason: `${obj.kind} ${obj.metadata.name} translated from Ingress ${kept.map((o) => ingressLabel(o.id)).join(', ')}` });
  });
  if (options.mode === 'rewrite') {
    for (const ing of parsed.ingresses) {
      if (blocked.has(ing)) continue;
      patches.push({ op: 'remove', doc: docOf(ing.id.index), reason: `Ingress ${ingressLabel(ing.id)} replaced by Gateway API objects` });
    }
  }
  return { findings, patches };
}
