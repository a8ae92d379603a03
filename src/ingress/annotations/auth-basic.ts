// Annotation specs for authentication: basic / digest. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const authBasicAnnotations: AnnotationSpec[] = [
  {
    name: "auth-type",
    area: "auth-basic",
    value: "enum",
    values: ["basic", "digest"],
    syntax: "`basic`/`digest`",
    semantics: "Enables basic or digest auth",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "implementation policy only" },
      traefik: { level: "faithful", mapping: "traefik/auth-type", note: "provider (BasicAuth/DigestAuth)" },
      haproxy: { level: "partial", mapping: "haproxy/auth-type", note: "`auth-type: basic-auth`; digest none" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-secret",
    area: "auth-basic",
    value: "ref",
    syntax: "`ns/name` Secret",
    semantics: "Credentials Secret",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "faithful", mapping: "traefik/auth-secret", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/auth-secret", note: "`auth-secret` but format differs (user→crypt(3) hash keys, not htpasswd `auth` key)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-secret-type",
    area: "auth-basic",
    value: "enum",
    values: ["auth-file", "auth-map"],
    syntax: "`auth-file` (htpasswd in key `auth`, default) / `auth-map`",
    semantics: "Secret layout",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "faithful", mapping: "traefik/auth-secret-type", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/auth-secret-type", note: "convert to per-user keys" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-realm",
    area: "auth-basic",
    value: "string",
    syntax: "string",
    semantics: "Realm text",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "faithful", mapping: "traefik/auth-realm", note: "provider" },
      haproxy: { level: "faithful", mapping: "haproxy/auth-realm", note: "`auth-realm` (default `Protected Content`)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "satisfy",
    area: "auth-basic",
    value: "enum",
    values: ["any", "all"],
    syntax: "`any`/`all`, `all`",
    semantics: "Combine auth methods and allowlists",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
