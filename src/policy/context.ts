// The JSON context variables are resolved against (Kyverno pkg/engine/context):
// request.*, serviceAccountName/Namespace, images, element/elementIndex, values.

import { isMap } from './operators/value';

export interface ImageInfo {
  registry: string;
  path: string;
  name: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

/** Parses an image reference the way Kyverno's image infos do. */
export function parseImage(image: string): ImageInfo | undefined {
  if (image === '') return undefined;
  let ref = image;
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  if (slash < 0) ref = 'docker.io/' + ref; // Kyverno adds the registry only: the path of `nginx` is `nginx`
  else if (!(first.indexOf('.') >= 0 || first.indexOf(':') >= 0 || first === 'localhost') || first !== first.toLowerCase()) ref = 'docker.io/' + ref;
  let digest = '';
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
  }
  let tag = '';
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
  }
  const s = ref.indexOf('/');
  const registry = ref.slice(0, s);
  const path = ref.slice(s + 1);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (tag === '' && digest === '') tag = 'latest';
  const base = `${registry}/${path}`;
  return {
    registry,
    path,
    name,
    tag,
    digest,
    reference: digest ? `${base}@${digest}` : `${base}:${tag}`,
    referenceWithTag: `${base}:${tag}`,
  };
}

const TEMPLATE_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job']);

export function podSpecOf(resource: Record<string, unknown>): Record<string, unknown> | undefined {
  const kind = resource.kind;
  const get = (o: unknown, ...ks: string[]) => {
    let cur = o;
    for (const k of ks) cur = isMap(cur) ? cur[k] : undefined;
    return isMap(cur) ? cur : undefined;
  };
  if (kind === 'Pod') return get(resource, 'spec');
  if (typeof kind === 'string' && TEMPLATE_KINDS.has(kind)) return get(resource, 'spec', 'template', 'spec');
  if (kind === 'CronJob') return get(resource, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  return undefined;
}

const imagesCache = new WeakMap<object, Record<string, Record<string, ImageInfo>> | null>();

/** The `images` context variable; computed once per resource object, shared by every policy (read-only). */
export function imagesOf(resource: Record<string, unknown>): Record<string, Record<string, ImageInfo>> | null {
  let images = imagesCache.get(resource);
  if (images === undefined) {
    images = imagesOfUncached(resource);
    imagesCache.set(resource, images);
  }
  return images;
}

function imagesOfUncached(resource: Record<string, unknown>): Record<string, Record<string, ImageInfo>> | null {
  const spec = podSpecOf(resource);
  if (!spec) return null;
  const out: Record<string, Record<string, ImageInfo>> = {};
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isMap(c) || typeof c.name !== 'string' || typeof c.image !== 'string') continue;
      const info = parseImage(c.image);
      if (!info) continue;
      (out[field] = out[field] ?? {})[c.name] = info;
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

export interface RequestInfo {
  operation?: string;
  oldObject?: unknown;
  userInfo?: unknown;
  roles?: string[];
  clusterRoles?: string[];
}

/** Sets a dotted key (`request.operation`) inside a context object. */
export function setDotted(ctx: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = ctx;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (!isMap(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

export function buildContext(resource: Record<string, unknown>, req: RequestInfo = {}, values: Record<string, unknown> = {}): Record<string, unknown> {
  const meta = isMap(resource.metadata) ? resource.metadata : {};
  const ctx: Record<string, unknown> = {
    request: {
      object: resource,
      oldObject: req.oldObject ?? null,
      operation: req.operation ?? 'CREATE',
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      userInfo: req.userInfo ?? {},
      roles: req.roles ?? null,
      clusterRoles: req.clusterRoles ?? null,
    },
    serviceAccountName: '',
    serviceAccountNamespace: '',
    images: imagesOf(resource),
  };
  // Values may write below `images`: give them a copy, never the shared one.
  if (ctx.images !== null && Object.keys(values).some((k) => k === 'images' || k.startsWith('images.'))) ctx.images = structuredCopy(ctx.images);
  for (const [k, v] of Object.entries(values)) {
    if (k.indexOf('.') >= 0) setDotted(ctx, k, v);
    else ctx[k] = isMap(ctx[k]) && isMap(v) ? mergeMaps(ctx[k] as Record<string, unknown>, v) : v;
  }
  return ctx;
}

function mergeMaps(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(out[k]) && isMap(v) ? mergeMaps(out[k] as Record<string, unknown>, v) : v;
  return out;
}

function structuredCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
