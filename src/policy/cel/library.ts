// The Kubernetes and Kyverno CEL extension functions warden provides on top of the CEL
// standard library of @marcbachmann/cel-js (which already has the macros, optional types,
// size/contains/startsWith/endsWith/matches/split/join/indexOf/lastIndexOf/substring/trim/
// lowerAscii/upperAscii, timestamps and durations).
//
// Namespaced functions (`sets.contains(…)`, `base64.encode(…)`, `resource.Get(…)`) are
// receiver calls on constants of small library types.
//
// Functions that need a live cluster or a registry (`resource.*`, `http.*`, `globalContext.*`,
// `image.GetMetadata`, `authorizer`) throw NeedsClusterData: the policy result becomes a
// "needs cluster data" skip, never a silent pass.

import type { Environment } from '@marcbachmann/cel-js';
import { parseImage } from '../context';
import { parseQuantity } from '../operators/quantity';
import { resourceOfKind } from './resources';
import { toCel } from './values';

/** Thrown by functions and variables that need data only a live cluster has. */
export class NeedsClusterData extends Error {
  constructor(readonly what: string) {
    super(`needs cluster data: ${what}`);
  }
}

/** A library error with a message (the CEL evaluator reports it as the expression's error). */
export class CelLibraryError extends Error {}

// ---- library types ----------------------------------------------------------------------

export class Quantity {
  constructor(
    readonly text: string,
    readonly value: number,
  ) {}
}

export class CelURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly hostname: string,
    readonly port: string,
    readonly path: string,
    readonly query: Record<string, string[]>,
  ) {}
}

export class CelImage {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
  ) {}
}

class SetsLib {}
class ListsLib {}
class StringsLib {}
class Base64Lib {}
class HttpLib {}
class GlobalContextLib {}

/**
 * Cluster data given offline (a kyverno-test Context file: `spec.resources`, `spec.images`).
 * Without it, the functions that read the cluster or a registry throw NeedsClusterData.
 */
export interface CelClusterData {
  resources?: readonly Record<string, unknown>[];
  images?: readonly Record<string, unknown>[];
}

/** `resource.*` bound to the cluster data of one evaluation. */
export class ResourceLib {
  constructor(readonly data?: CelClusterData) {}
}

/**
 * `generator.Apply(namespace, objects)` of a GeneratingPolicy: records the objects to create
 * (each placed in `namespace`) instead of creating them; returns true.
 */
export class GeneratorLib {
  /** Each Apply call's objects (CEL values) with the target namespace. */
  readonly applied: { namespace: string; object: unknown }[] = [];
}

/** `image.GetMetadata` bound to the image data of one evaluation. */
export class ImageDataLib {
  constructor(readonly data?: CelClusterData) {}
}

function findResources(lib: ResourceLib, apiVersion: string, resource: string, namespace: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of lib.data?.resources ?? []) {
    const meta = (r.metadata ?? {}) as Record<string, unknown>;
    if (r.apiVersion !== apiVersion || resourceOfKind(String(r.kind ?? '')) !== resource) continue;
    if (namespace !== '' && (meta.namespace ?? '') !== namespace) continue;
    out.push(r);
  }
  return out;
}

// ---- helpers ----------------------------------------------------------------------------

function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => k in (b as object) && celEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function contains(list: unknown[], x: unknown): boolean {
  for (const y of list) if (celEqual(x, y)) return true;
  return false;
}

function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  throw new CelLibraryError(`cannot compare ${typeof a} with ${typeof b}`);
}

function quantity(s: string): Quantity {
  const v = parseQuantity(s);
  if (v === undefined) throw new CelLibraryError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(s)}`);
  return new Quantity(s, v);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

function base64Decode(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const c of clean) {
    const v = B64.indexOf(c === '-' ? '+' : c === '_' ? '/' : c);
    if (v < 0) throw new CelLibraryError(`illegal base64 data: ${JSON.stringify(s)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
  }
  return Uint8Array.from(out);
}

/** `"%s of %d".format([a, b])` (cel-go strings extension: %s %d %f %e %x %X %o %b %%). */
function format(template: string, args: unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    let j = i + 1;
    let precision: number | undefined;
    if (template[j] === '.') {
      let k = j + 1;
      while (k < template.length && template[k] >= '0' && template[k] <= '9') k++;
      precision = Number(template.slice(j + 1, k));
      j = k;
    }
    const verb = template[j];
    i = j;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) throw new CelLibraryError(`index ${next} out of range`);
    const a = args[next++];
    switch (verb) {
      case 's':
        out += formatValue(a);
        break;
      case 'd':
        if (typeof a !== 'bigint' && typeof a !== 'number') throw new CelLibraryError('decimal clause can only be used on integers');
        out += typeof a === 'number' ? String(Math.trunc(a)) : a.toString();
        break;
      case 'f':
        out += Number(a).toFixed(precision ?? 6);
        break;
      case 'e':
        out += Number(a).toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        break;
      case 'x':
      case 'X': {
        const t = typeof a === 'string' ? [...a].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, '0')).join('') : (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(16);
        out += verb === 'X' ? t.toUpperCase() : t;
        break;
      }
      case 'o':
        out += (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(8);
        break;
      case 'b':
        out += typeof a === 'boolean' ? String(a) : (typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)))).toString(2);
        break;
      default:
        throw new CelLibraryError(`unrecognized formatting clause "%${verb ?? ''}"`);
    }
  }
  return out;
}

function formatValue(a: unknown): string {
  if (typeof a === 'string') return a;
  if (typeof a === 'bigint' || typeof a === 'boolean') return String(a);
  if (typeof a === 'number') return Number.isInteger(a) ? a.toFixed(1).replace(/\.0$/, '') : String(a);
  if (a === null) return 'null';
  if (Array.isArray(a)) return `[${a.map(formatValue).join(', ')}]`;
  if (a instanceof Uint8Array) return String.fromCharCode(...a);
  if (typeof a === 'object') {
    const keys = Object.keys(a as object).sort();
    return `{${keys.map((k) => `${k}: ${formatValue((a as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return String(a);
}

/** A URL as Kubernetes' url() accepts it: absolute with scheme, or an absolute path. */
function parseURL(s: string): CelURL | undefined {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(s);
  if (!m) return undefined;
  const scheme = m[1] ?? '';
  const authority = m[2];
  const path = m[3] ?? '';
  if (!scheme && !path.startsWith('/')) return undefined;
  if (scheme && authority === undefined && !path.startsWith('/')) return undefined;
  let host = authority ?? '';
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  let hostname = host;
  let port = '';
  const v6 = /^\[([^\]]*)\](?::(\d*))?$/.exec(host);
  if (v6) {
    hostname = v6[1];
    port = v6[2] ?? '';
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      hostname = host.slice(0, colon);
      port = host.slice(colon + 1);
      if (!/^\d*$/.test(port)) return undefined;
    }
  }
  const query: Record<string, string[]> = {};
  if (m[4]) {
    for (const part of m[4].split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      (query[k] ??= []).push(v);
    }
  }
  return new CelURL(scheme, host, hostname, port, path, query);
}

function toImage(s: string): CelImage {
  const i = parseImage(s);
  if (!i) throw new CelLibraryError(`invalid image reference: ${JSON.stringify(s)}`);
  return new CelImage(i.registry, i.path, i.tag, i.digest);
}

function cluster(what: string): never {
  throw new NeedsClusterData(what);
}

/** Registers the extension library on a fresh environment. */
export function registerLibrary(env: Environment): Environment {
  const fn = (sig: string, handler: (...args: never[]) => unknown) => env.registerFunction(sig, handler as (...args: unknown[]) => unknown);

  // --- strings (cel-go ext.Strings + Kubernetes) ---
  fn('string.charAt(int): string', (s: string, i: bigint) => {
    const n = Number(i);
    if (n < 0 || n > s.length) throw new CelLibraryError(`index out of range: ${n}`);
    return s.charAt(n);
  });
  fn('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  fn('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    let count = Number(n);
    if (count < 0) return s.split(a).join(b);
    let out = '';
    let rest = s;
    while (count-- > 0) {
      const at = rest.indexOf(a);
      if (at < 0) break;
      out += rest.slice(0, at) + b;
      rest = rest.slice(at + a.length);
      if (a === '') {
        out += rest.slice(0, 1);
        rest = rest.slice(1);
      }
    }
    return out + rest;
  });
  fn('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  fn('string.format(list): string', (s: string, args: unknown[]) => format(s, args));
  env.registerType('StringsLib', StringsLib).registerConstant('strings', 'StringsLib', new StringsLib());
  fn('StringsLib.quote(string): string', (_l: StringsLib, s: string) => JSON.stringify(s));

  // --- regex (Kubernetes) ---
  fn('string.find(string): string', (s: string, re: string) => {
    const m = new RegExp(re).exec(s);
    return m ? m[0] : '';
  });
  fn('string.findAll(string): list<string>', (s: string, re: string) => findAll(s, re, -1));
  fn('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => findAll(s, re, Number(n)));

  // --- lists (Kubernetes + cel-go ext.Lists) ---
  fn('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0));
  fn('list.sum(): dyn', (l: unknown[]) => {
    if (l.length === 0) return 0n;
    let acc = l[0] as number | bigint;
    for (let i = 1; i < l.length; i++) acc = typeof acc === 'bigint' && typeof l[i] === 'bigint' ? acc + (l[i] as bigint) : Number(acc) + Number(l[i]);
    return acc;
  });
  fn('list.min(): dyn', (l: unknown[]) => {
    if (l.length === 0) throw new CelLibraryError('min called on empty list');
    return l.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  });
  fn('list.max(): dyn', (l: unknown[]) => {
    if (l.length === 0) throw new CelLibraryError('max called on empty list');
    return l.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  });
  fn('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => celEqual(x, y))));
  fn('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (celEqual(x, l[i])) return BigInt(i);
    return -1n;
  });
  fn('list.sort(): list', (l: unknown[]) => [...l].sort(compare));
  fn('list.distinct(): list', (l: unknown[]) => {
    const out: unknown[] = [];
    for (const x of l) if (!contains(out, x)) out.push(x);
    return out;
  });
  fn('list.reverse(): list', (l: unknown[]) => [...l].reverse());
  fn('list.flatten(): list', (l: unknown[]) => l.flatMap((x) => (Array.isArray(x) ? x : [x])));
  fn('list.slice(int, int): list', (l: unknown[], a: bigint, b: bigint) => {
    if (a < 0n || b < a || Number(b) > l.length) throw new CelLibraryError(`cannot slice(${a}, ${b}), list size ${l.length}`);
    return l.slice(Number(a), Number(b));
  });
  env.registerType('ListsLib', ListsLib).registerConstant('lists', 'ListsLib', new ListsLib());
  fn('ListsLib.range(int): list<int>', (_l: ListsLib, n: bigint) => Array.from({ length: Math.max(0, Number(n)) }, (_x, i) => BigInt(i)));

  // --- sets (cel-go ext.Sets) ---
  env.registerType('SetsLib', SetsLib).registerConstant('sets', 'SetsLib', new SetsLib());
  fn('SetsLib.contains(list, list): bool', (_s: SetsLib, a: unknown[], b: unknown[]) => b.every((x) => contains(a, x)));
  fn('SetsLib.equivalent(list, list): bool', (_s: SetsLib, a: unknown[], b: unknown[]) => b.every((x) => contains(a, x)) && a.every((x) => contains(b, x)));
  fn('SetsLib.intersects(list, list): bool', (_s: SetsLib, a: unknown[], b: unknown[]) => b.some((x) => contains(a, x)));

  // --- base64 (cel-go ext.Encoders) ---
  env.registerType('Base64Lib', Base64Lib).registerConstant('base64', 'Base64Lib', new Base64Lib());
  fn('Base64Lib.encode(bytes): string', (_b: Base64Lib, v: Uint8Array) => base64Encode(v));
  fn('Base64Lib.decode(string): bytes', (_b: Base64Lib, s: string) => base64Decode(s));

  // --- quantity (Kubernetes) ---
  env.registerType('kubernetes.Quantity', Quantity);
  fn('quantity(string): kubernetes.Quantity', (s: string) => quantity(s));
  fn('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined);
  const q = 'kubernetes.Quantity';
  fn(`${q}.isLessThan(${q}): bool`, (a: Quantity, b: Quantity) => a.value < b.value);
  fn(`${q}.isGreaterThan(${q}): bool`, (a: Quantity, b: Quantity) => a.value > b.value);
  fn(`${q}.compareTo(${q}): int`, (a: Quantity, b: Quantity) => (a.value < b.value ? -1n : a.value > b.value ? 1n : 0n));
  fn(`${q}.add(${q}): ${q}`, (a: Quantity, b: Quantity) => new Quantity(String(a.value + b.value), a.value + b.value));
  fn(`${q}.add(int): ${q}`, (a: Quantity, b: bigint) => new Quantity(String(a.value + Number(b)), a.value + Number(b)));
  fn(`${q}.sub(${q}): ${q}`, (a: Quantity, b: Quantity) => new Quantity(String(a.value - b.value), a.value - b.value));
  fn(`${q}.sub(int): ${q}`, (a: Quantity, b: bigint) => new Quantity(String(a.value - Number(b)), a.value - Number(b)));
  fn(`${q}.sign(): int`, (a: Quantity) => BigInt(Math.sign(a.value)));
  fn(`${q}.isInteger(): bool`, (a: Quantity) => Number.isInteger(a.value) && Math.abs(a.value) < 2 ** 63);
  fn(`${q}.asInteger(): int`, (a: Quantity) => {
    if (!Number.isInteger(a.value)) throw new CelLibraryError('cannot convert value to integer');
    return BigInt(a.value);
  });
  fn(`${q}.asApproximateFloat(): double`, (a: Quantity) => a.value);

  // --- url (Kubernetes) ---
  env.registerType('kubernetes.URL', CelURL);
  const u = 'kubernetes.URL';
  fn(`url(string): ${u}`, (s: string) => {
    const r = parseURL(s);
    if (!r) throw new CelLibraryError(`URL parse error during conversion from string: ${JSON.stringify(s)}`);
    return r;
  });
  fn('isURL(string): bool', (s: string) => parseURL(s) !== undefined);
  fn(`${u}.getScheme(): string`, (x: CelURL) => x.scheme);
  fn(`${u}.getHost(): string`, (x: CelURL) => x.host);
  fn(`${u}.getHostname(): string`, (x: CelURL) => x.hostname);
  fn(`${u}.getPort(): string`, (x: CelURL) => x.port);
  fn(`${u}.getEscapedPath(): string`, (x: CelURL) => x.path);
  fn(`${u}.getQuery(): map<string, list<string>>`, (x: CelURL) => x.query);

  // --- Kyverno: images, service accounts ---
  env.registerType('kyverno.Image', CelImage);
  const im = 'kyverno.Image';
  fn(`parseImageReference(string): ${im}`, (s: string) => toImage(s));
  // Kyverno's image library: `image(ref)` is the same parser (the `image` variable below, for
  // `image.GetMetadata`, is a different name space: a variable and a function may share a name).
  fn(`image(string): ${im}`, (s: string) => toImage(s));
  fn('isImage(string): bool', (s: string) => parseImage(s) !== undefined);
  fn(`${im}.registry(): string`, (x: CelImage) => x.registry);
  fn(`${im}.repository(): string`, (x: CelImage) => x.repository);
  fn(`${im}.tag(): string`, (x: CelImage) => x.tag);
  fn(`${im}.digest(): string`, (x: CelImage) => x.digest);
  fn(`${im}.identifier(): string`, (x: CelImage) => x.digest || x.tag);
  fn(`${im}.containsDigest(): bool`, (x: CelImage) => x.digest !== '');
  fn('parseServiceAccount(string): map<string, string>', (s: string) => {
    const p = s.split(':');
    const ok = p.length === 4 && p[0] === 'system' && p[1] === 'serviceaccount';
    return ok ? { Namespace: p[2], Name: p[3] } : { Namespace: '', Name: '' };
  });

  // --- Kyverno libraries that need a cluster, a registry or the network ---
  env.registerType('kyverno.ResourceLib', ResourceLib).registerVariable('resource', 'kyverno.ResourceLib');
  fn('kyverno.ResourceLib.Get(string, string, string, string): map<string, dyn>', (lib: ResourceLib, apiVersion: string, resource: string, namespace: string, name: string) => {
    if (!lib.data?.resources) return cluster('resource.Get');
    const hit = findResources(lib, apiVersion, resource, namespace).find((r) => (r.metadata as Record<string, unknown> | undefined)?.name === name);
    if (!hit) throw new CelLibraryError(`${resource} "${name}" not found`);
    return toCel(hit);
  });
  fn('kyverno.ResourceLib.List(string, string, string): map<string, dyn>', (lib: ResourceLib, apiVersion: string, resource: string, namespace: string) => {
    if (!lib.data?.resources) return cluster('resource.List');
    return toCel({ apiVersion, kind: 'List', items: findResources(lib, apiVersion, resource, namespace) });
  });
  fn('kyverno.ResourceLib.Post(string, string, map<string, dyn>): map<string, dyn>', () => cluster('resource.Post'));
  env.registerType('kyverno.HttpLib', HttpLib).registerConstant('http', 'kyverno.HttpLib', new HttpLib());
  fn('kyverno.HttpLib.Get(string): dyn', () => cluster('http.Get'));
  fn('kyverno.HttpLib.Get(string, map<string, string>): dyn', () => cluster('http.Get'));
  fn('kyverno.HttpLib.Post(string, dyn): dyn', () => cluster('http.Post'));
  fn('kyverno.HttpLib.Post(string, dyn, map<string, string>): dyn', () => cluster('http.Post'));
  env.registerType('kyverno.GlobalContextLib', GlobalContextLib).registerConstant('globalContext', 'kyverno.GlobalContextLib', new GlobalContextLib());
  fn('kyverno.GlobalContextLib.Get(string, string): dyn', () => cluster('globalContext.Get'));
  env.registerType('kyverno.ImageDataLib', ImageDataLib).registerVariable('image', 'kyverno.ImageDataLib');
  fn('kyverno.ImageDataLib.GetMetadata(string): map<string, dyn>', (lib: ImageDataLib, ref: string) => {
    if (!lib.data?.images) return cluster('image.GetMetadata (registry)');
    const hit = lib.data.images.find((i) => i.image === ref);
    if (!hit) throw new CelLibraryError(`no image data for ${JSON.stringify(ref)}`);
    return toCel(hit);
  });
  env.registerType('kyverno.GeneratorLib', GeneratorLib).registerVariable('generator', 'kyverno.GeneratorLib');
  fn('kyverno.GeneratorLib.Apply(string, list<dyn>): bool', (lib: GeneratorLib, namespace: string, objects: unknown[]) => {
    for (const object of objects) lib.applied.push({ namespace, object });
    return true;
  });
  return env;
}

function findAll(s: string, re: string, limit: number): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const r = new RegExp(re, 'g');
  let m: RegExpExecArray | null;
  while ((m = r.exec(s)) !== null) {
    out.push(m[0]);
    if (m[0] === '') r.lastIndex++;
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export { celEqual, format as celFormat, parseURL, base64Encode, base64Decode };
