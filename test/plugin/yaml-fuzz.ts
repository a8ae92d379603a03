// Deterministic generator of YAML documents for the native-vs-`yaml` differential
// test: scalars of every kind the core schema tells apart (and the near misses),
// every quoting and block style with chomping and indentation indicators,
// multi-line plain and quoted scalars, flow and block nesting, anchors and
// aliases (also as keys and inside their own anchor), tags, duplicate keys,
// comments, document markers, CRLF line ends, and deliberately broken text.

/** mulberry32: small, seeded, the same everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Plain scalars: core-schema words, numbers in every notation, and look-alikes.
const PLAIN = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'nul', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  'yes', 'no', 'Yes', 'NO', 'on', 'off', 'On', 'OFF', 'y', 'n', '0', '-0', '+0', '00', '010', '08', '09', '0o17', '0o8',
  '0o', '0x1F', '0xff', '0XFF', '0x', '-0x1', '+0x1', '0b101', '1_000', '12', '-12', '+12', '2147483647', '2147483648',
  '-2147483649', '4294967296', '9007199254740991', '9007199254740993', '12345678901234567890', '123456789012345678901234567890',
  '0x1fffffffffffff', '0x20000000000001', '0o777777777777777777', '0o1777777777777777777', '1.0', '-1.5', '+.5', '.5', '5.',
  '-.5', '1e3', '1E3', '1e+3', '1e-3', '1.5e10', '.5e-3', '5.e2', '1e', 'e1', '1.2.3', '1e400', '-1e400', '1e-400',
  '4.9e-324', '0.1', '0.30000000000000004', '1.7976931348623157e308', '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.iNf',
  '.nan', '.NaN', '.NAN', '-.nan', '+.nan', 'nan', 'inf', 'Infinity', '-Infinity', 'NaN', '1:30', '12:30:00',
  '2001-12-14t21:59:43.10-05:00', '2002-12-14', 'abc', 'hello world', 'a b  c', 'x-y_z', '-', '--', 'a-', 'a:b', 'a#b',
  'a #b', 'http://x.y/z?q=1#f', 'C:\\path', '@@', '`x`', '%x', '!x', '&x', '*x', '|x', '>x', '?x', 'a?', 'a|b', 'é', 'ünï',
  '日本語', '😀', '💩x', '\u00a0x', 'x\u00a0', '<<', '=', '__proto__', 'toString', 'constructor', 'hasOwnProperty',
  'length', '1.', '-.', '+', '+-1', '0.0', '-0.0', '00.5', '1__0', '0o0', '0x0', '-0o1',
];

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'key', 'name', 'value', 'kind', 'spec', 'x', 'y', 'a b', 'ü'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function dq(s: string): string {
  return JSON.stringify(s);
}

function sq(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A scalar written in some style. `inFlow`: only flow-safe forms. */
function scalar(r: () => number, indent: string, inFlow: boolean): string {
  const k = r();
  const word = pick(r, PLAIN);
  if (k < 0.45) {
    // plain, if it can be written plain here
    if (word === '' || /^[-?:,\[\]{}#&*!|>'"%@`]|: | #|:$|^\s|\s$|[\u00a0]/.test(word) || (inFlow && /[,\[\]{}]/.test(word))) return dq(word);
    return word;
  }
  if (k < 0.6) return dq(word);
  if (k < 0.7) return sq(word);
  if (k < 0.78) {
    // double-quoted escapes
    const esc = pick(r, ['\\n', '\\t', '\\\\', '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\0', '\\a', '\\e', '\\N', '\\_', '\\L', '\\P', '\\/', '\\ ', '\\b', '\\r', '\\v', '\\f', '\\ud800', '\\q']);
    return `"a${esc}b"`;
  }
  if (inFlow) {
    // multi-line flow scalars
    return pick(r, [`"one\n${indent}  two"`, `'one\n${indent}  two'`, `"one\\\n${indent}  two"`, `plain\n${indent}  more`]);
  }
  if (k < 0.9) {
    const head = pick(r, ['|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '|1+', '|-2']);
    const n = /\d/.test(head) ? Number(head.replace(/\D/g, '')) : 2;
    const pad = indent + ' '.repeat(n);
    const lines = [`${pad}line one`, `${pad}  indented`, '', `${pad}line two  `, `${pad}${pick(r, PLAIN) || 'x'}`];
    if (r() < 0.3) {
      // tabs in and around block scalar content
      const tab = pick(r, [`${pad}a\tb`, `${pad}\tlead`, `${pad}trail\t`, `${pad} \t`, `${pad}\t`, `\t${pad}x`, ` \tx`, `${indent}\t`, '\t']);
      lines.splice(Math.floor(r() * (lines.length + 1)), 0, tab);
    }
    const trail = pick(r, ['', '\n', '\n\n', `\n${pad}\n`, `\n${pad}\t\n`, '\n\t\n', `\n${indent}# c\tx\n`]);
    return `${head}\n${lines.slice(0, 1 + Math.floor(r() * lines.length)).join('\n')}${trail}`;
  }
  // multi-line plain scalar
  return `first words\n${indent}  second line\n\n${indent}  third`;
}

function flow(r: () => number, depth: number): string {
  if (depth <= 0 || r() < 0.4) return scalar(r, '', true);
  if (r() < 0.5) {
    const n = Math.floor(r() * 4);
    const items = Array.from({ length: n }, () => flow(r, depth - 1));
    return `[${items.join(', ')}${r() < 0.1 ? ',' : ''}]`;
  }
  const n = Math.floor(r() * 4);
  const items = Array.from({ length: n }, () => `${pick(r, WORDS)}: ${flow(r, depth - 1)}`);
  return `{${items.join(', ')}}`;
}

interface Ctx {
  anchors: string[];
}

/** A block node at `indent`; returns text that starts right after "key:" or "-". */
function node(r: () => number, indent: string, depth: number, ctx: Ctx): string {
  const k = r();
  let prefix = '';
  if (r() < 0.08) {
    const name = pick(r, ['a', 'b', 'c', 'base', 'x1']);
    ctx.anchors.push(name);
    prefix = ` &${name}`;
  } else if (r() < 0.02) {
    prefix = ` ${pick(r, ['!!str', '!!int', '!!map', '!custom', '!', '!!binary', '!!float', '!!null', '!!bool', '!!seq'])}`;
  }
  if (ctx.anchors.length > 0 && r() < 0.06) return ` *${pick(r, ctx.anchors)}`;
  if (depth <= 0 || k < 0.45) return `${prefix} ${scalar(r, indent, false)}`;
  if (k < 0.55) return `${prefix} ${flow(r, 3)}`;
  const child = indent + pick(r, ['  ', '    ', ' ']);
  if (k < 0.75) {
    const n = 1 + Math.floor(r() * 4);
    const seqIndent = r() < 0.3 && prefix === '' ? indent : child; // "key:\n- a" form
    const items = Array.from({ length: n }, () => `${seqIndent}-${node(r, seqIndent + '  ', depth - 1, ctx)}`);
    return `${prefix}\n${items.join('\n')}`;
  }
  const n = 1 + Math.floor(r() * 5);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    let key = pick(r, WORDS);
    const kk = r();
    if (kk < 0.1) key = pick(r, PLAIN.filter((p) => p !== '' && !/^[-?:,\[\]{}#&*!|>'"%@`]|: | #|:$|\s$/.test(p)));
    else if (kk < 0.15) key = dq(pick(r, PLAIN));
    else if (kk < 0.17 && ctx.anchors.length) key = `*${pick(r, ctx.anchors)} `;
    else if (kk < 0.19) key = `? ${pick(r, ['[a, b]', '{a: 1}', 'plain', '|\n' + child + '  block'])}\n${child}`;
    else if (kk < 0.21) key = '<<';
    if (r() < 0.05) lines.push(`${child}# a comment`);
    lines.push(`${child}${key}:${node(r, child, depth - 1, ctx)}${r() < 0.05 ? ' # trailing' : ''}`);
  }
  return `${prefix}\n${lines.join('\n')}`;
}

/** A line-level mutation: indentation changed, a line repeated, dropped or moved. */
function mutateLines(r: () => number, text: string): string {
  const lines = text.split('\n');
  const i = Math.floor(r() * lines.length);
  const k = r();
  if (k < 0.35) lines[i] = ' '.repeat(1 + Math.floor(r() * 3)) + lines[i];
  else if (k < 0.7) lines[i] = lines[i].replace(/^ {1,3}/, '');
  else if (k < 0.8) lines.splice(i, 0, lines[i]);
  else if (k < 0.9) lines.splice(i, 1);
  else {
    const [l] = lines.splice(i, 1);
    lines.splice(Math.floor(r() * lines.length), 0, l);
  }
  return lines.join('\n');
}

/** A mutation that often makes the text invalid or odd. */
function mutate(r: () => number, text: string): string {
  const i = Math.floor(r() * (text.length + 1));
  const ins = pick(r, ['\t', ' ', '\n', ':', '- ', '#', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '!x ', '|', '>', '? ', '---\n', '...\n', '%YAML 1.2\n', '\u0085', '\u2028', '\ufeff', '\u0000', '\u0007', '\r', '\\']);
  return r() < 0.5 ? text.slice(0, i) + ins + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
}

/** `text` with one to three seeded character or line mutations. */
export function mutateDocument(text: string, seed: number): string {
  const r = rng(seed);
  const m = 1 + Math.floor(r() * 3);
  for (let j = 0; j < m; j++) text = r() < 0.5 ? mutate(r, text) : mutateLines(r, text);
  return text;
}

/** `count` documents, deterministic for a seed. */
export function fuzzDocuments(count: number, seed = 1): string[] {
  const r = rng(seed);
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ctx: Ctx = { anchors: [] };
    let text = `root:${node(r, '', 1 + Math.floor(r() * 5), ctx)}\n`;
    const v = r();
    if (v < 0.1) text = `---${node(r, '', 3, ctx)}\n`;
    else if (v < 0.15) text = `--- # c\n${text}...\n`;
    else if (v < 0.2) text = `- ${flow(r, 4)}\n- x\n`;
    if (r() < 0.05) text = text.replace(/\n/g, '\r\n');
    if (r() < 0.1) text = text.replace(/\n+$/, r() < 0.5 ? '' : '\n  ');
    if (r() < 0.3) {
      const m = 1 + Math.floor(r() * 3);
      for (let j = 0; j < m; j++) text = mutate(r, text);
    } else if (r() < 0.3) {
      const m = 1 + Math.floor(r() * 2);
      for (let j = 0; j < m; j++) text = mutateLines(r, text);
    }
    docs.push(text);
  }
  // Hand-written cases around what the native reader must decline or bound.
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let j = 1; j < 5; j++) bomb.push(`${'abcdefg'[j]}: &${'abcdefg'[j]} [${Array(10).fill(`*${'abcdefg'[j - 1]}`).join(', ')}]`);
  docs.push(
    bomb.join('\n'),
    bomb.slice(0, 3).join('\n'),
    'a: &x 1\nb: *x\n*x : 3\n',
    'a: &x [1]\nb: *x\nc: *x\n',
    'a: &x {k: &y v}\nb: *y\nc: &x 2\nd: *x\n',
    'a: &r [*r]\n',
    'a: *nope\n',
    'a: 1\na: 2\n',
    '1: a\n"1": b\n',
    '~: a\n"": b\n',
    '.nan: 1\n.nan: 2\n',
    'a: {b: 1, b: 2}\n',
    '? [a, b]\n: c\n',
    '? {a: 1}\n: c\n',
    '[a, b]: c\n',
    '<<: {a: 1}\nb: 2\n',
    'a: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n',
    '%YAML 1.1\n---\na: yes\n',
    '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n',
    'a: !!binary aGVsbG8=\n',
    'a: !!str 12\n',
    'a:\n\t- b\n',
    'a:\tb\n',
    'a: "x\ty"\n',
    'a: |\n  x\n\ty\n',
    'a: "\\u00e9\\ud83d\\ude00"\n',
    'a: b\u0085c\n',
    '\ufeffa: 1\n',
    'a: [b,\nc]\n',
    'a: "b\nc"\n',
    'a:\n  - "b\n  c"\n',
    'a: |\n   \n  x\n',
    'a: >\n  \n   x\n  y\n',
    'key: [a, b\n  ]\n',
    '- [a: 1, b: 2]\n',
    '{a: 1, b}\n',
    'a: b: c\n',
    '- - - x\n',
    '[' .repeat(300) + ']'.repeat(300),
    'a:\n' + Array.from({ length: 300 }, (_, d) => ' '.repeat(d + 2) + 'k:').join('\n') + ' v\n',
    '',
    '# only a comment\n',
    '---\n',
    '--- |\n  literal root\n...\n',
    'a\n---\nb\n',
    'plain root\n',
    '"quoted root"\n',
    '&a root\n',
    '*a\n',
    'a: 0x1fffffffffffff\nb: 0x20000000000001\nc: 0o1777777777777777777\n',
    `a: ${'9'.repeat(400)}\n`,
    '__proto__: {polluted: true}\nconstructor: 1\n',
    'a: 1 # c\n# c\nb: 2\n',
    'a: "#not comment"\nb: x#y\n',
    'a: "x"#c\n',
    "a: 'x'#c\n",
    'a: [b]#c\n',
    'a: {b: c}#c\n',
    'a: [b,#c\n  d]\n',
    'a: [#c\n  d]\n',
    'a: |#c\n  x\n',
    'a: |-#c\n  x\n',
    'a: |2\n    x\n    \n',
    'a: &x |\n  y\nb: *x\n',
    'a: &x >-\n  y\n  z\nb: *x\n',
    'é: "x"\nü: [a, "b"]#c\n',
    '- ü: "x\n   y"\n',
    'a: *x#c\n',
    `long: ${'x'.repeat(2000)}\n`,
    `${'k'.repeat(1100)}: v\n`,
  );
  return docs;
}
