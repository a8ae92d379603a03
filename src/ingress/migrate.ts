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
import type { IngressModel, Lookup, Notification, Related } from './model';
import { ingressLabel } from './model';
import { configMapData, parseIngresses, serviceInfo, type ParseOptions } from './parse';
import type { EmitResult } from './targets/common';
import { emitGatewayApi, type GatewayApiOptions } from './targets/gateway-api';
import { emitHaproxy } from './targets/haproxy';
import { emitOpenshift } from './targets/openshift';
import { emitTraefik } from './targets/traefik';

export type IngressMode = 'report' | 'rewrite' | 'both';

export interface MigrateOptions extends ParseOptions, GatewayApiOptions {
  target: TargetId;
  mode: IngressMode;
  /** traefik: Ingress + Middlewares (default) or IngressRoute objects. */
  traefikOutput?: 'middlewares' | 'ingressroute';
  /** traefik/haproxy: ingressClassName of the rewritten Ingresses (default: traefik / haproxy). */
  newIngressClass?: string;
}

/** The target's objects for the parsed Ingresses. */
export function emitTarget(parsed: ReturnType<typeof parseIngresses>, options: MigrateOptions): EmitResult {
  switch (options.target) {
    case 'gateway-api': {
      const r = emitGatewayApi(parsed, options);
      return { objects: r.objects, origins: r.origins, notifications: r.notifications, kept: new Set(), serviceAnnotations: [], label: 'Gateway API objects' };
    }
    case 'traefik':
      return emitTraefik(parsed, options);
    case 'haproxy':
      return emitHaproxy(parsed, options);
    case 'openshift':
      return emitOpenshift(parsed, options);
  }
}

export interface MigrateResult {
  findings: Finding[];
  patches: Patch[];
}

const RELATED_KINDS = ['Service', 'ConfigMap'];

/** A lookup over documents that parses one only when an emitter asks for it. */
class LazyLookup<V> implements Lookup<V> {
  private readonly cache = new Map<string, V | undefined>();
  constructor(
    private readonly docs: Map<string, { doc: SourceDocument; position: number }>,
    private readonly read: (value: unknown, position: number) => V,
  ) {}
  has(key: string): boolean {
    return this.docs.has(key);
  }
  get(key: string): V | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const entry = this.docs.get(key);
    let out: V | undefined;
    if (entry !== undefined) {
      const v = entry.doc.value();
      if ('value' in v) out = this.read(v.value, entry.position);
    }
    this.cache.set(key, out);
    return out;
  }
}

const RESULT: Record<Notification['severity'], FindingResult> = {
  critical: 'fail',
  error: 'fail',
  warning: 'warn',
  info: 'info',
};

/** Migrate the Ingresses among `documents` (a rendered stream) to `options.target`. */
export function migrateIngresses(documents: readonly SourceDocument[], options: MigrateOptions): MigrateResult {
  // Cheap identity scans first. Ingresses are parsed; Services and ConfigMaps only when an
  // emitter asks for one (a named port, a Service to annotate, custom-headers).
  const docIndex: number[] = [];
  const objects: unknown[] = [];
  const services = new Map<string, { doc: SourceDocument; position: number }>();
  const configMaps = new Map<string, { doc: SourceDocument; position: number }>();
  for (const d of documents) {
    if (d.empty) continue;
    const id = d.identity;
    if (id.kind === 'Ingress') {
      const v = d.value();
      if (!('value' in v)) continue;
      docIndex.push(d.index);
      objects.push(v.value);
    } else if (id.kind !== undefined && RELATED_KINDS.indexOf(id.kind) >= 0 && id.apiVersion === 'v1') {
      const ref = d.ref;
      const key = `${ref.namespace ?? 'default'}/${ref.name ?? ''}`;
      (id.kind === 'Service' ? services : configMaps).set(key, { doc: d, position: objects.length });
      docIndex.push(d.index);
      objects.push(null); // parsed on demand, through the lookups
    }
  }
  const related: Related = {
    services: new LazyLookup(services, serviceInfo),
    configMapData: new LazyLookup(configMaps, (v) => configMapData(v)),
  };
  const byIndex = new Map<number, SourceDocument>();
  for (const d of documents) byIndex.set(d.index, d);
  const refOf = (objectIndex: number): DocumentRef | undefined => byIndex.get(docIndex[objectIndex])?.ref;
  return migrateObjects(objects, options, refOf, (i) => docIndex[i], related);
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
  related?: Related,
): MigrateResult {
  const parsed = parseIngresses(objects, options, related);
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

  const result = emitTarget(parsed, options);
  const notes = parsed.notifications.concat(result.notifications);
  for (const n of notes) findings.push(toFinding(n));
  if (options.mode === 'report') return { findings, patches: [] };

  const erroneous = new Set<number>();
  for (const n of notes) if (n.severity === 'error' && n.ingress !== undefined) erroneous.add(n.ingress.index);
  const blocked = new Set<IngressModel>();
  for (const ing of parsed.ingresses) if (erroneous.has(ing.id.index) && !result.kept.has(ing)) blocked.add(ing);
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
    // In both mode a rewritten Ingress keeps the original's name only in rewrite mode.
    const kept = obj.kind === 'Gateway' ? origins.filter((o) => !blocked.has(o)) : origins;
    if (kept.length === 0) return;
    const after = Math.min(...kept.map((o) => docOf(o.id.index)));
    patches.push({ op: 'insert', after, value: obj, reason: `${obj.kind} ${obj.metadata.name} translated from Ingress ${kept.map((o) => ingressLabel(o.id)).join(', ')}` });
  });
  const serviceDone = new Set<string>();
  for (const sa of result.serviceAnnotations) {
    if (blocked.has(sa.origin)) continue;
    const svc = parsed.related.services.get(sa.service);
    if (svc === undefined) continue; // the emitter reported it
    for (const key of Object.keys(sa.annotations).sort()) {
      if (serviceDone.has(sa.service + ' ' + key)) continue;
      serviceDone.add(sa.service + ' ' + key);
      patches.push({ op: 'set', doc: docOf(svc.index), path: ['metadata', 'annotations', key], value: sa.annotations[key], reason: `Service ${sa.service}: ${key} for Ingress ${ingressLabel(sa.origin.id)}` });
    }
  }
  if (options.mode === 'rewrite') {
    for (const ing of parsed.ingresses) {
      if (blocked.has(ing) || result.kept.has(ing)) continue;
      patches.push({ op: 'remove', doc: docOf(ing.id.index), reason: `Ingress ${ingressLabel(ing.id)} replaced by ${result.label}` });
    }
  }
  return { findings, patches };
}
