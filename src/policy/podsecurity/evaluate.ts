// `validate.podSecurity` (Kyverno pkg/engine/handlers/validation/validate_pss.go, pkg/pss):
// the pod of a Pod / workload / CronJob is checked against a Pod Security Standards level at a
// version; `exclude` entries forgive failures of a control, for the whole pod (no images) or for
// the containers whose image matches, optionally only for one restricted field and some values.

import { wildcardMatch } from '../operators/wildcard';
import { CHECKS, CONTROL_CHECK_IDS, type CheckResult, type FieldError, type PodLike } from './checks';
import type { RuleResult } from '../validate';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

export interface PodSecurityExclude {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

export interface PodSecuritySpec {
  level: string;
  version?: string;
  exclude?: PodSecurityExclude[];
}

export interface PssCheckResult extends CheckResult {
  id: string;
}

/** `latest` (or empty) → Infinity; `v1.NN` / `1.NN` → NN. Throws on anything else. */
export function parsePssVersion(version: string | undefined): number {
  if (version === undefined || version === '' || version === 'latest') return Infinity;
  const m = /^v?1\.(\d+)$/.exec(version);
  if (!m) throw new Error(`invalid version "${version}": must be "latest" or "v1.<minor>"`);
  return Number(m[1]);
}

/** The failing checks of a pod at a level and version (for a fixed version: every version of a check up to it). */
export function evaluatePss(level: string, version: number, pod: PodLike): PssCheckResult[] {
  if (level === 'privileged') return [];
  const out: PssCheckResult[] = [];
  for (const check of CHECKS) {
    if (level === 'baseline' && check.level !== 'baseline') continue;
    if (version === Infinity) {
      const latest = check.versions.reduce((a, b) => (b.min >= a.min ? b : a));
      const r = latest.check(pod);
      if (!r.allowed) out.push({ id: check.id, ...r, errors: r.errors.slice() });
      continue;
    }
    for (const v of check.versions) {
      if (version < v.min) continue;
      const r = v.check(pod);
      if (!r.allowed) out.push({ id: check.id, ...r, errors: r.errors.slice() });
    }
  }
  return out;
}

const DIGITS = /\d+/g;
const WORDS = /[a-zA-Z]+/g;
const CONTAINER_TYPES = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `spec.containers[1].x` → field with `*` for indexes, the indexes, and the container list it is in (if any). */
function parseField(field: string): { field: string; indexes: number[]; containerType?: string } {
  const words = field.match(WORDS) ?? [];
  const indexes = (field.match(DIGITS) ?? []).map(Number);
  const t = words[1];
  return { field: field.replace(DIGITS, '*'), indexes, containerType: t !== undefined && CONTAINER_TYPES.has(t) ? t : undefined };
}

function containerName(pod: PodLike, index: number, type: string): string {
  const c = Array.isArray(pod.spec[type]) ? (pod.spec[type] as unknown[])[index] : undefined;
  return typeof obj(c).name === 'string' ? String(obj(c).name) : '';
}

/** Kyverno reads string, bool, int and string-list offending values (an int64 is not read). */
function badValues(e: FieldError): string[] {
  const b = e.bad;
  if (typeof b === 'string') return b === '' ? [] : [b];
  if (typeof b === 'boolean') return [String(b)];
  if (typeof b === 'number') return e.int64 ? [] : [String(b)];
  if (Array.isArray(b)) return b.slice();
  return [];
}

function exemptExclusion(
  defaults: PssCheckResult[],
  excluded: PssCheckResult[],
  exclude: PodSecurityExclude,
  pod: PodLike,
  matching: PodLike | undefined,
): PssCheckResult[] {
  const byId = new Map<string, PssCheckResult>();
  for (const d of defaults) byId.set(d.id, d);
  const ids = CONTROL_CHECK_IDS[exclude.controlName] ?? [];
  const restrictedField = exclude.restrictedField ?? '';
  const values = exclude.values ?? [];
  for (const er of excluded) {
    if (ids.indexOf(er.id) < 0) continue;
    for (const fe of er.errors) {
      let field: string;
      let excludedContainer = '';
      if (matching) {
        const p = parseField(fe.field);
        field = p.field;
        if (p.containerType) excludedContainer = containerName(matching, p.indexes[0], p.containerType);
      } else {
        field = fe.field.replace(DIGITS, '*');
      }
      if (restrictedField !== '' && field !== restrictedField) continue;
      if (values.length > 0 && !badValues(fe).every((b) => values.some((v) => wildcardMatch(v, b)))) continue;
      const d = byId.get(er.id);
      if (!d) continue;
      for (let i = 0; i < d.errors.length; i++) {
        const de = d.errors[i];
        let same: boolean;
        if (matching) {
          const p = parseField(de.field);
          same = p.field === field && (!p.containerType || containerName(pod, p.indexes[0], p.containerType) === excludedContainer);
        } else {
          same = de.field.replace(DIGITS, '*') === field;
        }
        if (same) {
          // Kyverno removes by swapping the last error into the hole.
          d.errors[i] = d.errors[d.errors.length - 1];
          d.errors.pop();
          break;
        }
      }
      if (d.errors.length === 0) byId.delete(er.id);
    }
  }
  return [...byId.values()];
}

function imagesMatch(patterns: string[], image: unknown): boolean {
  return typeof image === 'string' && patterns.some((p) => wildcardMatch(p, image));
}

/** Failing checks left after the rule's exclusions. */
export function applyExclusions(level: string, version: number, excludes: PodSecurityExclude[], defaults: PssCheckResult[], pod: PodLike): PssCheckResult[] {
  let out = defaults;
  for (const exclude of excludes) {
    const images = exclude.images ?? [];
    if (images.length === 0) {
      // Pod-level exclusion: the pod with one bare container.
      const spec: PodLike = { metadata: pod.metadata, spec: { ...pod.spec, containers: [{ name: 'fake' }] } };
      delete spec.spec.initContainers;
      delete spec.spec.ephemeralContainers;
      out = exemptExclusion(out, evaluatePss(level, version, spec), exclude, pod, undefined);
    } else {
      // Container-level exclusion: only the containers whose image matches, without pod-level settings.
      const meta = pod.metadata;
      const matching: PodLike = { metadata: { name: meta.name, namespace: meta.namespace }, spec: {} };
      for (const t of ['containers', 'initContainers', 'ephemeralContainers']) {
        const cs = (Array.isArray(pod.spec[t]) ? (pod.spec[t] as unknown[]) : []).filter((c) => imagesMatch(images, obj(c).image));
        if (cs.length > 0) matching.spec[t] = cs;
      }
      out = exemptExclusion(out, evaluatePss(level, version, matching), exclude, pod, matching);
    }
  }
  return out;
}

const CONTROLLERS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** The pod a resource describes (Kyverno getSpec: for a CronJob the metadata is the job template's). */
export function podOf(resource: Obj): PodLike | undefined {
  const kind = resource.kind;
  if (kind === 'Pod') return { metadata: obj(resource.metadata), spec: obj(resource.spec) };
  if (typeof kind === 'string' && CONTROLLERS.has(kind)) {
    const t = obj(obj(resource.spec).template);
    return { metadata: obj(t.metadata), spec: obj(t.spec) };
  }
  if (kind === 'CronJob') {
    const jt = obj(obj(resource.spec).jobTemplate);
    return { metadata: obj(jt.metadata), spec: obj(obj(obj(jt.spec).template).spec) };
  }
  return undefined;
}

function fmtBad(b: FieldError['bad']): string {
  if (Array.isArray(b)) return `[${b.join(' ')}]`;
  return String(b);
}

/** Field paths as Kyverno prints them for the resource kind. */
function displayField(field: string, kind: string): string {
  let f = field;
  if (CONTROLLERS.has(kind)) f = f.split('spec').join('spec.template.spec');
  else if (kind === 'CronJob') f = f.split('spec').join('spec.jobTemplate.spec.template.spec');
  return f.split('metadata').join('spec.template.metadata');
}

/** `(Forbidden reason: …, field error list: [...])` for every failing check. */
export function formatChecks(checks: PssCheckResult[], kind: string): string {
  let s = '';
  for (const c of checks) {
    const errs = c.errors.map((e) => {
      const f = displayField(e.field, kind);
      if (e.type === 'required') return `${f}: Required value`;
      const hasBad = e.bad !== undefined && e.bad !== '';
      return hasBad ? `${f} is forbidden, forbidden values found: ${fmtBad(e.bad)}` : `${f}: Forbidden`;
    });
    s += `(Forbidden reason: ${c.reason}, field error list: [${errs.join(', ')}])`;
  }
  return s;
}

function toSpec(v: unknown): PodSecuritySpec {
  const o = obj(v);
  const excludes: PodSecurityExclude[] = [];
  for (const e of Array.isArray(o.exclude) ? o.exclude : []) {
    const x = obj(e);
    excludes.push({
      controlName: typeof x.controlName === 'string' ? x.controlName : '',
      images: Array.isArray(x.images) ? x.images.map(String) : undefined,
      restrictedField: typeof x.restrictedField === 'string' ? x.restrictedField : undefined,
      values: Array.isArray(x.values) ? x.values.map(String) : undefined,
    });
  }
  return { level: typeof o.level === 'string' ? o.level : '', version: typeof o.version === 'string' ? o.version : undefined, exclude: excludes };
}

/** The rule response of a podSecurity rule for one resource; undefined on DELETE (no response). */
export function validatePodSecurity(rule: string, podSecurity: unknown, resource: unknown, operation = 'CREATE'): RuleResult | undefined {
  if (operation === 'DELETE') return undefined;
  const r = obj(resource);
  const ps = toSpec(podSecurity);
  const pod = podOf(r);
  if (!pod) return { rule, status: 'error', message: 'Error while getting new resource: could not find correct resource type' };
  if (ps.level !== 'baseline' && ps.level !== 'restricted' && ps.level !== 'privileged') {
    return { rule, status: 'error', message: `failed to parse pod security level: "${ps.level}" is not baseline, restricted or privileged` };
  }
  let version: number;
  try {
    version = parsePssVersion(ps.version);
  } catch (e) {
    return { rule, status: 'error', message: `failed to parse pod security api version: ${(e as Error).message}` };
  }
  let failing = evaluatePss(ps.level, version, pod);
  if (ps.exclude && ps.exclude.length > 0) failing = applyExclusions(ps.level, version, ps.exclude, failing, pod);
  if (failing.length === 0) return { rule, status: 'pass', message: `Validation rule '${rule}' passed.` };
  const kind = typeof r.kind === 'string' ? r.kind : '';
  return {
    rule,
    status: 'fail',
    message: `Validation rule '${rule}' failed. It violates PodSecurity "${ps.level}:${ps.version ?? ''}": ${formatChecks(failing, kind)}`,
  };
}
