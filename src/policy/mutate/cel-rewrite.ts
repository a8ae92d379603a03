// MutatingPolicy expressions build typed objects (`Object{spec: Object.spec{…}}`,
// `JSONPatch{op: "add", …}`) and call `jsonpatch.escapeKey(k)`. The CEL environment has no such
// types; their values are plain maps, so the source is rewritten before compiling:
// `Name{field: v}` → `{"field": v}` and `jsonpatch.escapeKey(x)` →
// `(x).replace("~", "~0").replace("/", "~1")`. String literals are left untouched.

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** Index just past the string literal starting at i (', ", triple-quoted, raw r"…"). */
function skipString(src: string, i: number): number {
  let j = i;
  if (src[j] === 'r' || src[j] === 'R') j++;
  const q = src[j];
  const triple = src.slice(j, j + 3) === q.repeat(3);
  const raw = j > i;
  j += triple ? 3 : 1;
  while (j < src.length) {
    if (!raw && src[j] === '\\') {
      j += 2;
      continue;
    }
    if (triple ? src.slice(j, j + 3) === q.repeat(3) : src[j] === q) return j + (triple ? 3 : 1);
    j++;
  }
  return src.length;
}

function isStringStart(src: string, i: number): boolean {
  const c = src[i];
  if (c === '"' || c === "'") return true;
  return (c === 'r' || c === 'R') && (src[i + 1] === '"' || src[i + 1] === "'") && (i === 0 || !IDENT.test(src[i - 1]));
}

/** Index of the `)` closing the `(` at i. */
function matchingParen(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; ) {
    if (isStringStart(src, j)) {
      j = skipString(src, j);
      continue;
    }
    if (src[j] === '(') depth++;
    else if (src[j] === ')' && --depth === 0) return j;
    j++;
  }
  throw new Error('unbalanced parentheses');
}

const TYPED = /^(Object(?:\.[A-Za-z_][A-Za-z0-9_]*)*|JSONPatch)\s*\{/;
const ESCAPE_KEY = /^jsonpatch\.escapeKey\s*\(/;

export function rewriteMutationExpression(src: string): string {
  let out = '';
  // For each open bracket: is it a typed object literal (field names to quote)?
  const stack: { ch: string; typed: boolean }[] = [];
  let expectField = false;
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (isStringStart(src, i)) {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
      expectField = false;
      continue;
    }
    const prevIdent = i > 0 && (IDENT.test(src[i - 1]) || src[i - 1] === '.');
    if (!prevIdent && IDENT_START.test(c)) {
      const rest = src.slice(i);
      const esc = ESCAPE_KEY.exec(rest);
      if (esc) {
        const open = i + esc[0].length - 1;
        const close = matchingParen(src, open);
        out += `(${rewriteMutationExpression(src.slice(open + 1, close))}).replace("~", "~0").replace("/", "~1")`;
        i = close + 1;
        expectField = false;
        continue;
      }
      const typed = TYPED.exec(rest);
      if (typed) {
        out += '{';
        stack.push({ ch: '{', typed: true });
        i += typed[0].length;
        expectField = true;
        continue;
      }
      let j = i;
      while (j < src.length && IDENT.test(src[j])) j++;
      const ident = src.slice(i, j);
      let k = j;
      while (k < src.length && /\s/.test(src[k])) k++;
      if (expectField && stack.length > 0 && stack[stack.length - 1].typed && src[k] === ':') out += JSON.stringify(ident);
      else out += ident;
      i = j;
      expectField = false;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') {
      stack.push({ ch: c, typed: false });
      expectField = false;
    } else if (c === '}' || c === ')' || c === ']') {
      stack.pop();
      expectField = false;
    } else if (c === ',') {
      expectField = stack.length > 0 && stack[stack.length - 1].typed;
    } else if (!/\s/.test(c)) {
      expectField = false;
    }
    out += c;
    i++;
  }
  return out;
}
