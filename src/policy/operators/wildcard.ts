// Wildcard matching as Kyverno's ext/wildcard does it: `*` any run (also empty),
// `?` exactly one character, whole-string, case-sensitive, no escaping.

export function hasWildcard(s: string): boolean {
  return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
}

/**
 * A pattern without `?` as its literal pieces between the `*`s (`a*b*c` → ['a', 'b', 'c']);
 * undefined when it has a `?`. Remembered per pattern: policies repeat theirs for every value.
 */
const starPieces = new Map<string, readonly string[] | null>();

function piecesOf(pattern: string): readonly string[] | undefined {
  let pieces = starPieces.get(pattern);
  if (pieces === undefined) {
    pieces = pattern.indexOf('?') >= 0 ? null : pattern.split('*');
    if (starPieces.size > 10000) starPieces.clear();
    starPieces.set(pattern, pieces);
  }
  return pieces ?? undefined;
}

/** True when `pattern` (with `*`/`?`) matches all of `s`. Iterative, no backtracking blow-up. */
export function wildcardMatch(pattern: string, s: string): boolean {
  if (pattern === s) return true;
  if (pattern === '*') return true;
  const pieces = piecesOf(pattern);
  if (pieces) {
    // Only `*`: s starts with the first piece, ends with the last, and holds the others in
    // order in between (leftmost matches are enough when every gap takes any run).
    const n = pieces.length;
    if (n === 1) return false; // no wildcard, and pattern !== s
    const first = pieces[0];
    const last = pieces[n - 1];
    if (first.length + last.length > s.length || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    const end = s.length - last.length;
    for (let i = 1; i < n - 1; i++) {
      const piece = pieces[i];
      if (piece === '') continue;
      const hit = s.indexOf(piece, at);
      if (hit < 0 || hit + piece.length > end) return false;
      at = hit + piece.length;
    }
    return true;
  }
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
