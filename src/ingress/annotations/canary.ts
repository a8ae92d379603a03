// Annotation specs for canary. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const canaryAnnotations: AnnotationSpec[] = [
  {
    name: "canary",
    area: "canary",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Marks this Ingress as canary of the main one",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/canary", note: "merge into the main HTTPRoute rule (structural)" },
      traefik: { level: "faithful", mapping: "traefik/canary", note: "provider (v3.7+)" },
      haproxy: { level: 'none', reason: "no canary model" },
      openshift: { level: "partial", mapping: "openshift/canary", note: "`spec.alternateBackends` on the main Route" },
    },
  },
  {
    name: "canary-by-header",
    area: "canary",
    value: "string",
    syntax: "header name",
    semantics: "`always` → canary, `never` → main, else fall through",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/canary-by-header", note: "two `HTTPRouteMatch.headers` Exact rules (`always`/`never`) [S]" },
      traefik: { level: "faithful", mapping: "traefik/canary-by-header", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "canary-by-header-value",
    area: "canary",
    value: "string",
    syntax: "string",
    semantics: "Exact header value routes to canary",
    risk: "medium",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/canary-by-header-value", note: "header match Exact [S]" },
      traefik: { level: "faithful", mapping: "traefik/canary-by-header-value", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "canary-by-header-pattern",
    area: "canary",
    value: "string",
    syntax: "regex",
    semantics: "Regex header value routes to canary",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/canary-by-header-pattern", note: "header match `RegularExpression` [implementation-specific]" },
      traefik: { level: "faithful", mapping: "traefik/canary-by-header-pattern", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "canary-by-cookie",
    area: "canary",
    value: "string",
    syntax: "cookie name",
    semantics: "`always`/`never` cookie values",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/canary-by-cookie", note: "only as a regex on the `Cookie` header [impl-specific]" },
      traefik: { level: "faithful", mapping: "traefik/canary-by-cookie", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "canary-weight",
    area: "canary",
    value: "int",
    syntax: "int, `0`",
    semantics: "Weight of random traffic to canary, out of weight-total",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/canary-weight", note: "`backendRefs[].weight` [S] (canary = w, main = total − w)" },
      traefik: { level: "faithful", mapping: "traefik/canary-weight", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: "partial", mapping: "openshift/canary-weight", note: "`alternateBackends[].weight` (0–256 per backend)" },
    },
  },
  {
    name: "canary-weight-total",
    area: "canary",
    value: "int",
    syntax: "int, `100`",
    semantics: "Denominator for canary-weight",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/canary-weight-total", note: "weights are relative" },
      traefik: { level: "faithful", mapping: "traefik/canary-weight-total", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: "partial", mapping: "openshift/canary-weight-total", note: "rescale to router weights" },
    },
  },
];
