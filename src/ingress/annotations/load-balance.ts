// Annotation specs for upstream selection and load balancing. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const loadBalanceAnnotations: AnnotationSpec[] = [
  {
    name: "load-balance",
    area: "load-balance",
    value: "enum",
    values: ["round_robin", "ewma", "chash", "chashsubset", "sticky_balanced", "sticky_persistent"],
    syntax: "`round_robin` (default), `ewma`, `chash`, `chashsubset`, `sticky_*`",
    semantics: "Balancing algorithm",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no standard field" },
      traefik: { level: 'none', reason: "provider ignores it silently" },
      haproxy: { level: "partial", mapping: "haproxy/load-balance", note: "`load-balance` (`roundrobin`, `leastconn`, …; no ewma)" },
      openshift: { level: "partial", mapping: "openshift/load-balance", note: "`haproxy.router.openshift.io/balance` (`random`, `roundrobin`, `leastconn`, `source`)" },
    },
  },
  {
    name: "upstream-hash-by",
    area: "load-balance",
    value: "string",
    syntax: "nginx variable expression",
    semantics: "Consistent hashing key",
    risk: "high",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/upstream-hash-by", note: "provider; limited variable set" },
      haproxy: { level: "partial", mapping: "haproxy/upstream-hash-by", note: "`load-balance: \"hdr(<name>)\"` / `uri` / `source`" },
      openshift: { level: "partial", mapping: "openshift/upstream-hash-by", note: "`balance: source` (client IP only)" },
    },
  },
  {
    name: "upstream-hash-by-subset",
    area: "load-balance",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Hash to a subset of endpoints",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "(not in docs)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "upstream-hash-by-subset-size",
    area: "load-balance",
    value: "int",
    syntax: "int, `3`",
    semantics: "Subset size",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "(not in docs)" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "service-upstream",
    area: "load-balance",
    value: "bool",
    syntax: "bool, `false`",
    semantics: "Proxy to ClusterIP instead of endpoints",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "implementation-defined" },
      traefik: { level: "faithful", mapping: "traefik/service-upstream", note: "provider" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
