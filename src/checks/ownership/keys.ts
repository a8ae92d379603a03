// How Helm names objects in its ownership check.
//
// - `objectKey` (pkg/action/upgrade.go): `fmt.Sprintf("%s/%s/%s/%s", gvk.GroupVersion().String(), gvk.Kind,
//   r.Namespace, r.Name)`. `GroupVersion.String()` is `version` for the core group and `group/version`
//   otherwise, so the key is `v1/ConfigMap/ns/name` or `apps/v1/Deployment/ns/name`.
// - `resourceString` (pkg/action/validate.go): `fmt.Sprintf("%s %q in namespace %q", kind, name, namespace)`.
// - The namespace is cli-runtime's (`NamespaceParam(<release ns>).DefaultNamespace()`): namespaced objects
//   without one get the release namespace, a written one is kept. Cluster-scoped objects always have "":
//   the Builder's FilterNamespace clears a namespace written on them (cli-runtime builder.go, v0.37.1),
//   as the real-cluster e2e test showed (the error says `in namespace ""`, and upgrade keys use "").

export interface GroupVersion {
  group: string;
  version: string;
}

/** `apps/v1` → {apps, v1}; `v1` → {"", v1} (schema.ParseGroupVersion). */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** GroupVersion.String(): the version alone for the core group. */
export function groupVersionString(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Helm's objectKey: `<group/version or version>/<Kind>/<namespace>/<name>`. */
export function objectKey(apiVersion: string, kind: string, namespace: string, name: string): string {
  return `${groupVersionString(parseApiVersion(apiVersion))}/${kind}/${namespace}/${name}`;
}

/**
 * The identity of a live object, without the version: the same object is served at every version
 * of its group, so a live-state entry matches whatever version the render uses.
 */
export function identityKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}|${kind}|${namespace}|${name}`;
}

/** `group/Kind`, the key of the scope table (`/Kind` would be odd: core kinds are just `Kind`). */
export function groupKind(group: string, kind: string): string {
  return group === '' ? kind : `${group}/${kind}`;
}

/** Splits an objectKey back into its parts; undefined when it does not have 4 or 5 segments. */
export function parseObjectKey(key: string): { group: string; version: string; kind: string; namespace: string; name: string } | undefined {
  const parts = key.split('/');
  if (parts.length === 4) {
    const [version, kind, namespace, name] = parts;
    return { group: '', version, kind, namespace, name };
  }
  if (parts.length === 5) {
    const [group, version, kind, namespace, name] = parts;
    return { group, version, kind, namespace, name };
  }
  return undefined;
}

const HEX = '0123456789abcdef';

function hex2(c: number): string {
  return HEX[(c >> 4) & 15] + HEX[c & 15];
}

/** Characters Go's unicode.IsPrint rejects among the ones charts can plausibly contain. */
function goNonPrintable(c: number): boolean {
  if (c < 0x20 || c === 0x7f) return true;
  if (c >= 0x80 && c <= 0x9f) return true;
  if (c === 0xad) return true; // soft hyphen (Cf)
  if (c >= 0x200b && c <= 0x200f) return true; // zero-width and direction marks (Cf)
  if (c >= 0x2028 && c <= 0x202e) return true; // line/paragraph separators, embeddings (Zl, Zp, Cf)
  if (c >= 0x2060 && c <= 0x206f) return true;
  if (c === 0xfeff) return true;
  if (c >= 0xd800 && c <= 0xdfff) return true; // lone surrogates (invalid UTF-8 in Go)
  if (c === 0x2000 || (c > 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0xa0) return true; // spaces other than U+0020
  return false;
}

/** Go's `%q` for a string (strconv.Quote): escapes quotes, backslashes and non-printable characters. */
export function goQuote(s: string): string {
  // printable ASCII without quotes or backslashes (names almost always are) is written as is
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
    }
    if (!goNonPrintable(c)) {
      out += ch;
    } else if (c < 0x80) {
      out += '\\x' + hex2(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += '\\u' + hex2(c >> 8) + hex2(c & 0xff);
    }
  }
  return out + '"';
}

/** Helm's resourceString: `Kind "name" in namespace "ns"`. */
export function resourceString(kind: string, name: string, namespace: string): string {
  return `${kind} ${goQuote(name)} in namespace ${goQuote(namespace)}`;
}
