// Pattern validation (Kyverno pkg/engine/validate): walks a pattern over a resource
// with anchors, arrays, nested maps and wildcard keys under metadata labels/annotations.

import { anchorString, parseAnchor, type Anchor } from '../anchors/anchor';
import { isMap, validateValue } from '../operators/value';
import { hasWildcard, wildcardMatch } from '../operators/wildcard';

export type AnchorErrorKind = 'conditional' | 'global' | 'negation';

export class PatternWalkError {
  constructor(
    readonly message: string,
    /** Set for anchor errors; array skips keep the kind of what they combine. */
    readonly anchor?: AnchorErrorKind,
  ) {}
}

export interface PatternResult {
  /** ok: matched; skip: conditional/global anchor unmet; fail: mismatch with path; error: mismatch without path. */
  status: 'ok' | 'skip' | 'fail' | 'error';
  message?: string;
  path?: string;
}

class AnchorTracker {
  /** Created on the first tracked key (most patterns have none). */
  private keys: Map<string, boolean> | undefined;
  check(tracked: readonly [string, string][], resource: unknown): void {
    const keys = (this.keys = this.keys ?? new Map<string, boolean>());
    for (const [k, key] of tracked) {
      if (keys.get(k) === true) continue;
      if (!keys.has(k)) keys.set(k, false);
      if (hasKey(resource, key)) keys.set(k, true);
    }
  }
  keysMissing(): boolean {
    if (!this.keys) return false;
    for (const v of this.keys.values()) if (!v) return true;
    return false;
  }
}

function hasKey(resource: unknown, key: string): boolean {
  if (isMap(resource)) return Object.prototype.hasOwnProperty.call(resource, key);
  if (Array.isArray(resource)) return resource.some((r) => hasKey(r, key));
  return false;
}

function own(m: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

type Walk = { path: string; error: PatternWalkError } | undefined;

/**
 * Pattern evaluation is compiled: each pattern is turned once into a tree of closures (cached per
 * root pattern object), so matching a resource does no per-node type tests of the pattern, no
 * key-order lookups and no path building. A node's path is its static parts joined by the indices
 * of the arrays being walked (kept in `IDX`, one slot per array nesting level), built only when a
 * node reports a mismatch.
 */
type Node = (resource: unknown, tracker: AnchorTracker) => Walk;

/** Static parts of a node's path: `tpl[0] + IDX[0] + '/' + tpl[1] + … + tpl[n]`. */
type Tpl = readonly string[];

/** Current element index per array nesting level (the walk is synchronous and depth-first). */
const IDX: number[] = [];

function pathOf(tpl: Tpl): string {
  let s = tpl[0];
  for (let j = 1; j < tpl.length; j++) s += `${IDX[j - 1]}/${tpl[j]}`;
  return s;
}

function tplAdd(tpl: Tpl, seg: string): Tpl {
  const out = tpl.slice();
  out[out.length - 1] += seg;
  return out;
}

function tplIndex(tpl: Tpl): Tpl {
  return [...tpl, ''];
}

const compiledRoots = new WeakMap<object, Node>();

function compileRoot(pattern: unknown): Node {
  if (pattern === null || typeof pattern !== 'object') return compile(pattern, ['/']);
  let node = compiledRoots.get(pattern);
  if (!node) {
    node = compile(pattern, ['/']);
    compiledRoots.set(pattern, node);
  }
  return node;
}

/** Matches `resource` against `pattern` from the root, like validate.MatchPattern. */
export function matchPattern(resource: unknown, pattern: unknown): PatternResult {
  const tracker = new AnchorTracker();
  const r = compileRoot(pattern)(resource, tracker);
  if (!r) return { status: 'ok' };
  const e = r.error;
  if (e.anchor === 'conditional' || e.anchor === 'global') return { status: 'skip', message: e.message };
  if (e.anchor === 'negation') return { status: 'fail', message: e.message, path: r.path };
  if (tracker.keysMissing() || r.path === '') return { status: 'error', message: e.message, path: '' };
  return { status: 'fail', message: e.message, path: r.path };
}

function compile(pattern: unknown, tpl: Tpl): Node {
  if (pattern !== null && typeof pattern === 'object') {
    return Array.isArray(pattern) ? compileArray(pattern, tpl) : compileMap(pattern as Record<string, unknown>, tpl);
  }
  const want = goValue(pattern);
  const mismatch = (resource: unknown): Walk => {
    const path = pathOf(tpl);
    return { path, error: new PatternWalkError(`resource value '${goValue(resource)}' does not match '${want}' at path ${path}`) };
  };
  return (resource) => {
    if (Array.isArray(resource)) {
      for (let i = 0; i < resource.length; i++) if (!validateValue(resource[i], pattern)) return mismatch(resource);
      return undefined;
    }
    return validateValue(resource, pattern) ? undefined : mismatch(resource);
  };
}

function compileMap(map: Record<string, unknown>, tpl: Tpl): Node {
  const info = patternInfo(map);
  const tracked = info.tracked;
  const body = compileMapBody(map, info, tpl);
  const wildcard = info.wildcardMetadata;
  return (resource, tracker) => {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      const path = pathOf(tpl);
      return {
        path,
        error: new PatternWalkError(
          `pattern and resource have different structures. Path: ${path}. Expected map[string]interface {}, found ${goType(resource)}`,
        ),
      };
    }
    if (tracked.length > 0) tracker.check(tracked, resource);
    if (wildcard) {
      const expanded = expandMetadataWildcards(map, resource as Record<string, unknown>);
      if (expanded !== map) return compileMapBody(expanded, patternInfo(expanded), tpl)(resource, tracker);
    }
    return body(resource, tracker);
  };
}

/** The keys of a map pattern in walk order (anchors, global anchors, keys with anchors below, plain keys). */
function compileMapBody(map: Record<string, unknown>, info: PatternInfo, tpl: Tpl): Node {
  const steps: Node[] = [];
  for (let i = 0; i < info.anchors.length; i++) steps.push(compileAnchor(info.anchorsParsed[i], map[info.anchors[i]], tpl));
  for (let i = 0; i < info.rest.length; i++) {
    const k = info.rest[i];
    steps.push(i < info.globalCount ? compileAnchor(parseAnchor(k)!, map[k], tpl) : compilePlain(k, map[k], tpl));
  }
  const n = steps.length;
  return (resource, tracker) => {
    for (let i = 0; i < n; i++) {
      const r = steps[i](resource, tracker);
      if (r) return r;
    }
    return undefined;
  };
}

function compilePlain(key: string, pattern: unknown, tpl: Tpl): Node {
  if (pattern === '*') {
    return (resource) => {
      const value = (resource as Record<string, unknown>)[key];
      if (value !== null && value !== undefined) return undefined;
      const path = pathOf(tpl);
      return { path, error: new PatternWalkError(`${path}/${key} not found`) };
    };
  }
  const child = compile(pattern, tplAdd(tpl, `${key}/`));
  return (resource, tracker) => child((resource as Record<string, unknown>)[key], tracker);
}

function compileAnchor(a: Anchor, pattern: unknown, tpl: Tpl): Node {
  const key = a.key;
  const cur = tplAdd(tpl, `${key}/`);
  switch (a.kind) {
    case 'negation':
      return (resource) => {
        if (!own(resource as Record<string, unknown>, key)) return undefined;
        const current = pathOf(cur);
        return { path: current, error: new PatternWalkError(`negation anchor matched in resource: ${current} is not allowed`, 'negation') };
      };
    case 'equality': {
      const child = compile(pattern, cur);
      return (resource, tracker) =>
        own(resource as Record<string, unknown>, key) ? child((resource as Record<string, unknown>)[key], tracker) : undefined;
    }
    case 'conditional': {
      const child = compile(pattern, cur);
      return (resource, tracker) => {
        if (!own(resource as Record<string, unknown>, key)) {
          return {
            path: pathOf(cur),
            error: new PatternWalkError("conditional anchor mismatch: conditional anchor key doesn't exist in the resource", 'conditional'),
          };
        }
        const r = child((resource as Record<string, unknown>)[key], tracker);
        if (r) return { path: r.path, error: new PatternWalkError(`conditional anchor mismatch: ${r.error.message}`, 'conditional') };
        return undefined;
      };
    }
    case 'global': {
      const child = compile(pattern, cur);
      return (resource, tracker) => {
        if (!own(resource as Record<string, unknown>, key)) return undefined;
        const r = child((resource as Record<string, unknown>)[key], tracker);
        if (r) return { path: r.path, error: new PatternWalkError(`global anchor mismatch: ${r.error.message}`, 'global') };
        return undefined;
      };
    }
    case 'existence': {
      const level = cur.length - 1;
      const items = Array.isArray(pattern) ? pattern.map((pm) => (isMap(pm) ? compile(pm, tplIndex(cur)) : undefined)) : undefined;
      return (resource, tracker) => {
        if (!own(resource as Record<string, unknown>, key)) return undefined;
        const value = (resource as Record<string, unknown>)[key];
        if (!Array.isArray(value)) {
          return {
            path: pathOf(cur),
            error: new PatternWalkError(`invalid resource type ${goType(value)}: Existence ^ () anchor can be used only on list/array type resource`),
          };
        }
        if (!items) {
          return { path: pathOf(cur), error: new PatternWalkError(`invalid pattern type ${goType(pattern)}: Pattern has to be of list to compare against resource`) };
        }
        for (const item of items) {
          if (!item) {
            return {
              path: pathOf(cur),
              error: new PatternWalkError(`invalid pattern type ${goType(pattern)}: Pattern has to be of type map to compare against items in resource`),
            };
          }
          let found = false;
          for (let i = 0; i < value.length; i++) {
            IDX[level] = i;
            if (!item(value[i], tracker)) {
              found = true;
              break;
            }
          }
          if (!found) {
            const current = pathOf(cur);
            return { path: current, error: new PatternWalkError(`existence anchor validation failed at path ${current}`) };
          }
        }
        return undefined;
      };
    }
    default:
      // `+(k)` is not an anchor for validate: looked up literally.
      return compilePlain(anchorString(a), pattern, tpl);
  }
}

function compileArray(pattern: unknown[], tpl: Tpl): Node {
  const inner = compileArrayItems(pattern, tpl);
  return (resource, tracker) => {
    if (!Array.isArray(resource)) {
      const path = pathOf(tpl);
      return { path, error: new PatternWalkError(`validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`) };
    }
    return inner(resource, tracker);
  };
}

function compileArrayItems(pattern: unknown[], tpl: Tpl): Node {
  if (pattern.length === 0) return () => ({ path: pathOf(tpl), error: new PatternWalkError('pattern Array empty') });
  const first = pattern[0];
  if (isMap(first)) {
    const level = tpl.length - 1;
    const child = compile(first, tplIndex(tpl));
    return (resource, tracker) => {
      const list = resource as unknown[];
      let applied = 0;
      let skips: PatternWalkError[] | undefined;
      for (let i = 0; i < list.length; i++) {
        IDX[level] = i;
        const r = child(list[i], tracker);
        if (r) {
          if (r.error.anchor === 'conditional' || r.error.anchor === 'global') {
            (skips = skips ?? []).push(r.error);
            continue;
          }
          return r;
        }
        applied++;
      }
      return skips ? combineSkips(applied, skips, tpl) : undefined;
    };
  }
  if (first === null || typeof first !== 'object') return compile(first, tpl);
  const items = pattern.map((p, i) => compile(p, tplAdd(tpl, `${i}/`)));
  return (resource, tracker) => {
    const list = resource as unknown[];
    if (list.length < pattern.length) {
      return {
        path: '',
        error: new PatternWalkError(
          `validate Array failed, array length mismatch, resource Array len is ${list.length} and pattern Array len is ${pattern.length}`,
        ),
      };
    }
    let applied = 0;
    let skips: PatternWalkError[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const r = items[i](list[i], tracker);
      if (r) {
        if (r.error.anchor === 'conditional' || r.error.anchor === 'global') {
          (skips = skips ?? []).push(r.error);
          continue;
        }
        return r;
      }
      applied++;
    }
    return skips ? combineSkips(applied, skips, tpl) : undefined;
  };
}

function combineSkips(applied: number, skips: PatternWalkError[], tpl: Tpl): Walk {
  if (applied === 0 && skips.length > 0) {
    const kind = skips.some((s) => s.anchor === 'global') && skips.every((s) => s.anchor === 'global') ? 'global' : 'conditional';
    return { path: pathOf(tpl), error: new PatternWalkError(skips.map((s) => s.message).join('; '), kind) };
  }
  return undefined;
}

function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'map[string]interface {}';
}

const nestedAnchors = new WeakMap<object, boolean>();

/** Whether a pattern value holds a validate anchor anywhere below (remembered per pattern object). */
function hasNestedAnchors(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  let found = nestedAnchors.get(v);
  if (found !== undefined) return found;
  found = false;
  if (Array.isArray(v)) found = v.some(hasNestedAnchors);
  else {
    for (const k in v as Record<string, unknown>) {
      const a = parseAnchor(k);
      if ((a && a.kind !== 'addIfNotPresent') || hasNestedAnchors((v as Record<string, unknown>)[k])) {
        found = true;
        break;
      }
    }
  }
  nestedAnchors.set(v, found);
  return found;
}

interface PatternInfo {
  /** Conditional, existence, equality and negation anchors: evaluated first. */
  anchors: string[];
  /** parseAnchor of each of `anchors`. */
  anchorsParsed: Anchor[];
  /** Global anchors, then keys with anchors below them, then plain keys. */
  rest: string[];
  /** How many of `rest` are global anchors (they come first). */
  globalCount: number;
  /** Keys the AnchorTracker records ([pattern key, resource key]): conditional, existence, negation anchors. */
  tracked: [string, string][];
  /** Whether metadata.labels/annotations hold a wildcard key, so expandMetadataWildcards can change the map. */
  wildcardMetadata: boolean;
}

const patternInfos = new WeakMap<object, PatternInfo>();

/** What walkMap needs to know about a pattern map, computed once per pattern map (patterns are read-only). */
function patternInfo(pattern: Record<string, unknown>): PatternInfo {
  let info = patternInfos.get(pattern);
  if (info) return info;
  const anchors: string[] = [];
  const anchorsParsed: Anchor[] = [];
  const globalKeys: string[] = [];
  const nestedKeys: string[] = [];
  const plainKeys: string[] = [];
  const tracked: [string, string][] = [];
  const keys = Object.keys(pattern);
  for (const k of keys) {
    const a = parseAnchor(k);
    if (a && (a.kind === 'conditional' || a.kind === 'existence' || a.kind === 'negation')) tracked.push([k, a.key]);
  }
  for (const k of keys.sort()) {
    const a = parseAnchor(k);
    if (a && (a.kind === 'conditional' || a.kind === 'existence' || a.kind === 'equality' || a.kind === 'negation')) {
      anchors.push(k);
      anchorsParsed.push(a);
    } else if (a && a.kind === 'global') globalKeys.push(k);
    else if (hasNestedAnchors(pattern[k])) nestedKeys.push(k);
    else plainKeys.push(k);
  }
  info = { anchors, anchorsParsed, rest: [...globalKeys, ...nestedKeys, ...plainKeys], globalCount: globalKeys.length, tracked, wildcardMetadata: hasWildcardMetadata(pattern) };
  patternInfos.set(pattern, info);
  return info;
}

/** The pattern half of expandMetadataWildcards: a labels/annotations pattern key with `*` or `?`. */
function hasWildcardMetadata(pattern: Record<string, unknown>): boolean {
  const mk = patternKey('metadata', pattern);
  if (mk === undefined) return false;
  const pm = pattern[mk];
  if (!isMap(pm)) return false;
  for (const field of ['labels', 'annotations']) {
    const fk = patternKey(field, pm);
    if (fk === undefined) continue;
    const pl = pm[fk];
    if (!isMap(pl)) continue;
    for (const k of Object.keys(pl)) {
      const a = parseAnchor(k);
      if (hasWildcard(a ? a.key : k)) return true;
    }
  }
  return false;
}

/** The key of `tag` in a pattern map, plain or anchored (`=(metadata)`). */
function patternKey(tag: string, m: Record<string, unknown>): string | undefined {
  if (own(m, tag)) return tag;
  for (const k of Object.keys(m)) if (parseAnchor(k)?.key === tag) return k;
  return undefined;
}

/** Wildcard keys in `metadata.labels`/`annotations` take the first matching resource key. */
export function expandMetadataWildcards(pattern: Record<string, unknown>, resource: Record<string, unknown>): Record<string, unknown> {
  const mk = patternKey('metadata', pattern);
  if (mk === undefined) return pattern;
  const pm = pattern[mk];
  const rm = resource.metadata;
  if (!isMap(pm) || !isMap(rm)) return pattern;
  let changed: Record<string, unknown> | undefined;
  for (const field of ['labels', 'annotations']) {
    const fk = patternKey(field, pm);
    if (fk === undefined) continue;
    const pl = pm[fk];
    const rk = patternKey(field, rm);
    const rl = rk === undefined ? undefined : rm[rk];
    if (!isMap(pl) || !isMap(rl)) continue;
    let out: Record<string, unknown> | undefined;
    const rkeys = Object.keys(rl).sort();
    for (const k of Object.keys(pl)) {
      const a = parseAnchor(k);
      const key = a ? a.key : k;
      if (!hasWildcard(key)) continue;
      const hit = rkeys.find((x) => wildcardMatch(key, x));
      if (hit === undefined) continue;
      out = out ?? { ...pl };
      const v = out[k];
      delete out[k];
      out[a ? anchorString({ ...a, key: hit } as Anchor) : hit] = v;
    }
    if (out) {
      changed = changed ?? { ...pm };
      changed[fk] = out;
    }
  }
  return changed ? { ...pattern, [mk]: changed } : pattern;
}
