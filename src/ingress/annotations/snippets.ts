// Annotation specs for snippets (never translated). Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const snippetsAnnotations: AnnotationSpec[] = [
  {
    name: "configuration-snippet",
    area: "snippets",
    value: "snippet",
    syntax: "nginx directives",
    semantics: "Into the location block",
    risk: "critical",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/configuration-snippet", note: "provider runs a subset: `add_header`, `more_set_headers`, `proxy_set_header`, `more_set_input_headers`, `proxy_method`, `set`, `if`, `return`" },
      haproxy: { level: 'none', reason: "`backend-config-snippet` is HAProxy syntax" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "server-snippet",
    area: "snippets",
    value: "snippet",
    syntax: "nginx directives",
    semantics: "Into the server block",
    risk: "critical",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/server-snippet", note: "same subset as above" },
      haproxy: { level: 'none', reason: "`frontend-config-snippet` (ConfigMap)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "stream-snippet",
    area: "snippets",
    value: "snippet",
    syntax: "nginx directives",
    semantics: "Into the stream (L4) block",
    risk: "critical",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "auth-snippet",
    area: "snippets",
    value: "snippet",
    syntax: "nginx directives",
    semantics: "Into the auth subrequest location",
    risk: "critical",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/auth-snippet", note: "same subset minus `add_header`" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "modsecurity-snippet",
    area: "snippets",
    value: "snippet",
    syntax: "ModSecurity rules",
    semantics: "Inline WAF rules",
    risk: "critical",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "Traefik Hub only" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
