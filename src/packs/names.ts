// The names of the built-in policy packs. Kept apart from the packs themselves so option
// parsing can validate `--packs` without loading any YAML.

export const PACK_NAMES = ['pod-security-baseline', 'pod-security-restricted', 'best-practices'] as const;
export type PackName = (typeof PACK_NAMES)[number];

/** What runs with no policy arguments: a first run already says something useful. */
export const DEFAULT_PACKS: readonly PackName[] = ['pod-security-baseline', 'best-practices'];

export function isPackName(s: string): s is PackName {
  return (PACK_NAMES as readonly string[]).indexOf(s) >= 0;
}
