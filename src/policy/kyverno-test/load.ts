// Finding and loading kyverno-test.yaml files and the files they name, through a TestFs.

import { parseAllDocuments } from 'yaml';
import { isMap } from '../operators/value';
import type { TestFs } from './types';

export type Obj = Record<string, unknown>;

export const TEST_FILE_NAME = 'kyverno-test.yaml';

/** Joins `/`-separated path parts, resolving `.` and `..` (an absolute base stays absolute). */
export function joinPath(base: string, rel: string): string {
  if (rel.startsWith('/')) return normalizePath(rel);
  return normalizePath(base === '' ? rel : `${base}/${rel}`);
}

export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && abs) continue;
    else out.push(part);
  }
  const s = out.join('/');
  return abs ? '/' + s : s === '' ? '.' : s;
}

export function dirnamePath(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : p.slice(0, i);
}

/** Every file named `fileName` under `root`, depth first, entries sorted by name (`.git` skipped; tests often live in `.kyverno-test/`). */
export function findTestFiles(fs: TestFs, root: string, fileName = TEST_FILE_NAME): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.list(dir).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.dir) {
        if (e.name !== '.git') walk(joinPath(dir, e.name));
      } else if (e.name === fileName) out.push(joinPath(dir, e.name));
    }
  };
  walk(root);
  return out;
}

/** The YAML documents of a file (a `List` is flattened into its items). Throws naming the file and line. */
export function loadDocuments(fs: TestFs, file: string): Obj[] {
  let text: string;
  try {
    text = fs.read(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseDocuments(text, file);
}

export function parseDocuments(text: string, file: string): Obj[] {
  const out: Obj[] = [];
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length > 0) {
      const err = d.errors[0];
      const line = err.linePos?.[0]?.line;
      throw new Error(`${file}${line ? `:${line}` : ''}: invalid YAML: ${err.message.split('\n')[0]}`);
    }
    const v = d.toJS({ maxAliasCount: 1000 }) as unknown;
    if (!isMap(v)) continue;
    if (v.kind === 'List' && Array.isArray(v.items)) {
      for (const i of v.items) if (isMap(i)) out.push(i);
    } else {
      out.push(v);
    }
  }
  return out;
}

/** A field looked up the way Go's JSON decoder does: exact name first, then case-insensitively. */
export function field(o: Obj, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

export function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String);
  if (typeof v === 'string' && v !== '') return [v];
  return [];
}

/** Kinds that are cluster-scoped: the CLI does not give them a default namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'ClusterPolicy', 'APIService', 'CSIDriver', 'CSINode', 'FlowSchema', 'PriorityLevelConfiguration', 'ClusterIssuer',
  'PodSecurityPolicy', 'VolumeSnapshotClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'ClusterPolicyReport', 'ClusterServingRuntime',
  'ClusterSecretStore', 'ClusterExternalSecret', 'GatewayClass', 'ClusterTask', 'ClusterTriggerBinding', 'NodePool', 'EC2NodeClass',
  'ClusterImagePolicy', 'Provisioner', 'AWSNodeTemplate', 'SecurityContextConstraints', 'Project', 'ClusterVersion',
  'ValidatingPolicy', 'MutatingPolicy', 'GeneratingPolicy', 'ImageValidatingPolicy', 'DeletingPolicy', 'ClusterReport',
  'ClusterRoleTemplate', 'VolumeAttachment', 'CertificateSigningRequest', 'ClusterCleanupPolicy', 'ClusterEphemeralReport',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** As the CLI loads resources: a namespaced kind without a namespace gets `default` in the object. */
export function withDefaultNamespace(r: Obj): Obj {
  const kind = typeof r.kind === 'string' ? r.kind : '';
  if (isClusterScoped(kind)) return r;
  const meta = isMap(r.metadata) ? r.metadata : {};
  if (typeof meta.namespace === 'string' && meta.namespace !== '') return r;
  return { ...r, metadata: { ...meta, namespace: 'default' } };
}
