// XML text and attribute escaping for the JUnit report.

/** Characters XML 1.0 cannot hold at all (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
function legal(code: number): boolean {
  if (code === 0x9 || code === 0xa || code === 0xd) return true;
  if (code < 0x20) return false;
  if (code === 0xfffe || code === 0xffff) return false;
  return true;
}

function escapeWith(s: string, attr: boolean): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x26) rep = '&amp;';
    else if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (attr && c === 0x22) rep = '&quot;';
    else if (attr && c === 0x27) rep = '&apos;';
    else if (attr && (c === 0xa || c === 0xd || c === 0x9)) rep = `&#${c};`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = '\ufffd';
    else if (!legal(c)) rep = '\ufffd';
    if (rep === undefined) continue;
    parts.push(s.slice(start, i), rep);
    start = i + 1;
  }
  if (start === 0) return s;
  parts.push(s.slice(start));
  return parts.join('');
}

export function xmlText(s: string): string {
  return escapeWith(s, false);
}

export function xmlAttr(s: string): string {
  return escapeWith(s, true);
}
