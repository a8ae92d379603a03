// The annotation registry as data: one table per area, one row per annotation.
//
//   [name, value, risk, syntax, meaning, gateway-api, traefik, haproxy, openshift]
//
// name:   `old=canonical` marks an alias; a trailing `!` marks a key only the parser knows
//         (absent from ingress-nginx's annotations.md).
// value:  a ValueKind; `enum:a|b` (`enum~:` = case-insensitive).
// risk:   L, M, H, C (the ingress-nginx parser's level).
// cells:  `F …` faithful, `P …` approximation (always reported), `N …` no equivalent + why.
//         In the Traefik column "provider" means Traefik's kubernetesIngressNGINX provider.
// The wording is warden's own summary; docs/ingress.md lists the counts these rows give.

import type { AnnotationSpec, Risk, TargetMapping, ValueKind } from './types';

type Row = [name: string, value: string, risk: 'L' | 'M' | 'H' | 'C', syntax: string, meaning: string, gw: string, traefik: string, haproxy: string, openshift: string];

// Reasons and notes shared by many rows.
const NONE = 'N nothing comparable exists';
const NGINX_ONLY = 'N an nginx implementation detail with no counterpart';
const GLOBAL = 'N only a controller-wide setting exists, not one per route';
const GW_POLICY = 'N only implementation-specific policy resources can express it';
const OS_ROUTE = 'N Routes have no such setting';
const PROV_UNLISTED = 'N absent from the provider\'s documented list';
const HUB = 'N WAF features exist only in the commercial Traefik Hub';
const CLIENT_AUTH_GLOBAL = 'N client certificates are configured for the whole router (IngressController)';
const SNIPPET = 'N raw nginx configuration is never translated';

const rewrite: Row[] = [
  ['rewrite-target', 'path', 'M', 'path; `$1`…`$n` refer to captures of the Ingress path', 'the Ingress path is used as an unanchored case-insensitive regex and a match replaces the entire URI; the host switches to regex mode',
    'P URLRewrite: ReplaceFullPath for literal targets, ReplacePrefixMatch only for the `/p(/|$)(.*)` + `/$2` pattern', 'F provider (v3.7+), regexes run on Go RE2', 'P `path-rewrite` takes "<regex> <replacement>" with `\\1` captures', 'P `haproxy.router.openshift.io/rewrite-target` swaps the matched prefix; no captures'],
  ['use-regex', 'bool', 'L', 'boolean, default false', 'every path of the host (in all its Ingresses) becomes a case-insensitive regex anchored at the start',
    'P RegularExpression path match, whose dialect each implementation chooses', 'F provider (v3.6+), Go RE2', 'N paths are literal prefixes only', 'N Route paths are literal prefixes only'],
  ['app-root', 'path', 'M', 'path', 'requests for exactly `/` get a 302 to this path',
    'F an Exact `/` rule with a 302 RequestRedirect to the path', 'F provider (v3.7+)', 'N redirects can change only host and port', NONE],
  ['x-forwarded-prefix', 'string', 'M', 'string', 'sends X-Forwarded-Prefix to the backend (only together with rewrite-target)',
    'F RequestHeaderModifier set', 'F provider (v3.7+)', 'F `request-set-header`', 'P Route `spec.httpHeaders` request action (OpenShift 4.14+)'],
  ['preserve-trailing-slash', 'bool', 'M', 'boolean, default false', 'whether the HTTPS redirect keeps a trailing slash',
    'P redirects always keep the path as is, so only `true` is reproduced', 'P Traefik always keeps it', NONE, NONE],
  ['permanent-redirect', 'url', 'M', 'absolute URL', 'answers every request with a redirect to exactly this URL (the request path is not added)',
    'P RequestRedirect with scheme, host, port and a full-path replacement; a query in the URL is lost', 'F provider (v3.7+)', 'P `request-redirect` sets host[:port] only', NONE],
  ['permanent-redirect-code', 'int', 'L', 'integer, default 301; outside 300–308 it reverts to 301', 'status of permanent-redirect',
    'P statusCode allows 301/302 (core) and 303/307/308 (extended) only', 'F provider, 3xx codes', 'P `request-redirect-code`', NONE],
  ['temporal-redirect', 'url', 'M', 'absolute URL', 'like permanent-redirect with 302; takes precedence over it',
    'P same as permanent-redirect with status 302', 'F provider (v3.7+)', 'P same as permanent-redirect', NONE],
  ['temporal-redirect-code', 'int', 'L', 'integer, default 302', 'status of temporal-redirect',
    'P same status limits as permanent-redirect-code', 'F provider', 'P `request-redirect-code`', NONE],
  ['from-to-www-redirect', 'bool', 'L', 'boolean, default false', 'redirects the www. variant of the host to the host (or the reverse)',
    'F a second route for the other name redirecting to the host', 'P provider, not for wildcard hosts', 'P an extra host rule with a redirect', 'N would need another Route and an application-side redirect'],
  ['relative-redirects!', 'bool', 'L', 'boolean, default false', 'Location headers written by nginx become relative', NGINX_ONLY, NGINX_ONLY, NGINX_ONLY, NGINX_ONLY],
  ['use-port-in-redirects!', 'bool', 'L', 'boolean, default false', 'nginx puts its listening port into redirect URLs', NGINX_ONLY, NGINX_ONLY, NGINX_ONLY, NGINX_ONLY],
  ['enable-rewrite-log', 'bool', 'L', 'boolean, default false', 'nginx debug logging of rewrites', NGINX_ONLY, NGINX_ONLY, NGINX_ONLY, NGINX_ONLY],
];

const hosts: Row[] = [
  ['server-alias', 'hosts', 'H', 'comma-separated host names', 'further names served by the Ingress host\'s server block',
    'F extra route hostnames', 'P provider; skipped when the alias is also a rule host', 'P the rules repeated for each name', 'P one more Route per name'],
  ['default-backend', 'ref', 'L', 'Service name in the Ingress namespace', 'served when the backend has no endpoints, and for intercepted errors',
    'N no fallback for backends without endpoints', 'P provider (fallback when there are no endpoints; first port)', NONE, NONE],
  ['custom-http-errors', 'codes', 'L', 'comma-separated status codes', 'these upstream statuses are replaced by the default backend\'s answer',
    NONE, 'P provider, through a global or annotated default backend', NONE, 'N only router-wide error pages for 503 and 404'],
  ['disable-proxy-intercept-errors!', 'bool', 'L', 'boolean, default false', 'turns error interception off for this Ingress', NONE, NONE, NONE, NONE],
];

const ssl: Row[] = [
  ['ssl-redirect', 'bool', 'L', 'boolean; default true (ConfigMap) for hosts with TLS', 'HTTP requests get a 308 to HTTPS',
    'P a route on the HTTP listener redirecting to https; 308 is an extended feature', 'P provider; a global redirect cannot be disabled per route', 'P automatic with TLS, but 302 by default and only 301/302/303', 'P insecureEdgeTerminationPolicy Redirect (302); false gives Allow'],
  ['force-ssl-redirect', 'bool', 'M', 'boolean, default false', 'redirects to HTTPS even when the Ingress itself has no TLS (offloaded in front)',
    'P an https redirect needs no TLS on the Gateway side', 'P provider', 'P `ssl-redirect: "true"`', 'P requires edge TLS on the Route plus Redirect'],
  ['ssl-passthrough', 'bool', 'L', 'boolean, default false; the controller flag must be on', 'TLS is forwarded untouched, routed by SNI',
    'F TLSRoute on a Passthrough listener', 'P provider; SNI and default backend differ', 'F `ssl-passthrough`', 'F Route tls.termination passthrough'],
  ['ssl-ciphers', 'string', 'L', 'OpenSSL cipher list', 'cipher suites for this server', 'N listener TLS options are implementation-specific', 'P a TLSOption with cipherSuites', GLOBAL, GLOBAL],
  ['ssl-prefer-server-ciphers', 'bool', 'L', 'boolean', 'server cipher order wins', NONE, NONE, NONE, NONE],
];

const backendProtocol: Row[] = [
  ['backend-protocol', 'enum~:HTTP|HTTPS|GRPC|GRPCS|AUTO_HTTP|FCGI', 'L', 'HTTP (default), HTTPS, GRPC, GRPCS, AUTO_HTTP or FCGI, any case', 'protocol spoken to the backend',
    'P HTTPS via BackendTLSPolicy, GRPC via GRPCRoute; AUTO_HTTP and FCGI have none', 'P provider, without FCGI and AUTO_HTTP', 'P HTTPS via `server-ssl`, GRPC via `server-proto: h2`; no FCGI', 'P HTTPS via reencrypt termination; no h2c'],
  ['proxy-ssl-secret', 'ref', 'M', 'Secret `namespace/name` with tls.crt, tls.key, ca.crt', 'client certificate presented to the backend and CA that checks it',
    'P CA in BackendTLSPolicy; the client certificate only Gateway-wide', 'F provider', 'P `server-ca` and `server-crt`', 'P destination CA only'],
  ['proxy-ssl-verify', 'onoff', 'L', 'on or off, default off', 'whether the backend certificate is checked',
    'P a BackendTLSPolicy always checks; unchecked TLS cannot be written', 'F provider', 'P checked exactly when `server-ca` is set', 'P reencrypt checks against the destination or service CA'],
  ['proxy-ssl-verify-depth', 'int', 'L', 'integer, default 1', 'maximum backend chain depth', NONE, NONE, NONE, NONE],
  ['proxy-ssl-name', 'string', 'H', 'host name', 'name expected in the backend certificate (and sent as SNI when enabled)',
    'F BackendTLSPolicy validation.hostname', 'F provider', 'N no documented counterpart', NONE],
  ['proxy-ssl-server-name', 'onoff', 'L', 'on or off, default off', 'whether SNI is sent to the backend',
    'P SNI is always the validation hostname', 'F provider', 'N no documented counterpart', NONE],
  ['proxy-ssl-ciphers', 'string', 'M', 'cipher list, default DEFAULT', 'ciphers offered to the backend', NONE, NONE, NONE, NONE],
  ['proxy-ssl-protocols', 'string', 'L', 'TLS version list', 'TLS versions offered to the backend', NONE, NONE, NONE, NONE],
  ['proxy-http-version', 'enum:1.0|1.1', 'L', '1.0 or 1.1, default 1.1', 'HTTP version towards the backend', NONE, 'P provider; only 1.1 is honoured', NONE, NONE],
  ['fastcgi-index!', 'string', 'M', 'string', 'index file for FastCGI backends', NONE, NONE, NONE, NONE],
  ['fastcgi-params-configmap!', 'ref', 'M', 'ConfigMap name', 'FastCGI parameters', NONE, NONE, NONE, NONE],
];

const timeouts: Row[] = [
  ['proxy-connect-timeout', 'seconds', 'L', 'whole seconds, default 5', 'limit for opening the backend connection',
    'N no connect timeout (ingress2gateway folds it into a request deadline)', 'F provider (v3.7+)', 'P `timeout-connect` exists in the ConfigMap only', GLOBAL],
  ['proxy-send-timeout', 'seconds', 'L', 'whole seconds, default 60', 'longest pause between two writes to the backend',
    'N only total deadlines exist', 'F provider', NONE, 'P `haproxy.router.openshift.io/timeout` (server inactivity)'],
  ['proxy-read-timeout', 'seconds', 'L', 'whole seconds, default 60', 'longest pause between two reads from the backend',
    'P timeouts.backendRequest is a total deadline, not an idle timer', 'F provider', 'P `timeout-server` (inactivity, HAProxy time syntax)', 'P `haproxy.router.openshift.io/timeout` with a unit'],
  ['proxy-next-upstream', 'string', 'M', 'conditions, default "error timeout"', 'when a failed request is retried on another endpoint',
    'P experimental retry.codes covers status codes only', 'P provider; error and timeout are treated alike', NONE, NONE],
  ['proxy-next-upstream-timeout', 'seconds', 'L', 'whole seconds, 0 = unlimited', 'time budget for all retries', NONE, 'F provider', NONE, NONE],
  ['proxy-next-upstream-tries', 'int', 'L', 'integer, default 3, the first attempt included', 'maximum attempts',
    'P experimental retry.attempts counts retries, so N tries are N−1 attempts', 'P provider; 0 means the number of servers', NONE, NONE],
  ['proxy-body-size', 'size', 'M', 'size with optional b/k/m/g (1024-based), default 1m; 0 = no limit', 'larger request bodies get 413',
    GW_POLICY, 'F provider', 'N only through a config snippet', NONE],
  ['client-body-buffer-size', 'size', 'L', 'size, default 8k', 'request body kept in memory before spilling to disk', NONE, 'F provider', NONE, NONE],
  ['proxy-request-buffering', 'onoff', 'L', 'on or off, default on', 'read the whole request body before forwarding', NONE, 'F provider', NONE, NONE],
  ['proxy-buffering', 'onoff', 'L', 'on or off, default off', 'buffer backend responses', NONE, 'F provider', NONE, NONE],
  ['proxy-buffers-number', 'int', 'L', 'integer, default 4', 'count of response buffers', NONE, 'P provider; folded into one buffer size', NONE, NONE],
  ['proxy-buffer-size', 'size', 'L', 'size, default 4k', 'buffer for the response head', NONE, 'F provider', NONE, NONE],
  ['proxy-busy-buffers-size', 'size', 'L', 'size', 'buffers that may be busy sending to the client', NONE, PROV_UNLISTED, NONE, NONE],
  ['proxy-max-temp-file-size', 'size', 'L', 'size, default 1024m', 'cap on the disk file for buffered responses', NONE, 'F provider', NONE, NONE],
];

const cors: Row[] = [
  ['enable-cors', 'bool', 'L', 'boolean, default false', 'adds CORS response headers and answers preflights with 204',
    'F CORS filter (standard since v1.5), with nginx\'s defaults written out', 'P provider (documented as partial)', 'F `cors-enable`', NONE],
  ['cors-allow-origin', 'list', 'M', 'comma list of origins, default *; `*.` wildcards allowed', 'origins allowed',
    'F cors.allowOrigins', 'F provider', 'P `cors-allow-origin` takes one origin or a regex', NONE],
  ['cors-allow-methods', 'list', 'M', 'list, default GET, PUT, POST, DELETE, PATCH, OPTIONS', 'methods allowed',
    'F cors.allowMethods', 'F provider', 'F `cors-allow-methods` (written explicitly)', NONE],
  ['cors-allow-headers', 'list', 'M', 'list, default DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization', 'request headers allowed',
    'F cors.allowHeaders', 'F provider', 'F `cors-allow-headers` (written explicitly)', NONE],
  ['cors-expose-headers', 'list', 'M', 'list, default empty', 'response headers exposed to scripts', 'F cors.exposeHeaders', 'F provider', NONE, NONE],
  ['cors-allow-credentials', 'bool', 'L', 'boolean, default true', 'whether credentials are allowed',
    'F cors.allowCredentials', 'F provider', 'F `cors-allow-credentials` (written explicitly)', NONE],
  ['cors-max-age', 'seconds', 'L', 'whole seconds, default 1728000', 'how long browsers cache a preflight',
    'F cors.maxAge', 'F provider', 'P `cors-max-age` needs a unit and defaults to 5s', NONE],
];

const authBasic: Row[] = [
  ['auth-type', 'enum:basic|digest', 'L', 'basic or digest', 'turns on HTTP basic or digest authentication', GW_POLICY, 'F provider', 'P `auth-type: basic-auth`; no digest', OS_ROUTE],
  ['auth-secret', 'ref', 'M', 'Secret `namespace/name`', 'where the credentials live', NONE, 'F provider', 'P `auth-secret`, but one key per user with a crypt(3) hash', OS_ROUTE],
  ['auth-secret-type', 'enum:auth-file|auth-map', 'L', 'auth-file (htpasswd under key auth, default) or auth-map', 'layout of that Secret', NONE, 'F provider', 'P the Secret must be converted', OS_ROUTE],
  ['auth-realm', 'string', 'M', 'string', 'realm shown by the browser', NONE, 'F provider', 'F `auth-realm`', OS_ROUTE],
  ['satisfy', 'enum:any|all', 'L', 'any or all, default all', 'whether auth and allow-lists must both pass', NONE, NONE, NONE, OS_ROUTE],
];

const authExternal: Row[] = [
  ['auth-url', 'url', 'H', 'URL, nginx variables allowed', 'each request is first sent to this service; 2xx lets it through, 401/403 refuse it',
    'P experimental ExternalAuth filter', 'P provider (ForwardAuth), with fewer nginx variables', NONE, OS_ROUTE],
  ['auth-method', 'string', 'L', 'HTTP method', 'method used for the auth request', NONE, 'F provider', NONE, OS_ROUTE],
  ['auth-signin', 'url', 'H', 'URL', 'where a 401 from the auth service redirects the user', NONE, 'P provider (redirect on 401)', NONE, OS_ROUTE],
  ['auth-signin-redirect-param', 'string', 'M', 'query parameter name, default rd', 'parameter that carries the original URL to the sign-in page', NONE, PROV_UNLISTED, NONE, OS_ROUTE],
  ['auth-response-headers', 'list', 'M', 'header names', 'headers of the auth answer copied onto the forwarded request',
    'P experimental ExternalAuth allowedResponseHeaders', 'F provider', NONE, OS_ROUTE],
  ['auth-request-redirect', 'url', 'M', 'URL', 'value of X-Auth-Request-Redirect sent to the auth service', NONE, PROV_UNLISTED, NONE, OS_ROUTE],
  ['auth-proxy-set-headers', 'ref', 'M', 'ConfigMap name', 'extra headers for the auth request', NONE, NONE, NONE, OS_ROUTE],
  ['auth-cache-key', 'string', 'M', 'string with nginx variables', 'caches auth answers under this key', NONE, NONE, NONE, OS_ROUTE],
  ['auth-cache-duration', 'string', 'M', 'statuses and a duration, e.g. `200 202 401 5m`', 'how long cached auth answers stay valid', NONE, NONE, NONE, OS_ROUTE],
  ['auth-always-set-cookie', 'bool', 'L', 'boolean, default false', 'cookies from the auth service are set on failures too', NONE, PROV_UNLISTED, NONE, OS_ROUTE],
  ['auth-keepalive', 'int', 'L', 'integer, default 0', 'idle connections kept to the auth service', NONE, NONE, NONE, OS_ROUTE],
  ['auth-keepalive-requests', 'int', 'L', 'integer, default 1000', 'requests per kept connection', NONE, NONE, NONE, OS_ROUTE],
  ['auth-keepalive-timeout', 'seconds', 'L', 'whole seconds, default 60', 'idle time before a kept connection closes', NONE, NONE, NONE, OS_ROUTE],
  ['auth-keepalive-share-vars', 'bool', 'L', 'boolean, default false', 'nginx variables shared with the auth request', NONE, NONE, NONE, OS_ROUTE],
  ['enable-global-auth', 'bool', 'L', 'boolean, default true', 'whether the ConfigMap global-auth-url applies here',
    NONE, 'P documented as supported, reported unsupported by Traefik\'s analyzer', NONE, OS_ROUTE],
];

const authTls: Row[] = [
  ['auth-tls-secret', 'ref', 'M', 'Secret `namespace/name` holding ca.crt', 'clients of the host must present a certificate signed by this CA',
    'P Gateway frontend TLS validation, per Gateway and port', 'P provider; failures end the handshake instead of a 400', 'P `client-ca` in the ConfigMap (all hosts)', CLIENT_AUTH_GLOBAL],
  ['auth-tls-verify-client', 'enum:on|off|optional|optional_no_ca', 'M', 'on (default), off, optional or optional_no_ca', 'how strictly client certificates are required',
    'P validation mode AllowValidOnly or AllowInsecureFallback; nothing for optional_no_ca', 'P provider', 'P `client-crt-optional` in the ConfigMap', CLIENT_AUTH_GLOBAL],
  ['auth-tls-verify-depth', 'int', 'L', 'integer, default 1', 'maximum client chain depth', NONE, 'P documented for the provider, which does not parse it (annotations.go); Go imposes no depth limit', NONE, CLIENT_AUTH_GLOBAL],
  ['auth-tls-error-page', 'url', 'H', 'URL', 'redirect target when the client certificate fails', NONE, NONE, NONE, CLIENT_AUTH_GLOBAL],
  ['auth-tls-pass-certificate-to-upstream', 'bool', 'L', 'boolean, default false', 'the client certificate goes to the backend in a header',
    NONE, 'F provider', 'N no documented counterpart', CLIENT_AUTH_GLOBAL],
  ['auth-tls-match-cn', 'string', 'H', '`CN=<regex>`', 'the certificate subject CN must match', NONE, NONE, NONE, CLIENT_AUTH_GLOBAL],
];

const NO_CANARY = 'N no traffic-splitting model';
const canary: Row[] = [
  ['canary', 'bool', 'L', 'boolean, default false', 'this Ingress is the canary of the Ingress with the same host and path',
    'F merged into the main route\'s rule', 'F provider (v3.7+)', NO_CANARY, 'P alternateBackends of the main Route'],
  ['canary-by-header', 'string', 'M', 'header name', 'value always sends to the canary, never to the main backend; anything else falls through',
    'P two exact header-match rules (always, never)', 'F provider', NO_CANARY, 'N Routes split by weight only'],
  ['canary-by-header-value', 'string', 'M', 'string', 'this exact header value selects the canary', 'F exact header match', 'F provider', NO_CANARY, 'N Routes split by weight only'],
  ['canary-by-header-pattern', 'string', 'M', 'regex', 'a header value matching this regex selects the canary',
    'P RegularExpression header match, implementation-specific', 'F provider', NO_CANARY, 'N Routes split by weight only'],
  ['canary-by-cookie', 'string', 'M', 'cookie name', 'cookie value always or never forces the choice',
    'P only as an implementation-specific regex over the Cookie header', 'F provider', NO_CANARY, 'N Routes split by weight only'],
  ['canary-weight', 'int', 'L', 'integer, default 0', 'share of the remaining traffic sent to the canary, out of canary-weight-total',
    'F backendRefs weights (canary w, main total−w)', 'F provider', NO_CANARY, 'P alternateBackends weight (0–256)'],
  ['canary-weight-total', 'int', 'L', 'integer, default 100', 'the denominator of canary-weight', 'F weights are relative anyway', 'F provider', NO_CANARY, 'P rescaled to router weights'],
];

const NO_COOKIE_ATTR = 'N sessionPersistence has no such cookie attribute';
const affinity: Row[] = [
  ['affinity', 'enum:cookie', 'L', 'cookie', 'sticky sessions through a cookie',
    'P experimental sessionPersistence type Cookie', 'F provider', 'P `cookie-persistence` on the Service or ConfigMap', 'F Routes are sticky unless cookies are disabled'],
  ['affinity-mode', 'enum:balanced|persistent', 'M', 'balanced (default) or persistent', 'whether sessions move when endpoints are added', NONE, 'P documented for the provider, which does not parse it (annotations.go); Traefik\'s sticky cookies behave as persistent', NONE, NONE],
  ['affinity-canary-behavior', 'enum:sticky|legacy', 'L', 'sticky (default) or legacy', 'whether canary sessions stay on the canary', NONE, 'P provider, sticky behaviour only', NONE, NONE],
  ['session-cookie-name', 'string', 'M', 'string, default INGRESSCOOKIE', 'the affinity cookie\'s name',
    'P experimental sessionPersistence.sessionName', 'F provider', 'P the `cookie-persistence` value', 'F `router.openshift.io/cookie_name`'],
  ['session-cookie-path', 'path', 'M', 'path', 'Path attribute of the cookie (required with use-regex)', NO_COOKIE_ATTR, 'F provider', NONE, NONE],
  ['session-cookie-domain', 'string', 'M', 'string', 'Domain attribute of the cookie', NO_COOKIE_ATTR, 'F provider', NONE, NONE],
  ['session-cookie-samesite', 'enum~:None|Lax|Strict', 'L', 'None, Lax or Strict', 'SameSite attribute of the cookie', NO_COOKIE_ATTR, 'F provider', NONE, 'F `router.openshift.io/cookie-same-site`'],
  ['session-cookie-conditional-samesite-none', 'bool', 'L', 'boolean', 'leaves SameSite=None out for browsers that mishandle it', NONE, NONE, NONE, NONE],
  ['session-cookie-secure', 'bool', 'L', 'boolean', 'Secure attribute of the cookie', NO_COOKIE_ATTR, 'F provider', NONE, NONE],
  ['session-cookie-max-age', 'seconds', 'M', 'whole seconds', 'Max-Age attribute of the cookie',
    'P experimental absoluteTimeout with a Permanent cookie', 'F provider', NONE, NONE],
  ['session-cookie-expires', 'seconds', 'M', 'whole seconds', 'Expires attribute of the cookie', 'P same as session-cookie-max-age', 'F provider (v3.7+)', NONE, NONE],
  ['session-cookie-change-on-failure', 'bool', 'L', 'boolean, default false', 'a new endpoint is chosen when the sticky one fails', NONE, NONE, NONE, NONE],
];

const rateLimit: Row[] = [
  ['limit-rps', 'int', 'L', 'integer', 'requests per second per client IP, burst = rps × multiplier, 503 above',
    GW_POLICY, 'P provider; token bucket answering 429', 'P `rate-limit-requests` with a 1s period; answers 403', 'P `rate-limit-connections` with rate-http; the window differs'],
  ['limit-rpm', 'int', 'L', 'integer', 'requests per minute per client IP', NONE, 'P provider; answers 429', 'P `rate-limit-requests` with a 1m period', 'P as limit-rps'],
  ['limit-burst-multiplier', 'int', 'L', 'integer, default 5', 'burst size factor', NONE, 'P provider; values below 1 become 5', NONE, NONE],
  ['limit-connections', 'int', 'L', 'integer', 'open connections per client IP', NONE, 'P provider; answers 429', 'N `pod-maxconn` limits per backend pod', 'P rate-limit-connections.concurrent-tcp'],
  ['limit-rate', 'int', 'L', 'KB per second, default 0', 'response bandwidth per connection (needs proxy-buffering)', NONE, NONE, NONE, NONE],
  ['limit-rate-after', 'int', 'L', 'KB', 'amount sent before limit-rate applies', NONE, NONE, NONE, NONE],
  ['limit-whitelist=limit-allowlist', 'cidrs', 'L', 'comma-separated CIDRs', 'older name of limit-allowlist', NONE, NONE, 'F `rate-limit-whitelist`', NONE],
  ['limit-allowlist!', 'cidrs', 'L', 'comma-separated CIDRs', 'clients never rate limited', NONE, PROV_UNLISTED, 'F `rate-limit-whitelist`', NONE],
];

const sourceRange: Row[] = [
  ['whitelist-source-range=allowlist-source-range', 'cidrs', 'M', 'comma-separated CIDRs', 'older name of allowlist-source-range',
    GW_POLICY, 'F provider (IPAllowList)', 'F `allow-list`', 'F `ip_whitelist` (space-separated, at most 61)'],
  ['allowlist-source-range!', 'cidrs', 'M', 'comma-separated CIDRs', 'only these clients get through; others get 403',
    GW_POLICY, 'F provider', 'F `allow-list`', 'F `ip_whitelist`'],
  ['denylist-source-range', 'cidrs', 'M', 'comma-separated CIDRs', 'these clients get 403', GW_POLICY, 'N Traefik has no deny list', 'F `deny-list`', 'N the router has no deny list'],
];

const headers: Row[] = [
  ['custom-headers', 'ref', 'M', 'ConfigMap `namespace/name`', 'response headers taken from a ConfigMap (names filtered by a global allow-list)',
    'P ResponseHeaderModifier with the resolved values', 'P provider, without the global allow-list', 'P `response-set-header` with the resolved values', 'P Route `spec.httpHeaders` response actions (4.14+)'],
  ['upstream-vhost', 'string', 'L', 'host, nginx variables allowed', 'Host header sent to the backend',
    'P URLRewrite hostname; no variables', 'F provider (variables included)', 'F `set-host`', 'N header actions cannot set Host'],
  ['connection-proxy-header', 'string', 'L', 'string', 'Connection header sent to the backend', 'N Connection is hop-by-hop', NONE, NONE, NONE],
  ['proxy-cookie-domain', 'string', 'M', '`off` or `from to`', 'rewrites Domain in backend Set-Cookie headers', NONE, NONE, NONE, NONE],
  ['proxy-cookie-path', 'string', 'M', '`off` or `from to`', 'rewrites Path in backend Set-Cookie headers', NONE, NONE, NONE, NONE],
  ['proxy-redirect-from', 'string', 'M', 'string, default off', 'text replaced in backend Location headers', NONE, NONE, NONE, NONE],
  ['proxy-redirect-to', 'string', 'M', 'string', 'its replacement', NONE, NONE, NONE, NONE],
];

const SNIP_SUBSET = 'P provider executes a small directive subset (headers, set, if, return)';
const snippets: Row[] = [
  ['configuration-snippet', 'snippet', 'C', 'nginx directives', 'inserted into the location', SNIPPET, SNIP_SUBSET, SNIPPET, SNIPPET],
  ['server-snippet', 'snippet', 'C', 'nginx directives', 'inserted into the server block', SNIPPET, SNIP_SUBSET, SNIPPET, SNIPPET],
  ['stream-snippet', 'snippet', 'C', 'nginx directives', 'inserted into the TCP/UDP stream block', SNIPPET, SNIPPET, SNIPPET, SNIPPET],
  ['auth-snippet', 'snippet', 'C', 'nginx directives', 'inserted into the auth request location', SNIPPET, 'P provider executes the same subset without add_header', SNIPPET, SNIPPET],
  ['modsecurity-snippet', 'snippet', 'C', 'ModSecurity rules', 'inline WAF rules', SNIPPET, HUB, SNIPPET, SNIPPET],
];

const mirror: Row[] = [
  ['mirror-target', 'url', 'H', 'URL, may contain $request_uri', 'a copy of each request goes to this URL',
    'P RequestMirror to a Service (no URL or path)', 'P a TraefikService mirroring (the provider does not read it)', NONE, NONE],
  ['mirror-host', 'string', 'H', 'host name', 'Host header of mirrored requests', NONE, NONE, NONE, NONE],
  ['mirror-request-body', 'onoff', 'L', 'on or off, default on', 'whether mirrors carry the body', 'N mirrors always carry it', NONE, NONE, NONE],
];

const loadBalance: Row[] = [
  ['load-balance', 'enum:round_robin|ewma|chash|chashsubset|sticky_balanced|sticky_persistent', 'L', 'round_robin (default), ewma, chash, chashsubset, sticky_*', 'endpoint selection algorithm',
    'N no standard field', 'N the provider ignores it without a warning', 'P `load-balance` (roundrobin, leastconn, …; no ewma)', 'P `haproxy.router.openshift.io/balance`'],
  ['upstream-hash-by', 'string', 'H', 'nginx variable expression', 'consistent hashing on this key',
    NONE, 'P provider, with fewer variables', 'P `load-balance` hdr(…), uri or source', 'P balance source (client IP only)'],
  ['upstream-hash-by-subset', 'bool', 'L', 'boolean, default false', 'hash onto a group of endpoints', NONE, PROV_UNLISTED, NONE, NONE],
  ['upstream-hash-by-subset-size', 'int', 'L', 'integer, default 3', 'size of that group', NONE, PROV_UNLISTED, NONE, NONE],
  ['service-upstream', 'bool', 'L', 'boolean, default false', 'send to the Service ClusterIP instead of the endpoints', 'N left to each implementation', 'F provider', NONE, NONE],
];

const misc: Row[] = [
  ['enable-access-log', 'bool', 'L', 'boolean, default true', 'access logging for this Ingress', NONE, 'P provider, to switch logs off only', NONE, NONE],
  ['enable-opentelemetry', 'bool', 'L', 'boolean', 'tracing for this Ingress', NONE, NONE, NONE, NONE],
  ['opentelemetry-trust-incoming-span', 'bool', 'L', 'boolean, default true', 'continue traces started by the client', NONE, NONE, NONE, NONE],
  ['opentelemetry-operation-name!', 'string', 'M', 'string', 'span name', NONE, PROV_UNLISTED, NONE, NONE],
  ['enable-modsecurity', 'bool', 'L', 'boolean, default false', 'ModSecurity WAF', NONE, HUB, NONE, NONE],
  ['enable-owasp-core-rules', 'bool', 'L', 'boolean, default false', 'OWASP core rule set', NONE, HUB, NONE, NONE],
  ['modsecurity-transaction-id', 'string', 'H', 'nginx variable', 'WAF transaction id', NONE, HUB, NONE, NONE],
  ['http2-push-preload', 'bool', 'L', 'boolean, default false', 'HTTP/2 push of Link preload resources', NONE, PROV_UNLISTED, NONE, NONE],
];

const AREAS: [string, Row[]][] = [
  ['rewrite', rewrite], ['hosts', hosts], ['ssl', ssl], ['backend-protocol', backendProtocol], ['timeouts', timeouts],
  ['cors', cors], ['auth-basic', authBasic], ['auth-external', authExternal], ['auth-tls', authTls], ['canary', canary],
  ['affinity', affinity], ['rate-limit', rateLimit], ['source-range', sourceRange], ['headers', headers],
  ['snippets', snippets], ['mirror', mirror], ['load-balance', loadBalance], ['misc', misc],
];

const RISK: Record<Row[2], Risk> = { L: 'low', M: 'medium', H: 'high', C: 'critical' };
const KEYS = ['gatewayApi', 'traefik', 'haproxy', 'openshift'] as const;
const TARGET_IDS = ['gateway-api', 'traefik', 'haproxy', 'openshift'];

function cell(text: string, target: string, canonical: string): TargetMapping {
  const body = text.slice(2);
  switch (text.charAt(0)) {
    case 'F': return { level: 'faithful', mapping: `${target}/${canonical}`, note: body };
    case 'P': return { level: 'partial', mapping: `${target}/${canonical}`, note: body };
    default: return { level: 'none', reason: body };
  }
}

function toSpec(area: string, row: Row): AnnotationSpec {
  let name = row[0];
  const parserOnly = name.charAt(name.length - 1) === '!';
  if (parserOnly) name = name.slice(0, -1);
  const eq = name.indexOf('=');
  const aliasOf = eq >= 0 ? name.slice(eq + 1) : undefined;
  if (eq >= 0) name = name.slice(0, eq);
  let value = row[1];
  let values: string[] | undefined;
  let caseInsensitive = false;
  const colon = value.indexOf(':');
  if (colon >= 0) {
    values = value.slice(colon + 1).split('|');
    caseInsensitive = value.charAt(colon - 1) === '~';
    value = 'enum';
  }
  const canonical = aliasOf ?? name;
  const targets = {} as AnnotationSpec['targets'];
  KEYS.forEach((k, i) => (targets[k] = cell(row[5 + i], TARGET_IDS[i], canonical)));
  const spec: AnnotationSpec = { name, area, value: value as ValueKind, syntax: row[3], semantics: row[4], risk: RISK[row[2]], targets };
  if (aliasOf !== undefined) spec.aliasOf = aliasOf;
  if (values !== undefined) spec.values = values;
  if (caseInsensitive) spec.caseInsensitive = true;
  if (parserOnly) spec.parserOnly = true;
  return spec;
}

/** Every spec, in table order. */
export const REGISTRY: readonly AnnotationSpec[] = AREAS.flatMap(([area, rows]) => rows.map((r) => toSpec(area, r)));
