// RFC 6902 JSON Patch with the options Kyverno applies patchesJson6902 with: negative array
// indexes (-1 = last; for add, -1 appends), remove of a missing path is a no-op, and add creates
// missing parents (an array when the next token is an index or `-`, else an object). `strict`
// turns the last two off (Kubernetes admission JSONPatch).

import { cloneJson, deepEqual } from '../json';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export class JsonPatchError extends Error {}

export interface PatchOperation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

/** `/a/b~1c` → ['a', 'b/c']; `` → []. */
export function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${path}": must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.split('~1').join('/').split('~0').join('~'));
}

const INDEX = /^-?\d+$/;

function arrayIndex(arr: Json[], token: string, forAdd: boolean, path: string): number {
  if (token === '-' && forAdd) return arr.length;
  if (!INDEX.test(token)) throw new JsonPatchError(`invalid array index "${token}" in ${path}`);
  let i = Number(token);
  const size = forAdd ? arr.length + 1 : arr.length;
  if (i < 0) {
    if (i < -size) throw new JsonPatchError(`array index ${token} out of bounds in ${path}`);
    i += size;
  }
  if (i >= size) throw new JsonPatchError(`array index ${token} out of bounds in ${path}`);
  return i;
}

function getChild(container: Json, token: string, path: string): Json {
  if (Array.isArray(container)) {
    if (!INDEX.test(token)) return undefined;
    let i = Number(token);
    if (i < 0) i += container.length;
    return i >= 0 && i < container.length ? container[i] : undefined;
  }
  if (isObj(container)) return Object.prototype.hasOwnProperty.call(container, token) ? container[token] : undefined;
  throw new JsonPatchError(`cannot traverse a scalar at ${path}`);
}

/** The parent container of the last token, creating missing parents when `ensure` is set. */
function parentOf(doc: Json, tokens: string[], path: string, ensure: boolean): Json {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    let next = getChild(cur, t, path);
    if (next === undefined || next === null) {
      if (!ensure) throw new JsonPatchError(`path ${path} does not exist`);
      const following = tokens[i + 1];
      const created: Json = INDEX.test(following) || following === '-' ? [] : {};
      if (Array.isArray(cur)) {
        const idx = arrayIndex(cur, t, true, path);
        cur.splice(idx, 0, created);
      } else if (isObj(cur)) {
        cur[t] = created;
      } else {
        throw new JsonPatchError(`cannot traverse a scalar at ${path}`);
      }
      next = created;
    }
    cur = next;
  }
  return cur;
}

function add(doc: Json, path: string, value: Json, ensure: boolean): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return cloneJson(value);
  const parent = parentOf(doc, tokens, path, ensure);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, path), 0, cloneJson(value));
  else if (isObj(parent)) parent[last] = cloneJson(value);
  else throw new JsonPatchError(`cannot add to a scalar at ${path}`);
  return doc;
}

function remove(doc: Json, path: string, allowMissing: boolean): { doc: Json; removed: Json } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document');
  let parent: Json;
  try {
    parent = parentOf(doc, tokens, path, false);
  } catch (e) {
    if (allowMissing) return { doc, removed: undefined };
    throw e;
  }
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    let i: number;
    try {
      i = arrayIndex(parent, last, false, path);
    } catch (e) {
      if (allowMissing) return { doc, removed: undefined };
      throw e;
    }
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (isObj(parent)) {
    if (!Object.prototype.hasOwnProperty.call(parent, last)) {
      if (allowMissing) return { doc, removed: undefined };
      throw new JsonPatchError(`remove: ${path} does not exist`);
    }
    const removed = parent[last];
    delete parent[last];
    return { doc, removed };
  }
  if (allowMissing) return { doc, removed: undefined };
  throw new JsonPatchError(`remove: ${path} does not exist`);
}

function get(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of parsePointer(path)) {
    cur = getChild(cur, t, path);
    if (cur === undefined) throw new JsonPatchError(`path ${path} does not exist`);
  }
  return cur;
}

export interface JsonPatchOptions {
  /** Plain RFC 6902 (Kubernetes admission JSONPatch): add does not create parents, remove needs the path. */
  strict?: boolean;
}

/** Applies the operations to a copy of `doc`. Throws JsonPatchError naming the operation. */
export function applyJsonPatch(doc: Json, ops: PatchOperation[], options: JsonPatchOptions = {}): Json {
  const lenient = !options.strict;
  let out = cloneJson(doc);
  ops.forEach((o, n) => {
    const where = `operation ${n} (${o.op} ${o.path})`;
    try {
      switch (o.op) {
        case 'add':
          out = add(out, o.path, o.value === undefined ? null : o.value, lenient);
          break;
        case 'remove':
          out = remove(out, o.path, lenient).doc;
          break;
        case 'replace': {
          get(out, o.path); // must exist
          const r = remove(out, o.path, false);
          out = add(r.doc, o.path, o.value === undefined ? null : o.value, false);
          break;
        }
        case 'move': {
          if (o.from === undefined) throw new JsonPatchError('move needs "from"');
          const r = remove(out, o.from, false);
          out = add(r.doc, o.path, r.removed, true);
          break;
        }
        case 'copy': {
          if (o.from === undefined) throw new JsonPatchError('copy needs "from"');
          out = add(out, o.path, get(out, o.from), true);
          break;
        }
        case 'test':
          if (!deepEqual(get(out, o.path), o.value)) throw new JsonPatchError(`test failed at ${o.path}`);
          break;
        default:
          throw new JsonPatchError(`unknown operation "${o.op}"`);
      }
    } catch (e) {
      throw new JsonPatchError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return out;
}

/** Validates the shape of a parsed patch list. */
export function toOperations(v: unknown): PatchOperation[] {
  if (!Array.isArray(v)) throw new JsonPatchError('patchesJson6902 must be a list of operations');
  return v.map((x, i) => {
    if (!isObj(x) || typeof x.op !== 'string' || typeof x.path !== 'string') throw new JsonPatchError(`operation ${i} needs "op" and "path"`);
    return { op: x.op, path: x.path, value: x.value, from: typeof x.from === 'string' ? x.from : undefined };
  });
}
