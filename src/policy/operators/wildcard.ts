// Wildcard matching as Kyverno's ext/wildcard does it: `*` any run (also empty),
// `?` exactly one character, whole-string, case-sensitive, no escaping.

export function hasWildcard(s: string): boolean {
  return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
}

/** True when `pattern` (with `*`/`?`) matches all of `s`. Iterative, no backtracking blow-up. */
export function wildcardMatch(pattern: string, s: string): boolean {
  if (pattern === s) return true;
  if (pattern === '*') return true;
  let p = 0;
  let i = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    const pc = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (pc === 63 /* ? */ || (pc === s.charCodeAt(i) && pc !== 42)) {
      p++;
      i++;
    } else if (pc === 42 /* * */) {
      star = p++;
      mark = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
