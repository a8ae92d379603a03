// The built-in policy packs: ordinary Kyverno ClusterPolicy YAML under src/packs/<pack>/,
// embedded as text (sources.generated.ts) and parsed, checked and auto-generated here once,
// at module load. In plugin.wasm that happens inside the Wizer snapshot at build time, so a
// call pays nothing for it; a broken pack fails the build instead of a user's render.

import { parseAllDocuments } from 'yaml';
import { autogenControllers, isLegacyPolicy, policyName, rulesForKind, unsupportedFeature } from '../policy';
import { parseKindSelector } from '../policy/match/match';
import { isMap } from '../policy/operators/value';
import { describeCelPolicy, isCelValidationPolicy } from '../policy/validating-policy';
import { celRuleProblems } from '../policy/cel/validate-cel';
import { describeMutatingPolicy, isMutatingPolicy } from '../policy/mutate/mutating-policy';
import { PACK_NAMES, type PackName } from './names';
import { PACK_SOURCES } from './sources.generated';

export { DEFAULT_PACKS, PACK_NAMES, isPackName, type PackName } from './names';

export type FailureAction = 'audit' | 'enforce';

/** One policy ready to evaluate, with what the check needs to know about it up front. */
export interface LoadedPolicy {
  name: string;
  /** Where it came from, e.g. `best-practices/disallow-latest-tag.yaml`. */
  source: string;
  policy: Record<string, unknown>;
  title?: string;
  category?: string;
  severity?: string;
  /** Kinds its rules (including auto-generated ones) can match; `any` for wildcard kinds. */
  kinds: ReadonlySet<string> | 'any';
  /** Failure action per rule name (rule override, else the policy's); undefined = not set. */
  actions: ReadonlyMap<string, FailureAction | undefined>;
  /** It changes objects: mutate rules (ClusterPolicy/Policy) or a MutatingPolicy. */
  mutates?: boolean;
  /** It has validation rules (false for a MutatingPolicy or a policy of mutate rules only). */
  validates?: boolean;
  /** Why it cannot be applied to rendered objects (a MutatingPolicy for existing cluster objects). */
  notAtRenderTime?: string;
}

export class PolicyLoadError extends Error {}

function annotation(policy: Record<string, unknown>, key: string): string | undefined {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const ann = isMap(meta.annotations) ? meta.annotations : {};
  const v = ann[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function toAction(v: unknown): FailureAction | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  return s === 'audit' || s === 'enforce' ? s : undefined;
}

function filterKinds(block: unknown, out: Set<string>): boolean {
  if (!isMap(block)) return false;
  let any = false;
  const filters: unknown[] = [];
  for (const k of ['any', 'all']) if (Array.isArray(block[k])) filters.push(...(block[k] as unknown[]));
  if (isMap(block.resources)) filters.push(block);
  for (const f of filters) {
    const kinds = isMap(f) && isMap(f.resources) && Array.isArray(f.resources.kinds) ? f.resources.kinds : [];
    for (const k of kinds) {
      const kind = parseKindSelector(String(k)).kind;
      if (kind.indexOf('*') >= 0 || kind.indexOf('?') >= 0) any = true;
      else out.add(kind);
    }
  }
  return any;
}

/** Checks a policy and precomputes its kind index and failure actions; throws PolicyLoadError. */
export function loadPolicy(policy: unknown, source: string): LoadedPolicy {
  if (isMap(policy) && isCelValidationPolicy(policy)) return loadCelPolicy(policy, source);
  if (isMap(policy) && isMutatingPolicy(policy)) return loadMutatingPolicy(policy, source);
  if (!isMap(policy) || !isLegacyPolicy(policy)) throw new PolicyLoadError(`${source}: not a kyverno.io ClusterPolicy or Policy`);
  const name = requireName(policy, source);
  const spec = isMap(policy.spec) ? policy.spec : {};
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  if (rules.length === 0) throw new PolicyLoadError(`${source}: policy ${name} has no rules`);
  const policyAction = toAction(spec.validationFailureAction) ?? toAction(spec.failureAction);
  const kinds = new Set<string>();
  let anyKind = false;
  const actions = new Map<string, FailureAction | undefined>();
  let mutates = false;
  let validates = false;
  // Every kind the policy's rules can see: the original rules for Pod, generated ones for controllers.
  const all = new Map<string, Record<string, unknown>>();
  for (const r of rulesForKind(policy, 'Pod')) all.set(String(r.name), r);
  for (const c of autogenControllers(policy)) for (const r of rulesForKind(policy, c)) all.set(String(r.name), r);
  for (const rule of all.values()) {
    const ruleName = String(rule.name ?? '');
    if (ruleName === '') throw new PolicyLoadError(`${source}: policy ${name} has a rule without a name`);
    // mutate rules run in the mutation phase of the policy check (before validation).
    const unsupported = rule.mutate !== undefined ? undefined : unsupportedFeature(rule);
    if (unsupported) throw new PolicyLoadError(`${source}: policy ${name}, rule ${ruleName}: ${unsupported} is not supported`);
    if (rule.mutate !== undefined) mutates = true;
    else validates = true;
    const celProblems = celRuleProblems(rule);
    if (celProblems.length > 0) throw new PolicyLoadError(`${source}: policy ${name}, rule ${ruleName}: ${celProblems.join('; ')}`);
    if (filterKinds(rule.match, kinds)) anyKind = true;
    const v = isMap(rule.validate) ? rule.validate : {};
    actions.set(ruleName, toAction(v.failureAction) ?? policyAction);
  }
  return loaded(policy, name, source, { kinds: anyKind ? 'any' : kinds, actions, mutates, validates });
}

function requireName(policy: Record<string, unknown>, source: string): string {
  const name = policyName(policy);
  if (name === '') throw new PolicyLoadError(`${source}: the policy has no metadata.name`);
  return name;
}

/** A loaded policy: what the loader worked out, plus the metadata every policy kind carries. */
function loaded(
  policy: Record<string, unknown>,
  name: string,
  source: string,
  rest: Pick<LoadedPolicy, 'kinds' | 'actions'> & Partial<Pick<LoadedPolicy, 'mutates' | 'validates' | 'notAtRenderTime'>>,
): LoadedPolicy {
  return {
    name,
    source,
    policy,
    title: annotation(policy, 'policies.kyverno.io/title'),
    category: annotation(policy, 'policies.kyverno.io/category'),
    severity: annotation(policy, 'policies.kyverno.io/severity'),
    ...rest,
  };
}

/** MutatingPolicy: expressions compiled now, kinds from matchConstraints. */
function loadMutatingPolicy(policy: Record<string, unknown>, source: string): LoadedPolicy {
  const name = requireName(policy, source);
  const info = describeMutatingPolicy(policy);
  if (info.problems.length > 0) throw new PolicyLoadError(`${source}: ${String(policy.kind)} ${name}: ${info.problems.join('; ')}`);
  return loaded(policy, name, source, {
    kinds: info.kinds,
    actions: new Map(),
    mutates: true,
    validates: false,
    ...(info.notAtRenderTime ? { notAtRenderTime: info.notAtRenderTime } : {}),
  });
}

/** ValidatingPolicy / ValidatingAdmissionPolicy: expressions compiled now, kinds from matchConstraints. */
function loadCelPolicy(policy: Record<string, unknown>, source: string): LoadedPolicy {
  const name = requireName(policy, source);
  const info = describeCelPolicy(policy);
  if (info.problems.length > 0) throw new PolicyLoadError(`${source}: ${String(policy.kind)} ${name}: ${info.problems.join('; ')}`);
  return loaded(policy, name, source, { kinds: info.kinds, actions: info.actions });
}

function loadSources(): Map<string, LoadedPolicy> {
  const byFile = new Map<string, LoadedPolicy>();
  const names = new Set<string>();
  for (const { path, text } of PACK_SOURCES) {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.length !== 1) throw new PolicyLoadError(`${path}: expected exactly one YAML document`);
    const doc = docs[0];
    if (doc.errors.length > 0) throw new PolicyLoadError(`${path}: ${doc.errors[0].message}`);
    const loaded = loadPolicy(doc.toJS(), path);
    if (names.has(loaded.name)) throw new PolicyLoadError(`${path}: a second policy named ${loaded.name}`);
    names.add(loaded.name);
    byFile.set(path.replace(/\.yaml$/, ''), loaded);
  }
  return byFile;
}

const BY_FILE = loadSources();

function folder(f: string): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  for (const [key, p] of BY_FILE) if (key.startsWith(f + '/')) out.push(p);
  return out;
}

function files(...keys: string[]): LoadedPolicy[] {
  return keys.map((k) => {
    const p = BY_FILE.get(k);
    if (!p) throw new PolicyLoadError(`pack file ${k}.yaml is missing`);
    return p;
  });
}

/**
 * What each pack contains. Restricted is a superset of baseline (as in the Pod Security
 * Standards); best-practices shares the host path, host port and privilege escalation
 * policies with them. Selecting several packs runs a shared policy once.
 */
export const PACKS: Readonly<Record<PackName, readonly LoadedPolicy[]>> = {
  'pod-security-baseline': folder('pod-security-baseline'),
  'pod-security-restricted': [...folder('pod-security-baseline'), ...folder('pod-security-restricted')],
  'best-practices': [
    ...folder('best-practices'),
    ...files('pod-security-baseline/disallow-host-path', 'pod-security-baseline/disallow-host-ports', 'pod-security-restricted/disallow-privilege-escalation'),
  ],
};

for (const name of PACK_NAMES) if (PACKS[name].length === 0) throw new PolicyLoadError(`pack ${name} is empty`);

/** The policy whose rule `validate-registries` takes its list from --allowed-registries. */
export const REGISTRY_POLICY = 'restrict-image-registries';
const REGISTRY_VARIABLE = 'allowedRegistries';

/** `ghcr.io/acme` → `ghcr.io/acme/*`; entries with a wildcard are used as written. */
export function registryPattern(list: readonly string[]): string {
  return list
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => (e.indexOf('*') >= 0 || e.indexOf('?') >= 0 ? e : e.replace(/\/+$/, '') + '/*'))
    .join(' | ');
}

const registryVariants = new Map<string, LoadedPolicy>();

/**
 * The registry policy with its `allowedRegistries` context variable set to `list`, or
 * undefined for an empty list (the policy is then left out: nothing to compare against).
 */
export function withAllowedRegistries(base: LoadedPolicy, list: readonly string[]): LoadedPolicy | undefined {
  const pattern = registryPattern(list);
  if (pattern === '') return undefined;
  let v = registryVariants.get(pattern);
  if (!v) {
    const policy = JSON.parse(JSON.stringify(base.policy)) as Record<string, unknown>;
    const spec = policy.spec as Record<string, unknown>;
    for (const rule of spec.rules as Record<string, unknown>[]) {
      for (const entry of Array.isArray(rule.context) ? rule.context : []) {
        if (isMap(entry) && entry.name === REGISTRY_VARIABLE && isMap(entry.variable)) entry.variable.value = pattern;
      }
    }
    v = loadPolicy(policy, base.source);
    registryVariants.set(pattern, v);
  }
  return v;
}
