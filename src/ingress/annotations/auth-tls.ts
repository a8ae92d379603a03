// Annotation specs for client certificate authentication (mTLS). Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const authTlsAnnotations: AnnotationSpec[] = [
  {
    name: "auth-tls-secret",
    area: "auth-tls",
    value: "ref",
    syntax: "`ns/name` Secret with `ca.crt`",
    semantics: "Enables client-cert verification for the host",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/auth-tls-secret", note: "Gateway `spec.tls.frontend` `caCertificateRefs` [S] (per Gateway/port)" },
      traefik: { level: "partial", mapping: "traefik/auth-tls-secret", note: "provider; rejection in handshake instead of 400" },
      haproxy: { level: "partial", mapping: "haproxy/auth-tls-secret", note: "`client-ca` is ConfigMap-only (global)" },
      openshift: { level: 'none', reason: "IngressController `clientTLS` (global)" },
    },
  },
  {
    name: "auth-tls-verify-client",
    area: "auth-tls",
    value: "enum",
    values: ["on", "off", "optional", "optional_no_ca"],
    syntax: "`on` (default), `off`, `optional`, `optional_no_ca`",
    semantics: "Verification mode",
    risk: "medium",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/auth-tls-verify-client", note: "`frontend.*.validation.mode` `AllowValidOnly`/`AllowInsecureFallback`; `optional_no_ca` none" },
      traefik: { level: "partial", mapping: "traefik/auth-tls-verify-client", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/auth-tls-verify-client", note: "`client-crt-optional` (ConfigMap)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-tls-verify-depth",
    area: "auth-tls",
    value: "int",
    syntax: "int, `1`",
    semantics: "Chain depth",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/auth-tls-verify-depth", note: "provider accepts, Go has no depth limit" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-tls-error-page",
    area: "auth-tls",
    value: "url",
    syntax: "URL",
    semantics: "Redirect on verification failure",
    risk: "high",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-tls-pass-certificate-to-upstream",
    area: "auth-tls",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Pass PEM in `ssl-client-cert` header",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "faithful", mapping: "traefik/auth-tls-pass-certificate-to-upstream", note: "provider" },
      haproxy: { level: 'none', reason: "not verified" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-tls-match-cn",
    area: "auth-tls",
    value: "string",
    syntax: "`CN=<regex>`",
    semantics: "Require subject CN match",
    risk: "high",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
