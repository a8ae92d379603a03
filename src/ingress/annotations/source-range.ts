// Annotation specs for source IP allow / deny lists. Generated from the master table of
// docs/nginx-annotations.md (§2): value syntax, default, semantics, parser risk and one
// mapping (or an explicit "no faithful equivalent" with its reason) per target.

import type { AnnotationSpec } from './types';

export const sourceRangeAnnotations: AnnotationSpec[] = [
  {
    name: "whitelist-source-range",
    aliasOf: "allowlist-source-range",
    area: "source-range",
    value: "cidrs",
    syntax: "CIDR list (comma)",
    semantics: "Alias of allowlist-source-range; others get 403",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "implementation policy only (§3.8)" },
      traefik: { level: "faithful", mapping: "traefik/allowlist-source-range", note: "provider (IPAllowList)" },
      haproxy: { level: "faithful", mapping: "haproxy/allowlist-source-range", note: "`allow-list` (`whitelist` deprecated)" },
      openshift: { level: "faithful", mapping: "openshift/allowlist-source-range", note: "`haproxy.router.openshift.io/ip_whitelist` (space-separated, ≤61)" },
    },
  },
  {
    name: "allowlist-source-range",
    area: "source-range",
    value: "cidrs",
    syntax: "CIDR list (comma)",
    semantics: "Canonical name; non-matching clients get 403",
    risk: "medium",
    parserOnly: true,
    targets: {
      gatewayApi: { level: 'none', reason: "as above" },
      traefik: { level: "faithful", mapping: "traefik/allowlist-source-range", note: "provider" },
      haproxy: { level: "faithful", mapping: "haproxy/allowlist-source-range", note: "`allow-list`" },
      openshift: { level: "faithful", mapping: "openshift/allowlist-source-range", note: "`ip_whitelist`" },
    },
  },
  {
    name: "denylist-source-range",
    area: "source-range",
    value: "cidrs",
    syntax: "CIDR list",
    semantics: "Deny listed CIDRs with 403",
    risk: "medium",
    targets: {
      gatewayApi: { level: 'none', reason: "no equivalent" },
      traefik: { level: 'none', reason: "no equivalent" },
      haproxy: { level: "faithful", mapping: "haproxy/denylist-source-range", note: "`deny-list` (`blacklist` deprecated)" },
      openshift: { level: 'none', reason: "no equivalent" },
    },
  },
];
