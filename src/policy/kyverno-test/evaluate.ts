// How the runner asks the engine about one policy and one resource. The single place that
// knows which policy kinds and rule types the engine evaluates.

import { evaluatePolicy, isLegacyPolicy, type EvaluateOptions, type PolicyResult } from '../engine';
import { generateWithPolicy, hasGenerateRules } from '../generate/generate';
import { evaluateGeneratingPolicy, isGeneratingPolicy } from '../generate/generating-policy';
import { mutatePolicy } from '../mutate/mutate';
import { evaluateMutatingPolicy, isMutatingPolicy } from '../mutate/mutating-policy';
import { isMap } from '../operators/value';
import { isCelValidationPolicy } from '../validating-policy';

type Obj = Record<string, unknown>;

/** Validation responses (validate rules; every rule of a CEL policy) of one policy for one resource. */
export function validateWithPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions): PolicyResult[] {
  if (isLegacyPolicy(policy)) {
    // Mutate rules answer in the mutation phase, not here; generate rules below.
    const results = evaluatePolicy(policy, resource, opts).filter((r) => r.unsupported !== 'mutate' && r.unsupported !== 'generate');
    return hasGenerateRules(policy) ? [...results, ...generateWithPolicy(policy, resource, opts)] : results;
  }
  if (isCelValidationPolicy(policy)) return evaluatePolicy(policy, resource, opts);
  if (isMutatingPolicy(policy)) return []; // answers in the mutation phase
  if (isGeneratingPolicy(policy)) return evaluateGeneratingPolicy(policy, resource, opts);
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const kind = String(policy.kind);
  return [{ policy: name, rule: '', status: 'skip', message: `not supported yet: policy kind ${kind}`, unsupported: `policy kind ${kind}` }];
}

export interface MutationOutcome {
  results: PolicyResult[];
  /** The resource after this policy's mutations (the input when nothing changed). */
  patched: Obj;
}

/** Mutate rules of one policy applied to a resource (runs before validation, threaded through policies). */
export function mutateWithPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions): MutationOutcome {
  if (isMutatingPolicy(policy)) return evaluateMutatingPolicy(policy, resource, opts);
  if (!hasMutateRules(policy)) return { results: [], patched: resource };
  return mutatePolicy(policy, resource, opts);
}

export function hasMutateRules(policy: Obj): boolean {
  if (isMutatingPolicy(policy)) return true;
  if (!isLegacyPolicy(policy)) return false;
  const spec = isMap(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.rules) && spec.rules.some((r) => isMap(r) && r.mutate !== undefined);
}
