// Differential test: wherever the cheap header scan claims to be exact, it must agree
// with a full YAML parse. Runs over every YAML document in the shared upstream corpus.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerFromValue, readStream } from '../../src/read/document';
import { scanHeader } from '../../src/read/scan';

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus');

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

const canonical = (h: object) =>
  JSON.stringify(Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));

describe('header scan vs full parse over ../shared/corpus', () => {
  it('agrees on every document it calls exact, and is exact on most', () => {
    let docs = 0;
    let exact = 0;
    const mismatches: string[] = [];
    for (const file of yamlFiles(corpus)) {
      const input = readFileSync(file, 'utf8');
      for (const doc of readStream(input)) {
        if (doc.empty) continue;
        const parsed = doc.value();
        if ('error' in parsed || parsed.value === null || typeof parsed.value !== 'object') continue;
        docs++;
        const h = scanHeader(doc.text, doc.bodyOffset);
        if (!h.exact) continue;
        exact++;
        const want = canonical(headerFromValue(parsed.value, h.source));
        const got = canonical(h);
        if (got !== want) {
          mismatches.push(`${file}#${doc.index}: scan ${JSON.stringify(got)} != parse ${JSON.stringify(want)}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(docs).toBeGreaterThan(500);
    expect(exact / docs).toBeGreaterThan(0.9);
  });
});

describe('header scan vs full parse on hostile shapes', () => {
  // Documents built to trip a line-oriented scan; wherever it claims exactness it must match.
  const shapes = [
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  x: "foo\nkind: B"\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\ndata:\n  s: |\n    kind: B\n',
    'apiVersion: v1\n"kind": A\nmetadata:\n  name: a\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels:\n    a: b\n    c: d\n  annotations:\n    x: "y"\n  namespace: n\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels:\n      a: b\n  namespace: n\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  # comment\n  name: a # c\n\n  namespace: n\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: >-\n    a\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  ownerReferences:\n  - name: other\n    kind: X\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: "a\\tb"\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nmetadata2:\n  name: b\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  name: b\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: null\n  namespace: ~\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: 0x1F\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: .inf\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a:b\n  namespace: http://x\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  labels:\n    "a.b/c": \'x\'\n    d: "e f"\n  name: a\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n    b\n',
    'apiVersion: v1\nkind: A\nmetadata:\n\tname: a\n',
    'kind: A\napiVersion: v1\n',
    'apiVersion: v1\nkind: A\nmetadata:\n  name: it\'s\n',
    "apiVersion: v1\nkind: A\nmetadata:\n  name: 'it''s'\n",
  ];
  for (const [i, text] of shapes.entries()) {
    it(`shape ${i + 1}`, () => {
      const h = scanHeader(text);
      const [doc] = readStream(text);
      const parsed = doc.value();
      if ('error' in parsed) return; // invalid YAML: nothing to compare
      if (h.exact) expect(canonical(h)).toBe(canonical(headerFromValue(parsed.value, h.source)));
    });
  }
});
