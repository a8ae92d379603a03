import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { splitStream } from '../../src/read/split';
import { scanHeader } from '../../src/read/scan';
import { readStream } from '../../src/read/document';

const texts = (s: string) => splitStream(s).map((d) => s.slice(d.start, d.end));
const join = (s: string) => texts(s).join('');

describe('splitStream keeps every byte', () => {
  const cases: Record<string, string> = {
    empty: '',
    'single doc, no marker': 'a: 1\n',
    'no trailing newline': '---\na: 1',
    'helm style': '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: A\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: B\n',
    'comments only docs': '---\n# just a comment\n---\n\n\n---\napiVersion: v1\nkind: X\n',
    CRLF: '---\r\napiVersion: v1\r\nkind: A\r\n---\r\napiVersion: v1\r\nkind: B\r\n',
    BOM: '\uFEFF---\napiVersion: v1\nkind: A\n---\nkind: B\n',
    'BOM no marker': '\uFEFFapiVersion: v1\nkind: A\n',
    'end markers': 'a: 1\n...\n---\nb: 2\n...\n',
    'bare doc after end marker': 'a: 1\n...\nb: 2\n',
    'marker with content': '--- |\n  text\n--- !!map\na: 1\n',
    'marker with comment': '--- # first\na: 1\n---\t\nb: 2\n',
    'dashes that are not markers': 'a: ---\nb: "---"\nc: ----\n---x: 1\n',
    'indented dashes in block scalar': 'data:\n  s: |\n    ---\n    x\n---\nb: 1\n',
    'very long line': 'a: ' + 'x'.repeat(200_000) + '\n---\nb: 1\n',
    'whitespace only': '   \n\n  \n',
    'blank line before marker': '\n---\na: 1\n',
    'marker on last line': 'a: 1\n---',
    'dots then dashes': 'a: 1\n...\n# c\n---\nb: 2\n',
    'only markers': '---\n---\n---\n',
  };
  for (const [name, input] of Object.entries(cases)) {
    it(name, () => {
      expect(join(input)).toBe(input);
      const segs = splitStream(input);
      segs.forEach((s, i) => {
        expect(s.index).toBe(i);
        if (i > 0) expect(s.start).toBe(segs[i - 1].end);
      });
      expect(readStream(input).map((d) => d.text).join('')).toBe(input);
    });
  }

  it('splits where the YAML library sees documents', () => {
    const input = cases['helm style'] + cases['comments only docs'] + '---\ndata:\n  s: |\n    ---\n    x\n';
    const ours = splitStream(input);
    const theirs = parseAllDocuments(input);
    expect(ours.length).toBe(theirs.length);
    expect(ours.map((s) => !s.empty)).toEqual(theirs.map((d) => d.toJS() !== null));
    expect(ours.map((s) => s.start)).toEqual(theirs.map((d) => d.range[0]));
  });

  it('block scalars with an indented --- stay in one document', () => {
    expect(texts(cases['indented dashes in block scalar'])).toEqual(['data:\n  s: |\n    ---\n    x\n', '---\nb: 1\n']);
  });

  it('marks empty documents and numbers lines', () => {
    const segs = splitStream(cases['comments only docs']);
    expect(segs.map((s) => s.empty)).toEqual([true, true, false]);
    expect(readStream(cases['comments only docs']).map((d) => d.line)).toEqual([1, 3, 6]);
    expect(readStream(cases['helm style']).map((d) => d.line)).toEqual([1, 5]);
  });

  it('end markers close documents', () => {
    expect(texts(cases['bare doc after end marker'])).toEqual(['a: 1\n...\n', 'b: 2\n']);
  });

  it('keeps a leading BOM in the first segment', () => {
    const segs = splitStream(cases.BOM);
    expect(texts(cases.BOM)[0].startsWith('\uFEFF---\n')).toBe(true);
    expect(segs[0].bodyOffset).toBe(5);
  });
});

describe('scanHeader', () => {
  it('reads identity fields of a Helm document', () => {
    const h = scanHeader(
      '# Source: web/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: "prod"\n  labels:\n    app.kubernetes.io/name: web # comment\n  annotations:\n    "helm.sh/hook": pre-install\n    postrenderer.helm.sh/postrender-filename: \'web/templates/deploy.yaml\'\nspec:\n  replicas: 1\n  template:\n    metadata:\n      name: inner\n',
    );
    expect(h).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'prod',
      labels: { 'app.kubernetes.io/name': 'web' },
      annotations: { 'helm.sh/hook': 'pre-install', 'postrenderer.helm.sh/postrender-filename': 'web/templates/deploy.yaml' },
      source: 'web/templates/deploy.yaml',
      exact: true,
    });
  });

  const inexact: Record<string, string> = {
    'flow metadata': 'kind: A\nmetadata: {name: x}\n',
    'anchor name': 'kind: A\nmetadata:\n  name: &n x\n',
    'multi-line name': 'kind: A\nmetadata:\n  name: x\n    y\n',
    'escaped quote': 'kind: "A\\u0041"\n',
    'numeric name': 'kind: A\nmetadata:\n  name: 123\n',
    'boolean label': 'kind: A\nmetadata:\n  labels:\n    on: true\n',
    'duplicate key': 'kind: A\nkind: B\n',
    'tagged kind': 'kind: !!str A\n',
    'block scalar kind': 'kind: |\n  A\n',
    'top-level sequence': '- a\n- b\n',
  };
  for (const [name, text] of Object.entries(inexact)) {
    it(`gives up on ${name}`, () => expect(scanHeader(text).exact).toBe(false));
  }

  it('agrees with a full parse on every exact document', () => {
    const samples = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: a-b.c\n    namespace: ns1\ndata:\n  kind: nope\n',
      "apiVersion: 'v1'\nkind: Secret # the kind\nmetadata:\n  generateName: job-\n  labels:\n    'x': 'it''s'\n",
      'kind: Service\r\napiVersion: v1\r\nmetadata:\r\n  name: svc\r\n',
    ];
    for (const s of samples) {
      const h = scanHeader(s);
      expect(h.exact).toBe(true);
      const [doc] = readStream(s);
      const v = doc.value() as { value: Record<string, any> };
      expect(h.kind).toBe(v.value.kind);
      expect(h.apiVersion).toBe(v.value.apiVersion);
      expect(h.name).toBe(v.value.metadata?.name);
      expect(h.namespace).toBe(v.value.metadata?.namespace);
      expect(h.generateName).toBe(v.value.metadata?.generateName);
    }
  });
});

describe('SourceDocument', () => {
  it('falls back to a parse when the scan is unsure', () => {
    const [doc] = readStream('kind: A\napiVersion: v1\nmetadata: {name: x, namespace: y}\n');
    expect(doc.header).toMatchObject({ kind: 'A', name: 'x', namespace: 'y', exact: true });
  });

  it('reports YAML errors with stream line numbers', () => {
    const docs = readStream('---\na: 1\n---\nkind: A\nb: [1, 2\n');
    const v = docs[1].value();
    expect('error' in v).toBe(true);
    if ('error' in v) expect(v.error.line).toBeGreaterThanOrEqual(4);
  });

  it('survives deep nesting', () => {
    const deep = 'kind: A\nspec: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
    const [doc] = readStream(deep);
    expect(doc.header.kind).toBe('A');
  });

  it('numbers lines right whatever order documents are asked in', () => {
    let text = '';
    for (let i = 0; i < 300; i++) {
      text += `---\n# Source: c/templates/${i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n${i % 7 === 0 ? '\n\n' : ''}data:\n  a: "${'x\\n'.repeat(i % 3)}"\n`;
    }
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 4; round++) {
      const docs = readStream(text);
      // forward, backward, then a shuffled order (each document's line is computed once)
      const order = round === 0 ? docs.map((d) => d.index) : round === 1 ? docs.map((d) => d.index).reverse() : docs.map((d) => d.index).sort((a, b) => ((a * 7919 + next()) % 1000) - ((b * 7919 + next()) % 1000));
      for (const i of order) expect(docs[i].line).toBe(lineOf(docs[i].start));
    }
  });
});
