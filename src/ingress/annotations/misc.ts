// Annotation specs for observability, WAF, misc. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const miscAnnotations: AnnotationSpec[] = [
  {
    name: "enable-access-log",
    area: "misc",
    value: "bool",
    syntax: "bool, `true`",
    semantics: "Per-location access log toggle",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/enable-access-log", note: "provider (only to opt out; access logs must be on globally)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "enable-opentelemetry",
    area: "misc",
    value: "bool",
    syntax: "bool",
    semantics: "Per-location tracing toggle",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "opentelemetry-trust-incoming-span",
    area: "misc",
    value: "bool",
    syntax: "bool, `true`",
    semantics: "Trust incoming trace context",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "opentelemetry-operation-name",
    area: "misc",
    value: "string",
    syntax: "string",
    semantics: "Span name",
    risk: "medium",
    parserOnly: true,
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "(not in docs)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "enable-modsecurity",
    area: "misc",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "ModSecurity WAF",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "Traefik Hub only" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "enable-owasp-core-rules",
    area: "misc",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "OWASP CRS",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "Traefik Hub only" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "modsecurity-transaction-id",
    area: "misc",
    value: "string",
    syntax: "nginx variable",
    semantics: "Transaction id",
    risk: "high",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "Traefik Hub only" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "http2-push-preload",
    area: "misc",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "HTTP/2 server push of `Link: preload`",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "(not in docs)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
