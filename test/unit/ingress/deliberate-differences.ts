// Corpus cases where warden's gateway-api output deliberately differs from
// ingress2gateway v1.1.0's, because warden follows what ingress-nginx does.
// corpus.test.ts checks that each listed case really differs and that warden reports
// the difference (a notification with `code` on the listed annotation), so this list
// cannot go stale silently.

export interface DeliberateDifference {
  reason: string;
  /** The notification code warden raises for it. */
  code: string;
  /** The annotation the notification is about ('' for notifications about the Ingress spec). */
  annotation: string;
}

const REWRITE_PREFIX_IDIOM: DeliberateDifference = {
  reason:
    'path "/something(/|$)(.*)" with rewrite-target "/$2" strips the prefix in nginx. ingress2gateway emits URLRewrite ReplaceFullPath "/$2", which sends every request to the literal path "/$2"; warden emits PathPrefix /something + ReplacePrefixMatch "/", the same rewrite (only case sensitivity differs, reported).',
  code: 'rewrite-prefix',
  annotation: 'nginx.ingress.kubernetes.io/rewrite-target',
};

const SERVER_ALIAS: DeliberateDifference = {
  reason:
    'server-alias adds server_name entries in ingress-nginx. ingress2gateway drops it ("Unsupported annotation"), so the alias hosts stop being served; warden adds them to the route hostnames with HTTP listeners, skipping (with a warning) an alias that is already a rule host or claimed by an earlier Ingress, as ingress-nginx does.',
  code: 'server-alias-added',
  annotation: 'nginx.ingress.kubernetes.io/server-alias',
};

const TLS_WITHOUT_SECRET: DeliberateDifference = {
  reason:
    'a spec.tls entry without secretName: ingress2gateway emits a certificateRef with name "", which the Gateway CRD rejects (minLength 1; found by schema.test.ts). warden emits no certificateRef for it and reports that ingress-nginx used its default certificate there.',
  code: 'tls-default-certificate',
  annotation: '',
};

const CUSTOM_HEADERS: DeliberateDifference = {
  reason:
    'custom-headers adds the response headers of a ConfigMap in ingress-nginx. ingress2gateway recognises it but drops it with a warning, so the headers disappear; when the ConfigMap is rendered with the Ingress, warden sets them with a ResponseHeaderModifier (and notes that ingress-nginx also filtered them through its global allowed-response-headers list).',
  code: 'custom-headers',
  annotation: 'nginx.ingress.kubernetes.io/custom-headers',
};

export const DELIBERATE_DIFFERENCES: Record<string, DeliberateDifference> = {
  'traefik-ingress-with-custom-headers': CUSTOM_HEADERS,
  'i2gw-ssl-passthrough-testsslpassthroughfeature': TLS_WITHOUT_SECRET,
  'traefik-ingress-with-auth-tls-pass-certificate-to-upstream': TLS_WITHOUT_SECRET,
  'traefik-ingress-with-auth-tls-secret': TLS_WITHOUT_SECRET,
  'traefik-ingress-with-server-alias': SERVER_ALIAS,
  'traefik-ingress-with-server-alias-alias-conflict': SERVER_ALIAS,
  'traefik-ingress-with-server-alias-conflict': SERVER_ALIAS,
  'traefik-ingress-with-rewrite-target': REWRITE_PREFIX_IDIOM,
  'traefik-ingress-with-rewrite-target-cross-ingress': REWRITE_PREFIX_IDIOM,
  'traefik-ingress-with-rewrite-target-isolated': REWRITE_PREFIX_IDIOM,
  'traefik-ingress-with-rewrite-target-use-regex-false': REWRITE_PREFIX_IDIOM,
  'traefik-ingress-with-app-root-wrong': {
    reason:
      'app-root "foo" is not an absolute path, so ingress-nginx ignores it (url.ParseRequestURI fails). ingress2gateway still emits a redirect from "/" to the relative path "foo"; warden reports the invalid value and emits no redirect rule.',
    code: 'invalid-value',
    annotation: 'nginx.ingress.kubernetes.io/app-root',
  },
  'traefik-ingress-with-temporal-redirect-code-correct-code': {
    reason:
      'temporal-redirect-code 308 is within 300–308, so ingress-nginx answers 308. ingress2gateway falls back to 302; warden emits 308 (an Extended Gateway API status) and notes that it is Extended.',
    code: 'extended-feature',
    annotation: 'nginx.ingress.kubernetes.io/temporal-redirect-code',
  },
  'traefik-ingresses-with-www-redirect': {
    reason:
      'from-to-www-redirect on www.host.localhost while another Ingress serves host.localhost: ingress-nginx omits the redirect in that case, ingress2gateway still emits a redirect HTTPRoute for host.localhost that competes with the real one. warden omits it and says so.',
    code: 'www-redirect-skipped',
    annotation: 'nginx.ingress.kubernetes.io/from-to-www-redirect',
  },
};
