// `match` / `exclude` of ClusterPolicy/Policy rules (Kyverno pkg/engine/utils/match.go,
// pkg/utils/match): kinds, names, namespaces, annotations, label and namespace selectors,
// operations. Request user data (subjects/roles/clusterRoles) does not exist at render time.

import { isMap } from '../operators/value';
import { wildcardMatch, hasWildcard } from '../operators/wildcard';

export interface MatchRequest {
  resource: Record<string, unknown>;
  /** CREATE by default (a render creates or updates objects). */
  operation?: string;
  /** Labels of the resource's namespace; undefined = unknown at render time. */
  namespaceLabels?: Record<string, string>;
  /** The namespace of a namespaced `Policy`; resources elsewhere never match. */
  policyNamespace?: string;
}

export interface MatchOutcome {
  matched: boolean;
  /** Filters that needed cluster data (namespaceSelector without namespace labels). */
  needsClusterData: string[];
  /** Parts of the filters that cannot apply at render time (subjects, roles, clusterRoles). */
  notApplicable: string[];
}

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

const VERSION_RE = /^v\d+((alpha|beta)\d+)?$/;

const kindSelectorCache = new Map<string, KindSelector>();

/**
 * Kyverno's ParseKindSelector: `Kind`, `version/Kind`, `group/version/Kind`, `…/subresource`.
 * Selectors come from policies and repeat for every resource: parsed once (read-only result).
 */
export function parseKindSelector(input: string): KindSelector {
  let s = kindSelectorCache.get(input);
  if (s === undefined) {
    s = parseKindSelectorUncached(input);
    if (kindSelectorCache.size > 10000) kindSelectorCache.clear();
    kindSelectorCache.set(input, s);
  }
  return s;
}

function parseKindSelectorUncached(input: string): KindSelector {
  const parts = input.split('/');
  const isVersion = (p: string) => p === '*' || VERSION_RE.test(p);
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: parts[0], subresource: '' };
    case 2:
      if (parts[0] === '*' && parts[1] === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      if (parts[0] === '*' && parts[1] === parts[1].toLowerCase()) return { group: '*', version: '*', kind: '*', subresource: parts[1] };
      if (isVersion(parts[0])) return { group: '*', version: parts[0], kind: parts[1], subresource: '' };
      return { group: '*', version: '*', kind: parts[0], subresource: parts[1] };
    case 3:
      if (isVersion(parts[0]) && !isVersion(parts[1])) return { group: '*', version: parts[0], kind: parts[1], subresource: parts[2] };
      return { group: parts[0], version: parts[1], kind: parts[2], subresource: '' };
    default:
      return { group: parts[0], version: parts[1], kind: parts[2], subresource: parts.slice(3).join('/') };
  }
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function kindMatches(selector: string, apiVersion: string, kind: string): boolean {
  const s = parseKindSelector(selector);
  if (s.subresource !== '' && s.subresource !== '*') return false;
  const gv = splitApiVersion(apiVersion);
  return wildcardMatch(s.group, gv.group) && wildcardMatch(s.version, gv.version) && wildcardMatch(s.kind, kind);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A Kubernetes label selector; wildcards in matchLabels keys/values resolve against the labels. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isMap(selector)) return false;
  const ml = isMap(selector.matchLabels) ? (selector.matchLabels as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(ml)) {
    const want = String(v);
    if (hasWildcard(k) || hasWildcard(want)) {
      const hit = Object.keys(labels).some((lk) => wildcardMatch(k, lk) && wildcardMatch(want, labels[lk]));
      if (!hit) return false;
    } else if (labels[k] !== want) return false;
  }
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isMap(e)) return false;
    const key = str(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(e.operator)) {
      case 'In':
        if (!has || values.indexOf(labels[key]) < 0) return false;
        break;
      case 'NotIn':
        if (has && values.indexOf(labels[key]) >= 0) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const USER_FIELDS = ['subjects', 'roles', 'clusterRoles'] as const;

interface FilterEval {
  matched: boolean;
  needsClusterData: string[];
  notApplicable: string[];
}

/** One filter `{resources, subjects, roles, clusterRoles}`; `inExclude` keeps the user part (it never matches). */
function evalFilter(filter: unknown, req: MatchRequest, inExclude: boolean): FilterEval {
  const out: FilterEval = { matched: false, needsClusterData: [], notApplicable: [] };
  if (!isMap(filter)) return out;
  const userParts = USER_FIELDS.filter((f) => Array.isArray(filter[f]) && (filter[f] as unknown[]).length > 0);
  for (const f of userParts) out.notApplicable.push(`${f} (request user info is not known at render time)`);
  if (inExclude && userParts.length > 0) return out;
  const rd = filter.resources;
  if (!isMap(rd) || Object.keys(rd).length === 0) return out;
  const res = req.resource;
  const meta = isMap(res.metadata) ? res.metadata : {};
  const kind = str(res.kind);
  const name = str(meta.name) || str(meta.generateName);
  const namespace = str(meta.namespace);

  if (Array.isArray(rd.kinds) && rd.kinds.length > 0) {
    if (!rd.kinds.some((k) => kindMatches(String(k), str(res.apiVersion), kind))) return out;
  }
  if (typeof rd.name === 'string' && rd.name !== '' && !wildcardMatch(rd.name, name)) return out;
  if (Array.isArray(rd.names) && rd.names.length > 0 && !rd.names.some((n) => wildcardMatch(String(n), name))) return out;
  if (Array.isArray(rd.namespaces) && rd.namespaces.length > 0) {
    const ns = kind === 'Namespace' ? name : namespace;
    if (!rd.namespaces.some((n) => wildcardMatch(String(n), ns))) return out;
  }
  if (isMap(rd.annotations)) {
    const ann = strMap(meta.annotations);
    for (const [k, v] of Object.entries(rd.annotations)) {
      const hit = Object.keys(ann).some((ak) => wildcardMatch(k, ak) && wildcardMatch(String(v), ann[ak]));
      if (!hit) return out;
    }
  }
  if (rd.selector !== undefined && rd.selector !== null) {
    if (!selectorMatches(rd.selector, strMap(meta.labels))) return out;
  }
  if (rd.namespaceSelector !== undefined && rd.namespaceSelector !== null) {
    if (kind === 'Namespace') return out;
    if (req.namespaceLabels === undefined) {
      out.needsClusterData.push('namespaceSelector (needs the labels of namespace ' + (namespace || '?') + ')');
      return out;
    }
    if (!selectorMatches(rd.namespaceSelector, req.namespaceLabels)) return out;
  }
  if (Array.isArray(rd.operations) && rd.operations.length > 0) {
    const op = req.operation ?? 'CREATE';
    if (rd.operations.indexOf(op) < 0) return out;
  }
  out.matched = true;
  return out;
}

function filtersOf(block: Record<string, unknown>): { any?: unknown[]; all?: unknown[]; legacy?: unknown } {
  const any = Array.isArray(block.any) && block.any.length > 0 ? block.any : undefined;
  const all = Array.isArray(block.all) && block.all.length > 0 ? block.all : undefined;
  if (any || all) return { any, all };
  return { legacy: block };
}

function evalBlock(block: Record<string, unknown>, req: MatchRequest, inExclude: boolean, into: MatchOutcome): boolean {
  const f = filtersOf(block);
  const run = (x: unknown) => {
    const r = evalFilter(x, req, inExclude);
    into.needsClusterData.push(...r.needsClusterData);
    into.notApplicable.push(...r.notApplicable);
    return r.matched;
  };
  if (f.any) {
    let hit = false;
    for (const x of f.any) if (run(x)) hit = true;
    return hit;
  }
  if (f.all) {
    let every = true;
    for (const x of f.all) if (!run(x)) every = false;
    return every;
  }
  return run(f.legacy);
}

/** Does the rule apply to the resource (match and not exclude)? */
export function matchRule(rule: { match?: unknown; exclude?: unknown }, req: MatchRequest): MatchOutcome {
  const out: MatchOutcome = { matched: false, needsClusterData: [], notApplicable: [] };
  if (req.policyNamespace !== undefined) {
    const meta = isMap(req.resource.metadata) ? req.resource.metadata : {};
    if (str(meta.namespace) !== req.policyNamespace) return out;
  }
  if (!isMap(rule.match)) return out;
  if (!evalBlock(rule.match, req, false, out)) return out;
  if (isMap(rule.exclude) && Object.keys(rule.exclude).length > 0) {
    const excl: MatchOutcome = { matched: false, needsClusterData: [], notApplicable: [] };
    const excluded = evalBlock(rule.exclude, req, true, excl);
    out.notApplicable.push(...excl.notApplicable);
    out.needsClusterData.push(...excl.needsClusterData);
    if (excluded) return out;
  }
  out.matched = true;
  return out;
}
