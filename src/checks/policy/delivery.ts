// Policies that do not come from the built-in packs: given by the user
// (`--policy=<YAML>`, `--policy-b64=<base64 YAML>` in --post-renderer-args; the CLI turns
// files and directories into these) and shipped by the chart (documents of kind
// ClusterPolicy/Policy (kyverno.io) or ValidatingPolicy/MutatingPolicy (policies.kyverno.io) in
// the render).
//
// Every policy is checked for the shape warden relies on before it is used, and a bad one is
// an error naming where it came from, the policy, the rule, the line and the problem: a typo
// in a policy must not turn into a policy that silently passes everything.
//
// Pure: no I/O, no Node built-ins (this runs inside plugin.wasm).

import { isMap as isYamlMap, isScalar, isSeq as isYamlSeq, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { loadPolicy, PolicyLoadError, type LoadedPolicy } from '../../packs';
import { isMap } from '../../policy/operators/value';
import { CONDITION_OPERATORS } from '../../policy/operators/conditions';

/** A policy input that cannot be used; the message names source, policy, rule, line and problem. */
export class PolicyInputError extends Error {}

/** One policy delivered to warden, ready to run or (for a feature this build lacks) reported as not evaluated. */
export interface DeliveredPolicy {
  name: string;
  kind: string;
  /** Where it came from, e.g. `--post-renderer-args argument 2 (--policy-b64), document 1`. */
  origin: string;
  /** The policy ready to evaluate; absent when it uses a feature this build does not support. */
  loaded?: LoadedPolicy;
  /** Why it is not evaluated (then `loaded` is absent). */
  unsupported?: string;
  /** Chart-shipped: the index of its document in the render. */
  document?: number;
}

const LEGACY_KINDS = new Set(['ClusterPolicy', 'Policy']);
const VALIDATING_KINDS = new Set(['ValidatingPolicy', 'NamespacedValidatingPolicy']);
const MUTATING_KINDS = new Set(['MutatingPolicy', 'NamespacedMutatingPolicy']);

/** Is a rendered document (by its apiVersion and kind) a policy warden takes over? */
export function isPolicyKind(apiVersion: string | undefined, kind: string | undefined): boolean {
  if (apiVersion === undefined || kind === undefined) return false;
  if (LEGACY_KINDS.has(kind)) return apiVersion.startsWith('kyverno.io/');
  if (VALIDATING_KINDS.has(kind) || MUTATING_KINDS.has(kind)) return apiVersion.startsWith('policies.kyverno.io/');
  return false;
}

/**
 * Does the policy check take this rendered document out of the output? Chart-shipped policies
 * are, when the policy check runs and --keep-policies is not given. The one place that decides
 * it: the policy check removes exactly these, and other checks (ownership) ignore them.
 */
export function removedByPolicyCheck(
  doc: { empty: boolean; identity: { apiVersion?: string; kind?: string } },
  options: { checks: { policy: boolean }; keepPolicies: boolean },
): boolean {
  return options.checks.policy && !options.keepPolicies && !doc.empty && isPolicyKind(doc.identity.apiVersion, doc.identity.kind);
}

/**
 * Policies a user may give (--policy, files): the render's policy kinds plus Kubernetes
 * ValidatingAdmissionPolicy. (A chart's ValidatingAdmissionPolicy is an ordinary object
 * the chart installs, so it is not taken out of the render.)
 */
export function isUserPolicyKind(apiVersion: string | undefined, kind: string | undefined): boolean {
  if (isPolicyKind(apiVersion, kind)) return true;
  return kind === 'ValidatingAdmissionPolicy' && apiVersion !== undefined && apiVersion.startsWith('admissionregistration.k8s.io/');
}

// --- base64 (standard alphabet, padding optional; the engine has neither atob nor Buffer) ---

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX: Record<string, number> = {};
for (let i = 0; i < B64.length; i++) B64_INDEX[B64[i]] = i;
// base64url too, so either alphabet works
B64_INDEX['-'] = 62;
B64_INDEX['_'] = 63;

/** Decodes base64 into UTF-8 text; whitespace (from `base64` line wrapping) is ignored. */
export function decodeBase64Text(s: string): string {
  let t = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    t += c;
  }
  t = t.replace(/=+$/, '');
  if (t.length % 4 === 1) throw new PolicyInputError('not valid base64 (bad length)');
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < t.length; i++) {
    const v = B64_INDEX[t[i]];
    if (v === undefined) throw new PolicyInputError(`not valid base64 (character ${JSON.stringify(t[i])} at position ${i + 1})`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return utf8(bytes);
}

function utf8(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let cp: number;
    let n: number;
    if (b < 0x80) [cp, n] = [b, 1];
    else if (b >= 0xc2 && b < 0xe0) [cp, n] = [b & 0x1f, 2];
    else if (b >= 0xe0 && b < 0xf0) [cp, n] = [b & 0x0f, 3];
    else if (b >= 0xf0 && b < 0xf5) [cp, n] = [b & 0x07, 4];
    else throw new PolicyInputError(`the decoded bytes are not UTF-8 text (byte ${i + 1}); base64-encode the YAML file itself`);
    if (i + n > bytes.length) throw new PolicyInputError('the decoded bytes are not UTF-8 text (truncated character at the end)');
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) throw new PolicyInputError(`the decoded bytes are not UTF-8 text (byte ${i + k + 1})`);
      cp = (cp << 6) | (c & 0x3f);
    }
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

// --- shape validation ---------------------------------------------------------------------

type Path = (string | number)[];

class ShapeError extends Error {
  constructor(
    message: string,
    readonly path: Path,
    readonly rule?: string,
  ) {
    super(message);
  }
}

const RULE_KEYS = [
  'name',
  'match',
  'exclude',
  'context',
  'preconditions',
  'celPreconditions',
  'validate',
  'mutate',
  'generate',
  'verifyImages',
  'imageExtractors',
  'reportProperties',
  'skipBackgroundRequests',
];
const VALIDATE_KEYS = [
  'message',
  'pattern',
  'anyPattern',
  'deny',
  'foreach',
  'podSecurity',
  'cel',
  'manifests',
  'assert',
  'failureAction',
  'failureActionOverrides',
  'allowExistingViolations',
];
const VALIDATE_BODIES = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'cel', 'manifests', 'assert'];
const MUTATE_KEYS = ['patchStrategicMerge', 'patchesJson6902', 'foreach', 'targets', 'mutateExistingOnPolicyUpdate'];
const MUTATE_FOREACH_KEYS = ['list', 'context', 'preconditions', 'order', 'patchStrategicMerge', 'patchesJson6902', 'foreach'];
const FOREACH_KEYS = ['list', 'context', 'preconditions', 'elementScope', 'pattern', 'anyPattern', 'deny', 'foreach'];
const FILTER_KEYS = ['resources', 'subjects', 'roles', 'clusterRoles'];
const RESOURCE_KEYS = ['kinds', 'names', 'name', 'namespaces', 'annotations', 'selector', 'namespaceSelector', 'operations'];
const OPERATORS = new Set(CONDITION_OPERATORS.map((s) => s.toLowerCase()));

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

function unknownKeys(m: Record<string, unknown>, known: readonly string[], path: Path, what: string, rule?: string): void {
  for (const k of Object.keys(m)) {
    if (known.indexOf(k) < 0) throw new ShapeError(`${what} has an unknown field "${k}" (known: ${known.join(', ')})`, [...path, k], rule);
  }
}

function checkAction(v: unknown, path: Path, rule?: string): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || (v.toLowerCase() !== 'audit' && v.toLowerCase() !== 'enforce')) {
    throw new ShapeError(`${path[path.length - 1]} must be Audit or Enforce (got ${typeName(v)})`, path, rule);
  }
}

function checkFilter(f: unknown, path: Path, rule: string, block: string): void {
  if (!isMap(f)) throw new ShapeError(`${block} entries must be maps with resources/subjects/roles (got ${typeName(f)})`, path, rule);
  unknownKeys(f, FILTER_KEYS, path, `a ${block} entry`, rule);
  if (f.resources === undefined) return;
  if (!isMap(f.resources)) throw new ShapeError(`${block} resources must be a map (got ${typeName(f.resources)})`, [...path, 'resources'], rule);
  unknownKeys(f.resources, RESOURCE_KEYS, [...path, 'resources'], `${block} resources`, rule);
  const kinds = f.resources.kinds;
  if (kinds !== undefined) {
    if (!Array.isArray(kinds)) throw new ShapeError(`${block} resources.kinds must be a list of kinds (got ${typeName(kinds)})`, [...path, 'resources', 'kinds'], rule);
    kinds.forEach((k, i) => {
      if (typeof k !== 'string' || k.trim() === '') throw new ShapeError(`${block} resources.kinds entries must be kind names (got ${typeName(k)})`, [...path, 'resources', 'kinds', i], rule);
    });
  }
  for (const key of ['names', 'namespaces', 'operations']) {
    const list = f.resources[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
      throw new ShapeError(`${block} resources.${key} must be a list of strings`, [...path, 'resources', key], rule);
    }
  }
}

function checkMatch(block: unknown, path: Path, rule: string, name: 'match' | 'exclude'): void {
  if (!isMap(block)) throw new ShapeError(`${name} must be a map with any, all or resources (got ${typeName(block)})`, path, rule);
  unknownKeys(block, ['any', 'all', ...FILTER_KEYS], path, name, rule);
  let filters = 0;
  for (const k of ['any', 'all']) {
    const list = block[k];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ShapeError(`${name}.${k} must be a list of filters (got ${typeName(list)})`, [...path, k], rule);
    list.forEach((f, i) => checkFilter(f, [...path, k, i], rule, name));
    filters += list.length;
  }
  if (FILTER_KEYS.some((k) => block[k] !== undefined)) {
    checkFilter(block, path, rule, name);
    filters++;
  }
  if (filters === 0 && name === 'match') throw new ShapeError('match selects nothing: give match.any, match.all or match.resources with kinds', path, rule);
}

function checkConditions(v: unknown, path: Path, rule: string, what: string): void {
  if (v === undefined || v === null) return;
  const check = (list: unknown, p: Path) => {
    if (!Array.isArray(list)) throw new ShapeError(`${what} must be a list of conditions (got ${typeName(list)})`, p, rule);
    list.forEach((c, i) => {
      if (!isMap(c)) throw new ShapeError(`a ${what} condition must be a map with key, operator and value (got ${typeName(c)})`, [...p, i], rule);
      if (!('key' in c)) throw new ShapeError(`a ${what} condition has no key`, [...p, i], rule);
      const op = c.operator;
      if (typeof op !== 'string' || !OPERATORS.has(op.toLowerCase())) {
        throw new ShapeError(`a ${what} condition has an unknown operator ${typeName(op)} (known: Equals, NotEquals, In, AnyIn, AllIn, NotIn, AnyNotIn, AllNotIn, GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals, Duration…)`, [...p, i, 'operator'], rule);
      }
    });
  };
  if (Array.isArray(v)) return check(v, path);
  if (!isMap(v)) throw new ShapeError(`${what} must be a map with any/all or a list of conditions (got ${typeName(v)})`, path, rule);
  unknownKeys(v, ['any', 'all'], path, what, rule);
  for (const k of ['any', 'all']) if (v[k] !== undefined) check(v[k], [...path, k]);
}

/** Anchor keys must be well formed: `(k)`, `X(k)`, `=(k)`, `^(k)`, `<(k)`, `+(k)`. */
function checkPattern(v: unknown, path: Path, rule: string): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkPattern(x, [...path, i], rule));
    return;
  }
  if (!isMap(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const opens = k.startsWith('(') || /^[X=^<+]\(/.test(k);
    if (opens && !k.endsWith(')')) throw new ShapeError(`pattern key "${k}" opens an anchor but does not close it with ")"`, [...path, k], rule);
    if (!opens && k.endsWith(')') && k.indexOf('(') > 0 && !/^[X=^<+]\(/.test(k)) {
      throw new ShapeError(`pattern key "${k}" is not a known anchor (known: (k), X(k), =(k), ^(k), <(k), +(k))`, [...path, k], rule);
    }
    checkPattern(x, [...path, k], rule);
  }
}

function checkPatternRoot(v: unknown, path: Path, rule: string, what: string): void {
  if (!isMap(v) && !Array.isArray(v)) throw new ShapeError(`${what} must be a map (the shape of the resource) (got ${typeName(v)})`, path, rule);
  checkPattern(v, path, rule);
}

function checkValidateBody(v: Record<string, unknown>, path: Path, rule: string, inForeach: boolean): void {
  if (v.pattern !== undefined) checkPatternRoot(v.pattern, [...path, 'pattern'], rule, 'pattern');
  if (v.anyPattern !== undefined) {
    if (!Array.isArray(v.anyPattern) || v.anyPattern.length === 0) throw new ShapeError(`anyPattern must be a non-empty list of patterns (got ${typeName(v.anyPattern)})`, [...path, 'anyPattern'], rule);
    v.anyPattern.forEach((p, i) => checkPatternRoot(p, [...path, 'anyPattern', i], rule, 'each anyPattern entry'));
  }
  if (v.deny !== undefined) {
    if (!isMap(v.deny)) throw new ShapeError(`deny must be a map with conditions (got ${typeName(v.deny)})`, [...path, 'deny'], rule);
    unknownKeys(v.deny, ['conditions'], [...path, 'deny'], 'deny', rule);
    checkConditions(v.deny.conditions, [...path, 'deny', 'conditions'], rule, 'deny.conditions');
  }
  if (v.foreach !== undefined) {
    if (!Array.isArray(v.foreach) || v.foreach.length === 0) throw new ShapeError(`foreach must be a non-empty list (got ${typeName(v.foreach)})`, [...path, 'foreach'], rule);
    v.foreach.forEach((f, i) => {
      const p = [...path, 'foreach', i];
      if (!isMap(f)) throw new ShapeError(`foreach entries must be maps (got ${typeName(f)})`, p, rule);
      unknownKeys(f, FOREACH_KEYS, p, 'a foreach entry', rule);
      if (typeof f.list !== 'string' || f.list.trim() === '') throw new ShapeError('a foreach entry needs list: a JMESPath expression naming the elements', p, rule);
      if (!['pattern', 'anyPattern', 'deny', 'foreach'].some((k) => f[k] !== undefined)) {
        throw new ShapeError('a foreach entry needs pattern, anyPattern, deny or a nested foreach', p, rule);
      }
      checkConditions(f.preconditions, [...p, 'preconditions'], rule, 'preconditions');
      checkValidateBody(f, p, rule, true);
    });
  }
  if (!inForeach && v.message !== undefined && typeof v.message !== 'string') throw new ShapeError(`validate.message must be text (got ${typeName(v.message)})`, [...path, 'message'], rule);
}

function checkMutateForeach(list: unknown, path: Path, rule: string): void {
  if (!Array.isArray(list) || list.length === 0) throw new ShapeError(`mutate foreach must be a non-empty list (got ${typeName(list)})`, path, rule);
  list.forEach((f, i) => {
    const p = [...path, i];
    if (!isMap(f)) throw new ShapeError(`mutate foreach entries must be maps (got ${typeName(f)})`, p, rule);
    unknownKeys(f, MUTATE_FOREACH_KEYS, p, 'a mutate foreach entry', rule);
    if (typeof f.list !== 'string' || f.list.trim() === '') throw new ShapeError('a mutate foreach entry needs list: a JMESPath expression naming the elements', p, rule);
    if (!['patchStrategicMerge', 'patchesJson6902', 'foreach'].some((k) => f[k] !== undefined)) {
      throw new ShapeError('a mutate foreach entry needs patchStrategicMerge, patchesJson6902 or a nested foreach', p, rule);
    }
    checkConditions(f.preconditions, [...p, 'preconditions'], rule, 'preconditions');
    if (f.foreach !== undefined) checkMutateForeach(f.foreach, [...p, 'foreach'], rule);
  });
}

function checkMutate(m: unknown, path: Path, rule: string): void {
  if (!isMap(m)) throw new ShapeError(`mutate must be a map (got ${typeName(m)})`, path, rule);
  unknownKeys(m, MUTATE_KEYS, path, 'mutate', rule);
  if (!['patchStrategicMerge', 'patchesJson6902', 'foreach'].some((k) => m[k] !== undefined)) {
    throw new ShapeError('mutate needs one of patchStrategicMerge, patchesJson6902 or foreach', path, rule);
  }
  if (m.patchStrategicMerge !== undefined && !isMap(m.patchStrategicMerge)) {
    throw new ShapeError(`patchStrategicMerge must be a map (the overlay) (got ${typeName(m.patchStrategicMerge)})`, [...path, 'patchStrategicMerge'], rule);
  }
  if (m.patchesJson6902 !== undefined && typeof m.patchesJson6902 !== 'string' && !Array.isArray(m.patchesJson6902)) {
    throw new ShapeError(`patchesJson6902 must be YAML text or a list of operations (got ${typeName(m.patchesJson6902)})`, [...path, 'patchesJson6902'], rule);
  }
  if (m.foreach !== undefined) checkMutateForeach(m.foreach, [...path, 'foreach'], rule);
}

function checkLegacyPolicy(policy: Record<string, unknown>): void {
  const spec = policy.spec;
  if (!isMap(spec)) throw new ShapeError(`spec must be a map with rules (got ${typeName(spec)})`, ['spec']);
  checkAction(spec.validationFailureAction, ['spec', 'validationFailureAction']);
  checkAction(spec.failureAction, ['spec', 'failureAction']);
  const rules = spec.rules;
  if (!Array.isArray(rules) || rules.length === 0) throw new ShapeError('spec.rules must be a non-empty list of rules', ['spec', 'rules']);
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const p: Path = ['spec', 'rules', i];
    if (!isMap(rule)) throw new ShapeError(`rule ${i + 1} must be a map (got ${typeName(rule)})`, p);
    const name = rule.name;
    if (typeof name !== 'string' || name.trim() === '') throw new ShapeError(`rule ${i + 1} has no name`, p);
    if (names.has(name)) throw new ShapeError('a second rule with this name (rule names must be unique in a policy)', [...p, 'name'], name);
    names.add(name);
    unknownKeys(rule, RULE_KEYS, p, 'the rule', name);
    if (rule.match === undefined) throw new ShapeError('the rule has no match block (every rule needs match.any, match.all or match.resources)', p, name);
    checkMatch(rule.match, [...p, 'match'], name, 'match');
    if (rule.exclude !== undefined) checkMatch(rule.exclude, [...p, 'exclude'], name, 'exclude');
    checkConditions(rule.preconditions, [...p, 'preconditions'], name, 'preconditions');
    if (rule.context !== undefined && !Array.isArray(rule.context)) throw new ShapeError(`context must be a list of entries (got ${typeName(rule.context)})`, [...p, 'context'], name);
    const types = ['validate', 'mutate', 'generate', 'verifyImages'].filter((k) => rule[k] !== undefined);
    if (types.length === 0) throw new ShapeError('the rule has no validate block (nor mutate, generate or verifyImages): unknown rule type', p, name);
    if (types.length > 1) throw new ShapeError(`a rule has exactly one type; this one has ${types.join(' and ')}`, p, name);
    if (types[0] === 'mutate') {
      checkMutate(rule.mutate, [...p, 'mutate'], name);
      return;
    }
    if (types[0] !== 'validate') {
      throw new ShapeError(`${types[0]} rules are not supported: warden evaluates validate and mutate rules only (move this rule to a policy warden is not given)`, [...p, types[0]], name);
    }
    const v = rule.validate;
    if (!isMap(v)) throw new ShapeError(`validate must be a map (got ${typeName(v)})`, [...p, 'validate'], name);
    unknownKeys(v, VALIDATE_KEYS, [...p, 'validate'], 'validate', name);
    checkAction(v.failureAction, [...p, 'validate', 'failureAction'], name);
    if (!VALIDATE_BODIES.some((k) => v[k] !== undefined)) {
      throw new ShapeError('validate needs one of pattern, anyPattern, deny, foreach, podSecurity or cel', [...p, 'validate'], name);
    }
    checkValidateBody(v, [...p, 'validate'], name, false);
  });
}

function checkCelPolicy(policy: Record<string, unknown>): void {
  const mutating = MUTATING_KINDS.has(String(policy.kind));
  const spec = policy.spec;
  if (!isMap(spec)) throw new ShapeError(`spec must be a map with ${mutating ? 'mutations' : 'validations'} (got ${typeName(spec)})`, ['spec']);
  if (spec.matchConstraints === undefined) throw new ShapeError('spec.matchConstraints is missing (which resources the policy applies to)', ['spec']);
  if (!isMap(spec.matchConstraints)) throw new ShapeError(`spec.matchConstraints must be a map (got ${typeName(spec.matchConstraints)})`, ['spec', 'matchConstraints']);
  if (mutating) {
    const muts = spec.mutations;
    if (!Array.isArray(muts) || muts.length === 0) throw new ShapeError('spec.mutations must be a non-empty list of {patchType, jsonPatch|applyConfiguration}', ['spec', 'mutations']);
    muts.forEach((m, i) => {
      const p: Path = ['spec', 'mutations', i];
      if (!isMap(m)) throw new ShapeError(`mutation ${i + 1} must be a map (got ${typeName(m)})`, p);
      if (m.patchType !== 'JSONPatch' && m.patchType !== 'ApplyConfiguration') throw new ShapeError(`mutation ${i + 1}: patchType must be JSONPatch or ApplyConfiguration (got ${typeName(m.patchType)})`, [...p, 'patchType']);
      const body = m.patchType === 'JSONPatch' ? 'jsonPatch' : 'applyConfiguration';
      const b = m[body];
      if (!isMap(b) || typeof b.expression !== 'string' || b.expression.trim() === '') throw new ShapeError(`mutation ${i + 1} has no ${body}.expression`, [...p, body]);
    });
    return;
  }
  const vals = spec.validations;
  if (!Array.isArray(vals) || vals.length === 0) throw new ShapeError('spec.validations must be a non-empty list of {expression, message}', ['spec', 'validations']);
  vals.forEach((v, i) => {
    const p: Path = ['spec', 'validations', i];
    if (!isMap(v)) throw new ShapeError(`validation ${i + 1} must be a map (got ${typeName(v)})`, p);
    if (typeof v.expression !== 'string' || v.expression.trim() === '') throw new ShapeError(`validation ${i + 1} has no expression`, p);
  });
}

// --- parsing ------------------------------------------------------------------------------

type Ranged = { range?: [number, number, number] | null };

/** The line of `path` in the document: of its key when the last step is a map key, else of the value. */
function lineOf(doc: Document.Parsed, lc: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    if (n > 0) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      const last = path[n - 1];
      if (isYamlMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === last);
        const range = pair && ((pair.key as Ranged).range ?? (pair.value as Ranged | null)?.range);
        if (range) return lc.linePos(range[0]).line;
      } else if (isYamlSeq(parent) && typeof last === 'number') {
        const range = (parent.items[last] as Ranged | undefined)?.range;
        if (range) return lc.linePos(range[0]).line;
      }
      continue;
    }
    const range = (doc.contents as Ranged | null)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return undefined;
}

/** What a policy document is parsed into, with how to name places in it. */
interface SourceInfo {
  /** e.g. `--post-renderer-args argument 2 (--policy-b64)` or `template web/templates/p.yaml (document 7)`. */
  origin: string;
  /** Added to YAML line numbers (a document inside a longer stream). */
  lineOffset?: number;
  /** Name the YAML document (`document 2`) within the source? */
  numberDocuments?: boolean;
}

function policyLabel(policy: Record<string, unknown>): string {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : '(no name)';
  return `${String(policy.kind)} ${name}`;
}

/**
 * Checks one policy object and loads it. Throws PolicyInputError naming where, which
 * policy and rule, and what is wrong.
 */
function deliver(policy: unknown, where: string, at: (path: Path) => number | undefined, fromUser: boolean): DeliveredPolicy {
  const fail = (msg: string, path: Path = [], rule?: string, label?: string): never => {
    const line = at(path);
    const parts = [where];
    if (label) parts.push(label);
    if (rule) parts.push(`rule ${rule}`);
    throw new PolicyInputError(`${parts.join(', ')}${line !== undefined ? ` (line ${line})` : ''}: ${msg}`);
  };
  if (!isMap(policy)) return fail(`expected a Kyverno policy (a map with apiVersion and kind), got ${typeName(policy)}`);
  const apiVersion = policy.apiVersion;
  const kind = policy.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return fail('not a Kyverno policy: apiVersion and kind are missing (expected kyverno.io/v1 ClusterPolicy or Policy, or policies.kyverno.io/v1 ValidatingPolicy or MutatingPolicy)');
  }
  if (!(fromUser ? isUserPolicyKind(apiVersion, kind) : isPolicyKind(apiVersion, kind))) {
    return fail(
      `${apiVersion} ${kind} is not a policy warden can run (expected kyverno.io/v1 ClusterPolicy or Policy, policies.kyverno.io/v1 ValidatingPolicy or MutatingPolicy${fromUser ? ', or a ValidatingAdmissionPolicy' : ''})`,
      ['kind'],
    );
  }
  const meta = policy.metadata;
  const name = isMap(meta) && typeof meta.name === 'string' ? meta.name.trim() : '';
  if (name === '') return fail(`the ${kind} has no metadata.name`, ['metadata']);
  const label = policyLabel(policy);
  try {
    if (LEGACY_KINDS.has(kind)) checkLegacyPolicy(policy);
    else checkCelPolicy(policy);
  } catch (e) {
    if (e instanceof ShapeError) return fail(e.message, e.path, e.rule, label);
    throw e;
  }
  try {
    return { name, kind, origin: where, loaded: loadPolicy(policy, where) };
  } catch (e) {
    if (!(e instanceof PolicyLoadError)) throw e;
    const msg = e.message.startsWith(where + ': ') ? e.message.slice(where.length + 2) : e.message;
    // A feature this build cannot evaluate yet (CEL, podSecurity…): reported, never silently passed.
    if (/ is not supported$/.test(msg) || /not a kyverno\.io ClusterPolicy or Policy/.test(msg)) {
      return { name, kind, origin: where, unsupported: /not a kyverno\.io/.test(msg) ? `${kind} (CEL) policies are not supported by this warden build` : msg };
    }
    const own = `${kind} ${name}: `;
    return fail(msg.startsWith(own) ? msg.slice(own.length) : msg, [], undefined, label);
  }
}

/**
 * Parses policy YAML (one or more documents) from `source` and checks every policy in it.
 * Empty documents are skipped; anything else that is not a usable policy is an error.
 */
export function parsePolicyText(text: string, source: SourceInfo): DeliveredPolicy[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const out: DeliveredPolicy[] = [];
  const offset = source.lineOffset ?? 0;
  list.forEach((doc, i) => {
    const where = source.numberDocuments && list.length > 1 ? `${source.origin}, document ${i + 1}` : source.origin;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err.linePos ? err.linePos[0].line + offset : undefined;
      throw new PolicyInputError(`${where}: not valid YAML${line !== undefined ? ` (line ${line})` : ''}: ${err.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    out.push(
      deliver(
        value,
        where,
        (path) => {
          const l = lineOf(doc, lc, path);
          return l === undefined ? undefined : l + offset;
        },
        true,
      ),
    );
  });
  return out;
}

/** A policy object (already parsed, e.g. a rendered chart document) checked and loaded. */
export function deliverPolicyObject(value: unknown, origin: string, line?: (path: Path) => number | undefined): DeliveredPolicy {
  return deliver(value, origin, line ?? (() => undefined), false);
}

/**
 * The policies in `--policy` / `--policy-b64` argument values. `index` is the argument's
 * 1-based position in --post-renderer-args (named in errors).
 */
export function parsePolicyArg(flag: 'policy' | 'policy-b64', value: string, index: number): DeliveredPolicy[] {
  const origin = `--post-renderer-args argument ${index} (--${flag})`;
  let text = value;
  if (flag === 'policy-b64') {
    try {
      text = decodeBase64Text(value);
    } catch (e) {
      if (e instanceof PolicyInputError) throw new PolicyInputError(`${origin}: ${e.message}`);
      throw e;
    }
  }
  const out = parsePolicyText(text, { origin, numberDocuments: true });
  if (out.length === 0) throw new PolicyInputError(`${origin}: no policy in it (the YAML is empty)`);
  return out;
}

/** Checks that policy names are unique across the delivered policies (Kyverno's names are). */
export function checkUniqueNames(list: readonly DeliveredPolicy[]): void {
  const seen = new Map<string, DeliveredPolicy>();
  for (const p of list) {
    const key = `${p.kind === 'Policy' ? 'Policy' : 'cluster'}\u0000${p.loaded?.policy && isMap(p.loaded.policy.metadata) ? String(p.loaded.policy.metadata.namespace ?? '') : ''}\u0000${p.name}`;
    const first = seen.get(key);
    if (first) throw new PolicyInputError(`${p.origin}: a second policy named ${p.name} (the first came from ${first.origin}); policy names must be unique`);
    seen.set(key, p);
  }
}

// --- policies the chart ships -------------------------------------------------------------

export interface ChartPolicies {
  /** Policies found in the render, in stream order. */
  policies: DeliveredPolicy[];
  /** Indexes of the documents that are policies (not evaluated as objects themselves). */
  documents: Set<number>;
}

/** Where a rendered document came from, for error messages. */
function documentOrigin(doc: { index: number; ref: { source?: string } }): string {
  const src = doc.ref.source;
  return `${src ? `template ${src}` : 'the render'} (document ${doc.index + 1} of the render)`;
}

/**
 * Finds the Kyverno policies among rendered documents (by their header; only those are
 * parsed) and checks and loads each. Throws PolicyInputError for a bad one.
 */
export function chartPolicies(
  documents: readonly {
    index: number;
    line: number;
    text: string;
    empty: boolean;
    identity: { apiVersion?: string; kind?: string };
    ref: { source?: string };
    value(): { value: unknown } | { error: { message: string } };
  }[],
  namespace: string | undefined,
): ChartPolicies {
  const out: ChartPolicies = { policies: [], documents: new Set() };
  for (const doc of documents) {
    if (doc.empty || !isPolicyKind(doc.identity.apiVersion, doc.identity.kind)) continue;
    const origin = documentOrigin(doc);
    const parsed = doc.value();
    if ('error' in parsed) throw new PolicyInputError(`${origin}: not valid YAML: ${parsed.error.message}`);
    let value = parsed.value;
    // A namespaced Policy without a namespace lands in the release namespace.
    if (doc.identity.kind === 'Policy' && isMap(value) && namespace !== undefined) {
      const meta = isMap(value.metadata) ? value.metadata : {};
      if (meta.namespace === undefined) value = { ...value, metadata: { ...meta, namespace } };
    }
    // Lines for error messages, in the render's numbering (parsed again only when needed).
    const at = (path: Path) => {
      const lc = new LineCounter();
      const l = lineOf(parseDocument(doc.text, { lineCounter: lc }), lc, path);
      return l === undefined ? undefined : l + doc.line - 1;
    };
    out.policies.push({ ...deliverPolicyObject(value, origin, at), document: doc.index });
    out.documents.add(doc.index);
  }
  return out;
}
