// A fast path for writing new documents (objects a check built, e.g. an HTTPRoute that
// replaces an Ingress): plain JS values made of maps, lists, simple strings, safe integers,
// booleans and null are written here in exactly the text `stringify(value, { lineWidth: 0 })`
// of the `yaml` package gives. Anything outside that small, certain subset (strings with non-ASCII
// or control characters, quotes or backslashes, strings that might read as numbers, quoted keys,
// floats, shared objects that `yaml` would turn into anchors,
// class instances, undefined) makes it answer `undefined`, and the caller uses `yaml` itself.
// Inside plugin.wasm the `yaml` package's node tree costs several milliseconds per document.

const WORDS = new Set(['null', 'Null', 'NULL', '~', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/** Characters a number of the core schema is made of (digits, hex, `0x`/`0o`, exponent, sign, `.inf`/`.nan`). */
function numberChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 97 && c <= 102) || // a-f
    (c >= 65 && c <= 70) || // A-F
    c === 120 || c === 111 || c === 105 || c === 110 || c === 73 || c === 78 || // x o i n I N
    c === 43 || c === 45 || c === 46 // + - .
  );
}

/**
 * A string's text as `yaml` writes it (plain, or in double quotes when plain would read as
 * something else or break the syntax), or undefined when this writer is not sure: only printable
 * ASCII without quotes or backslashes is taken, and anything that might read as a number.
 */
function stringText(s: string, key: boolean): string | undefined {
  const n = s.length;
  if (n === 0) return key ? undefined : '""';
  if (n > 1000) return undefined;
  let maybeNumber = true;
  let quote = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 39 || c === 92) return undefined;
    if (maybeNumber && !numberChar(c)) maybeNumber = false;
    // ': ' and ' #' anywhere
    if ((c === 58 && i + 1 < n && s.charCodeAt(i + 1) === 32) || (c === 35 && i > 0 && s.charCodeAt(i - 1) === 32)) quote = true;
  }
  const c0 = s.charCodeAt(0);
  // every number of the core schema starts with a digit, a sign or a dot
  if (maybeNumber && ((c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46)) return undefined;
  const last = s.charCodeAt(n - 1);
  // a leading indicator, `?`/`-` alone or before a space, a trailing space or colon
  if (',[]{}#&*!|>%@` '.indexOf(s[0]) >= 0) quote = true;
  else if ((c0 === 63 || c0 === 45) && (n === 1 || s.charCodeAt(1) === 32)) quote = true;
  if (last === 32 || last === 58) quote = true;
  if (WORDS.has(s)) quote = true;
  // document markers at the start of a line are written as block scalars at the top level
  if (!quote && (s.startsWith('---') || s.startsWith('...'))) return undefined;
  if (key && quote) return undefined;
  return quote ? '"' + s + '"' : s;
}

/** A scalar's text, or undefined when it is not a scalar this writer is sure about. */
function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return stringText(v, false);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : undefined;
  return undefined;
}

const GIVE_UP = new Error('not plain');

class Writer {
  out = '';
  private readonly seen = new Set<object>();

  private enter(o: object): void {
    if (this.seen.has(o)) throw GIVE_UP; // `yaml` would write an anchor and an alias
    this.seen.add(o);
  }

  /** Writes a non-empty container's lines, the first one without its indent (the caller wrote it). */
  block(v: object, indent: string): void {
    if (Array.isArray(v)) {
      let first = true;
      for (let i = 0; i < v.length; i++) {
        if (!first) this.out += indent;
        first = false;
        this.out += '- ';
        this.item(v[i], indent + '  ');
      }
      return;
    }
    let first = true;
    for (const key of Object.keys(v)) {
      const value = (v as Record<string, unknown>)[key];
      if (value === undefined) throw GIVE_UP;
      const k = stringText(key, true);
      if (k === undefined) throw GIVE_UP;
      if (!first) this.out += indent;
      first = false;
      this.out += k + ':';
      const s = scalar(value);
      if (s !== undefined) {
        this.out += ' ' + s + '\n';
        continue;
      }
      const c = container(value);
      if (c === 'empty-map') this.out += ' {}\n';
      else if (c === 'empty-list') this.out += ' []\n';
      else {
        this.enter(value as object);
        this.out += '\n' + indent + '  ';
        this.block(value as object, indent + '  ');
      }
    }
  }

  /** A list item after its `- `: a scalar, an empty container, or a nested block. */
  private item(value: unknown, indent: string): void {
    const s = scalar(value);
    if (s !== undefined) {
      this.out += s + '\n';
      return;
    }
    const c = container(value);
    if (c === 'empty-map') this.out += '{}\n';
    else if (c === 'empty-list') this.out += '[]\n';
    else {
      this.enter(value as object);
      this.block(value as object, indent);
    }
  }

  root(v: unknown): void {
    const c = container(v);
    if (c === 'map' || c === 'list') {
      this.enter(v as object);
      this.block(v as object, '');
    } else throw GIVE_UP;
  }
}

function container(v: unknown): 'map' | 'list' | 'empty-map' | 'empty-list' {
  if (Array.isArray(v)) return v.length === 0 ? 'empty-list' : 'list';
  if (v === null || typeof v !== 'object') throw GIVE_UP;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype) throw GIVE_UP;
  for (const _ in v) return 'map';
  return 'empty-map';
}

/** `stringify(value, { lineWidth: 0 })` for plain values it is sure about, else undefined. */
export function stringifyPlain(value: unknown): string | undefined {
  const w = new Writer();
  try {
    w.root(value);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  return w.out;
}
