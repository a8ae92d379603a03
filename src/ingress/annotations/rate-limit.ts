// Annotation specs for rate limiting (per IP, per replica). Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const rateLimitAnnotations: AnnotationSpec[] = [
  {
    name: "limit-rps",
    area: "rate-limit",
    value: "int",
    syntax: "int",
    semantics: "Req/s per IP; burst = rps × multiplier; 503",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "implementation policy only" },
      traefik: { level: "partial", mapping: "traefik/limit-rps", note: "provider; 429 instead of 503, token bucket" },
      haproxy: { level: "partial", mapping: "haproxy/limit-rps", note: "`rate-limit-requests` + `rate-limit-period: 1s`; 403 default" },
      openshift: { level: "partial", mapping: "openshift/limit-rps", note: "`rate-limit-connections` + `.rate-http` (window differs)" },
    },
  },
  {
    name: "limit-rpm",
    area: "rate-limit",
    value: "int",
    syntax: "int",
    semantics: "Requests/minute per IP",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/limit-rpm", note: "provider; 429" },
      haproxy: { level: "partial", mapping: "haproxy/limit-rpm", note: "`rate-limit-period: 1m`" },
      openshift: { level: "partial", mapping: "openshift/limit-rpm", note: "as above" },
    },
  },
  {
    name: "limit-burst-multiplier",
    area: "rate-limit",
    value: "int",
    syntax: "int, `5`",
    semantics: "Burst factor",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/limit-burst-multiplier", note: "provider; <1 → 5" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "limit-connections",
    area: "rate-limit",
    value: "int",
    syntax: "int",
    semantics: "Concurrent connections per IP",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: "partial", mapping: "traefik/limit-connections", note: "provider; 429" },
      haproxy: { level: 'none', reason: "`pod-maxconn` is per backend pod" },
      openshift: { level: "partial", mapping: "openshift/limit-connections", note: "`rate-limit-connections.concurrent-tcp`" },
    },
  },
  {
    name: "limit-rate",
    area: "rate-limit",
    value: "int",
    syntax: "int KB/s, `0`",
    semantics: "Response bandwidth per connection (needs proxy-buffering)",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "limit-rate-after",
    area: "rate-limit",
    value: "int",
    syntax: "int KB",
    semantics: "Unthrottled first KB",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: 'none', reason: "no equivalent" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "limit-whitelist",
    aliasOf: "limit-allowlist",
    area: "rate-limit",
    value: "cidrs",
    syntax: "CIDR list",
    semantics: "Alias of limit-allowlist",
    risk: "low",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: "faithful", mapping: "haproxy/limit-allowlist", note: "`rate-limit-whitelist`" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
  {
    name: "limit-allowlist",
    area: "rate-limit",
    value: "cidrs",
    syntax: "CIDR list",
    semantics: "CIDRs exempt from rate limiting",
    risk: "low",
    parserOnly: true,
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "(not in docs)" },
      haproxy: { level: "faithful", mapping: "haproxy/limit-allowlist", note: "`rate-limit-whitelist`" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
