// Kyverno MutatingPolicy (policies.kyverno.io, CEL; Kubernetes MutatingAdmissionPolicy
// semantics) against one resource: matchConstraints (no match → no response), matchConditions
// (false → skip), then `mutations` in order, each seeing the previous result:
// `JSONPatch` (expression → list of JSONPatch{op, path, value}, RFC 6902) or
// `ApplyConfiguration` (expression → Object{…}, merged like server-side apply: maps merged,
// lists of containers/volumes/env… merged by key, other lists replaced). An evaluation error is
// `error`; otherwise `pass` with the patched object.
// Autogen for pod controllers (spec.autogen) is not implemented: such resources are reported
// as unsupported rather than guessed.

import { buildActivation, variableDefs } from '../cel/activation';
import { compileCel, evalBool } from '../cel/env';
import { NeedsClusterData } from '../cel/library';
import { matchConstraints, requestFor } from '../cel/match-constraints';
import { fromCel } from '../cel/values';
import type { EvaluateOptions, PolicyResult } from '../engine';
import { isMap } from '../operators/value';
import { celPolicyKinds } from '../validating-policy';
import { rewriteMutationExpression } from './cel-rewrite';
import { applyJsonPatch, toOperations } from './jsonpatch';
import { errText } from '../json';

type Obj = Record<string, unknown>;

const MPOL_KINDS = new Set(['MutatingPolicy', 'NamespacedMutatingPolicy']);

export function isMutatingPolicy(p: Obj): boolean {
  return typeof p.kind === 'string' && MPOL_KINDS.has(p.kind) && typeof p.apiVersion === 'string' && p.apiVersion.startsWith('policies.kyverno.io/');
}

export interface MutatingPolicyOutcome {
  results: PolicyResult[];
  patched: Obj;
}

const APPLY_MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/** Server-side-apply-like merge of an apply configuration into the object. */
function applyMerge(dest: unknown, patch: unknown, field: string): unknown {
  if (patch === null) return undefined;
  if (isMap(patch)) {
    const out: Obj = isMap(dest) ? { ...dest } : {};
    for (const [k, v] of Object.entries(patch)) {
      const m = applyMerge(out[k], v, k);
      if (m === undefined) delete out[k];
      else out[k] = m;
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = APPLY_MERGE_KEYS[field];
    if (!key || !Array.isArray(dest) || !patch.every(isMap)) return patch;
    const out = dest.slice();
    for (const pe of patch as Obj[]) {
      const i = out.findIndex((d) => isMap(d) && d[key] === pe[key]);
      if (i >= 0) out[i] = applyMerge(out[i], pe, field);
      else out.push(pe);
    }
    return out;
  }
  return patch;
}

/** The admission request attributes of a resource (operation CREATE unless given). */
const CONTROLLER_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

/** The response of a MutatingPolicy for a resource and the patched object. */
export function evaluateMutatingPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions = {}): MutatingPolicyOutcome {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const spec = isMap(policy.spec) ? policy.spec : {};
  const none: MutatingPolicyOutcome = { results: [], patched: resource };
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  const req = requestFor(resource, opts);
  const m = matchConstraints(spec.matchConstraints, resource, req, opts);
  if (m.needs) return { results: [{ policy: name, rule: '', status: 'skip', message: `needs cluster data: ${m.needs}`, needsClusterData: [m.needs] }], patched: resource };
  if (!m.matched) {
    if (spec.autogen !== undefined && CONTROLLER_KINDS.has(kind)) {
      return { results: [{ policy: name, rule: '', status: 'skip', message: 'not supported yet: MutatingPolicy autogen for pod controllers', unsupported: 'MutatingPolicy autogen' }], patched: resource };
    }
    return none;
  }
  const variables = variableDefs(spec.variables);
  const celReq = (obj: Obj) => ({
    resource: obj,
    oldObject: opts.oldObject,
    operation: req.operation,
    namespaceLabels: opts.namespaceLabels,
    userInfo: opts.userInfo,
    resourceName: req.resource,
  });
  const fail = (status: 'error' | 'skip', message: string, needs?: string[]): MutatingPolicyOutcome => ({
    results: [{ policy: name, rule: '', status, message, ...(needs ? { needsClusterData: needs } : {}) }],
    patched: resource,
  });
  try {
    const act = buildActivation(celReq(resource), variables);
    for (const mc of Array.isArray(spec.matchConditions) ? spec.matchConditions.filter(isMap) : []) {
      if (!evalBool(compileCel(String(mc.expression ?? '')), act)) return fail('skip', 'skip');
    }
  } catch (e) {
    if (e instanceof NeedsClusterData) return fail('skip', `needs cluster data: ${e.message}`, [e.message]);
    return fail('error', `failed to evaluate match conditions: ${errText(e)}`);
  }
  let cur = resource;
  const mutations = Array.isArray(spec.mutations) ? spec.mutations.filter(isMap) : [];
  for (let i = 0; i < mutations.length; i++) {
    const m = mutations[i];
    try {
      const act = buildActivation(celReq(cur), variables);
      if (m.patchType === 'JSONPatch') {
        const expr = isMap(m.jsonPatch) ? String(m.jsonPatch.expression ?? '') : '';
        const ops = toOperations(fromCel(compileCel(rewriteMutationExpression(expr))(act)));
        cur = applyJsonPatch(cur, ops, { strict: true }) as Obj;
      } else if (m.patchType === 'ApplyConfiguration') {
        const expr = isMap(m.applyConfiguration) ? String(m.applyConfiguration.expression ?? '') : '';
        const patch = fromCel(compileCel(rewriteMutationExpression(expr))(act));
        if (!isMap(patch)) throw new Error('the apply configuration must be an object');
        cur = applyMerge(cur, patch, '') as Obj;
      } else {
        throw new Error(`unknown patchType ${JSON.stringify(m.patchType)}`);
      }
    } catch (e) {
      if (e instanceof NeedsClusterData) return fail('skip', `needs cluster data: ${e.message}`, [e.message]);
      return fail('error', `mutation ${i} failed: ${errText(e)}`);
    }
  }
  const id = `${kind}/${req.name}`;
  return { results: [{ policy: name, rule: '', status: 'pass', message: req.namespace ? `mutated ${id} in namespace ${req.namespace}` : `mutated ${id}` }], patched: cur };
}

export interface MutatingPolicyInfo {
  /** Kinds its matchConstraints can match (plus the pod controllers when spec.autogen is set); `any` when unknown. */
  kinds: Set<string> | 'any';
  /** Problems that make the policy unusable (each names the field and the expression). */
  problems: string[];
  /**
   * Why the policy cannot be applied to rendered objects (it mutates existing cluster
   * resources, spec.evaluation.mutateExisting / targetMatchConstraints); undefined when it can.
   */
  notAtRenderTime?: string;
}

function shortExpr(e: string): string {
  const one = e.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/** What the policy check needs to know about a MutatingPolicy up front, and whether it compiles. */
export function describeMutatingPolicy(policy: Obj): MutatingPolicyInfo {
  const problems: string[] = [];
  const spec = isMap(policy.spec) ? policy.spec : {};
  const mc = spec.matchConstraints;
  if (!isMap(mc) || !Array.isArray(mc.resourceRules) || mc.resourceRules.length === 0) problems.push('spec.matchConstraints.resourceRules is required');
  const exprs: [string, unknown, boolean][] = [];
  for (const field of ['matchConditions', 'variables']) {
    const l = spec[field];
    if (l !== undefined && !Array.isArray(l)) problems.push(`spec.${field} must be a list`);
    if (Array.isArray(l)) l.forEach((x, i) => (isMap(x) ? exprs.push([`spec.${field}[${i}].expression`, x.expression, false]) : problems.push(`spec.${field}[${i}] must be a map`)));
  }
  const muts = spec.mutations;
  if (!Array.isArray(muts) || muts.length === 0) problems.push('spec.mutations must be a non-empty list');
  else
    muts.forEach((m, i) => {
      const where = `spec.mutations[${i}]`;
      if (!isMap(m)) return problems.push(`${where} must be a map`);
      if (m.patchType === 'JSONPatch') exprs.push([`${where}.jsonPatch.expression`, isMap(m.jsonPatch) ? m.jsonPatch.expression : undefined, true]);
      else if (m.patchType === 'ApplyConfiguration') exprs.push([`${where}.applyConfiguration.expression`, isMap(m.applyConfiguration) ? m.applyConfiguration.expression : undefined, true]);
      else problems.push(`${where}.patchType must be JSONPatch or ApplyConfiguration (got ${JSON.stringify(m.patchType)})`);
    });
  for (const [where, e, mutation] of exprs) {
    if (typeof e !== 'string' || e.trim() === '') {
      problems.push(`${where} must be a non-empty string`);
      continue;
    }
    try {
      compileCel(mutation ? rewriteMutationExpression(e) : e);
    } catch (err) {
      problems.push(`${where} '${shortExpr(e)}': ${errText(err)}`);
    }
  }
  let kinds = celPolicyKinds(policy);
  if (kinds !== 'any' && spec.autogen !== undefined) for (const k of CONTROLLER_KINDS) kinds.add(k);
  const evaluation = isMap(spec.evaluation) ? spec.evaluation : {};
  const existing = isMap(evaluation.mutateExisting) && evaluation.mutateExisting.enabled === true;
  const notAtRenderTime =
    existing || spec.targetMatchConstraints !== undefined
      ? `it mutates existing cluster objects (${existing ? 'spec.evaluation.mutateExisting' : 'spec.targetMatchConstraints'}), which only the cluster has`
      : undefined;
  return { kinds, problems, notAtRenderTime };
}
