// JMESPath for Kyverno variables: @jmespath-community/jmespath plus Kyverno's custom
// functions (pkg/engine/jmespath/functions.go) and the Kyverno fork's missing-key errors
// for bare paths (`Unknown key "x" in path`).

import { parse as parseYaml } from 'yaml';
import { compile, registerFunction, TreeInterpreter, TYPE_ANY, type JSONValue } from '@jmespath-community/jmespath';
import { formatFloatG, parseDuration, parseQuantity } from '../operators/quantity';
import { isMap } from '../operators/value';
import { wildcardMatch } from '../operators/wildcard';
import { selectorMatches } from '../match/match';

export class JmesPathError extends Error {}
/** A field lookup on a map without that key, in a bare path (the fork's NotFoundError). */
export class UnknownKeyError extends JmesPathError {}

function str(v: unknown, fn: string, i: number): string {
  if (typeof v !== 'string') throw new JmesPathError(`invalid type for argument ${i + 1} of ${fn}: expected string`);
  return v;
}

function num(v: unknown, fn: string, i: number): number {
  if (typeof v !== 'number') throw new JmesPathError(`invalid type for argument ${i + 1} of ${fn}: expected number`);
  return v;
}

function goRegex(re: string): RegExp {
  // RE2 inline flags at the start, e.g. (?i)
  let flags = '';
  let src = re;
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    for (const f of m[1]) if (f === 'i' || f === 'm' || f === 's') flags += f;
  }
  return new RegExp(src, flags);
}

function expandGoTemplate(repl: string, m: RegExpExecArray): string {
  // Go Regexp.Expand: $1, ${1}, $name
  return repl.replace(/\$(\$|\{(\w+)\}|(\d+))/g, (all, d, braced, digits) => {
    if (d === '$') return '$';
    const k = braced ?? digits;
    const n = Number(k);
    if (!Number.isNaN(n)) return m[n] ?? '';
    return (m.groups && m.groups[k]) ?? '';
  });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function utf8Encode(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      c = 0;
    }
  }
  return out;
}

function utf8Decode(b: number[]): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xe0) {
      cp = ((c & 31) << 6) | (b[i + 1] & 63);
      i += 2;
    } else if (c < 0xf0) {
      cp = ((c & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63);
      i += 3;
    } else {
      cp = ((c & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63);
      i += 4;
    }
    s += String.fromCodePoint(cp);
  }
  return s;
}

export function base64Encode(s: string): string {
  const b = utf8Encode(s);
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < b.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < b.length ? B64[n & 63] : '=';
  }
  return out;
}

export function base64Decode(s: string): string {
  const clean = s.replace(/=+$/, '');
  const bytes: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new JmesPathError('illegal base64 data');
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buf >> bits) & 255);
    }
  }
  return utf8Decode(bytes);
}

/** Arithmetic operands: number, or a string parsed as quantity first, then duration. */
type Operand = { t: 'n'; v: number } | { t: 'q'; v: number; s: string } | { t: 'd'; v: number };

function operand(v: unknown, fn: string): Operand {
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'string') {
    const q = parseQuantity(v);
    if (q !== undefined) return { t: 'q', v: q, s: v };
    const d = parseDuration(v);
    if (d !== undefined) return { t: 'd', v: d };
  }
  throw new JmesPathError(`invalid operand for ${fn}`);
}

function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let rest = Math.abs(ns);
  let out = '';
  if (rest < 1e9) {
    if (rest < 1e3) out = `${rest}ns`;
    else if (rest < 1e6) out = `${rest / 1e3}µs`;
    else out = `${rest / 1e6}ms`;
    return (neg ? '-' : '') + out;
  }
  const h = Math.floor(rest / 3600e9);
  rest -= h * 3600e9;
  const m = Math.floor(rest / 60e9);
  rest -= m * 60e9;
  const s = rest / 1e9;
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${formatFloatG(Number(s.toFixed(9)))}s`;
  return (neg ? '-' : '') + out;
}

function formatQuantity(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Number.isInteger(v * 1000)) return `${v * 1000}m`;
  return String(v);
}

function arith(fn: string, a: unknown, b: unknown): JSONValue {
  const x = operand(a, fn);
  const y = operand(b, fn);
  const pair = x.t + y.t;
  switch (fn) {
    case 'add':
    case 'subtract': {
      const r = fn === 'add' ? x.v + y.v : x.v - y.v;
      if (pair === 'nn') return r;
      if (pair === 'qq') return formatQuantity(r);
      if (pair === 'dd') return formatDuration(r);
      break;
    }
    case 'multiply': {
      if (pair === 'nn') return x.v * y.v;
      if (pair === 'qn' || pair === 'nq') return formatQuantity(x.v * y.v);
      if (pair === 'dn' || pair === 'nd') return formatDuration(x.v * y.v);
      break;
    }
    case 'divide': {
      if (y.v === 0) throw new JmesPathError('Zero divisor passed');
      if (pair === 'nn' || pair === 'qq' || pair === 'dd') return x.v / y.v;
      if (pair === 'qn') return formatQuantity(x.v / y.v);
      if (pair === 'dn') return formatDuration(x.v / y.v);
      break;
    }
    case 'modulo': {
      if (!Number.isInteger(x.v) || !Number.isInteger(y.v)) throw new JmesPathError('Non-integer argument(s) passed for modulo');
      if (y.v === 0) throw new JmesPathError('Zero divisor passed');
      const r = x.v % y.v;
      if (pair === 'nn') return r;
      if (pair === 'qq') return formatQuantity(r);
      if (pair === 'dd') return formatDuration(r);
      break;
    }
  }
  throw new JmesPathError(`invalid operands for ${fn}`);
}

function semverCompare(version: string, range: string): boolean {
  const parse = (s: string) => {
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(s.trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  };
  const v = parse(version);
  if (!v) throw new JmesPathError(`invalid semver ${version}`);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  };
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|!=|==|=)?(.*)$/.exec(c)!;
        const t = parse(m[2]);
        if (!t) throw new JmesPathError(`invalid semver range ${range}`);
        const r = cmp(v, t);
        switch (m[1]) {
          case '>=':
            return r >= 0;
          case '<=':
            return r <= 0;
          case '>':
            return r > 0;
          case '<':
            return r < 0;
          case '!=':
            return r !== 0;
          default:
            return r === 0;
        }
      }),
  );
}

function parseTime(layout: string, t: string): number {
  if (layout !== '' && layout !== '2006-01-02T15:04:05Z07:00') throw new JmesPathError(`unsupported time layout ${layout}`);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new JmesPathError(`cannot parse time ${t}`);
  return ms;
}

type Fn = (args: unknown[]) => unknown;

const FUNCTIONS: Record<string, Fn> = {
  compare: ([a, b]) => {
    const x = str(a, 'compare', 0);
    const y = str(b, 'compare', 1);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  equal_fold: ([a, b]) => str(a, 'equal_fold', 0).toLowerCase() === str(b, 'equal_fold', 1).toLowerCase(),
  replace: ([s, o, n, c]) => {
    const src = str(s, 'replace', 0);
    const old = str(o, 'replace', 1);
    const nw = str(n, 'replace', 2);
    let count = num(c, 'replace', 3);
    if (count < 0) return src.split(old).join(nw);
    let out = src;
    let from = 0;
    while (count-- > 0) {
      const i = out.indexOf(old, from);
      if (i < 0) break;
      out = out.slice(0, i) + nw + out.slice(i + old.length);
      from = i + nw.length;
    }
    return out;
  },
  replace_all: ([s, o, n]) => str(s, 'replace_all', 0).split(str(o, 'replace_all', 1)).join(str(n, 'replace_all', 2)),
  to_upper: ([s]) => str(s, 'to_upper', 0).toUpperCase(),
  to_lower: ([s]) => str(s, 'to_lower', 0).toLowerCase(),
  trim: ([s, cut]) => {
    const src = str(s, 'trim', 0);
    const set = str(cut, 'trim', 1);
    let a = 0;
    let b = src.length;
    while (a < b && set.indexOf(src[a]) >= 0) a++;
    while (b > a && set.indexOf(src[b - 1]) >= 0) b--;
    return src.slice(a, b);
  },
  trim_prefix: ([s, p]) => {
    const src = str(s, 'trim_prefix', 0);
    const pre = str(p, 'trim_prefix', 1);
    return src.startsWith(pre) ? src.slice(pre.length) : src;
  },
  split: ([s, sep]) => str(s, 'split', 0).split(str(sep, 'split', 1)),
  regex_replace_all: ([re, src, repl]) => {
    const r = goRegex(str(re, 'regex_replace_all', 0));
    const s = typeof src === 'number' ? formatFloatG(src) : str(src, 'regex_replace_all', 1);
    const rp = typeof repl === 'number' ? formatFloatG(repl) : str(repl, 'regex_replace_all', 2);
    const g = new RegExp(r.source, r.flags + 'g');
    return s.replace(g, (...m) => {
      const arr = m.slice(0, -2) as unknown as RegExpExecArray;
      return expandGoTemplate(rp, arr);
    });
  },
  regex_replace_all_literal: ([re, src, repl]) => {
    const r = goRegex(str(re, 'regex_replace_all_literal', 0));
    const s = typeof src === 'number' ? formatFloatG(src) : str(src, 'regex_replace_all_literal', 1);
    const rp = str(repl, 'regex_replace_all_literal', 2);
    return s.replace(new RegExp(r.source, r.flags + 'g'), () => rp);
  },
  regex_match: ([re, s]) => {
    const src = typeof s === 'number' ? formatFloatG(s) : str(s, 'regex_match', 1);
    return goRegex(str(re, 'regex_match', 0)).test(src);
  },
  pattern_match: ([p, s]) => {
    const src = typeof s === 'number' ? formatFloatG(s) : str(s, 'pattern_match', 1);
    return wildcardMatch(str(p, 'pattern_match', 0), src);
  },
  label_match: ([sel, labels]) => {
    const l: Record<string, string> = {};
    if (isMap(labels)) for (const [k, v] of Object.entries(labels)) l[k] = String(v);
    return selectorMatches({ matchLabels: sel }, l);
  },
  to_boolean: ([s]) => {
    const v = str(s, 'to_boolean', 0).toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new JmesPathError(`lowercase argument must be 'true' or 'false' (provided: '${s}')`);
  },
  add: ([a, b]) => arith('add', a, b),
  subtract: ([a, b]) => arith('subtract', a, b),
  multiply: ([a, b]) => arith('multiply', a, b),
  divide: ([a, b]) => arith('divide', a, b),
  modulo: ([a, b]) => arith('modulo', a, b),
  round: ([x, d]) => {
    const p = Math.pow(10, num(d, 'round', 1));
    return Math.round(num(x, 'round', 0) * p) / p;
  },
  base64_decode: ([s]) => base64Decode(str(s, 'base64_decode', 0)),
  base64_encode: ([s]) => base64Encode(str(s, 'base64_encode', 0)),
  truncate: ([s, n]) => {
    const src = str(s, 'truncate', 0);
    const len = Math.max(0, num(n, 'truncate', 1));
    return src.length > len ? src.slice(0, len) : src;
  },
  semver_compare: ([v, r]) => semverCompare(str(v, 'semver_compare', 0), str(r, 'semver_compare', 1)),
  parse_json: ([s]) => {
    try {
      return JSON.parse(str(s, 'parse_json', 0));
    } catch (e) {
      throw new JmesPathError(`parse_json: ${(e as Error).message}`);
    }
  },
  parse_yaml: ([s]) => {
    try {
      return parseYaml(str(s, 'parse_yaml', 0)) ?? null;
    } catch (e) {
      throw new JmesPathError(`parse_yaml: ${(e as Error).message}`);
    }
  },
  lookup: ([c, k]) => {
    if (isMap(c)) return Object.prototype.hasOwnProperty.call(c, str(k, 'lookup', 1)) ? c[k as string] : null;
    if (Array.isArray(c)) {
      const i = num(k, 'lookup', 1);
      return Number.isInteger(i) && i >= 0 && i < c.length ? c[i] : null;
    }
    throw new JmesPathError('lookup: first argument must be an object or array');
  },
  items: ([c, kn, vn]) => {
    const keyName = str(kn, 'items', 1);
    const valName = str(vn, 'items', 2);
    if (isMap(c)) return Object.keys(c).sort().map((k) => ({ [keyName]: k, [valName]: c[k] }));
    if (Array.isArray(c)) return c.map((v, i) => ({ [keyName]: i, [valName]: v }));
    throw new JmesPathError('items: first argument must be an object or array');
  },
  object_from_lists: ([ks, vs]) => {
    if (!Array.isArray(ks) || !Array.isArray(vs)) throw new JmesPathError('object_from_lists: arguments must be arrays');
    const out: Record<string, unknown> = {};
    ks.forEach((k, i) => {
      out[String(k)] = i < vs.length ? vs[i] : null;
    });
    return out;
  },
  path_canonicalize: ([s]) => {
    const parts: string[] = [];
    const src = str(s, 'path_canonicalize', 0);
    for (const p of src.split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') parts.pop();
      else parts.push(p);
    }
    return (src.startsWith('/') ? '/' : '') + parts.join('/');
  },
  is_external_url: ([s]) => {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(str(s, 'is_external_url', 0));
    if (!m) return false;
    const host = m[1];
    return !(host === 'localhost' || /^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host));
  },
  time_since: ([layout, t1, t2]) => {
    const a = parseTime(str(layout, 'time_since', 0), str(t1, 'time_since', 1));
    const t2s = str(t2, 'time_since', 2);
    const b = t2s === '' ? Date.now() : parseTime(layout as string, t2s);
    return formatDuration((b - a) * 1e6);
  },
  time_now_utc: () => new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  time_now: () => new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  time_before: ([a, b]) => parseTime('', str(a, 'time_before', 0)) < parseTime('', str(b, 'time_before', 1)),
  time_after: ([a, b]) => parseTime('', str(a, 'time_after', 0)) > parseTime('', str(b, 'time_after', 1)),
  time_between: ([t, a, b]) => {
    const x = parseTime('', str(t, 'time_between', 0));
    return x > parseTime('', str(a, 'time_between', 1)) && x < parseTime('', str(b, 'time_between', 2));
  },
  time_diff: ([a, b]) => formatDuration((parseTime('', str(b, 'time_diff', 1)) - parseTime('', str(a, 'time_diff', 0))) * 1e6),
};

let registered = false;
function registerAll(): void {
  if (registered) return;
  registered = true;
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    registerFunction(name, (args) => fn(args as unknown[]) as JSONValue, [{ types: [TYPE_ANY], variadic: true, optional: true }], {
      override: true,
    });
  }
}

export const KYVERNO_FUNCTIONS = Object.keys(FUNCTIONS);

const cache = new Map<string, ReturnType<typeof compile>>();

/** A bare path: identifiers (or quoted) separated by dots, with optional `[n]` indexes. */
const BARE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\."(?:[^"\\]|\\.)*")*$/;

function barePathParts(expr: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return parts;
}

function walkBarePath(data: unknown, parts: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const p of parts) {
    if (cur === null || cur === undefined) return null;
    if (typeof p === 'number') {
      cur = Array.isArray(cur) && p < cur.length ? cur[p] : null;
    } else if (isMap(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, p)) throw new UnknownKeyError(`Unknown key "${p}" in path`);
      cur = cur[p];
    } else {
      return null;
    }
  }
  return cur === undefined ? null : cur;
}

/** An expression as evaluated: the parts of a bare path, or a compiled JMESPath AST. */
type CompiledExpr = { parts: (string | number)[] } | { ast: ReturnType<typeof compile> };

/** Compiled expressions by their text (as written: trimmed here), so the regexes and the parser run once per text. */
const compiledExprs = new Map<string, CompiledExpr>();

function compileExpr(expr: string): CompiledExpr {
  let c = compiledExprs.get(expr);
  if (c) return c;
  const e = expr.trim();
  if (BARE_PATH.test(e)) {
    c = { parts: barePathParts(e) };
  } else {
    let ast = cache.get(e);
    if (!ast) {
      try {
        ast = compile(e, { enable_legacy_literals: true });
      } catch (err) {
        if (err instanceof JmesPathError) throw err;
        throw new JmesPathError(`JMESPath query failed: ${(err as Error).message}`);
      }
      cache.set(e, ast);
    }
    c = { ast };
  }
  if (compiledExprs.size > 10000) compiledExprs.clear();
  compiledExprs.set(expr, c);
  return c;
}

/** Evaluates a JMESPath expression. Bare paths raise UnknownKeyError on a missing map key. */
export function jmesSearch(data: unknown, expr: string): unknown {
  registerAll();
  const c = compileExpr(expr);
  if ('parts' in c) return walkBarePath(data, c.parts);
  try {
    const r = TreeInterpreter.search(c.ast, data as JSONValue);
    return r === undefined ? null : r;
  } catch (err) {
    if (err instanceof JmesPathError) throw err;
    throw new JmesPathError(`JMESPath query failed: ${(err as Error).message}`);
  }
}
