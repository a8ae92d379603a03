// warden's own checker for haproxytech annotation values (the controller has no CRD):
// every key must be one the controller documents for Ingresses or Services, and every
// value must have the documented type. Times need a unit (a bare number is milliseconds).

const TIME = /^\d+(us|ms|s|m|h|d)$/;
const BOOL = /^(true|false)$/;
const NUMBER = /^\d+$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const REF = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const HOST = /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/;
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;

function pcre(re: string): string | undefined {
  try {
    new RegExp(re.replace(/^\(\?i\)/, ''), 'i');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const CHECKS: Record<string, (v: string) => string | undefined> = {
  'ssl-redirect': (v) => (BOOL.test(v) ? undefined : 'not a bool'),
  'ssl-redirect-code': (v) => (['301', '302', '303'].includes(v) ? undefined : 'only 301, 302, 303'),
  'ssl-passthrough': (v) => (BOOL.test(v) ? undefined : 'not a bool'),
  'server-ssl': (v) => (BOOL.test(v) ? undefined : 'not a bool'),
  'server-proto': (v) => (v === 'h2' ? undefined : 'only h2'),
  'server-ca': (v) => (REF.test(v) ? undefined : 'not a Secret reference'),
  'server-crt': (v) => (REF.test(v) ? undefined : 'not a Secret reference'),
  'timeout-server': (v) => (TIME.test(v) ? undefined : 'not a time with a unit'),
  'cors-enable': (v) => (BOOL.test(v) ? undefined : 'not a bool'),
  'cors-allow-origin': (v) => (v === '*' || /^https?:\/\/[^,\s]+$/.test(v) ? undefined : v.startsWith('^') ? pcre(v) : 'neither *, an origin nor a regex'),
  'cors-allow-methods': (v) => (/^(\*|[A-Z]+(, ?[A-Z]+)*)$/.test(v) ? undefined : 'not a method list'),
  'cors-allow-headers': (v) => (/^(\*|[A-Za-z0-9-]+(, ?[A-Za-z0-9-]+)*)$/.test(v) ? undefined : 'not a header list'),
  'cors-allow-credentials': (v) => (BOOL.test(v) ? undefined : 'not a bool'),
  'cors-max-age': (v) => (TIME.test(v) ? undefined : 'not a time with a unit'),
  'auth-type': (v) => (v === 'basic-auth' ? undefined : 'only basic-auth'),
  'auth-secret': (v) => (REF.test(v) ? undefined : 'not a Secret reference'),
  'auth-realm': (v) => (v.length > 0 && !v.includes('"') ? undefined : 'empty or quoted'),
  'allow-list': (v) => (v.split(',').every((x) => IP.test(x.trim())) ? undefined : 'not an IP/CIDR list'),
  'deny-list': (v) => (v.split(',').every((x) => IP.test(x.trim())) ? undefined : 'not an IP/CIDR list'),
  'rate-limit-requests': (v) => (NUMBER.test(v) ? undefined : 'not a number'),
  'rate-limit-period': (v) => (TIME.test(v) ? undefined : 'not a time with a unit'),
  'rate-limit-status-code': (v) => (/^[1-5]\d\d$/.test(v) ? undefined : 'not a status code'),
  'rate-limit-whitelist': (v) => (v.split(',').every((x) => IP.test(x.trim())) ? undefined : 'not an IP/CIDR list'),
  'load-balance': (v) => (/^(roundrobin|static-rr|leastconn|first|source|uri|random|hdr\([A-Za-z0-9-]+\))$/.test(v) ? undefined : 'unknown algorithm'),
  'path-rewrite': (v) => {
    for (const line of v.split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp < 0) return line.startsWith('/') ? undefined : `"${line}" is neither a path nor "<regex> <replacement>"`;
      const err = pcre(line.slice(0, sp));
      if (err !== undefined) return err;
      if (!line.slice(sp + 1).startsWith('/')) return 'replacement is not a path';
    }
    return undefined;
  },
  'request-set-header': (v) => (v.split('\n').every((l) => /^[A-Za-z0-9-]+ \S.*$/.test(l)) ? undefined : 'not "Name value" lines'),
  'set-host': (v) => (HOST.test(v) ? undefined : 'not a host'),
  'request-redirect': (v) => (/^[a-zA-Z0-9.-]+(:\d+)?$/.test(v) ? undefined : 'not host[:port]'),
  'request-redirect-code': (v) => (/^3\d\d$/.test(v) ? undefined : 'not a 3xx code'),
  'cookie-persistence': (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'not a cookie name'),
};

/** Problems with the `haproxy.org/*` annotations of one object ([] when all are well formed). */
export function checkHaproxyAnnotations(annotations: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith('haproxy.org/')) continue;
    const check = CHECKS[key.slice('haproxy.org/'.length)];
    if (check === undefined) {
      out.push(`${key}: not an annotation warden knows haproxytech reads on Ingresses or Services`);
      continue;
    }
    const problem = check(annotations[key]);
    if (problem !== undefined) out.push(`${key}: ${JSON.stringify(annotations[key])}: ${problem}`);
  }
  void NAME;
  return out;
}
