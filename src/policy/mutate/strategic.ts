// patchStrategicMerge as Kyverno applies it (pkg/engine/mutate/patch): the overlay's anchors are
// resolved against the resource first — `(k)` conditional and `<(k)` global conditions, `+(k)`
// add-if-absent, and list elements with conditions turned into one element per matching resource
// element (named after it) — then the overlay is merged the way kustomize's strategic merge
// filter does: maps recursively, null deletes, lists of objects merged by their key (known
// Kubernetes keys such as containers/name, else the first of mountPath, devicePath, ip, type,
// topologyKey, name, containerPort that every element has; new elements first), other lists
// replaced; `$patch:
// delete` / `$patch: replace` honoured.

import { parseAnchor, type Anchor } from '../anchors/anchor';
import { matchPattern } from '../pattern/pattern';
import { cloneJson } from '../json';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A condition of the overlay does not hold (global: the whole overlay is dropped). */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly global: boolean,
  ) {
    super(message);
  }
}

const isCondition = (a: Anchor | undefined) => a !== undefined && (a.kind === 'conditional' || a.kind === 'global');
const isAddIfAbsent = (a: Anchor | undefined) => a !== undefined && a.kind === 'addIfNotPresent';
/** Anchors that make a subtree special in mutate overlays (conditions and add-if-absent). */
const isMutateAnchor = (a: Anchor | undefined) => isCondition(a) || isAddIfAbsent(a);

function hasAnchors(v: unknown, test: (a: Anchor | undefined) => boolean): boolean {
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (test(parseAnchor(k))) return true;
      if (x !== null && x !== undefined && hasAnchors(x, test)) return true;
    }
    return false;
  }
  if (Array.isArray(v)) return v.some((e) => hasAnchors(e, test));
  return false;
}

/** Renames a key in place, keeping its position among the keys. */
function renameKey(o: Obj, from: string, to: string): void {
  const entries = Object.entries(o);
  for (const k of Object.keys(o)) delete o[k];
  for (const [k, v] of entries) o[k === from ? to : k] = v;
}

function handleAddIfAbsent(pattern: Obj, resource: unknown): number {
  let n = 0;
  for (const k of Object.keys(pattern)) {
    const a = parseAnchor(k);
    if (!isAddIfAbsent(a)) continue;
    n++;
    if (isObj(resource) && Object.prototype.hasOwnProperty.call(resource, a!.key)) delete pattern[k];
    else renameKey(pattern, k, a!.key);
  }
  return n;
}

/** Scalars are compared as the YAML text Kyverno reads them as; maps and lists as JSON values. */
function conditionValue(v: unknown): unknown {
  if (isObj(v) || Array.isArray(v)) return v;
  if (v === null || v === undefined) return 'null';
  return String(v);
}

function validateConditions(pattern: Obj, resource: unknown): void {
  for (const global of [true, false]) {
    for (const k of Object.keys(pattern)) {
      const a = parseAnchor(k);
      if (!a || a.kind !== (global ? 'global' : 'conditional')) continue;
      if (!isObj(resource) || !Object.prototype.hasOwnProperty.call(resource, a.key)) {
        throw new ConditionError(`could not found "${a.key}" key in the resource`, global);
      }
      const pv = pattern[k];
      const rv = resource[a.key];
      if (isObj(pv) && handleAddIfAbsent(pv, rv) > 0) continue;
      const r = matchPattern(conditionValue(rv), conditionValue(pv));
      if (r.status !== 'ok') throw new ConditionError(r.message ?? `condition on "${a.key}" not met`, global);
    }
  }
}

function preprocess(pattern: unknown, resource: unknown): void {
  if (isObj(pattern)) walkMap(pattern, resource);
  else if (Array.isArray(pattern) && pattern.length > 0 && isObj(pattern[0])) processListOfMaps(pattern, resource);
}

function walkMap(pattern: Obj, resource: unknown): void {
  handleAddIfAbsent(pattern, resource);
  validateConditions(pattern, resource);
  for (const k of Object.keys(pattern)) {
    if (isMutateAnchor(parseAnchor(k))) continue;
    const rv = isObj(resource) && Object.prototype.hasOwnProperty.call(resource, k) ? resource[k] : undefined;
    preprocess(pattern[k], rv);
  }
}

function processListOfMaps(pattern: unknown[], resource: unknown): void {
  if (resource !== undefined && resource !== null && !Array.isArray(resource)) throw new Error('wrong node kind: expected a sequence in the resource');
  const resourceElements = Array.isArray(resource) ? resource : [];
  for (const element of pattern.slice()) {
    if (!hasAnchors(element, isMutateAnchor)) continue;
    const hasGlobal = hasAnchors(element, (a) => a?.kind === 'global');
    let anyGlobalPassed = false;
    let lastGlobal: ConditionError | undefined;
    const copy = cloneJson(element);
    for (const re of resourceElements) {
      try {
        preprocess(copy, re);
      } catch (e) {
        if (e instanceof ConditionError) {
          if (e.global) lastGlobal = e;
          continue;
        }
        throw e;
      }
      if (hasGlobal) anyGlobalPassed = true;
      else handlePatternName(pattern, copy, re);
    }
    if (resource === undefined || resource === null) {
      try {
        preprocess(copy, undefined);
        if (hasGlobal) anyGlobalPassed = true;
      } catch (e) {
        if (!(e instanceof ConditionError) || e.global) throw e;
      }
    }
    if (!anyGlobalPassed && lastGlobal) throw lastGlobal;
  }
}

function handlePatternName(pattern: unknown[], element: unknown, resourceElement: unknown): void {
  const name = isObj(resourceElement) ? resourceElement.name : undefined;
  if (name === undefined || name === null || name === '') return;
  const node = cloneJson(element);
  if (deleteAnchors(node, true)) return;
  if (isObj(node)) node.name = name;
  pattern.push(node);
}

/** Removes conditions from an overlay; true when nothing but conditions was there. */
function deleteAnchors(node: unknown, deleteScalar: boolean): boolean {
  if (isObj(node)) return deleteAnchorsInMap(node);
  if (Array.isArray(node)) return deleteAnchorsInList(node);
  return deleteScalar;
}

function deleteAnchorsInMap(node: Obj): boolean {
  let anchorsExist = false;
  for (const k of Object.keys(node)) {
    if (!isCondition(parseAnchor(k))) continue;
    if (deleteAnchors(node[k], true)) delete node[k];
    else anchorsExist = true;
  }
  if (anchorsExist) {
    for (const k of Object.keys(node)) {
      const a = parseAnchor(k);
      if (isCondition(a)) renameKey(node, k, a!.key);
    }
  }
  let needToDelete = true;
  for (const k of Object.keys(node)) {
    if (deleteAnchors(node[k], false)) delete node[k];
    else needToDelete = false;
  }
  return needToDelete;
}

function deleteAnchorsInList(node: unknown[]): boolean {
  const wasEmpty = node.length === 0;
  for (let i = 0; i < node.length; ) {
    const e = node[i];
    const drop = hasAnchors(e, isMutateAnchor) ? true : deleteAnchors(e, false);
    if (drop) node.splice(i, 1);
    else i++;
  }
  return node.length === 0 && !wasEmpty;
}

function deleteConditionElements(pattern: Obj): void {
  for (const k of Object.keys(pattern)) {
    if (deleteAnchors(pattern[k], isCondition(parseAnchor(k)))) delete pattern[k];
  }
}

/**
 * The overlay with anchors resolved against the resource; `{}` when a condition failed (nothing
 * to apply). Throws for other preprocessing errors.
 */
export function preprocessOverlay(overlay: unknown, resource: unknown): { overlay: unknown; condition?: ConditionError } {
  const p = cloneJson(overlay);
  try {
    preprocess(p, resource);
    if (isObj(p)) deleteConditionElements(p);
    return { overlay: p };
  } catch (e) {
    if (e instanceof ConditionError) return { overlay: {}, condition: e };
    throw e;
  }
}

// --- merge ------------------------------------------------------------------------------------

/** Merge keys of well-known Kubernetes lists (by field name). */
const KNOWN_MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  env: 'name',
  resourceClaims: 'name',
  schedulingGates: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
};
/** Well-known Kubernetes lists of objects that are replaced, not merged. */
const KNOWN_REPLACE = new Set(['tolerations', 'options', 'nodeSelectorTerms', 'matchExpressions', 'matchFields', 'preferredDuringSchedulingIgnoredDuringExecution', 'requiredDuringSchedulingIgnoredDuringExecution']);
const ASSOCIATIVE_KEYS = ['mountPath', 'devicePath', 'ip', 'type', 'topologyKey', 'name', 'containerPort'];

function associativeKey(field: string, lists: unknown[][]): string | undefined {
  if (KNOWN_REPLACE.has(field)) return undefined;
  const known = KNOWN_MERGE_KEYS[field];
  if (known) return known;
  for (const l of lists) {
    if (l.length === 0 || !l.every(isObj)) continue;
    for (const k of ASSOCIATIVE_KEYS) if (l.every((e) => Object.prototype.hasOwnProperty.call(e, k))) return k;
  }
  return undefined;
}

function stripDirectives(v: unknown): unknown {
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$patch' || x === null) continue;
      out[k] = stripDirectives(x);
    }
    return out;
  }
  if (Array.isArray(v)) return v.filter((e) => !(isObj(e) && e.$patch === 'delete')).map(stripDirectives);
  return v;
}

function mergeValue(dest: unknown, patch: unknown, field: string): unknown {
  if (patch === null) return undefined;
  if (isObj(patch)) {
    if (patch.$patch === 'delete') return undefined;
    if (patch.$patch === 'replace' || !isObj(dest)) return stripDirectives(patch);
    const out: Obj = { ...dest };
    for (const [k, pv] of Object.entries(patch)) {
      if (k === '$patch') continue;
      const merged = mergeValue(out[k], pv, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(patch)) {
    if (!Array.isArray(dest)) return stripDirectives(patch);
    if (patch.some((e) => isObj(e) && e.$patch === 'replace')) return stripDirectives(patch.filter((e) => !(isObj(e) && e.$patch === 'replace')));
    const key = associativeKey(field, [dest, patch]);
    if (!key) return stripDirectives(patch);
    // kustomize's filter merges with ListIncreaseDirection=prepend: new elements come first.
    const out: unknown[] = dest.slice();
    const added: unknown[] = [];
    for (const pe of patch) {
      if (!isObj(pe)) continue;
      const kv = pe[key];
      const i = out.findIndex((de) => isObj(de) && kv !== undefined && de[key] === kv);
      if (pe.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
        continue;
      }
      if (i >= 0) out[i] = mergeValue(out[i], pe, field);
      else added.push(stripDirectives(pe));
    }
    return [...added, ...out];
  }
  return patch;
}

/** The resource with the overlay merged in (the overlay must be preprocessed first). */
export function strategicMerge(resource: Obj, overlay: unknown): Obj {
  const r = mergeValue(resource, overlay, '');
  return isObj(r) ? r : resource;
}
