// Server-side apply conflicts of an adoption: what the API server answers when Helm 4 applies a
// rendered object that already exists and whose fields other field managers own.
//
// Helm v4.3.1 (pkg/action/install.go, upgrade.go, pkg/kube/client.go) updates every existing object it
// adopts (install: all existing objects; upgrade: existing objects new to the release) with a
// server-side apply PATCH: field manager "helm", `force` = --force-conflicts (default false), the full
// rendered object plus Helm's label `app.kubernetes.io/managed-by=Helm` and annotations
// `meta.helm.sh/release-name` / `release-namespace`. Install applies server-side unless
// --server-side=false; upgrade follows --server-side (default "auto": the previous release's
// `apply_method`, "ssa" → server-side, "csa" or none (Helm 3) → client-side, which never conflicts).
// Before applying, install (and an upgrade switching from client-side) moves the fields of the
// `Update` entry of manager "helm" into its `Apply` entry (client-go csaupgrade), so those never conflict.
//
// The API server (structured-merge-diff, verified against kube-apiserver v1.37.2 in
// test/e2e/ownership.e2e.test.ts): a field conflicts when the applied configuration sets it, its value
// differs from the live one, and another manager entry (any operation: `Update` entries of
// kubectl-create, kubectl-client-side-apply, kubectl-edit, …, or `Apply` of another manager name) owns it.
// Fields the chart leaves out never conflict, nor do list items or map keys the chart adds. Values are
// compared literally (`"0.5"` vs the stored `500m` conflicts, `"80"` vs `80` too). Atomic lists
// (`args`), atomic maps and structs (`selector`, `nodeSelector`) conflict as a whole; associative lists
// (`containers` by name, `ports` by port+protocol) per item key; sets (`v:`) never. The message:
//
//   Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort
//   Apply failed with 3 conflicts: conflicts with "argocd":\n- .data.f\nconflicts with "kubectl-create" using v1:\n- .data.a\n- …
//
// (managers sorted by their encoded identifier, paths in field-set order: at each level the leaves
// first, then the sub-trees, each sorted), wrapped by Helm as `conflict occurred while applying object
// <ns>/<name> <group>/<version>, Kind=<Kind>: …`; Helm applies every object and joins the errors with " && ".
//
// The snapshot (snapshot.ts, "f") carries, per existing object, the other managers' field sets pruned
// to the fields the render sets, each leaf with its live value ({"=": v}) or, for Secrets and long
// values, a hash of it ({"#": h}). The same walk (`ownedFieldsForRender`) prunes in the producer and
// finds the conflicts here.

import { goQuote } from './keys';

/** Helm 4's field manager (cmd/helm/helm.go: kube.ManagedFieldsManager = "helm"). */
export const HELM_FIELD_MANAGER = 'helm';

/** A pruned fieldsV1 tree: `f:`/`k:`/`i:` children, or a leaf with the live value or its hash. */
export type OwnedTree = { [element: string]: OwnedTree } | OwnedLeaf;
export type OwnedLeaf = { '=': unknown } | { '#': string };

/** One managedFields entry of another manager: [manager, "A"|"U" (Apply/Update), apiVersion, subresource, fields]. */
export type ManagerFields = [string, 'A' | 'U', string, string, OwnedTree];

export function isLeaf(t: OwnedTree): t is OwnedLeaf {
  return '=' in t || '#' in t;
}

/** Struct and map fields Kubernetes declares atomic (replaced as a whole), by field name. */
const ATOMIC_OBJECTS = new Set([
  'selector', 'nodeSelector', 'podSelector', 'namespaceSelector', 'labelSelector', 'scaleTargetRef',
  'configMapRef', 'secretRef', 'configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef',
  'nodeSelectorTerms', 'roleRef', 'volumeClaimTemplate',
]);

/** Defaults the schema gives key fields of associative lists (structured-merge-diff applies them). */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON with object keys sorted: equal values give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isRecord(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A 53-bit hash of a value's canonical JSON (cyrb53), base 36: for values the snapshot must not show. */
export function valueHash(v: unknown): string {
  const s = canonicalJson(v);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Values longer than this (as JSON) are hashed in the snapshot. */
export const MAX_PLAIN_VALUE = 96;

/** The rendered object as Helm applies it: with its ownership label and annotations. */
export function withHelmMetadata(obj: Record<string, unknown>, release: string, namespace: string): Record<string, unknown> {
  const md = isRecord(obj.metadata) ? obj.metadata : {};
  const labels = isRecord(md.labels) ? md.labels : {};
  const annotations = isRecord(md.annotations) ? md.annotations : {};
  return {
    ...obj,
    metadata: {
      ...md,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { ...annotations, 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace },
    },
  };
}

function keyOf(element: string): Record<string, unknown> | undefined {
  try {
    const k = JSON.parse(element.slice(2));
    return isRecord(k) ? k : undefined;
  } catch {
    return undefined;
  }
}

/** The rendered list item an associative-list element `k:{…}` names, if the render has it. */
function findItem(list: unknown[], key: Record<string, unknown>): unknown {
  const want = canonicalJson(key);
  for (const item of list) {
    if (!isRecord(item)) continue;
    const k: Record<string, unknown> = {};
    for (const f of Object.keys(key)) k[f] = item[f] !== undefined && item[f] !== null ? item[f] : KEY_DEFAULTS[f];
    if (canonicalJson(k) === want) return item;
  }
  return undefined;
}

/** A path element as structured-merge-diff prints it: `.name`, `[name="web"]`, `[port=80,protocol="TCP"]`, `[0]`. */
function printElement(element: string): string {
  if (element.startsWith('f:')) return `.${element.slice(2)}`;
  if (element.startsWith('i:')) return `[${element.slice(2)}]`;
  if (element.startsWith('k:')) {
    const k = keyOf(element) ?? {};
    return `[${Object.keys(k).map((f) => `${f}=${typeof k[f] === 'string' ? goQuote(k[f] as string) : JSON.stringify(k[f])}`).join(',')}]`;
  }
  return `[=${element.slice(2)}]`;
}

/** structured-merge-diff's PathElement order: field names, then keys, then values, then indexes. */
function elementRank(e: string): number {
  return e.startsWith('f:') ? 0 : e.startsWith('k:') ? 1 : e.startsWith('v:') ? 2 : 3;
}

function compareElements(a: string, b: string): number {
  const ra = elementRank(a);
  const rb = elementRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const ka = keyOf(a) ?? {};
    const kb = keyOf(b) ?? {};
    const names = [...new Set([...Object.keys(ka), ...Object.keys(kb)])].sort();
    for (const n of names) {
      const x = ka[n];
      const y = kb[n];
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      // value.Compare: numbers < strings < booleans < the rest.
      const rank = (v: unknown) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);
      if (rank(x) !== rank(y)) return rank(x) - rank(y);
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      if (typeof x === 'boolean') return x ? 1 : -1;
      const sx = typeof x === 'string' ? x : JSON.stringify(x);
      const sy = typeof y === 'string' ? y : JSON.stringify(y);
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    }
    return 0;
  }
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The child of a rendered node an element names (undefined: the render does not set it). */
function renderedChild(node: unknown, element: string): unknown {
  if (element.startsWith('f:')) return isRecord(node) ? node[element.slice(2)] : undefined;
  if (element.startsWith('k:')) {
    const key = keyOf(element);
    return Array.isArray(node) && key ? findItem(node, key) : undefined;
  }
  if (element.startsWith('i:')) return Array.isArray(node) ? node[Number(element.slice(2))] : undefined;
  return undefined; // v: set members never conflict (the render can only add to a set)
}

/**
 * Walks a fieldsV1 tree (raw from managedFields, or pruned from a snapshot) along the rendered object, in
 * structured-merge-diff's set order. `visit` is called for each owned leaf the render sets, with the
 * printed path, the rendered value and the leaf (the raw `{}` or a snapshot leaf).
 */
export function walkOwned(
  tree: Record<string, unknown>,
  rendered: unknown,
  visit: (path: string, value: unknown, leaf: Record<string, unknown>, elements: string[]) => void,
  prefix = '',
  elements: string[] = [],
): void {
  const entries = Object.keys(tree)
    .filter((e) => e !== '.' && !e.startsWith('v:'))
    .sort(compareElements);
  const leaves: string[] = [];
  const children: string[] = [];
  for (const e of entries) {
    const sub = tree[e];
    if (!isRecord(sub)) continue;
    const keys = Object.keys(sub).filter((k) => k !== '.');
    if (keys.length === 0 || '=' in sub || '#' in sub) leaves.push(e);
    else children.push(e);
  }
  for (const e of leaves) {
    const v = renderedChild(rendered, e);
    if (v === undefined || v === null) continue;
    visit(prefix + printElement(e), v, tree[e] as Record<string, unknown>, [...elements, e]);
  }
  for (const e of children) {
    const v = renderedChild(rendered, e);
    if (v === undefined || v === null) continue;
    walkOwned(tree[e] as Record<string, unknown>, v, visit, prefix + printElement(e), [...elements, e]);
  }
}

/** Whether the render sets any field a raw fieldsV1 tree owns. */
export function rendersOwned(fieldsV1: Record<string, unknown>, rendered: unknown): boolean {
  let found = false;
  walkOwned(fieldsV1, rendered, () => {
    found = true;
  });
  return found;
}

/** The value at a fieldsV1 path in a live object. */
function liveAt(obj: unknown, elements: readonly string[]): unknown {
  let node = obj;
  for (const e of elements) {
    node = renderedChild(node, e);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Sets a leaf in a pruned tree. */
function setLeaf(tree: Record<string, OwnedTree>, elements: readonly string[], leaf: OwnedLeaf): void {
  let node = tree;
  for (let i = 0; i < elements.length - 1; i++) {
    const next = (node[elements[i]] ??= {}) as Record<string, OwnedTree>;
    node = next;
  }
  node[elements[elements.length - 1]] = leaf;
}

/**
 * For a snapshot: a manager's raw fieldsV1 pruned to the leaves the render sets to another value than
 * the live one (equal values never conflict, and keeping them would make a snapshot of many adopted
 * objects too large for one argument), each with the live value (hashed when `hashAll` or long).
 * Undefined when no such field is left. `all` keeps the equal ones too.
 */
export function ownedFieldsForRender(fieldsV1: Record<string, unknown>, rendered: unknown, live: unknown, hashAll: boolean, all = false): OwnedTree | undefined {
  const out: Record<string, OwnedTree> = {};
  let n = 0;
  walkOwned(fieldsV1, rendered, (_path, renderedValue, _leaf, elements) => {
    const v = liveAt(live, elements);
    const last = elements[elements.length - 1];
    // A granular struct or map is never compared as a whole: its content is not needed.
    const value = v === undefined ? null : isRecord(v) && !ATOMIC_OBJECTS.has(last.startsWith('f:') ? last.slice(2) : '') ? {} : v;
    const json = canonicalJson(value);
    const leaf: OwnedLeaf = hashAll || json.length > MAX_PLAIN_VALUE ? { '#': valueHash(value) } : { '=': value };
    if (!all && !differs(leaf, renderedValue, last.startsWith('f:') ? last.slice(2) : '')) return;
    setLeaf(out, elements, leaf);
    n++;
  });
  return n > 0 ? out : undefined;
}

export interface ApplyConflict {
  /** The manager as the API server prints it: `"kubectl-create" using v1`, or `"argocd"` for an Apply entry. */
  manager: string;
  /** The encoded manager identifier the API server sorts by. */
  sortKey: string;
  path: string;
  /** The live value, when the snapshot has it (not hashed). */
  live?: unknown;
  rendered: unknown;
}

/** The API server's identifier of a manager entry (BuildManagerIdentifier): what it sorts conflicts by. */
function managerSortKey(m: ManagerFields): string {
  const [name, op, apiVersion, sub] = m;
  let s = `{"manager":${JSON.stringify(name)},"operation":${op === 'A' ? '"Apply"' : '"Update"'}`;
  if (op === 'U') s += `,"apiVersion":${JSON.stringify(apiVersion)}`;
  if (sub) s += `,"subresource":${JSON.stringify(sub)}`;
  return s + '}';
}

/** apimachinery's printManager: name, `with subresource "scale"`, and `using <apiVersion>` for Update entries. */
function printManager(m: ManagerFields): string {
  const name = m[3] ? `${goQuote(m[0])} with subresource ${goQuote(m[3])}` : goQuote(m[0]);
  return m[1] === 'U' ? `${name} using ${m[2]}` : name;
}

function differs(leaf: Record<string, unknown>, rendered: unknown, fieldName: string): boolean {
  if ('#' in leaf) return valueHash(rendered) !== leaf['#'];
  const live = leaf['='];
  // A granular struct or map owned as a whole (often empty, e.g. securityContext: {}): the render's keys
  // are its own fields, compared one by one, never the node itself.
  if (isRecord(live) && isRecord(rendered) && !ATOMIC_OBJECTS.has(fieldName)) return false;
  return canonicalJson(live) !== canonicalJson(rendered);
}

/** The conflicts of applying `rendered` (Helm metadata included) over the managers' fields. */
export function applyConflicts(managers: readonly ManagerFields[], rendered: unknown): ApplyConflict[] {
  const out: ApplyConflict[] = [];
  for (const m of managers) {
    const tree = m[4];
    if (isLeaf(tree)) continue;
    walkOwned(tree as Record<string, unknown>, rendered, (path, value, leaf, elements) => {
      const last = elements[elements.length - 1];
      if (!differs(leaf, value, last.startsWith('f:') ? last.slice(2) : '')) return;
      out.push({ manager: printManager(m), sortKey: managerSortKey(m), path, live: '=' in leaf ? leaf['='] : undefined, rendered: value });
    });
  }
  return out;
}

/** The API server's message for these conflicts (apimachinery fieldmanager getConflictMessage). */
export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].path}`;
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const list = byManager.get(c.sortKey) ?? [];
    list.push(c);
    byManager.set(c.sortKey, list);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    const list = byManager.get(key) as ApplyConflict[];
    lines.push(`conflicts with ${list[0].manager}:`);
    for (const c of list) lines.push(`- ${c.path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** Helm's wrapping (pkg/kube/client.go patchResourceServerSide): `conflict occurred while applying object ns/name gvk: …`. */
export function helmApplyError(o: { group: string; apiVersion: string; kind: string; namespace: string; name: string }, conflicts: readonly ApplyConflict[]): string {
  const slash = o.apiVersion.indexOf('/');
  const version = slash < 0 ? o.apiVersion : o.apiVersion.slice(slash + 1);
  return `conflict occurred while applying object ${o.namespace}/${o.name} ${o.group}/${version}, Kind=${o.kind}: ${conflictMessage(conflicts)}`;
}

/** The rendered object (a List item when flattened out of one), as parsed JSON. */
export function renderedValue(o: { doc: { value(): { value: unknown } | { error: unknown } }; item?: number }): Record<string, unknown> | undefined {
  const parsed = o.doc.value();
  if (!('value' in parsed)) return undefined;
  let v = parsed.value;
  if (o.item !== undefined) v = isRecord(v) && Array.isArray(v.items) ? v.items[o.item] : undefined;
  return isRecord(v) ? v : undefined;
}

/**
 * The field set the API server gives an object without managedFields on its first apply (manager
 * "before-first-apply": every field it has). Maps and structs become `f:` children, lists leaves (an
 * approximation: associative lists are compared as a whole). metadata: labels and annotations only.
 */
export function wholeObjectFields(live: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (!isRecord(v)) return out;
    for (const [k, x] of Object.entries(v)) out[`f:${k}`] = isRecord(x) && Object.keys(x).length > 0 ? walk(x) : {};
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(live)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      const md = isRecord(x) ? x : {};
      const m: Record<string, unknown> = {};
      if (isRecord(md.labels)) m['f:labels'] = walk(md.labels);
      if (isRecord(md.annotations)) m['f:annotations'] = walk(md.annotations);
      out['f:metadata'] = m;
      continue;
    }
    out[`f:${k}`] = isRecord(x) && Object.keys(x).length > 0 ? walk(x) : {};
  }
  return out;
}

/** A managedFields entry of the API (metadata.managedFields[i]) as a manager of ours, raw fieldsV1. */
export function managerEntry(e: unknown): { m: [string, 'A' | 'U', string, string]; fieldsV1: Record<string, unknown> } | undefined {
  if (!isRecord(e) || typeof e.manager !== 'string') return undefined;
  const op = e.operation === 'Apply' ? 'A' : e.operation === 'Update' ? 'U' : undefined;
  if (!op || !isRecord(e.fieldsV1)) return undefined;
  return {
    m: [e.manager, op, typeof e.apiVersion === 'string' ? e.apiVersion : '', typeof e.subresource === 'string' ? e.subresource : ''],
    fieldsV1: e.fieldsV1,
  };
}
