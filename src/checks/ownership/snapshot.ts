// The live state the plugin receives through `--post-renderer-args=--snapshot=…`: the ownership
// metadata of the rendered objects as they exist in the cluster, nothing else.
//
// Format, version 1: a JSON object, passed either as is (`{…}`) or as `ws1.` + base64url of its UTF-8
// bytes (no padding; safe in any shell and in Helm's argument list, which never splits on commas).
//
//   {
//     "v": 1,                                   version (required)
//     "r": "web", "n": "prod",                  release name and namespace it was taken for (optional)
//     "o": {                                    live objects, by Helm's objectKey (required)
//       "v1/ConfigMap/prod/shared": ["Helm", "a", "prod"],   exists: [managed-by label,
//                                                            release-name, release-namespace annotation]
//       "v1/Secret/prod/creds": [null, null, null],          exists without Helm metadata (null = key absent)
//       "apps/v1/Deployment/prod/web": 0,                    does not exist (NotFound)
//       "v1/Service/prod/api": "forbidden: …"                the GET failed with this error
//     },
//     "p": ["apps/v1/Deployment/prod/web"],     objectKeys of the previous release's manifest (upgrades)
//     "k": {"example.com/Widget": "c"}          scopes of kinds not built in: c = cluster, n = namespaced
//   }
//
// Version 2 (written only when one of these is present; version 1 readers refuse it by its version):
//
//     "f": {                                    field ownership of existing objects Helm would apply over
//       "v1/Service/prod/api": [                (server-side apply conflicts, ssa.ts), by objectKey:
//         ["kubectl-create", "U", "v1", "",     manager, A(pply)/U(pdate), apiVersion, subresource,
//          {"f:spec": {"f:ports": {"k:{\"port\":80,\"protocol\":\"TCP\"}": {"f:targetPort": {"=": 80}}}}}]
//       ]                                       its fieldsV1 pruned to the fields the render sets, each leaf
//     },                                        {"=": live value} or {"#": hash of it} (Secrets, long values);
//                                               objects without an entry have no foreign fields the render sets
//     "a": "ssa"                                apply method of the previous release ("ssa", "csa"; "" = none recorded)
//
// A rendered object the snapshot does not list has an unknown live state. Entries match rendered objects
// by group, kind, namespace and name (the version in the key is ignored: every version serves the same
// object). `p` keys are compared exactly, as Helm does (an apiVersion change makes an object new).

import { parseObjectKey, identityKey } from './keys';
import type { Scope } from './scope';
import type { ManagerFields } from './ssa';

export const SNAPSHOT_VERSION = 1;
/** The version written when field ownership ("f") or the previous apply method ("a") is recorded. */
export const SNAPSHOT_VERSION_FIELDS = 2;
export const SNAPSHOT_PREFIX = 'ws1.';

/** Linux MAX_ARG_STRLEN (32 pages): the longest single argument, terminating NUL included. */
export const MAX_ARG_STRLEN = 131072;
/** What Helm's own argv entry adds around the snapshot. */
export const SNAPSHOT_ARG_OVERHEAD = '--post-renderer-args=--snapshot='.length + 1;
/** The longest snapshot string that fits in one argument of Helm's command line. */
export const MAX_SNAPSHOT_LENGTH = MAX_ARG_STRLEN - SNAPSHOT_ARG_OVERHEAD;

export type LiveState =
  | { found: false }
  | { found: true; managedBy?: string; releaseName?: string; releaseNamespace?: string }
  | { found: 'error'; error: string };

export interface OwnershipSnapshot {
  version: 1 | 2;
  release?: string;
  namespace?: string;
  /** Live states by identity (group|kind|namespace|name). */
  objects: Map<string, LiveState>;
  /** The keys as written, for reports. */
  keys: string[];
  /** Helm objectKeys of the previous release, when the snapshot is for an upgrade. */
  previous?: Set<string>;
  /** Scopes of non-built-in kinds, by `group/Kind`. */
  scopes: Record<string, Scope>;
  /**
   * Field ownership of existing objects by other managers (version 2), by identity; undefined when the
   * snapshot does not record it (version 1), so apply conflicts cannot be predicted.
   */
  fields?: Map<string, ManagerFields[]>;
  /** The previous release's apply method ("ssa", "csa", "" when it recorded none), version 2. */
  applyMethod?: string;
}

export class SnapshotError extends Error {}

// --- base64url and UTF-8, by hand: the engine has neither atob nor Buffer ---

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX: Record<string, number> = {};
for (let i = 0; i < B64.length; i++) B64_INDEX[B64[i]] = i;
/** Standard base64 too (Kubernetes encodes Secret data with it). */
const B64_ANY: Record<string, number> = { ...B64_INDEX, '+': 62, '/': 63 };
/** The same tables by character code (-1: not a base64 character), read in the decode loop. */
function codeTable(index: Record<string, number>): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (const ch of Object.keys(index)) t[ch.charCodeAt(0)] = index[ch];
  return t;
}
const B64_INDEX_CODES = codeTable(B64_INDEX);
const B64_ANY_CODES = codeTable(B64_ANY);

export function utf8Encode(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0) as number;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

export function utf8Decode(b: readonly number[]): string {
  // ASCII (what snapshots almost always are): whole chunks at once instead of a string per byte
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let text = '';
    for (let i = 0; i < b.length; i += 8192) text += String.fromCharCode.apply(null, b.slice(i, i + 8192) as number[]);
    return text;
  }
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let cp: number;
    let n: number;
    if (c < 0x80) { cp = c; n = 1; }
    else if (c >= 0xc2 && c < 0xe0) { cp = c & 31; n = 2; }
    else if (c >= 0xe0 && c < 0xf0) { cp = c & 15; n = 3; }
    else if (c >= 0xf0 && c < 0xf5) { cp = c & 7; n = 4; }
    else throw new SnapshotError(`the snapshot is not valid UTF-8 (byte ${i})`);
    if (i + n > b.length) throw new SnapshotError(`the snapshot is not valid UTF-8 (truncated at byte ${i})`);
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) throw new SnapshotError(`the snapshot is not valid UTF-8 (byte ${i + k})`);
      cp = (cp << 6) | (d & 63);
    }
    if ((n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) {
      throw new SnapshotError(`the snapshot is not valid UTF-8 (byte ${i})`);
    }
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

export function base64urlEncode(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += B64[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64[n & 63];
  }
  return out;
}

export function base64urlDecode(s: string): number[] {
  return decode64(s, B64_INDEX, 'the snapshot is not valid base64url');
}

/** Standard or URL-safe base64, padded or not. */
export function base64Decode(s: string): number[] {
  return decode64(s, B64_ANY, 'not valid base64');
}

function decode64(s: string, index: Record<string, number>, what: string): number[] {
  const t = s.endsWith('==') ? s.slice(0, -2) : s.endsWith('=') ? s.slice(0, -1) : s;
  if (t.length % 4 === 1) throw new SnapshotError(`${what} (bad length)`);
  const table = index === B64_INDEX ? B64_INDEX_CODES : B64_ANY_CODES;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const v = c < 128 && table[c] >= 0 ? table[c] : undefined;
    if (v === undefined) throw new SnapshotError(`${what} (character ${JSON.stringify(t[i])} at ${i})`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
  }
  return out;
}

// --- parse and validate ---

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SnapshotError(`${what} must be a string or null (got ${JSON.stringify(v)})`);
  return v;
}

const TOP_KEYS = new Set(['v', 'r', 'n', 'o', 'p', 'k', 'f', 'a']);

/** Parses a snapshot argument; throws SnapshotError naming what is wrong. */
export function parseSnapshot(text: string): OwnershipSnapshot {
  // No length limit here: an argument that reached the plugin fitted (the kernel limits Helm's own
  // argv), and hosts that pass no argv (warden-exec --snapshot-file, the CLI) have no such limit.
  let json: string;
  if (text.startsWith(SNAPSHOT_PREFIX)) {
    json = utf8Decode(base64urlDecode(text.slice(SNAPSHOT_PREFIX.length)));
  } else if (text.trimStart().startsWith('{')) {
    json = text;
  } else {
    throw new SnapshotError(`the snapshot must be JSON ({"v":1,…}) or "${SNAPSHOT_PREFIX}" followed by base64url JSON (got "${text.slice(0, 20)}${text.length > 20 ? '…' : ''}")`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new SnapshotError(`the snapshot is not valid JSON: ${(e as Error).message}`);
  }
  return snapshotFromJson(raw);
}

/** Validates a decoded snapshot (the JSON value); throws SnapshotError naming what is wrong. */
export function snapshotFromJson(raw: unknown): OwnershipSnapshot {
  if (!isRecord(raw)) throw new SnapshotError('the snapshot must be a JSON object');
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.has(k)) throw new SnapshotError(`the snapshot has an unknown field "${k}" (known: v, r, n, o, p, k, f, a)`);
  }
  if (raw.v !== SNAPSHOT_VERSION && raw.v !== SNAPSHOT_VERSION_FIELDS) {
    throw new SnapshotError(`the snapshot has version ${JSON.stringify(raw.v)}; this warden reads versions 1 and 2 ("v": 1 or 2)`);
  }
  if (raw.v === SNAPSHOT_VERSION && (raw.f !== undefined || raw.a !== undefined)) {
    throw new SnapshotError('the snapshot fields "f" and "a" need version 2 ("v": 2)');
  }
  const release = optString(raw.r, 'the snapshot field "r" (release name)');
  const namespace = optString(raw.n, 'the snapshot field "n" (release namespace)');
  if (!isRecord(raw.o)) throw new SnapshotError('the snapshot needs "o": an object of live objects by key');

  const objects = new Map<string, LiveState>();
  const keys: string[] = [];
  for (const [key, entry] of Object.entries(raw.o)) {
    const k = parseObjectKey(key);
    const where = `snapshot entry "${key}"`;
    if (!k || k.version === '' || k.kind === '' || k.name === '') {
      throw new SnapshotError(`${where}: the key must be apiVersion/Kind/namespace/name, e.g. "apps/v1/Deployment/default/web" or "v1/Namespace//web"`);
    }
    let state: LiveState;
    if (entry === 0) {
      state = { found: false };
    } else if (typeof entry === 'string') {
      state = { found: 'error', error: entry };
    } else if (Array.isArray(entry) && entry.length === 3) {
      state = {
        found: true,
        managedBy: optString(entry[0], `${where}: [0] (the app.kubernetes.io/managed-by label)`),
        releaseName: optString(entry[1], `${where}: [1] (the meta.helm.sh/release-name annotation)`),
        releaseNamespace: optString(entry[2], `${where}: [2] (the meta.helm.sh/release-namespace annotation)`),
      };
    } else {
      throw new SnapshotError(
        `${where}: must be 0 (not found), [managed-by, release-name, release-namespace] (null for a missing key) or an error text (got ${JSON.stringify(entry)})`,
      );
    }
    const id = identityKey(k.group, k.kind, k.namespace, k.name);
    if (objects.has(id)) throw new SnapshotError(`${where}: the same object is listed twice (versions differ only)`);
    objects.set(id, state);
    keys.push(key);
  }

  let previous: Set<string> | undefined;
  if (raw.p !== undefined) {
    if (!Array.isArray(raw.p)) throw new SnapshotError('the snapshot field "p" must be a list of the previous release\'s object keys');
    previous = new Set();
    raw.p.forEach((key, i) => {
      if (typeof key !== 'string' || !parseObjectKey(key)) {
        throw new SnapshotError(`snapshot "p" entry ${i + 1} (${JSON.stringify(key)}): must be a key apiVersion/Kind/namespace/name`);
      }
      (previous as Set<string>).add(key);
    });
  }

  const scopes: Record<string, Scope> = {};
  if (raw.k !== undefined) {
    if (!isRecord(raw.k)) throw new SnapshotError('the snapshot field "k" must be an object of "group/Kind": "c" or "n"');
    for (const [gk, s] of Object.entries(raw.k)) {
      if (s !== 'c' && s !== 'n') throw new SnapshotError(`snapshot "k" entry "${gk}": must be "c" (cluster-scoped) or "n" (namespaced), got ${JSON.stringify(s)}`);
      scopes[gk] = s === 'c' ? 'Cluster' : 'Namespaced';
    }
  }
  let fields: Map<string, ManagerFields[]> | undefined;
  if (raw.v === SNAPSHOT_VERSION_FIELDS) {
    fields = new Map();
    if (raw.f !== undefined && !isRecord(raw.f)) throw new SnapshotError('the snapshot field "f" must be an object of field ownership by object key');
    for (const [key, entry] of Object.entries((raw.f ?? {}) as Record<string, unknown>)) {
      const k = parseObjectKey(key);
      const where = `snapshot "f" entry "${key}"`;
      if (!k) throw new SnapshotError(`${where}: the key must be apiVersion/Kind/namespace/name`);
      if (!Array.isArray(entry)) throw new SnapshotError(`${where}: must be a list of [manager, "A"|"U", apiVersion, subresource, fields]`);
      const list: ManagerFields[] = entry.map((m, i) => {
        if (
          !Array.isArray(m) || m.length !== 5 || typeof m[0] !== 'string' || (m[1] !== 'A' && m[1] !== 'U') ||
          typeof m[2] !== 'string' || typeof m[3] !== 'string' || !isRecord(m[4])
        ) {
          throw new SnapshotError(`${where}, manager ${i + 1}: must be [manager, "A"|"U", apiVersion, subresource, {fields}] (got ${JSON.stringify(m).slice(0, 80)})`);
        }
        return m as ManagerFields;
      });
      fields.set(identityKey(k.group, k.kind, k.namespace, k.name), list);
    }
  }
  let applyMethod: string | undefined;
  if (raw.a !== undefined) {
    if (typeof raw.a !== 'string') throw new SnapshotError('the snapshot field "a" (previous apply method) must be a string');
    applyMethod = raw.a;
  }
  return { version: raw.v as 1 | 2, release, namespace, objects, keys, previous, scopes, fields, applyMethod };
}

/** The JSON form of a snapshot, as a producer writes it. */
export interface SnapshotJson {
  v: 1 | 2;
  r?: string;
  n?: string;
  o: Record<string, 0 | string | [string | null, string | null, string | null]>;
  p?: string[];
  k?: Record<string, 'c' | 'n'>;
  f?: Record<string, ManagerFields[]>;
  a?: string;
}

/** Encodes a snapshot for `--snapshot=`; throws SnapshotError when it cannot fit in Helm's arguments. */
export function encodeSnapshot(s: SnapshotJson, limit = MAX_SNAPSHOT_LENGTH): string {
  const out = SNAPSHOT_PREFIX + base64urlEncode(utf8Encode(JSON.stringify(s)));
  if (out.length > limit) {
    throw new SnapshotError(
      `the snapshot is ${out.length} bytes for ${Object.keys(s.o).length} objects, more than fits in one command-line argument ` +
        `(${MAX_SNAPSHOT_LENGTH} bytes); use a snapshot file through warden-exec (--snapshot-file) or the HTTP route (--kube-proxy) instead`,
    );
  }
  return out;
}
