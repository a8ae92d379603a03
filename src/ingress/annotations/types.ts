// What the registry knows about one ingress-nginx annotation, and the value parsers
// its `value` kind selects. Parsers never throw: they return a value or an error
// message, and the caller turns errors into notifications naming Ingress + annotation.

export type Risk = 'low' | 'medium' | 'high' | 'critical';

export type TargetId = 'gateway-api' | 'traefik' | 'haproxy' | 'openshift';

/** The registry's per-target key (camel-cased TargetId). */
export type TargetKey = 'gatewayApi' | 'traefik' | 'haproxy' | 'openshift';

export const TARGET_KEYS: Record<TargetId, TargetKey> = {
  'gateway-api': 'gatewayApi',
  traefik: 'traefik',
  haproxy: 'haproxy',
  openshift: 'openshift',
};

export type TargetMapping =
  /** `faithful`: same behaviour for normal values; `partial`: approximation (always reported). */
  | { level: 'faithful' | 'partial'; mapping: string; note: string }
  /** No faithful equivalent: the reason is reported whenever the annotation is used. */
  | { level: 'none'; reason: string };

export type ValueKind =
  | 'bool' // Go strconv.ParseBool
  | 'onoff' // nginx `on` / `off`
  | 'int'
  | 'seconds' // bare integer seconds (ingress-nginx ValidateInt: "60s" is rejected)
  | 'size' // nginx size `\d+[bkmg]?`, powers of 1024; "0" = unlimited where the doc says so
  | 'cidrs' // comma-separated IPs / CIDRs
  | 'url' // absolute http(s) URL
  | 'path' // URI path (may contain `$n` captures)
  | 'enum'
  | 'ref' // `namespace/name` or `name`
  | 'hosts' // comma-separated hostnames
  | 'codes' // comma-separated HTTP status codes
  | 'list' // comma-separated strings
  | 'snippet' // raw nginx configuration: never parsed, never translated
  | 'string';

export interface AnnotationSpec {
  /** Name without the `nginx.ingress.kubernetes.io/` prefix. */
  name: string;
  /** Set on aliases (`whitelist-source-range` → `allowlist-source-range`). */
  aliasOf?: string;
  /** The registry file (area) the spec lives in. */
  area: string;
  value: ValueKind;
  values?: string[];
  caseInsensitive?: boolean;
  /** Value syntax and default, as documented. */
  syntax: string;
  semantics: string;
  risk: Risk;
  /** Defined by the parser but absent from ingress-nginx's annotations.md. */
  parserOnly?: boolean;
  targets: Record<TargetKey, TargetMapping>;
}

export interface UrlParts {
  scheme: 'http' | 'https';
  host: string;
  port?: number;
  path: string;
  query?: string;
}

export interface ObjectRef {
  namespace?: string;
  name: string;
}

export type ParsedValue =
  | boolean
  | number
  | string
  | string[]
  | number[]
  | UrlParts
  | ObjectRef;

export type ParseResult = { ok: true; value: ParsedValue } | { ok: false; error: string };

const ok = (value: ParsedValue): ParseResult => ({ ok: true, value });
const bad = (error: string): ParseResult => ({ ok: false, error });

export function parseBool(raw: string): ParseResult {
  switch (raw.trim()) {
    case '1': case 't': case 'T': case 'true': case 'TRUE': case 'True':
      return ok(true);
    case '0': case 'f': case 'F': case 'false': case 'FALSE': case 'False':
      return ok(false);
    default:
      return bad(`"${raw}" is not a boolean (expected "true" or "false")`);
  }
}

export function parseOnOff(raw: string): ParseResult {
  const v = raw.trim().toLowerCase();
  if (v === 'on') return ok(true);
  if (v === 'off') return ok(false);
  return bad(`"${raw}" is not "on" or "off"`);
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function parseInteger(raw: string): ParseResult {
  const v = raw.trim();
  const digits = v.charAt(0) === '-' ? v.slice(1) : v;
  if (!isDigits(digits)) return bad(`"${raw}" is not an integer`);
  return ok(Number(v));
}

export function parseSeconds(raw: string): ParseResult {
  const v = raw.trim();
  if (!isDigits(v)) {
    return bad(`"${raw}" is not a whole number of seconds (ingress-nginx takes a bare integer such as "60"; units like "60s" are rejected)`);
  }
  return ok(Number(v));
}

/** nginx size: `\d+[bkmg]?` (case-insensitive), powers of 1024. Returns bytes. */
export function parseSize(raw: string): ParseResult {
  const v = raw.trim();
  if (v.length === 0) return bad('empty size');
  const last = v.charAt(v.length - 1).toLowerCase();
  const unit = 'bkmg'.indexOf(last);
  const digits = unit >= 0 ? v.slice(0, -1) : v;
  if (!isDigits(digits)) return bad(`"${raw}" is not an nginx size (digits with an optional b, k, m or g suffix)`);
  const mult = unit <= 0 ? 1 : Math.pow(1024, unit);
  return ok(Number(digits) * mult);
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!isDigits(p) || p.length > 3 || Number(p) > 255) return false;
  }
  return true;
}

function isIPv6(s: string): boolean {
  if (s.indexOf(':') < 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i).toLowerCase();
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c === ':' || c === '.')) return false;
  }
  return s.split('::').length <= 2;
}

export function parseCidrList(raw: string): ParseResult {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const v = part.trim();
    if (v === '') continue;
    const slash = v.indexOf('/');
    const ip = slash >= 0 ? v.slice(0, slash) : v;
    const bits = slash >= 0 ? v.slice(slash + 1) : undefined;
    const v4 = isIPv4(ip);
    if (!v4 && !isIPv6(ip)) return bad(`"${v}" is not an IP address or CIDR`);
    if (bits !== undefined && (!isDigits(bits) || Number(bits) > (v4 ? 32 : 128))) {
      return bad(`"${v}" has an invalid prefix length`);
    }
    out.push(v);
  }
  return ok(out);
}

export function parseUrl(raw: string): ParseResult {
  const v = raw.trim();
  const sep = v.indexOf('://');
  if (sep < 0) return bad(`"${raw}" is not an absolute URL`);
  const scheme = v.slice(0, sep).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return bad(`"${raw}" is not an http or https URL`);
  const rest = v.slice(sep + 3);
  let end = rest.length;
  // `$` starts an nginx variable such as $request_uri right after the authority.
  for (const c of ['/', '?', '#', '$']) {
    const i = rest.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  const authority = rest.slice(0, end);
  let tail = rest.slice(end);
  const hash = tail.indexOf('#');
  if (hash >= 0) tail = tail.slice(0, hash);
  const q = tail.indexOf('?');
  const path = q >= 0 ? tail.slice(0, q) : tail;
  const query = q >= 0 ? tail.slice(q + 1) : undefined;
  let host = authority;
  let port: number | undefined;
  const colon = authority.lastIndexOf(':');
  if (colon >= 0 && authority.indexOf(']') < colon) {
    const p = authority.slice(colon + 1);
    if (!isDigits(p) || Number(p) > 65535) return bad(`"${raw}" has an invalid port`);
    port = Number(p);
    host = authority.slice(0, colon);
  }
  if (host === '' || host.indexOf('@') >= 0) return bad(`"${raw}" has no valid host`);
  const parts: UrlParts = { scheme, host, path };
  if (port !== undefined) parts.port = port;
  if (query !== undefined && query !== '') parts.query = query;
  return ok(parts);
}

export function parsePath(raw: string): ParseResult {
  const v = raw.trim();
  if (v.charAt(0) !== '/') return bad(`"${raw}" is not a path (it must start with "/")`);
  return ok(v);
}

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-.';
function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  for (let i = 0; i < s.length; i++) if (NAME_CHARS.indexOf(s.charAt(i)) < 0) return false;
  return s.charAt(0) !== '-' && s.charAt(0) !== '.';
}

export function parseRef(raw: string): ParseResult {
  const v = raw.trim();
  const parts = v.split('/');
  if (parts.length > 2) return bad(`"${raw}" is not "namespace/name" or "name"`);
  const name = parts[parts.length - 1];
  const namespace = parts.length === 2 ? parts[0] : undefined;
  if (!isDnsName(name) || (namespace !== undefined && !isDnsName(namespace))) {
    return bad(`"${raw}" is not "namespace/name" or "name" with valid Kubernetes names`);
  }
  return ok(namespace === undefined ? { name } : { namespace, name });
}

function splitList(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const v = part.trim();
    if (v !== '') out.push(v);
  }
  return out;
}

export function parseHosts(raw: string): ParseResult {
  const hosts = splitList(raw);
  for (const h of hosts) {
    const name = h.slice(0, 2) === '*.' ? h.slice(2) : h;
    if (!isDnsName(name.toLowerCase())) return bad(`"${h}" is not a hostname`);
  }
  return ok(hosts);
}

export function parseCodes(raw: string): ParseResult {
  const out: number[] = [];
  for (const v of splitList(raw)) {
    if (!isDigits(v) || Number(v) < 100 || Number(v) > 599) return bad(`"${v}" is not an HTTP status code`);
    out.push(Number(v));
  }
  return ok(out);
}

export function parseEnum(raw: string, values: readonly string[], caseInsensitive: boolean): ParseResult {
  const v = raw.trim();
  for (const allowed of values) {
    if (allowed === v || (caseInsensitive && allowed.toLowerCase() === v.toLowerCase())) return ok(allowed);
  }
  return bad(`"${raw}" is not one of ${values.join(', ')}`);
}

/** Parse a raw annotation value according to its spec. */
export function parseValue(spec: AnnotationSpec, raw: string): ParseResult {
  switch (spec.value) {
    case 'bool': return parseBool(raw);
    case 'onoff': return parseOnOff(raw);
    case 'int': return parseInteger(raw);
    case 'seconds': return parseSeconds(raw);
    case 'size': return parseSize(raw);
    case 'cidrs': return parseCidrList(raw);
    case 'url': return parseUrl(raw);
    case 'path': return parsePath(raw);
    case 'enum': return parseEnum(raw, spec.values ?? [], spec.caseInsensitive === true);
    case 'ref': return parseRef(raw);
    case 'hosts': return parseHosts(raw);
    case 'codes': return parseCodes(raw);
    case 'list': return ok(splitList(raw));
    case 'snippet':
    case 'string':
      return ok(raw);
  }
}
