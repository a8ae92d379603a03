// Builders shared by the ownership tests.

import { readStream } from '../../src/read/document';
import { collectObjects } from '../../src/checks/ownership/objects';
import { decide, type DecideResult } from '../../src/checks/ownership/decide';
import { parseSnapshot, type SnapshotJson } from '../../src/checks/ownership/snapshot';

export interface ObjSpec {
  apiVersion?: string;
  namespace?: string;
  file?: string;
  hook?: string;
  generateName?: string;
  /** Omit metadata.name. */
  noName?: boolean;
  extra?: string;
}

/** One rendered document as Helm's post-renderer sees it (with the file-name annotation). */
export function obj(kind: string, name: string, o: ObjSpec = {}): string {
  const lines = [`apiVersion: ${o.apiVersion ?? 'v1'}`, `kind: ${kind}`, 'metadata:'];
  if (!o.noName) lines.push(`  name: ${name}`);
  if (o.generateName) lines.push(`  generateName: ${o.generateName}`);
  if (o.namespace) lines.push(`  namespace: ${o.namespace}`);
  lines.push('  annotations:');
  lines.push(`    postrenderer.helm.sh/postrender-filename: ${o.file ?? 'chart/templates/all.yaml'}`);
  if (o.hook) lines.push(`    helm.sh/hook: ${o.hook}`);
  if (o.extra) lines.push(o.extra);
  return lines.join('\n') + '\n';
}

export function stream(...docs: string[]): string {
  return docs.map((d) => '---\n' + d).join('');
}

export interface Scenario {
  release?: string;
  namespace?: string;
  upgrade?: boolean;
  takeOwnership?: boolean;
  live?: SnapshotJson['o'];
  previous?: string[];
  scopes?: SnapshotJson['k'];
}

export function predict(s: string, sc: Scenario = {}): DecideResult {
  const namespace = sc.namespace ?? 'default';
  const snap = parseSnapshot(JSON.stringify({ v: 1, o: sc.live ?? {}, ...(sc.previous ? { p: sc.previous } : {}), ...(sc.scopes ? { k: sc.scopes } : {}) }));
  const objects = collectObjects(readStream(s), { releaseNamespace: namespace, scopes: snap.scopes });
  return decide({
    objects,
    release: sc.release ?? 'a',
    namespace,
    upgrade: sc.upgrade ?? false,
    takeOwnership: sc.takeOwnership ?? false,
    live: (o) => snap.objects.get(o.identity),
    previous: snap.previous,
  });
}
