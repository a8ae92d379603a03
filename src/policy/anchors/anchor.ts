// Anchor keys in patterns (Kyverno pkg/engine/anchor): `(k)` conditional, `X(k)` negation,
// `=(k)` equality, `^(k)` existence, `<(k)` global, `+(k)` add-if-not-present (mutate only).

export type AnchorKind = 'conditional' | 'negation' | 'equality' | 'existence' | 'global' | 'addIfNotPresent';

export interface Anchor {
  kind: AnchorKind;
  key: string;
  modifier: '' | 'X' | '=' | '^' | '<' | '+';
}

const MODIFIERS: Record<string, AnchorKind> = {
  '': 'conditional',
  X: 'negation',
  '=': 'equality',
  '^': 'existence',
  '<': 'global',
  '+': 'addIfNotPresent',
};

const anchorCache = new Map<string, Anchor | null>();

/**
 * Parses `^([+<=X^])?\((.+)\)$`; undefined for a plain key. Pattern keys repeat across every
 * resource a policy sees, so answers are remembered (the result must be treated as read-only).
 */
export function parseAnchor(s: string): Anchor | undefined {
  const known = anchorCache.get(s);
  if (known !== undefined) return known ?? undefined;
  const a = parseAnchorUncached(s);
  if (anchorCache.size > 10000) anchorCache.clear();
  anchorCache.set(s, a ?? null);
  return a;
}

function parseAnchorUncached(s: string): Anchor | undefined {
  if (s.length < 3 || s[s.length - 1] !== ')') return undefined;
  let modifier = '';
  let open = 0;
  if (s[0] !== '(') {
    if (!(s[0] in MODIFIERS) || s[1] !== '(') return undefined;
    modifier = s[0];
    open = 1;
  }
  const key = s.slice(open + 1, s.length - 1);
  if (key.length === 0) return undefined;
  return { kind: MODIFIERS[modifier], key, modifier: modifier as Anchor['modifier'] };
}

export function anchorString(a: Anchor): string {
  return `${a.modifier}(${a.key})`;
}

export function isAnchorKind(s: string, kind: AnchorKind): boolean {
  return parseAnchor(s)?.kind === kind;
}

const mutateOnlyCache = new WeakMap<object, readonly string[]>();

/** Paths of anchors that validate rules must not use (`+(k)`), e.g. `/spec/+(x)/`. Remembered per pattern object. */
export function findMutateOnlyAnchors(pattern: unknown): readonly string[] {
  if (pattern === null || typeof pattern !== 'object') return [];
  let found = mutateOnlyCache.get(pattern);
  if (found === undefined) {
    found = collectMutateOnlyAnchors(pattern, '/');
    mutateOnlyCache.set(pattern, found);
  }
  return found;
}

function collectMutateOnlyAnchors(pattern: unknown, path: string): string[] {
  const out: string[] = [];
  if (Array.isArray(pattern)) {
    pattern.forEach((p, i) => out.push(...collectMutateOnlyAnchors(p, `${path}${i}/`)));
  } else if (pattern !== null && typeof pattern === 'object') {
    for (const [k, v] of Object.entries(pattern as Record<string, unknown>)) {
      if (parseAnchor(k)?.kind === 'addIfNotPresent') out.push(`${path}${k}/`);
      out.push(...collectMutateOnlyAnchors(v, `${path}${k}/`));
    }
  }
  return out;
}
