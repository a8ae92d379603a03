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

/** Matches `resource` against `pattern` from the root, like validate.MatchPattern. */
export function matchPattern(resource: unknown, pattern: unknown): PatternResult {
  const tracker = new AnchorTracker();
  const r = walk(resource, pattern, '/', tracker);
  if (!r) return { status: 'ok' };
  const e = r.error;
  if (e.anchor === 'conditional' || e.anchor === 'global') return { status: 'skip', message: e.message };
  if (e.anchor === 'negation') return { status: 'fail', message: e.message, path: r.path };
  if (tracker.keysMissing() || r.path === '') return { status: 'error', message: e.message, path: '' };
  return { status: 'fail', message: e.message, path: r.path };
}

function walk(resource: unknown, pattern: unknown, path: string, tracker: AnchorTracker): Walk {
  // isMap/Array.isArray written out: this runs for every pattern node of every rule and resource.
  const patternIsObject = pattern !== null && typeof pattern === 'object';
  const patternIsArray = patternIsObject && Array.isArray(pattern);
  if (patternIsObject && !patternIsArray) {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      return {
        path,
        error: new PatternWalkError(
          `pattern and resource have different structures. Path: ${path}. Expected map[string]interface {}, found ${goType(resource)}`,
        ),
      };
    }
    const map = pattern as Record<string, unknown>;
    const info = patternInfo(map);
    if (info.tracked.length > 0) tracker.check(info.tracked, resource);
    return walkMap(resource as Record<string, unknown>, map, info, path, tracker);
  }
  if (patternIsArray) {
    if (!Array.isArray(resource)) {
      return {
        path,
        error: new PatternWalkError(`validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`),
      };
    }
    return walkArray(resource, pattern as unknown[], path, tracker);
  }
  if (Array.isArray(resource)) {
    for (const r of resource) {
      if (!validateValue(r, pattern)) {
        return {
          path,
          error: new PatternWalkError(`resource value '${goValue(resource)}' does not match '${goValue(pattern)}' at path ${path}`),
        };
      }
    }
    return undefined;
  }
  if (!validateValue(resource, pattern)) {
    return { path, error: new PatternWalkError(`resource value '${goValue(resource)}' does not match '${goValue(pattern)}' at path ${path}`) };
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

function walkMap(resource: Record<string, unknown>, patternIn: Record<string, unknown>, infoIn: PatternInfo, path: string, tracker: AnchorTracker): Walk {
  const pattern = infoIn.wildcardMetadata ? expandMetadataWildcards(patternIn, resource) : patternIn;
  const order = pattern === patternIn ? infoIn : patternInfo(pattern);
  const { anchors, anchorsParsed, rest, globalCount } = order;
  for (let i = 0; i < anchors.length; i++) {
    const r = handleAnchor(anchorsParsed[i], pattern[anchors[i]], resource, path, tracker);
    if (r) return r;
  }
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i];
    const r = i < globalCount ? handleAnchor(parseAnchor(k)!, pattern[k], resource, path, tracker) : handlePlain(k, pattern[k], resource, path, tracker);
    if (r) return r;
  }
  return undefined;
}

function handlePlain(key: string, pattern: unknown, resource: Record<string, unknown>, path: string, tracker: AnchorTracker): Walk {
  const value = resource[key];
  if (pattern === '*') {
    if (value !== null && value !== undefined) return undefined;
    return { path, error: new PatternWalkError(`${path}/${key} not found`) };
  }
  return walk(value, pattern, `${path}${key}/`, tracker);
}

function handleAnchor(a: Anchor, pattern: unknown, resource: Record<string, unknown>, path: string, tracker: AnchorTracker): Walk {
  const current = `${path}${a.key}/`;
  const present = own(resource, a.key);
  switch (a.kind) {
    case 'negation':
      if (present) return { path: current, error: new PatternWalkError(`negation anchor matched in resource: ${current} is not allowed`, 'negation') };
      return undefined;
    case 'equality':
      return present ? walk(resource[a.key], pattern, current, tracker) : undefined;
    case 'conditional': {
      if (!present) {
        return { path: current, error: new PatternWalkError("conditional anchor mismatch: conditional anchor key doesn't exist in the resource", 'conditional') };
      }
      const r = walk(resource[a.key], pattern, current, tracker);
      if (r) return { path: r.path, error: new PatternWalkError(`conditional anchor mismatch: ${r.error.message}`, 'conditional') };
      return undefined;
    }
    case 'global': {
      if (!present) return undefined;
      const r = walk(resource[a.key], pattern, current, tracker);
      if (r) return { path: r.path, error: new PatternWalkError(`global anchor mismatch: ${r.error.message}`, 'global') };
      return undefined;
    }
    case 'existence': {
      if (!present) return undefined;
      const value = resource[a.key];
      if (!Array.isArray(value)) {
        return { path: current, error: new PatternWalkError(`invalid resource type ${goType(value)}: Existence ^ () anchor can be used only on list/array type resource`) };
      }
      if (!Array.isArray(pattern)) {
        return { path: current, error: new PatternWalkError(`invalid pattern type ${goType(pattern)}: Pattern has to be of list to compare against resource`) };
      }
      for (const pm of pattern) {
        if (!isMap(pm)) {
          return { path: current, error: new PatternWalkError(`invalid pattern type ${goType(pattern)}: Pattern has to be of type map to compare against items in resource`) };
        }
        let found = false;
        for (let i = 0; i < value.length; i++) {
          if (!walk(value[i], pm, `${current}${i}/`, tracker)) {
            found = true;
            break;
          }
        }
        if (!found) return { path: current, error: new PatternWalkError(`existence anchor validation failed at path ${current}`) };
      }
      return undefined;
    }
    default:
      // `+(k)` is not an anchor for validate: looked up literally.
      return handlePlain(anchorString(a), pattern, resource, path, tracker);
  }
}

function walkArray(resource: unknown[], pattern: unknown[], path: string, tracker: AnchorTracker): Walk {
  if (pattern.length === 0) return { path, error: new PatternWalkError('pattern Array empty') };
  const first = pattern[0];
  if (isMap(first)) return walkArrayOfMaps(resource, first, path, tracker);
  if (first === null || typeof first !== 'object') return walk(resource, first, path, tracker);
  if (resource.length < pattern.length) {
    return {
      path: '',
      error: new PatternWalkError(
        `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
      ),
    };
  }
  let applied = 0;
  const skips: PatternWalkError[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const r = walk(resource[i], pattern[i], `${path}${i}/`, tracker);
    if (r) {
      if (r.error.anchor === 'conditional' || r.error.anchor === 'global') {
        skips.push(r.error);
        continue;
      }
      return r;
    }
    applied++;
  }
  return combineSkips(applied, skips, path);
}

function combineSkips(applied: number, skips: PatternWalkError[], path: string): Walk {
  if (applied === 0 && skips.length > 0) {
    const kind = skips.some((s) => s.anchor === 'global') && skips.every((s) => s.anchor === 'global') ? 'global' : 'conditional';
    return { path, error: new PatternWalkError(skips.map((s) => s.message).join('; '), kind) };
  }
  return undefined;
}

function walkArrayOfMaps(resource: unknown[], pattern: Record<string, unknown>, path: string, tracker: AnchorTracker): Walk {
  let applied = 0;
  const skips: PatternWalkError[] = [];
  for (let i = 0; i < resource.length; i++) {
    const r = walk(resource[i], pattern, `${path}${i}/`, tracker);
    if (r) {
      if (r.error.anchor === 'conditional' || r.error.anchor === 'global') {
        skips.push(r.error);
        continue;
      }
      return r;
    }
    applied++;
  }
  return combineSkips(applied, skips, path);
}
