// A canonical text form of a plain JS value, the same in Node and inside QuickJS,
// that keeps what JSON loses: number vs string, -0, NaN, ±Infinity, undefined,
// key order, non-plain objects, and which objects are the same object (YAML
// aliases give the anchor's object itself, not a copy).

export function canon(value: unknown): string {
  const seen = new Map<object, number>();
  const out: string[] = [];
  const walk = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        out.push(JSON.stringify(v));
        return;
      case 'number':
        out.push(Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`);
        return;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'undefined':
        out.push('undefined');
        return;
      case 'bigint':
        out.push(`big:${String(v)}`);
        return;
      case 'object':
        break;
      default:
        out.push(`?${typeof v}`);
        return;
    }
    if (v === null) {
      out.push('null');
      return;
    }
    const id = seen.get(v);
    if (id !== undefined) {
      out.push(`&${id}`);
      return;
    }
    seen.set(v, seen.size);
    if (Array.isArray(v)) {
      out.push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out.push(',');
        walk(v[i]);
      }
      out.push(']');
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype) {
      out.push(`<${proto?.constructor?.name ?? 'null'}:${String(v)}>`);
      return;
    }
    out.push('{');
    let first = true;
    for (const k of Reflect.ownKeys(v as object)) {
      if (!first) out.push(',');
      first = false;
      const d = Object.getOwnPropertyDescriptor(v, k)!;
      const flags = `${d.enumerable ? 'e' : ''}${d.writable ? 'w' : ''}${d.configurable ? 'c' : ''}`;
      out.push(typeof k === 'string' ? JSON.stringify(k) : `sym:${String(k)}`, flags === 'ewc' ? ':' : `:${flags}:`);
      walk(d.value);
    }
    out.push('}');
  };
  walk(value);
  return out.join('');
}
