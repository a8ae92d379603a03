// A structural validator for CRD openAPIV3Schema: type, properties (unknown fields
// rejected), required, enum, pattern, min/max length, items and values, int-or-string,
// anyOf of simple types. CEL rules (x-kubernetes-validations) are not evaluated.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

export function validate(value: unknown, schema: Schema, path: string, errors: string[]): void {
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((s: Schema) => typeof s.type === 'string' && s.properties === undefined)) {
    const types = schema.anyOf.map((s: Schema) => s.type);
    const t = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) errors.push(`${path}: expected one of ${types.join(', ')}`);
    if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    return;
  }
  if (schema['x-kubernetes-int-or-string'] && (typeof value === 'number' || typeof value === 'string')) return;
  if (schema['x-kubernetes-preserve-unknown-fields'] && schema.properties === undefined) return;
  const t = schema.type;
  const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (t === 'object' && !isObj) return void errors.push(`${path}: expected object`);
  if (t === 'array' && !Array.isArray(value)) return void errors.push(`${path}: expected array`);
  if (t === 'string' && typeof value !== 'string') return void errors.push(`${path}: expected string, got ${JSON.stringify(value)}`);
  if (t === 'integer' && !Number.isInteger(value)) return void errors.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
  if (t === 'boolean' && typeof value !== 'boolean') return void errors.push(`${path}: expected boolean`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern);
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => validate(v, schema.items, `${path}[${i}]`, errors));
  }
  if (isObj) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (obj[r] === undefined) errors.push(`${path}: missing required ${r}`);
    for (const k of Object.keys(obj)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub === undefined) {
        if (schema.properties !== undefined || schema.additionalProperties === false) errors.push(`${path}.${k}: unknown field`);
        continue;
      }
      validate(obj[k], sub, `${path}.${k}`, errors);
    }
  }
}

