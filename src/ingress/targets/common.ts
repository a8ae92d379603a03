// What the Traefik, HAProxy and OpenShift emitters share: the result shape, notes, the
// registry-driven report of annotations an emitter does not carry, host regex mode,
// Service port lookup and small string helpers. Pure and deterministic.

import { lookupAnnotation, NGINX_PREFIX, targetMapping, type TargetId } from '../annotations/index';
import type { AnnotationSpec } from '../annotations/types';
import type { Backend, IngressModel, Notification, ParsedIngresses, Related } from '../model';
import { ingressLabel } from '../model';

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

/** Annotations to add to a rendered Service (Traefik and haproxytech read some settings there). */
export interface ServiceAnnotations {
  /** `namespace/name` of the Service. */
  service: string;
  annotations: Record<string, string>;
  origin: IngressModel;
}

export interface EmitResult {
  objects: K8sObject[];
  /** For each object (same index), the Ingresses it was built from. */
  origins: IngressModel[][];
  notifications: Notification[];
  /** Ingresses the target serves as they are: never removed, nothing emitted for them. */
  kept: Set<IngressModel>;
  serviceAnnotations: ServiceAnnotations[];
  /** Noun for "replaced by … objects" in patch reasons. */
  label: string;
}

/**
 * Access control: leaving these out makes a route reachable by requests ingress-nginx
 * refused (fails open), so an emitter that cannot carry one raises an error and the
 * Ingress is not rewritten.
 */
export const ACCESS_CONTROL: readonly string[] = [
  'allowlist-source-range', 'denylist-source-range', 'auth-type', 'auth-secret', 'auth-url', 'auth-signin',
  'auth-tls-secret', 'auth-tls-verify-client', 'auth-tls-match-cn', 'limit-rps', 'limit-rpm', 'limit-connections',
];

export type Rec = Record<string, unknown>;

export class Notes {
  readonly list: Notification[] = [];
  private readonly seen = new Set<string>();
  add(severity: Notification['severity'], code: string, ing: IngressModel | undefined, message: string, annotation?: string): void {
    const n: Notification = { severity, code, message: ing === undefined ? message : `Ingress ${ingressLabel(ing.id)}: ${message}` };
    if (ing !== undefined) n.ingress = ing.id;
    if (annotation !== undefined) n.annotation = annotation.indexOf('/') >= 0 ? annotation : NGINX_PREFIX + annotation;
    this.push(n);
  }
  /** A notification built elsewhere (message already names the Ingress). */
  push(n: Notification): void {
    const key = `${n.severity} ${n.code} ${n.ingress?.index ?? ''} ${n.message}`;
    if (this.seen.has(key)) return; // one note per Ingress, however many objects repeat it
    this.seen.add(key);
    this.list.push(n);
  }
}

/**
 * ingress-nginx ignores this annotation because `ing` is a canary (the main Ingress's applies):
 * a canary's own upstream reads only the canary and session-affinity rows, load-balance and
 * upstream-hash-by.
 */
export function ignoredOnCanary(ing: IngressModel, spec: AnnotationSpec, canonical: string): boolean {
  return ing.features.canary !== undefined && spec.area !== 'canary' && spec.area !== 'affinity' && canonical !== 'load-balance' && canonical !== 'upstream-hash-by';
}

/**
 * One note per annotation of `ing` that the emitter does not translate (`translated`
 * holds canonical names it does): the registry's reason when the target has no
 * equivalent, "not translated by warden yet" otherwise. Snippets are reported by the
 * parser (critical) and skipped here; so are annotations on canaries outside the canary
 * area (the parser reports ingress-nginx ignores them).
 */
export function reportUntranslated(notes: Notes, ing: IngressModel, target: TargetId, targetName: string, translated: ReadonlySet<string>): void {
  for (const a of ing.annotations) {
    const spec = lookupAnnotation(a.name);
    if (spec === undefined || spec.value === 'snippet') continue;
    if (translated.has(a.canonical)) continue;
    if (ignoredOnCanary(ing, spec, a.canonical)) continue;
    if (a.value === undefined) continue; // invalid or empty: already reported
    if (a.canonical === 'proxy-body-size' && a.value === 0) {
      notes.add('info', 'body-size', ing, `${a.key} "${a.raw}" means no limit in ingress-nginx; ${targetName} sets no request body limit of its own either, so bodies stay unlimited (nothing to translate)`, a.key);
      continue;
    }
    const m = targetMapping(spec, target);
    const failsOpen = ACCESS_CONTROL.indexOf(a.canonical) >= 0;
    const open = failsOpen ? ' Leaving it out removes access control: requests ingress-nginx refused would now be served.' : '';
    const severity = failsOpen ? 'error' : 'warning';
    if (m.level === 'none') notes.add(severity, 'not-translated', ing, `${a.key} has no ${targetName} equivalent (${m.reason}); it is not translated.${open}`, a.key);
    else if (target === 'traefik' && m.note.slice(0, 8) === 'provider') {
      notes.add(severity, 'not-implemented', ing, `${a.key} is read by Traefik's kubernetesIngressNGINX provider${m.note === 'provider' ? '' : ` (${m.note})`}, but this Ingress is translated because of its other annotations, and warden's Middleware translation does not carry ${a.name} yet.${open}`, a.key);
    } else notes.add(severity, 'not-implemented', ing, `${a.key} is not translated by warden's ${target} target yet (${targetName}: ${m.note}).${open}`, a.key);
  }
}

/** Hosts where any Ingress sets use-regex or rewrite-target: every path there is a regex in ingress-nginx. */
export function regexHosts(parsed: ParsedIngresses): Set<string> {
  const out = new Set<string>();
  for (const ing of parsed.ingresses) {
    if (ing.features.useRegex !== true && (ing.features.rewriteTarget ?? '') === '') continue;
    for (const r of ing.rules) out.add(ing.id.namespace + '/' + r.host);
  }
  return out;
}

export function sortIngresses(list: readonly IngressModel[]): IngressModel[] {
  return list.slice().sort((a, b) => {
    const ka = a.id.namespace + '/' + a.id.name;
    const kb = b.id.namespace + '/' + b.id.name;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** A Service backend's port number, from the Ingress or the rendered Service; undefined when unknown. */
export function servicePort(related: Related, ing: IngressModel, b: Backend): number | undefined {
  if (b.kind !== 'service') return undefined;
  if (b.port !== undefined) return b.port;
  const svc = related.services.get(ing.id.namespace + '/' + b.name);
  return svc?.ports.find((p) => p.name === b.portName)?.port;
}

export function slug(s: string): string {
  if (s === '') return 'all-hosts';
  let out = '';
  for (const c of s.toLowerCase()) {
    const ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    out += ok ? c : c === '*' ? 'wildcard' : '-';
  }
  while (out.indexOf('--') >= 0) out = out.split('--').join('-');
  if (out.charAt(0) === '-') out = out.slice(1);
  if (out.charAt(out.length - 1) === '-') out = out.slice(0, -1);
  return out === '' ? 'root' : out;
}

/** Kubernetes object names: at most 253 characters (DNS subdomain); route-like names kept ≤ 63. */
export function objectName(parts: string[], max = 63): string {
  let name = parts.filter((p) => p !== '').join('-');
  if (name.length > max) name = name.slice(0, max);
  while (name.charAt(name.length - 1) === '-') name = name.slice(0, -1);
  return name;
}

/** ingress-nginx's `$n` capture references → Go's `${n}` (an unbraced `$2x` is a named group in Go). */
export function goCaptures(target: string): string {
  let out = '';
  for (let i = 0; i < target.length; i++) {
    const c = target.charAt(i);
    if (c === '$' && i + 1 < target.length && target.charAt(i + 1) >= '0' && target.charAt(i + 1) <= '9') {
      let j = i + 1;
      while (j < target.length && target.charAt(j) >= '0' && target.charAt(j) <= '9') j++;
      out += '${' + target.slice(i + 1, j) + '}';
      i = j - 1;
    } else out += c;
  }
  return out;
}

/** Does a path contain characters that are regex syntax (so a prefix match would differ)? */
export function hasRegexSyntax(path: string): boolean {
  for (const c of '^$*+?()[]{}|\\') if (path.indexOf(c) >= 0) return true;
  return false;
}

/** The nginx rewrite as one whole-URI regex: unanchored path match, case-insensitive, whole path replaced. */
export function wholePathRegex(path: string): string {
  return `(?i)^.*?(?:${path}).*$`;
}

/** A parsed annotation value by canonical name (the canonical spelling wins over an alias). */
export function annotationValue<T>(ing: IngressModel, canonical: string): T | undefined {
  const own = ing.annotations.find((a) => a.name === canonical) ?? ing.annotations.find((a) => a.canonical === canonical);
  return own?.value as T | undefined;
}

export function v1Backend(b: Backend | undefined): Rec | undefined {
  if (b === undefined) return undefined;
  if (b.kind === 'resource') {
    const r: Rec = { kind: b.resourceKind, name: b.name };
    if (b.apiGroup !== undefined) r.apiGroup = b.apiGroup;
    return { resource: r };
  }
  return { service: { name: b.name, port: b.port !== undefined ? { number: b.port } : { name: b.portName ?? '' } } };
}

/** The Ingress spec in networking.k8s.io/v1 form (v1beta1 input is converted), hosts optionally renamed. */
export function v1Spec(ing: IngressModel, extraHosts: Map<string, string[]> = new Map()): Rec {
  const spec: Rec = {};
  const db = v1Backend(ing.defaultBackend);
  if (db !== undefined) spec.defaultBackend = db;
  const rules: Rec[] = [];
  for (const r of ing.rules) {
    for (const host of [r.host].concat(extraHosts.get(r.host) ?? [])) {
      const rule: Rec = {};
      if (host !== '') rule.host = host;
      if (r.paths.length > 0) {
        rule.http = {
          paths: r.paths.map((p) => {
            const out: Rec = { path: p.path, pathType: p.pathType };
            const be = v1Backend(p.backend);
            if (be !== undefined) out.backend = be;
            return out;
          }),
        };
      }
      rules.push(rule);
    }
  }
  if (rules.length > 0) spec.rules = rules;
  if (ing.tls.length > 0) {
    spec.tls = ing.tls.map((t) => {
      const out: Rec = {};
      if (t.hosts.length > 0) out.hosts = t.hosts;
      if (t.secretName !== undefined) out.secretName = t.secretName;
      return out;
    });
  }
  return spec;
}

/**
 * The Ingress for a target that reads Ingresses: same name (rewrite) or `<name>-<suffix>`
 * (both, so that it can live next to the original), ingress-nginx annotations replaced by
 * `annotations`, other annotations and labels kept.
 */
export function ingressCopy(ing: IngressModel, name: string, className: string | undefined, annotations: Record<string, string>, spec: Rec): K8sObject {
  const meta = ing.metadata;
  const m: K8sObject['metadata'] = { name, namespace: ing.id.namespace };
  if (meta.labels !== undefined && typeof meta.labels === 'object') (m as Rec).labels = meta.labels;
  const keep: Record<string, string> = {};
  const old = (typeof meta.annotations === 'object' && meta.annotations !== null ? meta.annotations : {}) as Record<string, unknown>;
  for (const k of Object.keys(old).sort()) {
    if (k.slice(0, NGINX_PREFIX.length) === NGINX_PREFIX || k === 'kubernetes.io/ingress.class') continue;
    keep[k] = String(old[k]);
  }
  for (const k of Object.keys(annotations).sort()) keep[k] = annotations[k];
  if (Object.keys(keep).length > 0) m.annotations = keep;
  const s: Rec = {};
  if (className !== undefined) s.ingressClassName = className;
  for (const k of Object.keys(spec)) s[k] = spec[k];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: m, spec: s };
}

/** Whole seconds → HAProxy/OpenShift time with an explicit unit (a bare number would mean milliseconds). */
export function haproxyTime(seconds: number): string {
  return `${seconds}s`;
}

/**
 * The registry promises that approximations are always reported. For each annotation of
 * `ing` the emitter translated (`translated`) whose registry mapping for `target` is partial
 * and that no note already names, an info note with the registry's difference. Emitters
 * call it once all their notes exist.
 */
export function approximationNotes(existing: readonly Notification[], ing: IngressModel, target: TargetId, targetName: string, translated: ReadonlySet<string>): Notification[] {
  const out: Notification[] = [];
  for (const a of ing.annotations) {
    const spec = lookupAnnotation(a.name);
    if (spec === undefined || spec.value === 'snippet' || a.value === undefined || !translated.has(a.canonical)) continue;
    if (ignoredOnCanary(ing, spec, a.canonical)) continue;
    const m = targetMapping(spec, target);
    if (m.level !== 'partial') continue;
    if (existing.some((n) => n.ingress?.index === ing.id.index && n.annotation === a.key)) continue;
    out.push({
      severity: 'info',
      code: 'approximated',
      ingress: ing.id,
      annotation: a.key,
      message: `Ingress ${ingressLabel(ing.id)}: ${a.key} "${a.raw}" is translated as an approximation (${targetName}: ${m.note})`,
    });
  }
  return out;
}

/**
 * backend-protocol values no target can speak. FCGI: ingress-nginx used fastcgi_pass, and a
 * FastCGI backend cannot answer the plain HTTP every target would send (error: the Ingress is
 * not rewritten). AUTO_HTTP: ingress-nginx reached the backend with the client's scheme
 * ($scheme://); the targets always use plain HTTP. Undefined for the other values.
 */
export function backendProtocolNote(ing: IngressModel, targetName: string): Notification | undefined {
  const proto = ing.features.backendProtocol;
  const key = ing.annotations.find((a) => a.canonical === 'backend-protocol')?.key ?? NGINX_PREFIX + 'backend-protocol';
  const label = `Ingress ${ingressLabel(ing.id)}`;
  if (proto === 'FCGI') {
    return {
      severity: 'error',
      code: 'not-translated',
      ingress: ing.id,
      annotation: key,
      message: `${label}: backend-protocol FCGI has no ${targetName} equivalent: ingress-nginx spoke FastCGI to the backend (fastcgi_pass), ${targetName} would send it plain HTTP, which a FastCGI backend cannot answer. Put an HTTP server in front of the FastCGI process; the Ingress is not rewritten`,
    };
  }
  if (proto === 'AUTO_HTTP') {
    return {
      severity: 'warning',
      code: 'approximated',
      ingress: ing.id,
      annotation: key,
      message: `${label}: backend-protocol AUTO_HTTP has no ${targetName} equivalent: ingress-nginx reached the backend with the client's scheme (HTTPS for requests that came over HTTPS, HTTP otherwise); ${targetName} uses plain HTTP for every request, so requests that arrived over HTTPS reach the backend unencrypted`,
    };
  }
  return undefined;
}
