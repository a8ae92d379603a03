// The CEL environment policies are evaluated in (Kubernetes admission CEL + the Kyverno
// libraries available offline), and the compiled-expression cache.
//
// Built on @marcbachmann/cel-js (chosen by measurement, see docs/policies-cel.md): optional
// types (`?.`, `[?k]`, `.orValue()`), macros, heterogeneous list/map literals (cel-go
// semantics), int/uint/double as bigint/UnsignedInt/number.

import { Environment } from '@marcbachmann/cel-js';
import { NeedsClusterData, registerLibrary } from './library';
import { celToString } from './values';

/** The variables of the Kubernetes/Kyverno activation (all `dyn`). */
export const CEL_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables', 'authorizer', 'exceptions'] as const;

let env: Environment | undefined;

function environment(): Environment {
  if (env) return env;
  const e = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false });
  for (const v of CEL_VARIABLES) e.registerVariable(v, 'dyn');
  registerLibrary(e);
  registerLenientOrValue(e);
  allowNullWithObjects(e);
  env = e;
  return e;
}

/**
 * cel-go (as Kubernetes/Kyverno run it) accepts `.orValue(x)` on a value that is not an
 * optional and returns the value itself; policies rely on it (`container.securityContext.
 * capabilities.add.orValue([])`). The library only accepts optionals, so `orValue` is
 * registered again for the plain receiver types, handling optionals as before.
 */
function registerLenientOrValue(e: Environment): void {
  const Optional = (e.evaluate('optional.none()') as object).constructor;
  const isOptional = (v: unknown): v is { hasValue(): boolean; value(): unknown } => v instanceof Optional;
  for (const t of ['null', 'list', 'map', 'string', 'int', 'uint', 'double', 'bool', 'bytes']) {
    e.registerFunction(`${t}.orValue(ast): dyn`, (({ args, receiver }: { args: unknown[]; receiver: unknown }) => ({
      receiver,
      arg: args[0],
      typeCheck(chk: { check(n: unknown, c: unknown): unknown; getType(n: string): unknown }, m: { receiver: unknown; arg: unknown }, ctx: unknown) {
        chk.check(m.receiver, ctx);
        chk.check(m.arg, ctx);
        return chk.getType('dyn');
      },
      evaluate(ev: { run(n: unknown, c: unknown): unknown }, m: { receiver: unknown; arg: unknown }, ctx: unknown) {
        const v = ev.run(m.receiver, ctx);
        if (isOptional(v)) return v.hasValue() ? v.value() : ev.run(m.arg, ctx);
        return v;
      },
    })) as never);
  }
}

interface TypeDecl {
  kind: string;
  name: string;
  unify(registry: unknown, other: TypeDecl): TypeDecl | null;
}

let nullUnifyPatched = false;

/**
 * cel-go's checker lets `null` meet an object type: `cond ? JSONPatch{…} : null` is a
 * `JSONPatch`, and MutatingPolicy expressions rely on it. The typed object literals become map
 * literals here (see mutate/cel-rewrite.ts), and the library refuses to unify `null` with a map
 * ("Ternary branches must have the same type"). The type-declaration class is not exported, so
 * its prototype is reached through a type the checker hands to a probe function, and its
 * `unify` is extended: `null` with a map or message type is accepted; everything else is
 * unchanged. The result is `dyn` (not the map type): the value may be null at run time, and the
 * library checks values against static types when binding them (`.filter(p, p != null)`).
 */
function allowNullWithObjects(e: Environment): void {
  if (nullUnifyPatched) return;
  let probe: TypeDecl | undefined;
  let dyn: TypeDecl | undefined;
  e.registerFunction('__wardenTypeProbe(ast): dyn', (({ args }: { args: unknown[] }) => ({
    arg: args[0],
    typeCheck(chk: { getType(n: string): TypeDecl }) {
      probe = chk.getType('null');
      dyn = chk.getType('dyn');
      return dyn;
    },
    evaluate() {
      return null;
    },
  })) as never);
  e.parse('__wardenTypeProbe(null)').check();
  if (!probe || !dyn) return;
  const dynType = dyn;
  const proto = Object.getPrototypeOf(probe) as TypeDecl;
  const unify = proto.unify;
  const objectLike = (t: TypeDecl) => t.kind === 'map' || t.kind === 'message';
  proto.unify = function (this: TypeDecl, registry: unknown, other: TypeDecl): TypeDecl | null {
    const u = unify.call(this, registry, other);
    if (u) return u;
    if ((this.name === 'null' && objectLike(other)) || (other.name === 'null' && objectLike(this))) return dynType;
    return null;
  };
  nullUnifyPatched = true;
}

/** A compiled expression: call with an activation. Throws CelEvalError / NeedsClusterData. */
export type CelProgram = (activation: Record<string, unknown>) => unknown;

/** An expression that does not compile (syntax or unknown function/variable). */
export class CelCompileError extends Error {}

/** An expression that failed while evaluating (no such key, no such overload, division by zero, …). */
export class CelEvalError extends Error {}

const cache = new Map<string, CelProgram | CelCompileError>();

function firstLine(e: unknown): string {
  const m = e instanceof Error ? ((e as { summary?: string }).summary ?? e.message) : String(e);
  const nl = m.indexOf('\n');
  return nl < 0 ? m : m.slice(0, nl);
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** End (exclusive) of the string literal starting at i (', ", ''', """; r/b prefixes are plain letters before it). */
function skipString(src: string, i: number): number {
  const q = src[i];
  const triple = src.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < src.length) {
    if (src[j] === '\\') j += 2;
    else if (src.startsWith(close, j)) return j + close.length;
    else j++;
  }
  return j;
}

/** Index of the `)` closing the `(` at i, skipping strings; -1 when unbalanced. */
function closing(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '"' || c === "'") {
      j = skipString(src, j) - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

/** The last `.field` at nesting depth 0 of an expression: [prefix, field], or undefined. */
function splitLastSelect(arg: string): [string, string] | undefined {
  let depth = 0;
  let last = -1;
  for (let j = 0; j < arg.length; j++) {
    const c = arg[j];
    if (c === '"' || c === "'") j = skipString(arg, j) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '.' && depth === 0 && !/[0-9]/.test(arg[j + 1] ?? '')) last = j;
  }
  if (last < 0) return undefined;
  const field = arg.slice(last + 1).trim();
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? [arg.slice(0, last), field] : undefined;
}

/**
 * cel-go accepts `has(<any expression>.field)`; the library only `has(ident.….field)`. The
 * other forms (`has(image.GetMetadata(ref).config.Volumes)`) are rewritten to the equivalent
 * `cel.bind(v, <expression>, has(v.field))`.
 */
export function rewriteHas(src: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'") {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end - 1;
      continue;
    }
    if (src.startsWith('has', i) && !isIdentChar(src[i - 1]) && src[i - 1] !== '.') {
      let k = i + 3;
      while (src[k] === ' ' || src[k] === '\n' || src[k] === '\t') k++;
      const end = src[k] === '(' ? closing(src, k) : -1;
      if (end > 0) {
        const arg = rewriteHas(src.slice(k + 1, end));
        const split = splitLastSelect(arg);
        if (split && !/^\s*[A-Za-z_][A-Za-z0-9_]*(\s*\.\??\s*[A-Za-z_][A-Za-z0-9_]*)*\s*$/.test(split[0])) {
          const v = `__has${n++}_${src.length}`;
          out += `cel.bind(${v}, ${split[0]}, has(${v}.${split[1]}))`;
        } else out += `has(${arg})`;
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Compiles once per source text. Throws CelCompileError. */
export function compileCel(source: string): CelProgram {
  let hit = cache.get(source);
  if (hit === undefined) {
    try {
      let parsed = environment().parse(source);
      let check = parsed.check();
      if (!check.valid && source.indexOf('has') >= 0) {
        const rewritten = rewriteHas(source);
        if (rewritten !== source) {
          try {
            const again = environment().parse(rewritten);
            const c2 = again.check();
            // Report the rewritten form's error when the original one was only the has() form.
            if (c2.valid || firstLine(check.error).indexOf('has() invalid argument') >= 0) {
              parsed = again;
              check = c2;
            }
          } catch {
            // keep the original error
          }
        }
      }
      if (!check.valid) throw check.error ?? new Error('invalid expression');
      hit = (activation) => {
        try {
          return parsed(activation);
        } catch (e) {
          if (e instanceof NeedsClusterData) throw e;
          throw new CelEvalError(firstLine(e));
        }
      };
    } catch (e) {
      hit = new CelCompileError(`compilation failed: ${firstLine(e)}`);
    }
    cache.set(source, hit);
  }
  if (hit instanceof CelCompileError) throw hit;
  return hit;
}

/** Evaluates a compiled expression that must give a bool. */
export function evalBool(program: CelProgram, activation: Record<string, unknown>): boolean {
  const v = program(activation);
  if (typeof v !== 'boolean') throw new CelEvalError(`expression must return a bool, got ${typeOf(v)} (${celToString(v)})`);
  return v;
}

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : typeof v;
}

// Built at module load: in plugin.wasm this happens inside the Wizer snapshot.
environment();
