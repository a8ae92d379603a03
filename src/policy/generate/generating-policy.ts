// Kyverno GeneratingPolicy (policies.kyverno.io, CEL) against one trigger resource, as the CLI
// runs it offline: matchConstraints (no match → no response), matchConditions (false → skip),
// then every `generate[].expression` in order. `generator.Apply(namespace, [objects])` records
// the objects (placed in `namespace`) instead of creating them; the response is `pass` with the
// objects for comparison. Expressions reading the cluster (resource.Get/List for cloning)
// report "needs cluster data" unless the test's context file supplies the resources.

import { buildActivation, variableDefs } from '../cel/activation';
import { compileCel, evalBool } from '../cel/env';
import { GeneratorLib, NeedsClusterData } from '../cel/library';
import { fromCel } from '../cel/values';
import type { EvaluateOptions } from '../engine';
import { matchConstraints, requestFor } from '../cel/match-constraints';
import { isMap } from '../operators/value';
import type { GenerateResult } from './generate';
import { errText } from '../json';

type Obj = Record<string, unknown>;

const GPOL_KINDS = new Set(['GeneratingPolicy', 'NamespacedGeneratingPolicy']);

export function isGeneratingPolicy(p: Obj): boolean {
  return typeof p.kind === 'string' && GPOL_KINDS.has(p.kind) && typeof p.apiVersion === 'string' && p.apiVersion.startsWith('policies.kyverno.io/');
}

/** A generated object as plain JSON, placed in the namespace given to generator.Apply. */
function generatedObject(object: unknown, namespace: string): Obj {
  const o = fromCel(object);
  if (!isMap(o)) throw new Error(`generator.Apply: every element must be an object, got ${JSON.stringify(o)}`);
  const meta = isMap(o.metadata) ? { ...o.metadata } : {};
  if (namespace !== '') meta.namespace = namespace;
  return { ...o, metadata: meta };
}

/** Responses of a GeneratingPolicy for a trigger resource: one `pass` per generated object. */
export function evaluateGeneratingPolicy(policy: Obj, resource: Obj, opts: EvaluateOptions = {}): GenerateResult[] {
  const meta = isMap(policy.metadata) ? policy.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const spec = isMap(policy.spec) ? policy.spec : {};
  const req = requestFor(resource, opts);
  const m = matchConstraints(spec.matchConstraints, resource, req, opts);
  if (m.needs) return [{ policy: name, rule: '', status: 'skip', message: `needs cluster data: ${m.needs}`, needsClusterData: [m.needs] }];
  if (!m.matched) return [];
  const act = buildActivation(
    {
      resource,
      oldObject: opts.oldObject,
      operation: req.operation,
      namespaceLabels: opts.namespaceLabels,
      userInfo: opts.userInfo,
      resourceName: req.resource,
    },
    variableDefs(spec.variables),
  );
  const generator = new GeneratorLib();
  act.generator = generator;
  let stage = 'match conditions';
  try {
    for (const mc of Array.isArray(spec.matchConditions) ? spec.matchConditions.filter(isMap) : []) {
      if (!evalBool(compileCel(String(mc.expression ?? '')), act)) return [{ policy: name, rule: '', status: 'skip', message: `match condition ${JSON.stringify(mc.name ?? '')} not met` }];
    }
    const generate = Array.isArray(spec.generate) ? spec.generate.filter(isMap) : [];
    for (let i = 0; i < generate.length; i++) {
      stage = `generate[${i}]`;
      compileCel(String(generate[i].expression ?? ''))(act);
    }
    stage = 'generated objects';
    const objects = generator.applied.map((a) => generatedObject(a.object, a.namespace));
    if (objects.length === 0) return [{ policy: name, rule: '', status: 'pass', message: 'no resource to generate' }];
    return objects.map((generated) => {
      const gm = isMap(generated.metadata) ? generated.metadata : {};
      const where = typeof gm.namespace === 'string' && gm.namespace !== '' ? ` in namespace ${gm.namespace}` : '';
      return { policy: name, rule: '', status: 'pass' as const, message: `generates ${String(generated.kind)}/${String(gm.name ?? '')}${where}`, generated };
    });
  } catch (e) {
    if (e instanceof NeedsClusterData) return [{ policy: name, rule: '', status: 'skip', message: `needs cluster data: ${e.what}`, needsClusterData: [e.what] }];
    return [{ policy: name, rule: '', status: 'error', message: `failed to evaluate ${stage}: ${errText(e)}` }];
  }
}
