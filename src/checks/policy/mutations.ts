// The mutation phase of the policy check (Kyverno admission order: mutate, then validate).
// Every candidate policy that mutates (ClusterPolicy/Policy mutate rules, MutatingPolicy) runs
// on a document in policy order, each seeing the previous output. The result:
// - the mutated object, which validation then sees;
// - in-place `set`/`delete` patches (apply/ edits the document keeping comments and key order);
// - one `info` finding per rule that changed the object, naming the JSON pointer paths it
//   added, changed or removed;
// - findings for rules that failed, need cluster data, or cannot run at render time
//   (mutate.targets: they change other, existing objects of the cluster).
// With `apply: false` (--no-mutate) the same findings say what would change; no patch is
// returned and the object handed to validation is the unchanged one.

import type { Mode } from '../../args';
import type { LoadedPolicy } from '../../packs';
import { rulesForKind } from '../../policy/autogen';
import type { PolicyResult } from '../../policy/engine';
import { diffEdits, mutatePolicy, type Edit } from '../../policy/mutate';
import { evaluateMutatingPolicy, isMutatingPolicy } from '../../policy/mutate/mutating-policy';
import { isMap } from '../../policy/operators/value';
import type { DocumentRef, Finding } from '../../report/finding';
import type { Patch } from '../check';

type Obj = Record<string, unknown>;

export interface MutationOutcome {
  /** The object validation sees: mutated, or the input when nothing changed or `apply` is off. */
  resource: Obj;
  findings: Finding[];
  patches: Patch[];
}

export interface MutationOptions {
  /** Return patches and hand the mutated object to validation (false: --no-mutate). */
  apply: boolean;
  mode: Mode;
}

/** RFC 6901 pointer of a YAML path. */
function pointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += '/' + String(p).split('~').join('~0').split('/').join('~1');
  return out;
}

function has(obj: unknown, path: readonly (string | number)[]): boolean {
  let cur = obj;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
    else if (isMap(cur) && Object.prototype.hasOwnProperty.call(cur, p)) cur = cur[p];
    else return false;
  }
  return true;
}

const MAX_PATHS = 12;

/** "added /a, changed /b, removed /c" for the edits from `before` to `after`. */
export function describeChanges(before: Obj, after: Obj): string {
  const edits: Edit[] = diffEdits(before, after);
  const parts = edits.map((e) => `${e.op === 'delete' ? 'removed' : has(before, e.path) ? 'changed' : 'added'} ${pointer(e.path)}`);
  if (parts.length > MAX_PATHS) return `${parts.slice(0, MAX_PATHS).join(', ')} and ${parts.length - MAX_PATHS} more`;
  return parts.join(', ');
}

function objectLabel(r: Obj): string {
  const meta = isMap(r.metadata) ? r.metadata : {};
  const id = `${String(r.kind ?? '')}/${String(meta.name ?? '')}`;
  return typeof meta.namespace === 'string' && meta.namespace !== '' ? `${id} in namespace ${meta.namespace}` : id;
}

/** Rules of a legacy policy that mutate existing objects instead of the one admitted. */
function targetRules(policy: Obj, kind: string): Set<string> {
  const out = new Set<string>();
  for (const r of rulesForKind(policy, kind)) if (isMap(r.mutate) && r.mutate.targets !== undefined) out.add(String(r.name ?? ''));
  return out;
}

interface Step {
  rule: string;
  before: Obj;
  after: Obj;
}

export function applyMutations(candidates: readonly LoadedPolicy[], resource: Obj, doc: { index: number; ref: DocumentRef }, options: MutationOptions): MutationOutcome {
  const findings: Finding[] = [];
  let cur = resource;
  const applied: string[] = [];
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  const would = options.apply ? '' : 'would be ';
  for (const p of candidates) {
    if (!p.mutates) continue;
    let results: PolicyResult[];
    const steps: Step[] = [];
    try {
      if (isMutatingPolicy(p.policy)) {
        const m = evaluateMutatingPolicy(p.policy, cur);
        results = m.results;
        if (m.patched !== cur) steps.push({ rule: '', before: cur, after: m.patched });
        cur = m.patched;
      } else {
        const m = mutatePolicy(p.policy, cur);
        results = m.results;
        let prev = cur;
        for (const s of m.stages) {
          steps.push({ rule: s.rule, before: prev, after: s.patched });
          prev = s.patched;
        }
        cur = m.patched;
      }
    } catch (e) {
      results = [{ policy: p.name, rule: '', status: 'error', message: `the mutation engine failed: ${e instanceof Error ? e.message : String(e)}` }];
    }
    const targets = results.some((r) => r.status === 'skip') && !isMutatingPolicy(p.policy) ? targetRules(p.policy, kind) : new Set<string>();
    for (const r of results) {
      const rule = r.rule === '' ? p.name : `${p.name}/${r.rule}`;
      const base = { check: 'policy' as const, rule, enforce: false, document: doc.ref, ...(p.severity ? { severity: p.severity } : {}), ...(p.category ? { category: p.category } : {}) };
      if (r.status === 'pass') {
        const step = steps.find((s) => s.rule === r.rule);
        if (!step) continue;
        applied.push(rule);
        const what = describeChanges(step.before, step.after);
        findings.push({ ...base, result: 'info', message: `${objectLabel(resource)} ${would}mutated: ${what}${options.apply ? '' : ' (not applied: --no-mutate)'}` });
      } else if (r.status === 'error') {
        findings.push({ ...base, result: 'error', enforce: options.mode === 'enforce', message: `the mutation failed: ${r.message}` });
      } else if (r.status === 'skip' && targets.has(r.rule)) {
        findings.push({ ...base, result: 'skip', message: 'cannot be applied at render time: the rule mutates existing cluster objects (mutate.targets), which only the cluster has' });
      } else if (r.status === 'skip' && (r.unsupported !== undefined || (r.needsClusterData?.length ?? 0) > 0)) {
        findings.push({ ...base, result: 'skip', message: `not applied: ${r.message}` });
      }
    }
  }
  if (!options.apply || cur === resource) return { resource, findings, patches: [] };
  const reason = `mutated by ${applied.join(', ')}`;
  const patches: Patch[] = diffEdits(resource, cur).map((e) =>
    e.op === 'set' ? { op: 'set', doc: doc.index, path: e.path, value: e.value, reason } : { op: 'delete', doc: doc.index, path: e.path, reason },
  );
  return { resource: cur, findings, patches };
}
