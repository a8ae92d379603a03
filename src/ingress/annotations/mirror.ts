// Annotation specs for mirroring. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const mirrorAnnotations: AnnotationSpec[] = [
  {
    name: "mirror-target",
    area: "mirror",
    value: "url",
    syntax: "URL (may include `$request_uri`)",
    semantics: "Mirror each request to this URL",
    risk: "high",
    targets: {
      gatewayApi: { level: "partial", mapping: "gateway-api/mirror-target", note: "`RequestMirror.backendRef` [S, Extended] — Service only, no URL/path" },
      traefik: { level: "partial", mapping: "traefik/mirror-target", note: "TraefikService `mirroring` (CRD); provider: unsupported" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "mirror-host",
    area: "mirror",
    value: "string",
    syntax: "hostname",
    semantics: "Host header for mirrored requests",
    risk: "high",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "mirror-request-body",
    area: "mirror",
    value: "onoff",
    syntax: "`on`/`off`, `on`",
    semantics: "Include body in mirror",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "always mirrored" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
