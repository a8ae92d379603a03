// Mutate rules in the render: every candidate policy's mutate rules run on a document (in policy
// order, each seeing the previous output, as Kyverno admission does before validation); the
// changes come back as in-place `set`/`delete` patches, one `info` finding per applied rule, and
// findings for rules that failed or could not run. Validation should then see `resource`.
//
// Not wired into runPolicies yet (see docs/conformance.md, "Mutations in the render").

import type { LoadedPolicy } from '../../packs';
import { diffEdits, mutatePolicy } from '../../policy/mutate';
import { isMap } from '../../policy/operators/value';
import type { DocumentRef, Finding } from '../../report/finding';
import type { Patch } from '../check';

function hasMutateRules(policy: Record<string, unknown>): boolean {
  const spec = isMap(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.rules) && spec.rules.some((r) => isMap(r) && r.mutate !== undefined);
}

export interface MutationOutcome {
  /** The object after every mutation (the input object when nothing changed). */
  resource: Record<string, unknown>;
  findings: Finding[];
  patches: Patch[];
}

export function applyMutations(candidates: readonly LoadedPolicy[], resource: Record<string, unknown>, doc: { index: number; ref: DocumentRef }): MutationOutcome {
  const findings: Finding[] = [];
  let cur = resource;
  const applied: string[] = [];
  for (const p of candidates) {
    if (!hasMutateRules(p.policy)) continue;
    let results;
    try {
      const m = mutatePolicy(p.policy, cur);
      results = m.results;
      cur = m.patched;
    } catch (e) {
      results = [{ policy: p.name, rule: '', status: 'error' as const, message: `the mutation engine failed: ${e instanceof Error ? e.message : String(e)}` }];
    }
    for (const r of results) {
      const rule = r.rule === '' ? p.name : `${p.name}/${r.rule}`;
      if (r.status === 'pass') {
        applied.push(rule);
        findings.push({ check: 'policy', rule, result: 'info', enforce: false, message: r.message, document: doc.ref });
      } else if (r.status === 'error' || (r.status === 'skip' && (r.unsupported !== undefined || (r.needsClusterData?.length ?? 0) > 0))) {
        findings.push({ check: 'policy', rule, result: r.status, enforce: false, message: r.message, document: doc.ref });
      }
    }
  }
  const reason = `mutated by ${applied.join(', ')}`;
  const patches: Patch[] = diffEdits(resource, cur).map((e) =>
    e.op === 'set' ? { op: 'set', doc: doc.index, path: e.path, value: e.value, reason } : { op: 'delete', doc: doc.index, path: e.path, reason },
  );
  return { resource: cur, findings, patches };
}
