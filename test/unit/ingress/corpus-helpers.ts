// Reading and comparing cases of the ingress-nginx → Gateway API corpus
// (../shared/corpus/ingress-nginx, read in place). Works on any directory of that
// layout: <case>/input.yaml, gateway-api.yaml, notes.txt.
//
// Normalisation before comparing (everything else must be equal):
// - the generator annotation is removed (and `metadata.annotations` when it becomes empty);
// - `status` is removed (ingress2gateway prints empty route status);
// - top-level objects are compared as a set keyed by kind/namespace/name (ingress2gateway's
//   object order varies between runs: compare gateway-api.yaml with -experimental variants);
// - Gateway listeners are sorted by name (their order follows Go map iteration);
// - backendRefs of one rule are sorted by name (canary weight pairs come in either order);
// - filters of one rule are sorted by type (at most one filter of each type is emitted).
// Rule order is compared as is.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface CorpusCase {
  name: string;
  dir: string;
  input: unknown[];
  expected: Obj[];
  /** ingress2gateway exited non-zero. */
  oracleFailed: boolean;
  notes: string;
  /** `nginx.ingress.kubernetes.io/<name>` names used by the case's Ingresses. */
  annotations: string[];
  /** Annotations ingress2gateway reported as unsupported, per Ingress (`ns/name` or '*'). */
  unsupported: { ingress: string; annotation: string }[];
}

export function loadYamlDocs(text: string): unknown[] {
  const out: unknown[] = [];
  for (const d of parseAllDocuments(text)) {
    const v = d.toJS();
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

export function listCases(root: string): string[] {
  return readdirSync(root)
    .filter((e) => statSync(join(root, e)).isDirectory() && existsSync(join(root, e, 'input.yaml')))
    .sort();
}

export function loadCase(root: string, name: string): CorpusCase {
  const dir = join(root, name);
  const input = loadYamlDocs(readFileSync(join(dir, 'input.yaml'), 'utf8'));
  const outText = existsSync(join(dir, 'gateway-api.yaml')) ? readFileSync(join(dir, 'gateway-api.yaml'), 'utf8') : '';
  const expected = outText.trim() === '' || outText.trim() === 'No resources found' ? [] : (loadYamlDocs(outText).filter(isObj) as Obj[]);
  const notes = existsSync(join(dir, 'notes.txt')) ? readFileSync(join(dir, 'notes.txt'), 'utf8') : '';
  const annotations = new Set<string>();
  for (const o of input) {
    if (!isObj(o) || o.kind !== 'Ingress' || !isObj(o.metadata) || !isObj(o.metadata.annotations)) continue;
    for (const k of Object.keys(o.metadata.annotations)) {
      if (k.startsWith('nginx.ingress.kubernetes.io/')) annotations.add(k.slice('nginx.ingress.kubernetes.io/'.length));
    }
  }
  const unsupported: { ingress: string; annotation: string }[] = [];
  for (const line of notes.split('\n')) {
    let m = /ingress (\S+) uses unsupported annotation nginx\.ingress\.kubernetes\.io\/([a-z0-9-]+)/.exec(line);
    if (m) unsupported.push({ ingress: m[1], annotation: m[2] });
    m = /Unsupported annotation nginx\.ingress\.kubernetes\.io\/([a-z0-9-]+)/.exec(line);
    if (m) unsupported.push({ ingress: '*', annotation: m[1] });
  }
  return {
    name,
    dir,
    input,
    expected,
    oracleFailed: /# exit status: [1-9]/.test(notes),
    notes,
    annotations: Array.from(annotations).sort(),
    unsupported,
  };
}

function sortBy<T>(list: T[], key: (t: T) => string): T[] {
  return list.slice().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Deep copy with the normalisations listed at the top of this file. */
export function normalise(obj: Obj): Obj {
  const copy = JSON.parse(JSON.stringify(obj)) as Obj;
  delete copy.status;
  const meta = copy.metadata as Obj | undefined;
  if (meta && isObj(meta.annotations)) {
    delete meta.annotations['gateway.networking.k8s.io/generator'];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  const spec = copy.spec as Obj | undefined;
  if (spec) {
    if (Array.isArray(spec.listeners)) spec.listeners = sortBy(spec.listeners as Obj[], (l) => String(l.name));
    if (Array.isArray(spec.rules)) {
      for (const r of spec.rules as Obj[]) {
        if (Array.isArray(r.backendRefs)) r.backendRefs = sortBy(r.backendRefs as Obj[], (b) => String(b.name) + ':' + String(b.port));
        if (Array.isArray(r.filters)) r.filters = sortBy(r.filters as Obj[], (f) => String(f.type));
      }
    }
  }
  return copy;
}

export function objectKey(o: Obj): string {
  const m = (o.metadata ?? {}) as Obj;
  return `${String(o.kind)}/${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (isObj(v)) {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/** Differences between two object sets, as readable lines (empty = semantically equal). */
export function compareObjects(actual: Obj[], expected: Obj[]): string[] {
  const diffs: string[] = [];
  const a = new Map(actual.map((o) => [objectKey(o), normalise(o)]));
  const e = new Map(expected.map((o) => [objectKey(o), normalise(o)]));
  for (const k of e.keys()) if (!a.has(k)) diffs.push(`missing ${k}`);
  for (const k of a.keys()) if (!e.has(k)) diffs.push(`extra ${k}`);
  for (const [k, exp] of e) {
    const act = a.get(k);
    if (act === undefined) continue;
    const ca = canonicalJson(act);
    const ce = canonicalJson(exp);
    if (ca !== ce) diffs.push(`differs ${k}:\n  warden: ${ca}\n  oracle: ${ce}`);
  }
  return diffs;
}
