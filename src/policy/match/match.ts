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

/** What a filter says before any resource is seen: computed once per filter object (policies are read-only). */
interface CompiledFilter {
  /** `notApplicable` notes for the user parts (subjects, roles, clusterRoles). */
  userNotes: string[];
  /** `resources` when it is a non-empty map. */
  rd?: Record<string, unknown>;
  /** `resources.kinds` as strings, when a non-empty list. */
  kinds?: string[];
  /** kindMatches answers of `kinds`: apiVersion → kind → matched. */
  kindHits: Map<string, Map<string, boolean>>;
  /** Nothing but kinds to check (no names, namespaces, annotations, selectors, operations, user parts). */
  onlyKinds: boolean;
}

const compiledFilters = new WeakMap<object, CompiledFilter>();

function compileFilter(filter: Record<string, unknown>): CompiledFilter {
  let c = compiledFilters.get(filter);
  if (c) return c;
  const userNotes: string[] = [];
  for (const f of USER_FIELDS) {
    if (Array.isArray(filter[f]) && (filter[f] as unknown[]).length > 0) userNotes.push(`${f} (request user info is not known at render time)`);
  }
  const rd = isMap(filter.resources) && Object.keys(filter.resources).length > 0 ? filter.resources : undefined;
  const kinds = rd && Array.isArray(rd.kinds) && rd.kinds.length > 0 ? rd.kinds.map((k) => String(k)) : undefined;
  const onlyKinds =
    rd !== undefined &&
    userNotes.length === 0 &&
    !(typeof rd.name === 'string' && rd.name !== '') &&
    !(Array.isArray(rd.names) && rd.names.length > 0) &&
    !(Array.isArray(rd.namespaces) && rd.namespaces.length > 0) &&
    !isMap(rd.annotations) &&
    (rd.selector === undefined || rd.selector === null) &&
    (rd.namespaceSelector === undefined || rd.namespaceSelector === null) &&
    !(Array.isArray(rd.operations) && rd.operations.length > 0);
  c = { userNotes, rd, kinds, kindHits: new Map(), onlyKinds };
  compiledFilters.set(filter, c);
  return c;
}

function kindsMatch(c: CompiledFilter, kinds: string[], apiVersion: string, kind: string): boolean {
  let byKind = c.kindHits.get(apiVersion);
  if (!byKind) {
    if (c.kindHits.size > 1000) c.kindHits.clear();
    byKind = new Map();
    c.kindHits.set(apiVersion, byKind);
  }
  let hit = byKind.get(kind);
  if (hit === undefined) {
    hit = kinds.some((k) => kindMatches(k, apiVersion, kind));
    if (byKind.size > 1000) byKind.clear();
    byKind.set(kind, hit);
  }
  return hit;
}

/**
 * One filter `{resources, subjects, roles, clusterRoles}`; `inExclude` keeps the user part (it never matches).
 * Notes go straight into `into` (needsClusterData, notApplicable), in filter order.
 */
function evalFilter(filter: unknown, req: MatchRequest, inExclude: boolean, into: MatchOutcome): boolean {
  if (!isMap(filter)) return false;
  const c = compileFilter(filter);
  if (c.onlyKinds) return c.kinds ? kindsMatch(c, c.kinds, str(req.resource.apiVersion), str(req.resource.kind)) : true;
  for (const n of c.userNotes) addNote(into, 'notApplicable', n);
  if (inExclude && c.userNotes.length > 0) return false;
  const rd = c.rd;
  if (!rd) return false;
  const res = req.resource;
  const meta = isMap(res.metadata) ? res.metadata : {};
  const kind = str(res.kind);

  if (c.kinds && !kindsMatch(c, c.kinds, str(res.apiVersion), kind)) return false;
  const name = str(meta.name) || str(meta.generateName);
  const namespace = str(meta.namespace);
  if (typeof rd.name === 'string' && rd.name !== '' && !wildcardMatch(rd.name, name)) return false;
  if (Array.isArray(rd.names) && rd.names.length > 0 && !rd.names.some((n) => wildcardMatch(String(n), name))) return false;
  if (Array.isArray(rd.namespaces) && rd.namespaces.length > 0) {
    const ns = kind === 'Namespace' ? name : namespace;
    if (!rd.namespaces.some((n) => wildcardMatch(String(n), ns))) return false;
  }
  if (isMap(rd.annotations)) {
    const ann = strMap(meta.annotations);
    for (const [k, v] of Object.entries(rd.annotations)) {
      const hit = Object.keys(ann).some((ak) => wildcardMatch(k, ak) && wildcardMatch(String(v), ann[ak]));
      if (!hit) return false;
    }
  }
  if (rd.selector !== undefined && rd.selector !== null) {
    if (!selectorMatches(rd.selector, strMap(meta.labels))) return false;
  }
  if (rd.namespaceSelector !== undefined && rd.namespaceSelector !== null) {
    if (kind === 'Namespace') return false;
    if (req.namespaceLabels === undefined) {
      addNote(into, 'needsClusterData', 'namespaceSelector (needs the labels of namespace ' + (namespace || '?') + ')');
      return false;
    }
    if (!selectorMatches(rd.namespaceSelector, req.namespaceLabels)) return false;
  }
  if (Array.isArray(rd.operations) && rd.operations.length > 0) {
    const op = req.operation ?? 'CREATE';
    if (rd.operations.indexOf(op) < 0) return false;
  }
  return true;
}

function evalBlock(block: Record<string, unknown>, req: MatchRequest, inExclude: boolean, into: MatchOutcome): boolean {
  const any = Array.isArray(block.any) && block.any.length > 0 ? block.any : undefined;
  const all = Array.isArray(block.all) && block.all.length > 0 ? block.all : undefined;
  if (any) {
    let hit = false;
    for (const x of any) if (evalFilter(x, req, inExclude, into)) hit = true;
    return hit;
  }
  if (all) {
    let every = true;
    for (const x of all) if (!evalFilter(x, req, inExclude, into)) every = false;
    return every;
  }
  return evalFilter(block, req, inExclude, into);
}

/**
 * True when no filter of the rule's `match` can match a resource of this apiVersion and kind, so
 * matchRule would answer "not matched" without a needsClusterData note: every filter is not a
 * map, has no `resources`, or lists kinds none of which matches. (Decided from the kinds alone;
 * remembered per filter.)
 */
export function ruleCannotMatch(rule: { match?: unknown }, apiVersion: string, kind: string): boolean {
  const block = rule.match;
  if (!isMap(block)) return true;
  const any = Array.isArray(block.any) && block.any.length > 0 ? block.any : undefined;
  const all = Array.isArray(block.all) && block.all.length > 0 ? block.all : undefined;
  const filters = any ?? all ?? [block];
  for (const f of filters) {
    if (!isMap(f)) continue;
    const c = compileFilter(f);
    if (!c.rd) continue;
    if (!c.kinds || kindsMatch(c, c.kinds, apiVersion, kind)) return false;
  }
  return true;
}

/** The empty note list every outcome starts with (frozen: a list is made when the first note comes). */
const NO_NOTES = Object.freeze([]) as unknown as string[];

function addNote(into: MatchOutcome, field: 'needsClusterData' | 'notApplicable', note: string): void {
  if (into[field] === NO_NOTES) into[field] = [];
  into[field].push(note);
}

/** Does the rule apply to the resource (match and not exclude)? */
export function matchRule(rule: { match?: unknown; exclude?: unknown }, req: MatchRequest): MatchOutcome {
  const out: MatchOutcome = { matched: false, needsClusterData: NO_NOTES, notApplicable: NO_NOTES };
  if (req.policyNamespace !== undefined) {
    const meta = isMap(req.resource.metadata) ? req.resource.metadata : {};
    if (str(meta.namespace) !== req.policyNamespace) return out;
  }
  if (!isMap(rule.match)) return out;
  if (!evalBlock(rule.match, req, false, out)) return out;
  if (isMap(rule.exclude) && Object.keys(rule.exclude).length > 0) {
    const excl: MatchOutcome = { matched: false, needsClusterData: NO_NOTES, notApplicable: NO_NOTES };
    const excluded = evalBlock(rule.exclude, req, true, excl);
    for (const n of excl.notApplicable) addNote(out, 'notApplicable', n);
    for (const n of excl.needsClusterData) addNote(out, 'needsClusterData', n);
    if (excluded) return out;
  }
  out.matched = true;
  return out;
}
