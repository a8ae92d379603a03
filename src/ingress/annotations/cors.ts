// Annotation specs for CORS. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const corsAnnotations: AnnotationSpec[] = [
  {
    name: "enable-cors",
    area: "cors",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Adds CORS headers and answers preflight (204)",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/enable-cors", note: "`CORS` filter [S since v1.5; X v1.3–v1.4]; emit nginx defaults explicitly" },
      traefik: { level: "partial", mapping: "traefik/enable-cors", note: "provider (\"partial support\")" },
      haproxy: { level: "faithful", mapping: "haproxy/enable-cors", note: "`cors-enable`" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-allow-origin",
    area: "cors",
    value: "list",
    syntax: "comma list, `*`; entries `scheme://host[:port]`, `*.` wildcard allowed",
    semantics: "Allowed origins",
    risk: "medium",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-allow-origin", note: "`cors.allowOrigins`" },
      traefik: { level: "faithful", mapping: "traefik/cors-allow-origin", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/cors-allow-origin", note: "`cors-allow-origin` (one origin or a regex, not a comma list)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-allow-methods",
    area: "cors",
    value: "list",
    syntax: "list, `GET, PUT, POST, DELETE, PATCH, OPTIONS`",
    semantics: "Allowed methods",
    risk: "medium",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-allow-methods", note: "`cors.allowMethods`" },
      traefik: { level: "faithful", mapping: "traefik/cors-allow-methods", note: "provider" },
      haproxy: { level: "faithful", mapping: "haproxy/cors-allow-methods", note: "`cors-allow-methods` (default `*`: set explicitly)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-allow-headers",
    area: "cors",
    value: "list",
    syntax: "list, `DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization`",
    semantics: "Allowed request headers",
    risk: "medium",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-allow-headers", note: "`cors.allowHeaders`" },
      traefik: { level: "faithful", mapping: "traefik/cors-allow-headers", note: "provider" },
      haproxy: { level: "faithful", mapping: "haproxy/cors-allow-headers", note: "`cors-allow-headers` (default `*`: set explicitly)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-expose-headers",
    area: "cors",
    value: "list",
    syntax: "list, empty",
    semantics: "Exposed headers",
    risk: "medium",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-expose-headers", note: "`cors.exposeHeaders`" },
      traefik: { level: "faithful", mapping: "traefik/cors-expose-headers", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-allow-credentials",
    area: "cors",
    value: "bool",
    syntax: "bool, `true`",
    semantics: "Access-Control-Allow-Credentials",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-allow-credentials", note: "`cors.allowCredentials`" },
      traefik: { level: "faithful", mapping: "traefik/cors-allow-credentials", note: "provider" },
      haproxy: { level: "faithful", mapping: "haproxy/cors-allow-credentials", note: "`cors-allow-credentials` (default false: set explicitly)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "cors-max-age",
    area: "cors",
    value: "seconds",
    syntax: "int seconds, `1728000`",
    semantics: "Preflight cache",
    risk: "low",
    targets: {
      gatewayApi: { level: "faithful", mapping: "gateway-api/cors-max-age", note: "`cors.maxAge` (seconds)" },
      traefik: { level: "faithful", mapping: "traefik/cors-max-age", note: "provider" },
      haproxy: { level: "partial", mapping: "haproxy/cors-max-age", note: "`cors-max-age` is a time (`1728000s`), default `5s`" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
