// JS values (parsed YAML/JSON) ↔ CEL values of @marcbachmann/cel-js.
//
// Kubernetes decodes JSON integers as int64 and other numbers as float64, so CEL sees `int`
// for `replicas: 3` and `double` for `ratio: 0.5`. The library uses bigint for `int` and
// number for `double`: integral numbers become bigint here. Objects are converted once per
// identity (a resource is evaluated by many policies).

const converted = new WeakMap<object, unknown>();

const INT64_LIMIT = 9223372036854775808; // 2^63

/** The CEL view of a plain JS value (integral numbers → bigint). */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < INT64_LIMIT ? BigInt(v) : v;
  if (v === null || typeof v !== 'object') return v === undefined ? null : v;
  const hit = converted.get(v);
  if (hit !== undefined) return hit;
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map(toCel);
  } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = toCel(x);
    }
    out = o;
  } else {
    out = v; // already a CEL value (Uint8Array, Date, library types)
  }
  converted.set(v, out);
  return out;
}

/** A CEL result as text (messageExpression, error messages). */
export function celToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** A CEL result as plain JSON (int/uint → number, maps and lists converted deeply). */
export function fromCel(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = fromCel(x);
    return o;
  }
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = fromCel(x);
      return o;
    }
    const n = Number((v as { valueOf(): unknown }).valueOf());
    return Number.isFinite(n) ? n : String(v);
  }
  return v;
}
