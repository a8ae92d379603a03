// One valid and one invalid sample value per registry row, and the context annotations a
// row needs to take effect (cors-* need enable-cors, proxy-ssl-* need an HTTPS backend, …).
// Shared by the row × target table tests.

import type { AnnotationSpec } from '../../../src/ingress/annotations/index';
import { configMap, ingress, service } from './fixtures-targets';

const VALID: Record<string, string> = {
  bool: 'true', onoff: 'on', int: '3', seconds: '30', size: '1m', cidrs: '10.0.0.0/8', url: 'https://x.example.com/p',
  path: '/p', ref: 'default/thing', hosts: 'alias.example.com', codes: '404', list: 'a,b', snippet: 'return 200;', string: 'value',
};

/** Invalid values for every kind with a parser (string, list and snippet take anything). */
export const INVALID: Record<string, string> = {
  bool: 'maybe', onoff: 'sometimes', int: 'three', seconds: '30s', size: '1x', cidrs: '10.0.0.300/8', url: 'x.example.com/p',
  path: 'p', ref: 'a/b/c', hosts: 'bad_host!', codes: '999', enum: 'bogus-value',
};

const OVERRIDE: Record<string, string> = {
  'backend-protocol': 'HTTPS', 'auth-type': 'basic', 'auth-secret': 'htpasswd', 'auth-tls-secret': 'default/client-ca',
  'auth-tls-verify-client': 'on', 'session-cookie-samesite': 'Lax', 'proxy-http-version': '1.1', 'upstream-hash-by': '$request_uri',
  'canary-by-header': 'X-Canary', 'canary-by-cookie': 'canary', 'canary-by-header-value': 'yes', 'canary-by-header-pattern': '^y',
  'canary-weight': '20', 'canary-weight-total': '200', 'permanent-redirect-code': '308', 'temporal-redirect-code': '307',
  'limit-rps': '5', 'limit-rpm': '300', 'limit-connections': '10', 'limit-burst-multiplier': '3', 'mirror-target': 'https://shadow.example.com',
  'custom-headers': 'default/hdrs', 'default-backend': 'fallback', 'auth-method': 'POST', 'cors-allow-origin': 'https://a.example.com',
  'cors-allow-methods': 'GET, POST', 'cors-allow-headers': 'X-A, X-B', 'cors-expose-headers': 'X-E', 'cors-max-age': '600',
  'cors-allow-credentials': 'false', 'x-forwarded-prefix': '/pre', 'upstream-vhost': 'internal.example', 'session-cookie-name': 'SID',
  'proxy-ssl-name': 'backend.internal', 'proxy-ssl-secret': 'default/backend-ca', 'proxy-next-upstream': 'error http_502',
  'auth-response-headers': 'X-User', 'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256', 'load-balance': 'ewma',
  'proxy-ssl-server-name': 'on', 'session-cookie-path': '/app', 'session-cookie-domain': 'example.com',
  'proxy-connect-timeout': '7', 'proxy-read-timeout': '120', 'proxy-send-timeout': '90', 'client-body-buffer-size': '16k',
  'proxy-buffer-size': '8k', 'proxy-max-temp-file-size': '2m', 'proxy-next-upstream-tries': '4', 'proxy-next-upstream-timeout': '20',
  'session-cookie-max-age': '3600', 'session-cookie-expires': '3600', 'auth-realm': 'Staff only', 'rewrite-target': '/new',
  'app-root': '/app', 'auth-url': 'https://auth.example.com/check', 'auth-signin': 'https://auth.example.com/login',
};

/** A valid value for the row. */
export function sampleValue(spec: AnnotationSpec): string {
  if (OVERRIDE[spec.name] !== undefined) return OVERRIDE[spec.name];
  const canonical = spec.aliasOf ?? spec.name;
  if (OVERRIDE[canonical] !== undefined) return OVERRIDE[canonical];
  if (spec.value === 'enum') return spec.values![0];
  return VALID[spec.value];
}

/** Annotations the row needs beside itself to have an effect in ingress-nginx. */
export function contextFor(spec: AnnotationSpec): Record<string, string> {
  const n = spec.aliasOf ?? spec.name;
  const c: Record<string, string> = {};
  if (spec.area === 'cors' && n !== 'enable-cors') c['enable-cors'] = 'true';
  if (spec.area === 'affinity' && n !== 'affinity') c.affinity = 'cookie';
  if (spec.area === 'canary' && n !== 'canary') c.canary = 'true';
  if (n === 'canary-by-header-value' || n === 'canary-by-header-pattern') c['canary-by-header'] = 'X-Canary';
  if (n === 'canary-weight-total') c['canary-weight'] = '20';
  if (n.slice(0, 10) === 'proxy-ssl-') c['backend-protocol'] = 'HTTPS';
  // The backend name and SNI qualify a verified connection (a BackendTLSPolicy needs a CA).
  if (n === 'proxy-ssl-name' || n === 'proxy-ssl-server-name') {
    c['proxy-ssl-verify'] = 'on';
    c['proxy-ssl-secret'] = 'default/backend-ca';
    if (n === 'proxy-ssl-name') c['proxy-ssl-server-name'] = 'on';
    else c['proxy-ssl-name'] = 'backend.internal';
  }
  if (n === 'auth-type') c['auth-secret'] = 'htpasswd';
  if (n === 'auth-secret' || n === 'auth-secret-type' || n === 'auth-realm') {
    c['auth-type'] = 'basic';
    c['auth-secret'] = 'htpasswd';
  }
  if (spec.area === 'auth-external' && n !== 'auth-url' && n !== 'enable-global-auth') c['auth-url'] = 'https://auth.example.com/check';
  if (spec.area === 'auth-tls' && n !== 'auth-tls-secret') c['auth-tls-secret'] = 'default/client-ca';
  if (n === 'permanent-redirect-code') c['permanent-redirect'] = 'https://new.example.com/';
  if (n === 'temporal-redirect-code') c['temporal-redirect'] = 'https://new.example.com/';
  if (n === 'x-forwarded-prefix') c['rewrite-target'] = '/';
  if (n === 'limit-burst-multiplier' || n === 'limit-allowlist') c['limit-rps'] = '5';
  if (n === 'upstream-hash-by-subset' || n === 'upstream-hash-by-subset-size') c['upstream-hash-by'] = '$request_uri';
  if (n === 'mirror-host' || n === 'mirror-request-body') c['mirror-target'] = 'https://shadow.example.com';
  if (n === 'proxy-buffers-number' || n === 'proxy-buffer-size' || n === 'proxy-max-temp-file-size' || n === 'proxy-busy-buffers-size') c['proxy-buffering'] = 'on';
  if (n === 'limit-rate-after') c['limit-rate'] = '100';
  if (n === 'auth-keepalive-requests' || n === 'auth-keepalive-timeout') c['auth-keepalive'] = '10';
  if (n === 'proxy-redirect-to') c['proxy-redirect-from'] = 'http://a/';
  if (n === 'opentelemetry-trust-incoming-span' || n === 'opentelemetry-operation-name') c['enable-opentelemetry'] = 'true';
  if (n === 'enable-owasp-core-rules' || n === 'modsecurity-transaction-id') c['enable-modsecurity'] = 'true';
  if (n === 'session-cookie-conditional-samesite-none') c['session-cookie-samesite'] = 'None';
  return c;
}

/** Ingresses with TLS: rows about HTTPS redirects and client certificates need it. */
export function needsTls(spec: AnnotationSpec): boolean {
  const n = spec.aliasOf ?? spec.name;
  return n === 'ssl-redirect' || n === 'preserve-trailing-slash' || spec.area === 'auth-tls' || n === 'ssl-ciphers' || n === 'ssl-prefer-server-ciphers';
}

/**
 * The input objects: Service `web`, the Ingress `default/one` on one.example.com carrying the
 * annotations, and for canary rows the main Ingress `default/main` (same host and path).
 */
export function rowInput(spec: AnnotationSpec, annotations: Record<string, string>, extra: Record<string, string> = {}): unknown[] {
  const a = Object.assign({}, contextFor(spec), annotations, extra);
  const input: unknown[] = [service('web'), service('v2'), service('fallback'), configMap('hdrs', { 'X-Frame-Options': 'DENY' })];
  input.push(ingress('one', 'one.example.com', a, { tls: needsTls(spec) }));
  if (spec.area === 'canary') input.push(ingress('main', 'one.example.com', {}, { service: 'v2', tls: needsTls(spec) }));
  return input;
}
