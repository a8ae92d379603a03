// matchConstraints of the CEL policy types (ValidatingPolicy, MutatingPolicy, GeneratingPolicy,
// ValidatingAdmissionPolicy): which admission requests a policy selects, as the API server's
// admission matching decides it (resource rules, exclusions, object and namespace selectors).

import type { EvaluateOptions } from '../engine';
import { selectorMatches } from '../match/match';
import { isMap } from '../operators/value';
import { resourceOfKind } from './resources';

type Obj = Record<string, unknown>;

/** The admission request a rendered object would make. */
export interface Req {
  group: string;
  version: string;
  resource: string;
  name: string;
  namespace: string;
  operation: string;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function requestFor(resource: Obj, opts: EvaluateOptions): Req {
  const meta = isMap(resource.metadata) ? resource.metadata : {};
  const apiVersion = typeof resource.apiVersion === 'string' ? resource.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const kind = typeof resource.kind === 'string' ? resource.kind : '';
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    resource: resourceOfKind(kind),
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    operation: opts.operation ?? 'CREATE',
  };
}

export function nonEmptySelector(s: unknown): boolean {
  return isMap(s) && ((isMap(s.matchLabels) && Object.keys(s.matchLabels).length > 0) || (Array.isArray(s.matchExpressions) && s.matchExpressions.length > 0));
}

function hasOrStar(l: string[], v: string): boolean {
  return l.indexOf('*') >= 0 || l.indexOf(v) >= 0;
}

function ruleMatches(r: Obj, req: Req): boolean {
  if (!hasOrStar(list(r.operations), req.operation)) return false;
  if (!hasOrStar(list(r.apiGroups), req.group)) return false;
  if (!hasOrStar(list(r.apiVersions), req.version)) return false;
  const resources = list(r.resources);
  // a whole object (no subresource): `pods`, `*`; `*/*` and `pods/*` name subresources too
  if (resources.indexOf('*') < 0 && resources.indexOf(req.resource) < 0 && resources.indexOf('*/*') < 0) return false;
  const names = list(r.resourceNames);
  if (names.length > 0 && names.indexOf(req.name) < 0) return false;
  const scope = typeof r.scope === 'string' ? r.scope : '*';
  if (scope === 'Cluster' && req.namespace !== '') return false;
  if (scope === 'Namespaced' && req.namespace === '') return false;
  return true;
}

export interface MatchOutcome {
  matched: boolean;
  needs?: string;
}

export function labelsOf(o: unknown): Record<string, string> {
  const m = isMap(o) && isMap(o.metadata) ? o.metadata : {};
  return isMap(m.labels) ? (m.labels as Record<string, string>) : {};
}

export function matchConstraints(mc: unknown, resource: Obj, req: Req, opts: EvaluateOptions): MatchOutcome {
  if (!isMap(mc)) return { matched: false };
  const rules = Array.isArray(mc.resourceRules) ? mc.resourceRules.filter(isMap) : [];
  if (!rules.some((r) => ruleMatches(r, req))) return { matched: false };
  const excl = Array.isArray(mc.excludeResourceRules) ? mc.excludeResourceRules.filter(isMap) : [];
  if (excl.some((r) => ruleMatches(r, req))) return { matched: false };
  if (nonEmptySelector(mc.objectSelector)) {
    const old = opts.oldObject;
    if (!selectorMatches(mc.objectSelector, labelsOf(resource)) && !(isMap(old) && selectorMatches(mc.objectSelector, labelsOf(old)))) return { matched: false };
  }
  if (nonEmptySelector(mc.namespaceSelector)) {
    if (resource.kind === 'Namespace' && req.group === '') {
      if (!selectorMatches(mc.namespaceSelector, labelsOf(resource))) return { matched: false };
    } else if (req.namespace !== '') {
      const nsLabels = opts.namespaceLabels ?? (opts.namespaceObject !== undefined ? labelsOf(opts.namespaceObject) : undefined);
      if (nsLabels === undefined) return { matched: false, needs: `namespaceSelector (labels of namespace ${req.namespace})` };
      if (!selectorMatches(mc.namespaceSelector, nsLabels)) return { matched: false };
    }
  }
  return { matched: true };
}
