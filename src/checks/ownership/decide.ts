// What Helm's ownership check will do with this render and this live state (pkg/action/validate.go
// `existingResourceConflict` / `requireAdoption`, called from install.go and upgrade.go).
//
// - Install: every object of the release manifest is checked (hooks never are).
// - Upgrade: only objects whose objectKey is not in the previous release's manifest.
// - Per object, in manifest order: `generateName` without a name → skipped; name and generateName
//   both set → error; GET → NotFound is fine, another error stops Helm; an existing object passes
//   only with the exact label `app.kubernetes.io/managed-by=Helm` and annotations
//   `meta.helm.sh/release-name=<release>`, `meta.helm.sh/release-namespace=<release ns>`.
//   `--take-ownership` (requireAdoption) adopts whatever exists without looking at its metadata.
// - Helm stops at the first error and wraps it in `unable to continue with install|update: `.

import { resourceString, goQuote } from './keys';
import type { RenderedObject } from './objects';
import type { LiveState } from './snapshot';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_HELM = 'Helm';
export const RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';

export const NAME_AND_GENERATE_NAME = 'metadata.name and metadata.generateName cannot both be set';

export type Classification =
  /** Not checked: a hook. */
  | 'hook'
  /** Not checked: only generateName. */
  | 'generate-name'
  /** Helm errors before looking: name and generateName. */
  | 'name-and-generate-name'
  /** Not checked: an upgrade and the key is in the previous release. */
  | 'in-previous-release'
  /** Does not exist: Helm creates it. */
  | 'new'
  /** Exists with exactly this release's metadata. */
  | 'owned'
  /** Exists and its annotations name another release (or the same name in another namespace). */
  | 'other-release'
  /** Exists without any of Helm's label and annotations. */
  | 'unmanaged'
  /** Exists with some of Helm's metadata, not naming another release. */
  | 'partial'
  /** The GET failed. */
  | 'lookup-error'
  /** Not in the live state. */
  | 'unknown';

export type Outcome = 'ok' | 'skipped' | 'conflict' | 'adopt' | 'error' | 'unknown';

export interface Decision {
  object: RenderedObject;
  /** Whether Helm runs its check on this object. */
  checked: boolean;
  /** True on upgrades when the previous release is unknown, so "checked" is a guess. */
  uncertain: boolean;
  classification: Classification;
  /** What the live state says, also for objects Helm does not check (an upgrade's known objects). */
  liveClassification?: Classification;
  live?: LiveState;
  /** Helm's metadata problems for an existing object (empty when it passes). */
  problems: string[];
  outcome: Outcome;
  /** The error Helm returns for this object when it stops here (before `unable to continue…`). */
  error?: string;
}

export interface DecideInput {
  objects: readonly RenderedObject[];
  release: string;
  namespace: string;
  upgrade: boolean;
  takeOwnership: boolean;
  /** The live state of an object; undefined when unknown. */
  live: (o: RenderedObject) => LiveState | undefined;
  /** Helm objectKeys of the previous release (upgrades); undefined when unknown. */
  previous?: ReadonlySet<string>;
}

export interface DecideResult {
  decisions: Decision[];
  /** The full error text Helm would return (`unable to continue with …: …`), if it fails. */
  helmError?: string;
  /** The decision Helm stops at. */
  stopsAt?: Decision;
  /** True when an object with unknown live state (or an uncertain check) comes before the stop, or nothing stops. */
  uncertain: boolean;
}

/** Helm's requireValue. */
function requireValue(meta: Record<string, string | undefined>, k: string, v: string): string | undefined {
  const actual = meta[k];
  if (actual === undefined) return `missing key ${goQuote(k)}: must be set to ${goQuote(v)}`;
  if (actual !== v) return `key ${goQuote(k)} must equal ${goQuote(v)}: current value is ${goQuote(actual)}`;
  return undefined;
}

/** Helm's checkOwnership: the problems, each with its `label/annotation validation error: ` prefix. */
export function ownershipProblems(live: { managedBy?: string; releaseName?: string; releaseNamespace?: string }, release: string, namespace: string): string[] {
  const out: string[] = [];
  const labels = { [MANAGED_BY_LABEL]: live.managedBy };
  const annotations = { [RELEASE_NAME_ANNOTATION]: live.releaseName, [RELEASE_NAMESPACE_ANNOTATION]: live.releaseNamespace };
  const a = requireValue(labels, MANAGED_BY_LABEL, MANAGED_BY_HELM);
  if (a) out.push(`label validation error: ${a}`);
  const b = requireValue(annotations, RELEASE_NAME_ANNOTATION, release);
  if (b) out.push(`annotation validation error: ${b}`);
  const c = requireValue(annotations, RELEASE_NAMESPACE_ANNOTATION, namespace);
  if (c) out.push(`annotation validation error: ${c}`);
  return out;
}

/** The object's part of Helm's error: `<resourceString> exists and cannot be imported into the current release: invalid ownership metadata; …`. */
export function conflictError(o: RenderedObject, problems: readonly string[]): string {
  return `${resourceString(o.kind, o.name, o.namespace)} exists and cannot be imported into the current release: invalid ownership metadata; ${problems.join('; ')}`;
}

export function lookupError(o: RenderedObject, err: string): string {
  return `could not get information about the resource ${resourceString(o.kind, o.name, o.namespace)}: ${err}`;
}

function classify(live: LiveState | undefined, release: string, namespace: string): { c: Classification; problems: string[] } {
  if (live === undefined) return { c: 'unknown', problems: [] };
  if (live.found === false) return { c: 'new', problems: [] };
  if (live.found === 'error') return { c: 'lookup-error', problems: [] };
  const problems = ownershipProblems(live, release, namespace);
  if (problems.length === 0) return { c: 'owned', problems };
  if (live.managedBy === undefined && live.releaseName === undefined && live.releaseNamespace === undefined) {
    return { c: 'unmanaged', problems };
  }
  if (
    (live.releaseName !== undefined && live.releaseName !== release) ||
    (live.releaseName !== undefined && live.releaseNamespace !== undefined && live.releaseNamespace !== namespace)
  ) {
    return { c: 'other-release', problems };
  }
  return { c: 'partial', problems };
}

export function decide(input: DecideInput): DecideResult {
  const decisions: Decision[] = [];
  let stopsAt: Decision | undefined;
  let uncertain = false;
  const upgradeUnknown = input.upgrade && input.previous === undefined;
  for (const o of input.objects) {
    const base = { object: o, uncertain: false, problems: [] as string[] };
    if (o.hook !== undefined) {
      decisions.push({ ...base, checked: false, classification: 'hook', outcome: 'skipped' });
      continue;
    }
    const inPrevious = input.upgrade && input.previous !== undefined && input.previous.has(o.key);
    const checked = !inPrevious;
    const d: Decision = { ...base, checked, uncertain: checked && upgradeUnknown, classification: 'new', outcome: 'ok' };
    decisions.push(d);
    if (o.generateName !== undefined && o.name === '') {
      d.classification = 'generate-name';
      d.outcome = 'skipped';
      continue;
    }
    if (o.generateName !== undefined && o.name !== '') {
      d.classification = 'name-and-generate-name';
      if (checked) {
        d.outcome = 'error';
        d.error = NAME_AND_GENERATE_NAME;
      } else {
        d.outcome = 'skipped';
      }
    } else {
      d.live = input.live(o);
      const { c, problems } = classify(d.live, input.release, input.namespace);
      d.problems = problems;
      d.liveClassification = c;
      d.classification = inPrevious ? 'in-previous-release' : c;
      if (inPrevious) {
        d.outcome = 'skipped';
      } else if (c === 'unknown') {
        d.outcome = 'unknown';
      } else if (c === 'lookup-error') {
        d.outcome = 'error';
        d.error = lookupError(o, (d.live as { error: string }).error);
      } else if (c === 'new' || c === 'owned') {
        d.outcome = 'ok';
      } else if (input.takeOwnership) {
        d.outcome = 'adopt';
      } else {
        d.outcome = 'conflict';
        d.error = conflictError(o, problems);
      }
    }
    if (stopsAt === undefined) {
      if (d.outcome === 'unknown' || d.uncertain) uncertain = true;
      if (d.error !== undefined && !d.uncertain) stopsAt = d;
    }
  }
  if (stopsAt === undefined) {
    // Nothing certain stops Helm; if an uncertain object errs, Helm may still stop there.
    const guess = decisions.find((d) => d.error !== undefined);
    if (guess) {
      stopsAt = guess;
      uncertain = true;
    }
  }
  const op = input.upgrade ? 'update' : 'install';
  return {
    decisions,
    stopsAt,
    helmError: stopsAt?.error !== undefined ? `unable to continue with ${op}: ${stopsAt.error}` : undefined,
    uncertain,
  };
}
