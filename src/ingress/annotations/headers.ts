// Annotation specs for headers, cookies, upstream host. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const headersAnnotations: AnnotationSpec[] = [
  {
    name: "custom-headers",
    area: "headers",
    value: "ref",
    syntax: "`ns/ConfigMap`",
    semantics: "Response headers from a ConfigMap (names filtered by `global-allowed-response-headers`)",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/custom-headers", note: "`ResponseHeaderModifier.set` [S] with resolved values" },
      traefik: { level: "partial", mapping: "traefik/custom-headers", note: "provider; no allowed-header list" },
      haproxy: { level: "partial", mapping: "haproxy/custom-headers", note: "`response-set-header` (resolved values)" },
      openshift: { level: "partial", mapping: "openshift/custom-headers", note: "`spec.httpHeaders.actions.response` (OCP 4.14+)" },
    },
  },
  {
    name: "upstream-vhost",
    area: "headers",
    value: "string",
    syntax: "host (nginx vars allowed)",
    semantics: "Host header sent upstream",
    risk: "low",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/upstream-vhost", note: "`URLRewrite.hostname` or `RequestHeaderModifier` Host [S]; no variables" },
      traefik: { level: "faithful", mapping: "traefik/upstream-vhost", note: "provider (variables)" },
      haproxy: { level: "faithful", mapping: "haproxy/upstream-vhost", note: "`set-host`" },
      openshift: { level: 'none', reason: "Host is not settable in Route header actions" },
    },
  },
  {
    name: "connection-proxy-header",
    area: "headers",
    value: "string",
    syntax: "string",
    semantics: "Override `Connection` header to upstream",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "hop-by-hop (i2gw sets it anyway)" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "proxy-cookie-domain",
    area: "headers",
    value: "string",
    syntax: "`off` / `from to`",
    semantics: "Rewrite Domain in upstream Set-Cookie",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "proxy-cookie-path",
    area: "headers",
    value: "string",
    syntax: "`off` / `from to`",
    semantics: "Rewrite Path in upstream Set-Cookie",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "proxy-redirect-from",
    area: "headers",
    value: "string",
    syntax: "string, `off`",
    semantics: "Rewrite upstream Location header (from)",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "proxy-redirect-to",
    area: "headers",
    value: "string",
    syntax: "string",
    semantics: "… (to)",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
