// The objects of a render as Helm's ownership check sees them, in the order it visits them.
//
// Order (pkg/action/action.go renderResources, pkg/release/v1/util/manifest_sorter.go, kind_sorter.go):
// after the post-renderer Helm groups documents by their `postrenderer.helm.sh/postrender-filename`
// annotation (missing or empty: `generated-by-postrender-<i>.yaml`, i = position in the output),
// sorts the file names, keeps document order inside a file, drops hooks (documents with a
// `helm.sh/hook` annotation; hooks of unknown type are dropped altogether), then stable-sorts by kind
// in InstallOrder (unknown kinds last, alphabetically). `kube.Client.Build` keeps that order and
// flattens lists. `existingResourceConflict` visits the objects in that order and stops at the first error.

import type { SourceDocument } from '../../read/document';
import { identityKey, objectKey, parseApiVersion } from './keys';
import { crdScope, type Scope, type ScopeSource, ScopeTable } from './scope';

export const FILENAME_ANNOTATION = 'postrenderer.helm.sh/postrender-filename';
export const HOOK_ANNOTATION = 'helm.sh/hook';

/** Helm's releaseutil.InstallOrder. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass',
  'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList',
  'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList',
  'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler',
  'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const KIND_RANK = new Map<string, number>(INSTALL_ORDER.map((k, i) => [k, i]));

/** Helm's lessByKind: known kinds by InstallOrder, unknown kinds after them, alphabetically. */
export function compareKinds(a: string, b: string): number {
  const ra = KIND_RANK.get(a);
  const rb = KIND_RANK.get(b);
  if (ra === undefined && rb === undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  return ra - rb;
}

export interface RenderedObject {
  /** The document the object comes from. */
  doc: SourceDocument;
  /** Index in the `items` of a list document, when the object was flattened out of one. */
  item?: number;
  /** Position in Helm's visiting order (0-based), or -1 for hooks. */
  order: number;
  /** The file name Helm groups the document under. */
  file: string;
  apiVersion: string;
  kind: string;
  group: string;
  /** metadata.name, '' when absent. */
  name: string;
  generateName?: string;
  /** metadata.namespace as written, if any. */
  writtenNamespace?: string;
  /** The namespace Helm uses (its `info.Namespace`). */
  namespace: string;
  scope: Scope;
  scopeSource: ScopeSource;
  /** The `helm.sh/hook` annotation when the object is a hook (Helm never checks hooks). */
  hook?: string;
  annotations: Record<string, string>;
  /** Helm's objectKey. */
  key: string;
  /** Group, kind, namespace and name, without the version. */
  identity: string;
}

interface RawObject {
  doc: SourceDocument;
  item?: number;
  file: string;
  apiVersion: string;
  kind: string;
  name: string;
  generateName?: string;
  namespace?: string;
  annotations: Record<string, string>;
  hook?: string;
  /** Kind used for sorting (a list sorts by its own kind). */
  sortKind: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function listItems(doc: SourceDocument, kind: string): unknown[] | undefined {
  if (!kind.endsWith('List')) return undefined;
  const parsed = doc.value();
  if (!('value' in parsed) || !isRecord(parsed.value)) return undefined;
  const items = parsed.value.items;
  return Array.isArray(items) ? items : undefined;
}

export interface CollectOptions {
  releaseNamespace: string;
  /** Scopes from a live-state snapshot, by `group/Kind`. */
  scopes?: Readonly<Record<string, Scope>>;
}

/** The render's objects, hooks included (flagged), in Helm's visiting order (hooks last). */
export function collectObjects(documents: readonly SourceDocument[], opts: CollectOptions): RenderedObject[] {
  const raws: RawObject[] = [];
  const table = new ScopeTable();
  let position = 0;
  for (const doc of documents) {
    if (doc.empty) continue;
    const h = doc.header;
    const i = position++;
    if (h.apiVersion === undefined || h.kind === undefined) continue;
    const fileAnnotation = h.annotations[FILENAME_ANNOTATION];
    const file = fileAnnotation ? fileAnnotation : h.source ? h.source : `generated-by-postrender-${i}.yaml`;
    const hook = HOOK_ANNOTATION in h.annotations ? h.annotations[HOOK_ANNOTATION] : undefined;
    if (h.kind === 'CustomResourceDefinition' && parseApiVersion(h.apiVersion).group === 'apiextensions.k8s.io') {
      const parsed = doc.value();
      const crd = 'value' in parsed ? crdScope(parsed.value) : undefined;
      if (crd) table.add(crd.group, crd.kind, crd.scope, 'crd');
    }
    const items = listItems(doc, h.kind);
    if (items) {
      items.forEach((it, n) => {
        if (!isRecord(it) || typeof it.apiVersion !== 'string' || typeof it.kind !== 'string') return;
        const m = isRecord(it.metadata) ? it.metadata : {};
        raws.push({
          doc, item: n, file, apiVersion: it.apiVersion, kind: it.kind, sortKind: h.kind as string, hook,
          name: typeof m.name === 'string' ? m.name : '',
          generateName: typeof m.generateName === 'string' && m.generateName !== '' ? m.generateName : undefined,
          namespace: typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : undefined,
          annotations: strings(m.annotations),
        });
      });
      continue;
    }
    raws.push({
      doc, file, apiVersion: h.apiVersion, kind: h.kind, sortKind: h.kind, hook,
      name: h.name ?? '',
      generateName: h.generateName !== undefined && h.generateName !== '' ? h.generateName : undefined,
      namespace: h.namespace !== undefined && h.namespace !== '' ? h.namespace : undefined,
      annotations: h.annotations,
    });
  }
  if (opts.scopes) {
    for (const [gk, scope] of Object.entries(opts.scopes)) {
      const slash = gk.lastIndexOf('/');
      table.add(slash < 0 ? '' : gk.slice(0, slash), slash < 0 ? gk : gk.slice(slash + 1), scope, 'snapshot');
    }
  }

  // Files by name, documents in file order, then a stable sort by kind.
  const indexed = raws.map((r, n) => ({ r, n }));
  indexed.sort((a, b) => (a.r.file === b.r.file ? a.n - b.n : a.r.file < b.r.file ? -1 : 1));
  const filed = indexed.map((x, n) => ({ r: x.r, n }));
  const manifests = filed.filter((x) => x.r.hook === undefined);
  manifests.sort((a, b) => compareKinds(a.r.sortKind, b.r.sortKind) || a.n - b.n);
  const hooks = filed.filter((x) => x.r.hook !== undefined);

  const out: RenderedObject[] = [];
  for (const { r } of [...manifests, ...hooks]) {
    const { group } = parseApiVersion(r.apiVersion);
    const { scope, source } = table.lookup(group, r.kind);
    // Helm's kube client drops a namespace written on a cluster-scoped object (see keys.ts).
    const namespace = scope === 'Cluster' ? '' : (r.namespace ?? opts.releaseNamespace);
    out.push({
      doc: r.doc,
      item: r.item,
      order: r.hook === undefined ? out.length : -1,
      file: r.file,
      apiVersion: r.apiVersion,
      kind: r.kind,
      group,
      name: r.name,
      generateName: r.generateName,
      writtenNamespace: r.namespace,
      namespace,
      scope,
      scopeSource: source,
      hook: r.hook,
      annotations: r.annotations,
      key: objectKey(r.apiVersion, r.kind, namespace, r.name),
      identity: identityKey(group, r.kind, namespace, r.name),
    });
  }
  return out;
}
