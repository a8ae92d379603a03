// Reading the live state a snapshot records, from the Kubernetes API, without doing any I/O here.
//
// `readLiveState` is a generator: it yields the HTTP GETs it needs (a path on the API server and an
// Accept header) and is resumed with each response. The same steps thus serve the Node CLI
// (`warden snapshot`, async HTTPS with the kubeconfig) and the plugin (`--kube-proxy=URL`, the
// synchronous Extism `Http.request` against a loopback `kubectl proxy`).
//
// Steps, all GETs, metadata only:
//   1. discovery of every group/version the render uses (`/api/v1`, `/apis/apps/v1`, …): the plural
//      resource name and whether the kind is namespaced (Helm asks the same REST mapping);
//   2. each rendered object Helm would check (hooks and generateName-only objects left out), as
//      PartialObjectMetadata: its managed-by label and release annotations, or 404; a kind with
//      LIST_MIN or more objects in one namespace is read with one paged LIST instead;
//   3. for the release: the metadata of its storage Secrets (`owner=helm,name=<release>`), then the one
//      revision Helm's upgrade compares with (pkg/action/upgrade.go prepareUpgrade: the newest if it is
//      deployed, else the newest deployed one, else the newest failed/superseded one), decoded
//      (base64 → gzip → JSON) for its manifest, whose objects become the snapshot's `p` keys, and its
//      apply method (`a`);
//   4. each existing object Helm would apply over (install: every existing one; upgrade: also those of
//      the release, which an upgrade applies again) whose managedFields give another manager than Helm's
//      own `Apply` entry a field the render sets: the full object, for the live values of those fields
//      (snapshot `f`, only where they differ from the render, see ssa.ts; Secrets' values only as hashes).
//      The snapshot is version 2 when existing objects or a previous release were found.

import type { SourceDocument } from '../../read/document';
import { readStream } from '../../read/document';
import { MANAGED_BY_LABEL, RELEASE_NAME_ANNOTATION, RELEASE_NAMESPACE_ANNOTATION } from './decide';
import { groupKind, groupVersionString, parseApiVersion } from './keys';
import { collectObjects, type RenderedObject } from './objects';
import { builtinScope, type Scope } from './scope';
import { base64Decode, utf8Decode, SNAPSHOT_VERSION_FIELDS, type SnapshotJson } from './snapshot';
import { HELM_FIELD_MANAGER, managerEntry, ownedFieldsForRender, renderedValue, rendersOwned, wholeObjectFields, withHelmMetadata, type ManagerFields } from './ssa';

export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export interface KubeGet {
  /** Path and query on the API server, e.g. `/api/v1/namespaces/web/configmaps/app`. */
  path: string;
  accept: string;
}

export interface KubeReply {
  status: number;
  body: string;
}

export interface LiveOptions {
  release: string;
  namespace: string;
  /**
   * Decompresses a gzip stream to UTF-8 text (Helm gzips the releases it stores). Without it the
   * previous release cannot be read, and the snapshot says so in a note.
   */
  gunzip?: (bytes: Uint8Array) => string;
  /** false: do not read the release (an install); default: read it and record `p` when it exists. */
  previous?: boolean;
}

export interface LiveResult {
  snapshot: SnapshotJson;
  /** What the reader could not establish, for the user (never silently lost). */
  notes: string[];
  /** The revision `p` was taken from, when the release exists. */
  revision?: { number: number; status: string };
  /** Number of GET requests made. */
  requests: number;
}

/** Yields batches of independent GETs (a host may send them in parallel), resumed with their replies in order. */
export type LiveReader = Generator<KubeGet[], LiveResult, KubeReply[]>;

interface ApiResource {
  resource: string;
  namespaced: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error text client-go shows for a failed request: the Status message, else the HTTP status. */
export function statusMessage(r: KubeReply): string {
  const v = tryJson(r.body);
  if (isRecord(v) && typeof v.message === 'string' && v.message !== '') return v.message;
  const body = r.body.trim();
  return `HTTP ${r.status}${body ? `: ${body.length > 200 ? body.slice(0, 200) + '…' : body}` : ''}`;
}

function groupVersionPath(apiVersion: string): string {
  const gv = parseApiVersion(apiVersion);
  return gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
}

/** REST path of the collection an object lives in, given its resource from discovery. */
export function collectionPath(apiVersion: string, res: ApiResource, namespace: string): string {
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(apiVersion)}${ns}/${res.resource}`;
}

/** REST path of an object. */
export function objectPath(apiVersion: string, res: ApiResource, namespace: string, name: string): string {
  return `${collectionPath(apiVersion, res, namespace)}/${encodeURIComponent(name)}`;
}

/** From this many objects of one kind in one namespace on, one LIST is cheaper than the GETs. */
export const LIST_MIN = 10;
/** Page size of those LISTs. */
export const LIST_PAGE = 500;

/** The objects of a stream Helm's ownership check looks at: named, not hooks. */
function checkable(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.filter((o) => o.hook === undefined && o.name !== '' && o.generateName === undefined);
}

const HELM_STATUSES_USABLE = new Set(['failed', 'superseded']);

interface Revision {
  name: string;
  number: number;
  status: string;
}

/** Which stored revision Helm's upgrade compares with; a note instead when there is none it can use. */
export function pickRevision(revisions: readonly Revision[], release: string): { revision?: Revision; note?: string } {
  if (revisions.length === 0) return {};
  const sorted = [...revisions].sort((a, b) => b.number - a.number);
  const last = sorted[0];
  if (last.status.startsWith('pending')) {
    return { note: `release "${release}" has an operation in progress (revision ${last.number} is ${last.status}): Helm refuses to upgrade it` };
  }
  if (last.status === 'deployed') return { revision: last };
  const deployed = sorted.find((r) => r.status === 'deployed');
  if (deployed) return { revision: deployed };
  if (HELM_STATUSES_USABLE.has(last.status)) return { revision: last };
  return { note: `release "${release}" has no deployed revision (the newest, ${last.number}, is ${last.status}): Helm's upgrade fails with "has no deployed releases"` };
}

export function* readLiveState(manifests: string | readonly SourceDocument[], opts: LiveOptions): LiveReader {
  const documents = typeof manifests === 'string' ? readStream(manifests) : manifests;
  const notes: string[] = [];
  let requests = 0;
  const get = function* (path: string, accept = 'application/json'): Generator<KubeGet[], KubeReply, KubeReply[]> {
    requests++;
    return (yield [{ path, accept }])[0];
  };

  // 1. Discovery, for every group/version of the render.
  const first = collectObjects(documents, { releaseNamespace: opts.namespace });
  const discovery = new Map<string, Map<string, ApiResource> | string>();
  const versions = [...new Set(checkable(first).map((o) => o.apiVersion))];
  const found = versions.length > 0 ? yield versions.map((v) => ({ path: groupVersionPath(v), accept: 'application/json' })) : [];
  requests += versions.length;
  for (let i = 0; i < versions.length; i++) {
    const o = { apiVersion: versions[i] };
    const r = found[i];
    if (r.status === 200) {
      const list = tryJson(r.body);
      const m = new Map<string, ApiResource>();
      if (isRecord(list) && Array.isArray(list.resources)) {
        for (const res of list.resources) {
          if (!isRecord(res) || typeof res.name !== 'string' || typeof res.kind !== 'string' || res.name.includes('/')) continue;
          m.set(res.kind, { resource: res.name, namespaced: res.namespaced === true });
        }
      }
      discovery.set(o.apiVersion, m);
    } else if (r.status === 404) {
      discovery.set(o.apiVersion, `the server does not serve ${o.apiVersion}`);
    } else {
      discovery.set(o.apiVersion, `discovery of ${o.apiVersion} failed: ${statusMessage(r)}`);
    }
  }

  // Scopes the server knows for kinds warden has no table entry for: recorded, and used for the keys.
  const scopes: Record<string, Scope> = {};
  const k: Record<string, 'c' | 'n'> = {};
  for (const [apiVersion, m] of discovery) {
    if (typeof m === 'string') continue;
    const { group } = parseApiVersion(apiVersion);
    for (const [kind, res] of m) {
      if (builtinScope(group, kind) !== undefined) continue;
      if (!first.some((o) => o.apiVersion === apiVersion && o.kind === kind)) continue;
      scopes[groupKind(group, kind)] = res.namespaced ? 'Namespaced' : 'Cluster';
      k[groupKind(group, kind)] = res.namespaced ? 'n' : 'c';
    }
  }
  const objects = Object.keys(scopes).length > 0 ? collectObjects(documents, { releaseNamespace: opts.namespace, scopes }) : first;

  // 2. Each object Helm checks: GETs in one batch, or one paged LIST (metadata only) per kind and
  //    namespace that has at least LIST_MIN objects (a LIST that fails falls back to GETs).
  const o: SnapshotJson['o'] = {};
  const groups = new Map<string, { collection: string; objs: RenderedObject[]; res: ApiResource }>();
  const seen = new Set<string>();
  const resOf = new Map<string, ApiResource>();
  for (const obj of checkable(objects)) {
    if (seen.has(obj.identity)) continue;
    seen.add(obj.identity);
    const m = discovery.get(obj.apiVersion);
    if (typeof m === 'string' || m === undefined) {
      o[obj.key] = `${m ?? 'no discovery'}: ${obj.kind} cannot be looked up (Helm fails to build the release's objects too)`;
      continue;
    }
    const res = m.get(obj.kind);
    if (!res) {
      o[obj.key] = `no matches for kind "${obj.kind}" in version "${groupVersionString(parseApiVersion(obj.apiVersion))}"`;
      continue;
    }
    o[obj.key] = 0; // placeholder, keeps the render's order
    resOf.set(obj.key, res);
    const collection = collectionPath(obj.apiVersion, res, obj.namespace);
    let g = groups.get(collection);
    if (!g) groups.set(collection, (g = { collection, objs: [], res }));
    g.objs.push(obj);
  }
  // managedFields of existing objects (PartialObjectMetadata has them), for step 4.
  const managed = new Map<string, { obj: RenderedObject; res: ApiResource; entries: unknown[] }>();
  const record = (obj: RenderedObject, md: Record<string, unknown>) => {
    managed.set(obj.key, { obj, res: resOf.get(obj.key) as ApiResource, entries: Array.isArray(md.managedFields) ? md.managedFields : [] });
    const labels = isRecord(md.labels) ? md.labels : {};
    const ann = isRecord(md.annotations) ? md.annotations : {};
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    o[obj.key] = [str(labels[MANAGED_BY_LABEL]), str(ann[RELEASE_NAME_ANNOTATION]), str(ann[RELEASE_NAMESPACE_ANNOTATION])];
  };

  const gets: { obj: RenderedObject; res: ApiResource }[] = [];
  const lists = [...groups.values()].filter((g) => g.objs.length >= LIST_MIN);
  for (const g of groups.values()) if (g.objs.length < LIST_MIN) for (const obj of g.objs) gets.push({ obj, res: g.res });
  // Page through each LIST (all first pages in one batch, then the continuations).
  let pending = lists.map((g) => ({ g, cont: '', names: new Map<string, Record<string, unknown>>() }));
  while (pending.length > 0) {
    const replies = yield pending.map((l) => ({
      path: `${l.g.collection}?limit=${LIST_PAGE}${l.cont ? `&continue=${encodeURIComponent(l.cont)}` : ''}`,
      accept: METADATA_LIST_ACCEPT,
    }));
    requests += pending.length;
    const next: typeof pending = [];
    pending.forEach((l, i) => {
      const r = replies[i];
      const body = r && r.status === 200 ? tryJson(r.body) : undefined;
      if (!isRecord(body) || !Array.isArray(body.items)) {
        for (const obj of l.g.objs) gets.push({ obj, res: l.g.res }); // not allowed to list, or an odd answer: GET each
        return;
      }
      for (const it of body.items) {
        const md = isRecord(it) && isRecord(it.metadata) ? it.metadata : undefined;
        if (md && typeof md.name === 'string') l.names.set(md.name, md);
      }
      const cont = isRecord(body.metadata) && typeof body.metadata.continue === 'string' ? body.metadata.continue : '';
      if (cont !== '') next.push({ ...l, cont });
      else for (const obj of l.g.objs) {
        const md = l.names.get(obj.name);
        if (md) record(obj, md);
        else o[obj.key] = 0;
      }
    });
    pending = next;
  }

  const batch = gets.map(({ obj, res }) => ({ obj, req: { path: objectPath(obj.apiVersion, res, obj.namespace, obj.name), accept: METADATA_ACCEPT } }));
  const replies = batch.length > 0 ? yield batch.map((b) => b.req) : [];
  requests += batch.length;
  for (let i = 0; i < batch.length; i++) {
    const obj = batch[i].obj;
    const r = replies[i];
    if (r === undefined) throw new Error(`no reply for ${batch[i].req.path}`);
    if (r.status === 404) {
      o[obj.key] = 0;
      continue;
    }
    if (r.status !== 200) {
      o[obj.key] = statusMessage(r);
      continue;
    }
    const meta = tryJson(r.body);
    const md = isRecord(meta) && isRecord(meta.metadata) ? meta.metadata : undefined;
    if (!md) {
      o[obj.key] = `the server's answer for ${obj.kind} "${obj.name}" has no metadata`;
      continue;
    }
    record(obj, md);
  }

  const snapshot: SnapshotJson = { v: 1, r: opts.release, n: opts.namespace, o };
  if (Object.keys(k).length > 0) snapshot.k = k;
  const result: LiveResult = { snapshot, notes, requests };

  let applyMethod: string | undefined;
  if (opts.previous !== false) yield* readPrevious();
  yield* readFields();
  result.requests = requests;
  return result;

  // 3. The release Helm's upgrade compares with.
  function* readPrevious(): Generator<KubeGet[], void, KubeReply[]> {
    const selector = encodeURIComponent(`owner=helm,name=${opts.release}`);
    const list = yield* get(`/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/secrets?labelSelector=${selector}`, METADATA_LIST_ACCEPT);
    if (list.status !== 200) {
      notes.push(`the release's history could not be read (${statusMessage(list)}): the snapshot is for an install; an upgrade's prediction is uncertain`);
      return;
    }
    const revisions: Revision[] = [];
    const items = tryJson(list.body);
    if (isRecord(items) && Array.isArray(items.items)) {
      for (const it of items.items) {
        const md = isRecord(it) && isRecord(it.metadata) ? it.metadata : undefined;
        const labels = md && isRecord(md.labels) ? md.labels : {};
        const n = Number(labels.version);
        if (!md || typeof md.name !== 'string' || !Number.isInteger(n) || typeof labels.status !== 'string') continue;
        revisions.push({ name: md.name, number: n, status: labels.status });
      }
    }
    const picked = pickRevision(revisions, opts.release);
    if (picked.note) notes.push(picked.note);
    if (!picked.revision) {
      return;
    }
    if (!opts.gunzip) {
      notes.push(`release "${opts.release}" exists (revision ${picked.revision.number}) but this host cannot decompress it: its keys are missing, so the upgrade's prediction is uncertain`);
      return;
    }
    const sec = yield* get(`/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/secrets/${encodeURIComponent(picked.revision.name)}`);
    let manifest: string | undefined;
    let why = '';
    if (sec.status !== 200) why = statusMessage(sec);
    else {
      try {
        const rel = decodeRelease(sec.body, opts.gunzip);
        manifest = rel.manifest;
        applyMethod = rel.applyMethod;
      } catch (e) {
        why = (e as Error).message;
      }
    }
    if (manifest === undefined) {
      notes.push(`the stored release ${picked.revision.name} could not be read (${why}): the upgrade's prediction is uncertain`);
      return;
    }
    const prev = collectObjects(readStream(manifest), { releaseNamespace: opts.namespace, scopes });
    snapshot.p = prev.filter((x) => x.hook === undefined).map((x) => x.key);
    result.revision = { number: picked.revision.number, status: picked.revision.status };
  }

  // 4. Field ownership of the existing objects Helm applies over as new to the release.
  function* readFields(): Generator<KubeGet[], void, KubeReply[]> {
    const wanted: { obj: RenderedObject; res: ApiResource; entries: unknown[]; rendered: Record<string, unknown> }[] = [];
    let candidates = 0;
    for (const m of managed.values()) {
      candidates++;
      // Other managers' entries (status-subresource entries own only status, which an apply of the object
      // never changes) that own a field the render sets: only then is the full object needed. Objects
      // only Helm's own apply wrote (a release's, usually) are not even parsed.
      const others = m.entries.filter((e) => {
        const me = managerEntry(e);
        return me !== undefined && !(me.m[0] === HELM_FIELD_MANAGER && me.m[1] === 'A') && me.m[3] !== 'status';
      });
      if (others.length === 0 && m.entries.length > 0) continue;
      const rendered = renderedValue(m.obj);
      if (!rendered) {
        notes.push(`${m.obj.kind} "${m.obj.name}": the rendered object could not be parsed; its server-side apply conflicts are not predicted`);
        continue;
      }
      const applied = withHelmMetadata(rendered, opts.release, opts.namespace);
      const foreign = others.filter((e) => rendersOwned((managerEntry(e) as { fieldsV1: Record<string, unknown> }).fieldsV1, applied));
      if (foreign.length > 0 || m.entries.length === 0) wanted.push({ ...m, entries: foreign, rendered: applied });
    }
    if (candidates === 0 && applyMethod === undefined) return;
    snapshot.v = SNAPSHOT_VERSION_FIELDS;
    if (applyMethod !== undefined) snapshot.a = applyMethod;
    const f: Record<string, ManagerFields[]> = {};
    snapshot.f = f;
    if (wanted.length === 0) return;
    const replies = yield wanted.map((w) => ({ path: objectPath(w.obj.apiVersion, w.res, w.obj.namespace, w.obj.name), accept: 'application/json' }));
    requests += wanted.length;
    wanted.forEach((w, i) => {
      const r = replies[i];
      const live = r && r.status === 200 ? tryJson(r.body) : undefined;
      if (!isRecord(live)) {
        notes.push(`${w.obj.kind} "${w.obj.name}": reading it failed (${r ? statusMessage(r) : 'no reply'}); its server-side apply conflicts are not predicted`);
        return;
      }
      const applied = w.rendered;
      const hashAll = w.obj.group === '' && w.obj.kind === 'Secret';
      const out: ManagerFields[] = [];
      // No managedFields at all: the server gives every field to "before-first-apply" on the first apply.
      const entries = w.entries.length > 0 ? w.entries.map(managerEntry) : [{ m: ['before-first-apply', 'U', w.obj.apiVersion, ''] as [string, 'U', string, string], fieldsV1: wholeObjectFields(live) }];
      for (const e of entries) {
        if (!e) continue;
        const tree = ownedFieldsForRender(e.fieldsV1, applied, live, hashAll);
        if (tree) out.push([...e.m, tree]);
      }
      if (out.length > 0) f[w.obj.key] = out;
    });
  }
}

/** The manifest of a Helm release Secret (the API's JSON): data.release = base64(base64(gzip(JSON))). */
export function decodeReleaseManifest(secretJson: string, gunzip: (b: Uint8Array) => string): string {
  return decodeRelease(secretJson, gunzip).manifest;
}

/** The manifest and apply method ("ssa", "csa", "" for releases without one, e.g. Helm 3's) of a release Secret. */
export function decodeRelease(secretJson: string, gunzip: (b: Uint8Array) => string): { manifest: string; applyMethod: string } {
  const secret = tryJson(secretJson);
  const data = isRecord(secret) && isRecord(secret.data) ? secret.data : undefined;
  if (!data || typeof data.release !== 'string') throw new Error('the Secret has no data.release');
  // The API base64-encodes Secret data; Helm's stored value is base64 text itself.
  const inner = new Uint8Array(base64Decode(data.release));
  let text = '';
  for (let i = 0; i < inner.length; i += 8192) text += String.fromCharCode(...inner.subarray(i, i + 8192));
  const bytes = new Uint8Array(base64Decode(text.trim()));
  const json = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes) : utf8(bytes);
  const rel = tryJson(json);
  if (!isRecord(rel)) throw new Error('the release is not JSON');
  return { manifest: typeof rel.manifest === 'string' ? rel.manifest : '', applyMethod: typeof rel.apply_method === 'string' ? rel.apply_method : '' };
}

function utf8(b: Uint8Array): string {
  return utf8Decode(Array.from(b));
}

/** Drives a reader synchronously, one request after the other (the plugin's Http.request). */
export function runLiveReader(reader: LiveReader, send: (req: KubeGet) => KubeReply): LiveResult {
  let step = reader.next();
  while (!step.done) step = reader.next(step.value.map(send));
  return step.value;
}

/** Drives a reader with an async transport (the CLI's HTTPS client), `parallel` requests at a time. */
export async function runLiveReaderAsync(reader: LiveReader, send: (req: KubeGet) => Promise<KubeReply>, parallel = 8): Promise<LiveResult> {
  let step = reader.next();
  while (!step.done) {
    const reqs = step.value;
    const out: KubeReply[] = new Array(reqs.length);
    let next = 0;
    const worker = async () => {
      while (next < reqs.length) {
        const i = next++;
        out[i] = await send(reqs[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, reqs.length) }, worker));
    step = reader.next(out);
  }
  return step.value;
}
