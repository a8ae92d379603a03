// Ingress fixtures shared by the Traefik / HAProxy / OpenShift emitter tests.

export const P = 'nginx.ingress.kubernetes.io/';

export function ingress(name: string, host: string, annotations: Record<string, string> = {}, extra: { tls?: boolean; path?: string; pathType?: string; service?: string; port?: number | string } = {}) {
  const a: Record<string, string> = {};
  for (const k of Object.keys(annotations)) a[k.indexOf('/') >= 0 ? k : P + k] = annotations[k];
  const port = extra.port ?? 80;
  const spec: Record<string, unknown> = {
    ingressClassName: 'nginx',
    rules: [{ host, http: { paths: [{ path: extra.path ?? '/', pathType: extra.pathType ?? 'Prefix', backend: { service: { name: extra.service ?? 'web', port: typeof port === 'number' ? { number: port } : { name: port } } } }] } }],
  };
  if (extra.tls) spec.tls = [{ hosts: [host], secretName: `${name}-tls` }];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default', labels: { app: name }, annotations: a }, spec };
}

export function service(name: string, ports: { name?: string; port: number; targetPort?: number | string }[] = [{ name: 'http', port: 80, targetPort: 8080 }]) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports } };
}

export function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

/** One Ingress using 24 different annotations that every target translates at least partly. */
export const RICH = ingress('shop', 'shop.example.com', {
  'ssl-redirect': 'true',
  'rewrite-target': '/',
  'x-forwarded-prefix': '/shop',
  'use-regex': 'false',
  'backend-protocol': 'HTTPS',
  'proxy-ssl-verify': 'off',
  'proxy-read-timeout': '120',
  'proxy-send-timeout': '90',
  'proxy-connect-timeout': '10',
  'proxy-body-size': '8m',
  'enable-cors': 'true',
  'cors-allow-origin': 'https://a.example.com, https://*.b.example.com',
  'cors-allow-methods': 'GET, POST',
  'cors-max-age': '600',
  'cors-allow-credentials': 'false',
  'whitelist-source-range': '10.0.0.0/8, 192.168.0.0/16',
  'limit-rps': '20',
  affinity: 'cookie',
  'session-cookie-name': 'SHOP',
  'session-cookie-samesite': 'Lax',
  'load-balance': 'round_robin',
  'upstream-vhost': 'internal.shop',
  'server-alias': 'www.shop.example.com',
  'proxy-http-version': '1.1',
}, { tls: true, path: '/shop', port: 'http' });

const canaryMain = ingress('app', 'app.example.com', {}, { service: 'app-v1' });
const canary = ingress('app-canary', 'app.example.com', { canary: 'true', 'canary-weight': '20', 'canary-by-header': 'X-Canary' }, { service: 'app-v2' });

/** Named input sets (object lists) for schema and value checks across all targets. */
export const fixtureSets: Record<string, unknown[]> = {
  rich: [service('web'), RICH],
  canary: [service('app-v1'), service('app-v2'), canaryMain, canary],
  passthrough: [service('tls-app', [{ name: 'https', port: 443 }]), ingress('pt', 'pt.example.com', { 'ssl-passthrough': 'true' }, { service: 'tls-app', port: 443 })],
  auth: [service('web'), ingress('basic', 'basic.example.com', { 'auth-type': 'basic', 'auth-secret': 'htpasswd', 'auth-realm': 'Staff only' }, { tls: true })],
  forward: [service('web'), ingress('fwd', 'fwd.example.com', { 'auth-url': 'https://auth.example.com/check', 'auth-signin': 'https://auth.example.com/login', 'auth-response-headers': 'X-User, X-Email' })],
  redirects: [service('web'), ingress('moved', 'old.example.com', { 'permanent-redirect': 'https://new.example.com/landing', 'permanent-redirect-code': '308' }), ingress('root', 'root.example.com', { 'app-root': '/app' })],
  www: [service('web'), configMap('hdrs', { 'X-Frame-Options': 'DENY' }), ingress('www', 'example.org', { 'from-to-www-redirect': 'true', 'custom-headers': 'default/hdrs', 'limit-rate': '100' }, { tls: true })],
  idiom: [service('web'), ingress('strip', 'strip.example.com', { 'rewrite-target': '/$2', 'use-regex': 'true' }, { path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific' })],
  grpc: [service('grpc'), ingress('grpc', 'grpc.example.com', { 'backend-protocol': 'GRPCS', 'proxy-ssl-secret': 'default/ca', 'proxy-ssl-verify': 'on', 'proxy-ssl-name': 'grpc.internal' }, { service: 'grpc', port: 50051, tls: true })],
  limits: [service('web'), ingress('limited', 'limited.example.com', { 'limit-rpm': '600', 'limit-connections': '10', 'limit-whitelist': '10.1.0.0/16', 'denylist-source-range': '203.0.113.0/24', 'load-balance': 'ewma', 'client-body-buffer-size': '16k', 'enable-access-log': 'false', 'proxy-next-upstream': 'error http_502 http_503 non_idempotent', 'proxy-next-upstream-tries': '4', 'proxy-next-upstream-timeout': '20' })],
  mtls: [service('web'), ingress('mtls', 'mtls.example.com', { 'auth-tls-secret': 'default/client-ca', 'auth-tls-verify-client': 'optional', 'auth-tls-pass-certificate-to-upstream': 'true' }, { tls: true })],
  // limit-rate (not read by Traefik's provider) sends these through the Middleware translation.
  buffers: [service('web'), ingress('buf', 'buf.example.com', { 'proxy-buffering': 'on', 'proxy-buffer-size': '8k', 'proxy-buffers-number': '8', 'proxy-request-buffering': 'off', 'proxy-body-size': '2m', 'proxy-max-temp-file-size': '0', 'limit-rate': '100' })],
  session: [service('web'), ingress('sess', 'sess.example.com', {
    'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384', 'auth-url': 'https://auth.example.com/check', 'auth-method': 'POST',
    affinity: 'cookie', 'affinity-mode': 'persistent', 'session-cookie-expires': '7200', 'preserve-trailing-slash': 'false', 'limit-rate': '100',
  }, { tls: true })],
  canaryRules: [
    service('app-v1'), service('app-v2'),
    ingress('rules', 'rules.example.com', {}, { service: 'app-v1' }),
    ingress('rules-api', 'rules.example.com', {}, { service: 'app-v1', path: '/api' }),
    ingress('rules-canary', 'rules.example.com', { canary: 'true', 'canary-weight': '10', 'canary-by-header': 'X-Canary', 'canary-by-header-pattern': '^(beta|rc)$', 'canary-by-cookie': 'canary_flag' }, { service: 'app-v2' }),
  ],
};
