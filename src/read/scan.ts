// A cheap, exact-or-nothing scan of a document's identity: apiVersion, kind and the
// metadata fields checks key on. It reads lines with string search only (no regular
// expressions, no YAML parse). When the document uses anything the scan does not
// understand for those fields (flow style, anchors, tags, multi-line scalars, escapes)
// it says so with `exact: false`, and callers fall back to a full parse.

import { NeedleFinder } from './needle';

export interface DocumentHeader {
  apiVersion?: string;
  kind?: string;
  name?: string;
  generateName?: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Template path from Helm's `# Source:` comment, if any. */
  source?: string;
  /** True when every field above was read with certainty. */
  exact: boolean;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;

interface Line {
  indent: number;
  /** Offset of the first non-blank character. */
  from: number;
  /** Offset of the end of the line, before CR/LF. */
  to: number;
  /** Offset of the next line. */
  next: number;
}

function readLine(s: string, pos: number): Line {
  let nl = s.indexOf('\n', pos);
  const next = nl < 0 ? s.length : nl + 1;
  if (nl < 0) nl = s.length;
  let to = nl;
  if (to > pos && s.charCodeAt(to - 1) === CR) to--;
  let from = pos;
  while (from < to && s.charCodeAt(from) === SPACE) from++;
  return { indent: from - pos, from, to, next };
}

function isBlankOrComment(s: string, l: Line): boolean {
  if (l.from >= l.to) return true;
  const c = s.charCodeAt(l.from);
  if (c === HASH) return true;
  if (c === TAB) {
    // A tab-indented line: blank only if nothing but whitespace follows.
    for (let i = l.from; i < l.to; i++) {
      const d = s.charCodeAt(i);
      if (d !== TAB && d !== SPACE) return d === HASH;
    }
    return true;
  }
  return false;
}

/** Characters that make a plain scalar value something the scan will not interpret. */
function plainValueIsSimple(v: string): boolean {
  if (v.length === 0) return false;
  const c = v.charCodeAt(0);
  // Indicators that start flow collections, anchors, aliases, tags, block scalars, directives…
  // - [ ] { } & * ! | > % @ ` and quotes are handled by the caller.
  switch (v[0]) {
    case '[': case ']': case '{': case '}': case '&': case '*': case '!':
    case '|': case '>': case '%': case '@': case '`': case ',':
      return false;
  }
  if (c === 45 /* - */ && (v.length === 1 || v.charCodeAt(1) === SPACE)) return false;
  if (c === 63 /* ? */ && (v.length === 1 || v.charCodeAt(1) === SPACE)) return false;
  return true;
}

/**
 * Reads a scalar value text (what follows `key:` on one line) and returns its string
 * value, or undefined when it is not a single-line scalar the scan can read exactly.
 * `null`-like plain values are returned as null.
 */
export function readScalar(raw: string): string | null | undefined {
  let v = raw;
  // Strip a trailing comment: ` #` outside quotes.
  const q = v.charCodeAt(0);
  if (q === 39 /* ' */) {
    let out = '';
    let i = 1;
    for (;;) {
      const j = v.indexOf("'", i);
      if (j < 0) return undefined;
      out += v.slice(i, j);
      if (v.charCodeAt(j + 1) === 39) {
        out += "'";
        i = j + 2;
        continue;
      }
      const rest = v.slice(j + 1).trim();
      if (rest.length > 0 && rest.charCodeAt(0) !== HASH) return undefined;
      return out;
    }
  }
  if (q === 34 /* " */) {
    const j = v.indexOf('"', 1);
    if (j < 0) return undefined;
    const body = v.slice(1, j);
    if (body.indexOf('\\') >= 0) return undefined; // escapes: leave to the parser
    const rest = v.slice(j + 1).trim();
    if (rest.length > 0 && rest.charCodeAt(0) !== HASH) return undefined;
    return body;
  }
  const hash = v.indexOf(' #');
  if (hash >= 0) v = v.slice(0, hash);
  const tab = v.indexOf('\t#');
  if (tab >= 0) v = v.slice(0, tab);
  v = v.trim();
  if (!plainValueIsSimple(v)) return v.length === 0 ? null : undefined;
  if (v.indexOf(': ') >= 0 || v.endsWith(':')) return undefined;
  if (v === '~' || v === 'null' || v === 'Null' || v === 'NULL') return null;
  if (!plainIsString(v)) return undefined;
  return v;
}

const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Does a plain scalar resolve to a string under the YAML 1.2 core schema? */
function plainIsString(v: string): boolean {
  const c = v.charCodeAt(0);
  if (c === 116 || c === 84 || c === 102 || c === 70) {
    // t T f F
    return !(v === 'true' || v === 'True' || v === 'TRUE' || v === 'false' || v === 'False' || v === 'FALSE');
  }
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) return !CORE_NUMBER.test(v);
  return true;
}

/**
 * Splits `key: value` at the first `:` followed by space or end of line. Returns the
 * key (unquoted) and the raw value text, or undefined for lines that are not a simple
 * block-mapping entry.
 */
function splitEntry(s: string, from: number, to: number): { key: string; value: string } | undefined {
  const c = s.charCodeAt(from);
  let keyEnd: number;
  let key: string;
  if (c === 34 || c === 39) {
    const close = s.indexOf(String.fromCharCode(c), from + 1);
    if (close < 0 || close >= to) return undefined;
    key = s.slice(from + 1, close);
    if (c === 34 && key.indexOf('\\') >= 0) return undefined;
    if (c === 39 && s.charCodeAt(close + 1) === 39) return undefined;
    keyEnd = close + 1;
    if (s.charCodeAt(keyEnd) !== 58 /* : */) return undefined;
  } else {
    if (c === 45 /* - */ || c === 63 /* ? */ || c === 91 || c === 123 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62) {
      return undefined;
    }
    let i = s.indexOf(':', from);
    for (;;) {
      if (i < 0 || i >= to) return undefined;
      const after = s.charCodeAt(i + 1);
      if (i + 1 === to || after === SPACE || after === TAB) break;
      i = s.indexOf(':', i + 1);
    }
    keyEnd = i;
    key = s.slice(from, keyEnd).trimEnd();
    if (key.indexOf(' #') >= 0) return undefined;
  }
  const value = s.slice(keyEnd + 1, to).trim();
  return { key, value };
}

const SOURCE_PREFIX = '# Source: ';

/** Offsets of lines in [from, to) that start (column 0) with `prefix`; at most two. */
function findLineStarts(f: NeedleFinder, prefix: string, from: number, to: number): number[] {
  const s = f.s;
  const needle = NEWLINE_KEYS[prefix] ?? '\n' + prefix;
  const out: number[] = [];
  if (s.startsWith(prefix, from)) out.push(from);
  let i = f.indexOf(needle, from);
  while (i >= 0 && i + 1 < to && out.length < 2) {
    out.push(i + 1);
    i = f.indexOf(needle, i + 1);
  }
  return out;
}

/** The next line after `l` that is not blank or a comment, or undefined. */
function nextContentLine(s: string, l: Line, to: number): Line | undefined {
  let pos = l.next;
  while (pos < to) {
    const n = readLine(s, pos);
    if (!isBlankOrComment(s, n)) return n;
    pos = n.next;
  }
  return undefined;
}

const NEWLINE_KEYS: Record<string, string> = {
  'kind:': '\nkind:',
  'apiVersion:': '\napiVersion:',
  'metadata:': '\nmetadata:',
};

/** Reads the one-line scalar of the top-level key at line `at`. */
function topScalar(s: string, at: number, to: number, h: { exact: boolean }): string | undefined {
  const l = readLine(s, at);
  const e = splitEntry(s, l.from, Math.min(l.to, to));
  const v = e ? readScalar(e.value) : undefined;
  const next = nextContentLine(s, l, to);
  if (v === undefined || (next !== undefined && next.indent > 0)) {
    h.exact = false; // not a plain one-line scalar, or continued on the next line
    return undefined;
  }
  return v === null ? undefined : v;
}

export interface DocumentIdentity {
  apiVersion?: string;
  kind?: string;
  source?: string;
  /** True when apiVersion and kind were read with certainty. */
  exact: boolean;
  /** Offset of the first content line (-1: the document has none). */
  body: number;
}

/**
 * Reads apiVersion and kind (and Helm's `# Source:` comment). Top-level keys are found
 * with native string search (a key at column 0 cannot be inside a scalar of a block
 * mapping), so the cost does not grow with the size of `spec` or `data`.
 */
export function scanIdentity(s: string, from = 0, to = s.length, finder = new NeedleFinder(s)): DocumentIdentity {
  const id: DocumentIdentity = { exact: true, body: -1 };
  // Leading comments (Helm's `# Source:`) and the first content line.
  let pos = from;
  let first: Line | undefined;
  while (pos < to) {
    const l = readLine(s, pos);
    if (!isBlankOrComment(s, l)) {
      first = l;
      break;
    }
    if (id.source === undefined && l.indent === 0 && s.startsWith(SOURCE_PREFIX, l.from)) {
      id.source = s.slice(l.from + SOURCE_PREFIX.length, l.to).trim();
    }
    pos = l.next;
  }
  if (!first) return id;
  id.body = first.from;
  // The document must be a block mapping at column 0.
  if (first.indent !== 0 || s.charCodeAt(first.from) === TAB || !splitEntry(s, first.from, first.to)) {
    id.exact = false;
    return id;
  }
  for (const key of ['apiVersion', 'kind'] as const) {
    const at = findLineStarts(finder, key === 'kind' ? KIND_KEY : API_VERSION_KEY, first.from, to);
    if (at.length !== 1) {
      id.exact = false; // missing (maybe written quoted) or duplicated: let the parser decide
      continue;
    }
    const v = topScalar(s, at[0], to, id);
    if (v !== undefined) id[key] = v;
  }
  return id;
}

const KIND_KEY = 'kind:';
const API_VERSION_KEY = 'apiVersion:';
const METADATA_KEY = 'metadata:';

/** Scans one document's identity and metadata (name, namespace, labels, annotations). */
export function scanHeader(
  s: string,
  from = 0,
  to = s.length,
  finder = new NeedleFinder(s),
  identity = scanIdentity(s, from, to, finder),
): DocumentHeader {
  const h: DocumentHeader = {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    labels: {},
    annotations: {},
    source: identity.source,
    exact: identity.exact,
  };
  if (identity.body < 0) return h;
  if (!identity.exact && identity.apiVersion === undefined && identity.kind === undefined) return h;
  const meta = findLineStarts(finder, METADATA_KEY, identity.body, to);
  if (meta.length !== 1) {
    h.exact = false;
    return h;
  }
  const metaLine = readLine(s, meta[0]);
  const inline = s.slice(meta[0] + METADATA_KEY.length, metaLine.to).trim();
  if (inline.length > 0 && inline.charCodeAt(0) !== HASH) {
    h.exact = false; // flow style or anything else inline
    return h;
  }
  scanMetadata(s, metaLine.next, to, h);
  return h;
}

/** Reads the block under `metadata:` up to the next line at column 0. */
function scanMetadata(s: string, from: number, to: number, h: DocumentHeader): void {
  let pos = from;
  // 1 = a metadata field; 2 = inside labels; 3 = inside annotations
  let state = 1;
  let metaIndent = -1;
  let mapIndent = -1;
  // After a one-line value, the next content line must not be indented deeper than this.
  let pendingIndent = -1;
  const seen = new Set<string>();

  while (pos < to) {
    const l = readLine(s, pos);
    pos = l.next;
    if (l.to > to) l.to = to;
    if (isBlankOrComment(s, l)) continue;
    if (l.indent === 0 && s.charCodeAt(l.from) !== TAB) return; // the next top-level key
    if (s.charCodeAt(l.from) === TAB) {
      h.exact = false;
      continue;
    }
    if (pendingIndent >= 0) {
      const deeper = l.indent > pendingIndent;
      pendingIndent = -1;
      if (deeper) {
        h.exact = false; // a value continued on the next line
        continue;
      }
    }
    if (metaIndent < 0) metaIndent = l.indent;
    if (l.indent <= metaIndent) {
      if (l.indent < metaIndent) {
        h.exact = false;
        continue;
      }
      state = 1;
      const e = splitEntry(s, l.from, l.to);
      if (!e) {
        h.exact = false;
        continue;
      }
      if (seen.has(e.key)) h.exact = false;
      seen.add(e.key);
      if (e.key === 'name' || e.key === 'namespace' || e.key === 'generateName') {
        const v = readScalar(e.value);
        if (v === undefined) h.exact = false;
        else if (v !== null) h[e.key] = v;
        pendingIndent = metaIndent;
      } else if (e.key === 'labels' || e.key === 'annotations') {
        if (e.value.length > 0 && e.value.charCodeAt(0) !== HASH) {
          if (readScalar(e.value) !== null) h.exact = false; // `labels: {}` or similar
        } else {
          state = e.key === 'labels' ? 2 : 3;
          mapIndent = -1;
        }
      } else {
        state = 0; // some other field: skip its block
      }
      continue;
    }
    if (state === 0) continue;
    if (state === 1) {
      h.exact = false; // indented content under a scalar field
      continue;
    }
    // An entry of labels/annotations.
    if (mapIndent < 0) mapIndent = l.indent;
    if (l.indent !== mapIndent) {
      h.exact = false;
      continue;
    }
    const e = splitEntry(s, l.from, l.to);
    const v = e ? readScalar(e.value) : undefined;
    if (!e || v === undefined || v === null) {
      h.exact = false;
      continue;
    }
    const map = state === 2 ? h.labels : h.annotations;
    if (Object.prototype.hasOwnProperty.call(map, e.key)) h.exact = false;
    map[e.key] = v;
    pendingIndent = mapIndent;
  }
}
