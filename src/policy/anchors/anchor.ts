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

/** Parses `^([+<=X^])?\((.+)\)$`; undefined for a plain key. */
export function parseAnchor(s: string): Anchor | undefined {
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

/** Paths of anchors that validate rules must not use (`+(k)`), e.g. `/spec/+(x)/`. */
export function findMutateOnlyAnchors(pattern: unknown, path = '/'): string[] {
  const out: string[] = [];
  if (Array.isArray(pattern)) {
    pattern.forEach((p, i) => out.push(...findMutateOnlyAnchors(p, `${path}${i}/`)));
  } else if (pattern !== null && typeof pattern === 'object') {
    for (const [k, v] of Object.entries(pattern as Record<string, unknown>)) {
      if (parseAnchor(k)?.kind === 'addIfNotPresent') out.push(`${path}${k}/`);
      out.push(...findMutateOnlyAnchors(v, `${path}${k}/`));
    }
  }
  return out;
}
