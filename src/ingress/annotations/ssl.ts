// Annotation specs for TLS / HTTPS enforcement (frontend). Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const sslAnnotations: AnnotationSpec[] = [
  {
    name: "ssl-redirect",
    area: "ssl",
    value: "bool",
    syntax: "bool, `true` (ConfigMap) when the Ingress has TLS",
    semantics: "308 redirect HTTP→HTTPS",
    risk: "low",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/ssl-redirect", note: "HTTP-listener HTTPRoute with `RequestRedirect{scheme: https}`; 308 is Extended" },
      traefik: { level: "partial", mapping: "traefik/ssl-redirect", note: "provider; cannot opt out per route if enabled globally" },
      haproxy: { level: "partial", mapping: "haproxy/ssl-redirect", note: "automatic with TLS; code 302 default, 301/302/303 only" },
      openshift: { level: "partial", mapping: "openshift/ssl-redirect", note: "`spec.tls.insecureEdgeTerminationPolicy: Redirect` (302); `false` → `Allow`" },
    },
  },
  {
    name: "force-ssl-redirect",
    area: "ssl",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Redirect to HTTPS even without TLS on the Ingress (TLS offloaded upstream)",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/force-ssl-redirect", note: "as ssl-redirect (no TLS needed on Gateway)" },
      traefik: { level: "partial", mapping: "traefik/force-ssl-redirect", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/force-ssl-redirect", note: "`ssl-redirect: \"true\"`" },
      openshift: { level: "partial", mapping: "openshift/force-ssl-redirect", note: "needs edge TLS on the Route + `Redirect`" },
    },
  },
  {
    name: "ssl-passthrough",
    area: "ssl",
    value: "bool",
    syntax: "bool, `false`; needs `--enable-ssl-passthrough`",
    semantics: "L4 TLS passthrough by SNI",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/ssl-passthrough", note: "`TLSRoute` + listener `tls.mode: Passthrough` [S since v1.5]" },
      traefik: { level: "partial", mapping: "traefik/ssl-passthrough", note: "provider; SNI/default-backend differences" },
      haproxy: { level: "faithful", mapping: "haproxy/ssl-passthrough", note: "`ssl-passthrough: \"true\"`" },
      openshift: { level: "faithful", mapping: "openshift/ssl-passthrough", note: "`spec.tls.termination: passthrough` (Ingress: `route.openshift.io/termination`)" },
    },
  },
  {
    name: "ssl-ciphers",
    area: "ssl",
    value: "string",
    syntax: "OpenSSL cipher string",
    semantics: "Per-server `ssl_ciphers`",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "listener `tls.options` implementation-specific" },
      traefik: { level: "partial", mapping: "traefik/ssl-ciphers", note: "TLSOption `cipherSuites` (CRD)" },
      haproxy: { level: 'none', reason: "global only" },
      openshift: { level: 'none', reason: "IngressController `tlsSecurityProfile` (global)" },
    },
  },
  {
    name: "ssl-prefer-server-ciphers",
    area: "ssl",
    value: "bool",
    syntax: "bool",
    semantics: "`ssl_prefer_server_ciphers`",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
