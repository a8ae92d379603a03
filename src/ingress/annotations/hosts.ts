// Annotation specs for hosts, default backend and error pages. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const hostsAnnotations: AnnotationSpec[] = [
  {
    name: "server-alias",
    area: "hosts",
    value: "hosts",
    syntax: "comma list of hostnames",
    semantics: "Extra `server_name` entries for the Ingress host",
    risk: "high",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/server-alias", note: "add to `HTTPRoute.spec.hostnames` [S]" },
      traefik: { level: "partial", mapping: "traefik/server-alias", note: "provider; ignored if alias collides with a rule host" },
      haproxy: { level: "partial", mapping: "haproxy/server-alias", note: "duplicate rules per host" },
      openshift: { level: "partial", mapping: "openshift/server-alias", note: "one Route per extra host" },
    },
  },
  {
    name: "default-backend",
    area: "hosts",
    value: "ref",
    syntax: "Service name (same ns)",
    semantics: "Fallback when the Service has no endpoints; error-page backend",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no fallback-on-empty backend" },
      traefik: { level: "partial", mapping: "traefik/default-backend", note: "provider (no-endpoint fallback; first port)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "custom-http-errors",
    area: "hosts",
    value: "codes",
    syntax: "comma list of codes",
    semantics: "`proxy_intercept_errors`; listed codes served by default backend",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/custom-http-errors", note: "provider (via global or annotated default backend)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "IngressController custom error pages (503/404 only, cluster-wide)" },
    },
  },
  {
    name: "disable-proxy-intercept-errors",
    area: "hosts",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Turn off intercept for this location",
    risk: "low",
    parserOnly: true,
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
