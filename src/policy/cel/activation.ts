// The activation (variable bindings) of one CEL evaluation, as the Kubernetes admission CEL
// evaluator builds it: `object`, `oldObject`, `request`, `params`, `namespaceObject`,
// `variables` (lazy: each named variable is evaluated once, on first use).
//
// What only a cluster knows (the namespace object when its labels are unknown, params from a
// paramRef, authorizer) is bound to a getter that throws NeedsClusterData when an expression
// actually reads it.

import { isMap } from '../operators/value';
import { compileCel, type CelProgram } from './env';
import { ImageDataLib, NeedsClusterData, ResourceLib, type CelClusterData } from './library';
import { toCel } from './values';

export interface CelRequest {
  resource: Record<string, unknown>;
  oldObject?: unknown;
  /** CREATE (default), UPDATE, DELETE, CONNECT. */
  operation?: string;
  /** Labels of the resource's namespace; undefined = unknown (needs cluster data). */
  namespaceLabels?: Record<string, string>;
  userInfo?: unknown;
  /** The resource name of the kind (`pods`), for request.resource. */
  resourceName?: string;
  /** True when the policy declares params (paramKind/paramRef): reading them needs cluster data. */
  hasParams?: boolean;
  /** The resource's Namespace object when known (takes precedence over namespaceLabels). */
  namespaceObject?: Record<string, unknown>;
  /** Cluster resources and image data given offline (resource.Get/List, image.GetMetadata). */
  cluster?: CelClusterData;
}

export interface CelVariable {
  name: string;
  expression: string;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function throwing(target: Record<string, unknown>, name: string, what: string): void {
  Object.defineProperty(target, name, {
    enumerable: true,
    get() {
      throw new NeedsClusterData(what);
    },
  });
}

/** The activation for one resource; `variables` are compiled lazily from their sources. */
export function buildActivation(req: CelRequest, variables: readonly CelVariable[] = []): Record<string, unknown> {
  const r = req.resource;
  const meta = isMap(r.metadata) ? r.metadata : {};
  const { group, version } = splitApiVersion(typeof r.apiVersion === 'string' ? r.apiVersion : '');
  const kind = typeof r.kind === 'string' ? r.kind : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const object = toCel(r);
  const operation = req.operation ?? 'CREATE';
  const oldObject = req.oldObject === undefined || req.oldObject === null ? null : toCel(req.oldObject);
  const act: Record<string, unknown> = {
    object: operation === 'DELETE' ? null : object,
    oldObject: operation === 'DELETE' && oldObject === null ? object : oldObject,
    request: {
      uid: '',
      kind: { group, version, kind },
      resource: { group, version, resource: req.resourceName ?? '' },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource: req.resourceName ?? '' },
      name: typeof meta.name === 'string' ? meta.name : '',
      namespace,
      operation,
      userInfo: toCel(isMap(req.userInfo) ? req.userInfo : { username: '', groups: [] }),
      object,
      oldObject,
      dryRun: false,
      options: null,
    },
  };
  if (req.hasParams) throwing(act, 'params', 'params (paramKind/paramRef)');
  else act.params = null;
  if (namespace === '' || kind === 'Namespace') act.namespaceObject = null;
  else if (req.namespaceObject !== undefined) act.namespaceObject = toCel(req.namespaceObject);
  else if (req.namespaceLabels !== undefined) {
    const nsMeta: Record<string, unknown> = { name: namespace };
    if (Object.keys(req.namespaceLabels).length > 0) nsMeta.labels = req.namespaceLabels;
    act.namespaceObject = toCel({ apiVersion: 'v1', kind: 'Namespace', metadata: nsMeta });
  } else throwing(act, 'namespaceObject', `namespaceObject (labels of namespace ${namespace})`);
  throwing(act, 'authorizer', 'authorizer (RBAC checks)');
  act.resource = new ResourceLib(req.cluster);
  act.image = new ImageDataLib(req.cluster);
  act.variables = lazyVariables(variables, act);
  return act;
}

/** `variables.<name>`: evaluated on first read, value or error remembered. */
function lazyVariables(defs: readonly CelVariable[], act: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const d of defs) {
    let done = false;
    let value: unknown;
    let error: unknown;
    Object.defineProperty(vars, d.name, {
      enumerable: true,
      get() {
        if (!done) {
          done = true;
          try {
            const program: CelProgram = compileCel(d.expression);
            value = program(act);
          } catch (e) {
            error = e instanceof NeedsClusterData ? e : new Error(`variable ${JSON.stringify(d.name)}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        if (error !== undefined) throw error;
        return value;
      },
    });
  }
  return vars;
}

/** The `{name, expression}` list of a `variables:` field (invalid entries dropped). */
export function variableDefs(list: unknown): CelVariable[] {
  const out: CelVariable[] = [];
  if (!Array.isArray(list)) return out;
  for (const v of list) if (isMap(v) && typeof v.name === 'string' && typeof v.expression === 'string') out.push({ name: v.name, expression: v.expression });
  return out;
}
