// The ownership check: predicts what Helm's ownership check (existingResourceConflict /
// requireAdoption) will do with this render, lists every conflict instead of Helm's first, and
// reports what is visible without a cluster. It never changes a manifest.

import type { WardenOptions } from '../../args';
import { emptyResult, type Check, type CheckResult } from '../check';
import { removedByPolicyCheck } from '../policy/delivery';
import type { DocumentRef, Finding, FindingResult } from '../../report/finding';
import {
  decide,
  MANAGED_BY_HELM,
  MANAGED_BY_LABEL,
  RELEASE_NAME_ANNOTATION,
  RELEASE_NAMESPACE_ANNOTATION,
  NAME_AND_GENERATE_NAME,
  type Decision,
  type DecideResult,
} from './decide';
import { goQuote, groupKind, identityKey, resourceString } from './keys';
import { collectObjects, FILENAME_ANNOTATION, type RenderedObject } from './objects';
import { ownershipHttp } from './host';
import { gunzip } from './inflate';
import { readLiveState, runLiveReader } from './live';
import { snapshotFromJson, SnapshotError, utf8Decode, type LiveState, type OwnershipSnapshot } from './snapshot';
import { staticProblems, type StaticProblem } from './static';
import { applyFindings, predictApply, type ApplyPrediction } from './apply';

export const DEFAULT_NAMESPACE = 'default';

/** The document's ref, naming the object as Helm sees it (List items, defaulted namespace). */
function ref(o: RenderedObject): DocumentRef {
  return {
    ...o.doc.ref,
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name !== '' ? o.name : o.generateName,
    namespace: o.namespace !== '' ? o.namespace : undefined,
  };
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9._/=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `configmap/web`, `deployment.apps/web`: what kubectl accepts for any kind. */
function kubectlTarget(o: RenderedObject): string {
  const type = o.group === '' ? o.kind.toLowerCase() : `${o.kind.toLowerCase()}.${o.group}`;
  const ns = o.scope === 'Namespaced' ? ` --namespace ${shellWord(o.namespace)}` : '';
  return `${shellWord(`${type}/${o.name}`)}${ns}`;
}

/** The kubectl commands that give the object this release's ownership metadata (only what is wrong). */
export function adoptionCommands(d: Decision, release: string, namespace: string): string[] {
  const live = d.live && d.live.found === true ? d.live : {};
  const target = kubectlTarget(d.object);
  const out: string[] = [];
  if ((live as { managedBy?: string }).managedBy !== MANAGED_BY_HELM) {
    out.push(`kubectl label ${target} ${MANAGED_BY_LABEL}=${MANAGED_BY_HELM} --overwrite`);
  }
  const ann: string[] = [];
  if ((live as { releaseName?: string }).releaseName !== release) ann.push(shellWord(`${RELEASE_NAME_ANNOTATION}=${release}`));
  if ((live as { releaseNamespace?: string }).releaseNamespace !== namespace) {
    ann.push(shellWord(`${RELEASE_NAMESPACE_ANNOTATION}=${namespace}`));
  }
  if (ann.length > 0) out.push(`kubectl annotate ${target} ${ann.join(' ')} --overwrite`);
  return out;
}

/** Who owns the object now, in words. */
export function ownerText(d: Decision): string {
  const live = d.live;
  if (!live || live.found !== true) return 'exists';
  const c = d.liveClassification ?? d.classification;
  if (c === 'unmanaged') return 'exists without Helm ownership metadata (created outside Helm, e.g. with kubectl)';
  if (c === 'other-release') {
    const ns = live.releaseNamespace !== undefined ? ` in namespace ${goQuote(live.releaseNamespace)}` : '';
    return `belongs to Helm release ${goQuote(live.releaseName ?? '')}${ns}`;
  }
  const have: string[] = [];
  have.push(live.managedBy === undefined ? `no ${MANAGED_BY_LABEL} label` : `${MANAGED_BY_LABEL}=${live.managedBy}`);
  have.push(live.releaseName === undefined ? `no ${RELEASE_NAME_ANNOTATION}` : `${RELEASE_NAME_ANNOTATION}=${live.releaseName}`);
  have.push(
    live.releaseNamespace === undefined ? `no ${RELEASE_NAMESPACE_ANNOTATION}` : `${RELEASE_NAMESPACE_ANNOTATION}=${live.releaseNamespace}`,
  );
  return `exists with partial Helm ownership metadata (${have.join(', ')})`;
}

interface Context {
  options: WardenOptions;
  release?: string;
  namespace: string;
  namespaceGiven: boolean;
  enforce: boolean;
}

function staticFinding(p: StaticProblem, ctx: Context): Finding {
  const o = p.object;
  const rs = resourceString(o.kind, o.name || o.generateName || '', o.namespace);
  const blockingResult: FindingResult = ctx.enforce ? 'fail' : 'warn';
  const base = { check: 'ownership' as const, document: ref(o) };
  switch (p.rule) {
    case 'duplicate-object': {
      const first = p.first.doc;
      const where = first.header.source ?? first.header.annotations[FILENAME_ANNOTATION];
      return {
        ...base,
        rule: 'ownership/duplicate-object',
        result: blockingResult,
        enforce: ctx.enforce,
        message:
          `${rs} is rendered twice (first as document ${first.index + 1}${where ? ` from ${where}` : ''}). ` +
          'Helm has no duplicate check of its own: it sends both to the cluster, and one silently overwrites the other',
        fix: 'render each object once (a template included twice, or two charts rendering the same name)',
      };
    }
    case 'namespace-mismatch':
      return {
        ...base,
        rule: 'ownership/namespace-mismatch',
        result: 'warn',
        enforce: false,
        path: 'metadata.namespace',
        message:
          `hard-coded namespace ${goQuote(o.writtenNamespace ?? '')} differs from the release namespace ${goQuote(ctx.namespace)}: ` +
          'Helm creates the object there ' +
          'while the release lives elsewhere, and two releases of this chart in different namespaces render the same object',
        fix: 'use {{ .Release.Namespace }} or leave metadata.namespace out',
      };
    case 'namespace-ignored':
      return {
        ...base,
        rule: 'ownership/namespace-ignored',
        result: 'info',
        enforce: false,
        path: 'metadata.namespace',
        message:
          `${o.kind} is cluster-scoped: Kubernetes and Helm ignore metadata.namespace ${goQuote(o.writtenNamespace ?? '')} ` +
          `(Helm names it ${resourceString(o.kind, o.name, o.namespace)}); it misleads readers of the chart`,
        fix: 'leave metadata.namespace out of cluster-scoped objects',
      };
    case 'cluster-scoped-name':
      return {
        ...base,
        rule: 'ownership/cluster-scoped-name',
        result: 'warn',
        enforce: false,
        path: 'metadata.name',
        message:
          `cluster-scoped ${o.kind} ${goQuote(o.name)} ` +
          (ctx.release !== undefined ? `does not contain the release name ${goQuote(ctx.release)}` : 'has a generic name') +
          ': a second release of this chart, in any namespace, renders the same object and Helm refuses to install it ' +
          '(it belongs to the first release)',
        fix: 'name it after the release, e.g. {{ .Release.Name }}-… or the chart\'s fullname helper',
      };
    case 'assumed-namespaced':
      return {
        ...base,
        rule: 'ownership/assumed-namespaced',
        result: 'info',
        enforce: false,
        message:
          `${groupKind(o.group, o.kind)} is not a built-in kind and no CustomResourceDefinition in the render (or the snapshot) ` +
          `says its scope: warden assumes it is namespaced (key ${o.key})`,
      };
    case 'name-and-generate-name':
      return {
        ...base,
        rule: 'ownership/name-and-generate-name',
        result: blockingResult,
        enforce: ctx.enforce,
        path: 'metadata.generateName',
        message:
          `metadata.name and metadata.generateName are both set: Helm's ownership check fails with ` +
          `"unable to continue with ${ctx.options.upgrade ? 'update' : 'install'}: ${NAME_AND_GENERATE_NAME}"`,
        fix: 'set only one of them',
      };
  }
}

function helmStops(res: DecideResult, d: Decision): string {
  if (res.stopsAt !== d || res.helmError === undefined) return '';
  return ` Helm stops at this object${res.uncertain ? ' (if nothing before it fails first)' : ''} with: ${res.helmError}`;
}

function decisionFindings(res: DecideResult, ctx: Context, release: string): Finding[] {
  const out: Finding[] = [];
  const op = ctx.options.upgrade ? 'upgrade' : 'install';
  for (const d of res.decisions) {
    const o = d.object;
    const rs = resourceString(o.kind, o.name, o.namespace);
    const base = { check: 'ownership' as const, document: ref(o) };
    if (d.outcome === 'conflict') {
      const cmds = adoptionCommands(d, release, ctx.namespace);
      const fixes = [
        `pass --take-ownership to helm ${op}`,
        `or adopt it by hand: ${cmds.join(' && ')}`,
        d.classification === 'other-release' ? 'or rename it so each release has its own' : 'or rename it in the chart',
      ];
      const blocking = ctx.enforce && !d.uncertain;
      out.push({
        ...base,
        rule: 'ownership/conflict',
        result: blocking ? 'fail' : 'warn',
        enforce: blocking,
        message:
          `${rs} ${ownerText(d)}; ` +
          (res.stopsAt === d && res.helmError !== undefined
            ? `Helm stops at this object${res.uncertain ? ' (if nothing before it fails first)' : ''} with: ${res.helmError}`
            : `Helm refuses to ${op} release ${goQuote(release)} over it: ${d.error}`) +
          (d.uncertain ? '. (Uncertain: without the previous release\'s keys warden cannot tell whether Helm checks this object.)' : ''),
        fix: fixes.join('; '),
      });
    } else if (d.outcome === 'adopt') {
      const other = d.classification === 'other-release' && d.live?.found === true ? d.live : undefined;
      out.push({
        ...base,
        rule: 'ownership/will-adopt',
        result: other ? 'warn' : 'info',
        enforce: false,
        message:
          `${rs} ${ownerText(d)}; --take-ownership adopts it without checking: Helm updates it and stamps release ` +
          `${goQuote(release)} in namespace ${goQuote(ctx.namespace)} on it` +
          (other
            ? `. Release ${goQuote(other.releaseName ?? '')} still lists it in its manifest: its next upgrade changes it back without any check`
            : ''),
      });
    } else if (d.outcome === 'error' && d.classification === 'lookup-error') {
      const blocking = ctx.enforce && !d.uncertain;
      out.push({
        ...base,
        rule: 'ownership/lookup-failed',
        result: blocking ? 'fail' : 'warn',
        enforce: blocking,
        message: `reading ${rs} failed when the snapshot was taken; Helm stops with the same kind of error: ${d.error}.${helmStops(res, d)}`,
        fix: 'give the credentials used by helm read access to this object, or take the snapshot again',
      });
    } else if (d.outcome === 'unknown') {
      out.push({
        ...base,
        rule: 'ownership/not-in-snapshot',
        result: 'warn',
        enforce: false,
        message: `the snapshot has no entry for ${rs} (key ${o.key}): its ownership was not checked`,
        fix: 'take the snapshot again from this render',
      });
    } else if (d.classification === 'in-previous-release' && (d.liveClassification === 'other-release' || d.liveClassification === 'unmanaged' || d.liveClassification === 'partial')) {
      out.push({
        ...base,
        rule: 'ownership/contested',
        result: 'warn',
        enforce: false,
        message:
          `${rs} ${ownerText(d)}, but it is in the previous release's manifest, so Helm does not check it: ` +
          `this upgrade overwrites it and stamps release ${goQuote(release)} on it again`,
        fix: 'decide which release owns it; remove it from the other chart or rename it',
      });
    }
  }
  return out;
}

function predictionFinding(res: DecideResult, ctx: Context, release: string, apply?: ApplyPrediction): Finding {
  const counts = new Map<string, number>();
  for (const d of res.decisions) {
    const k = d.classification;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const op = ctx.options.upgrade ? 'upgrade' : 'install';
  const checked = res.decisions.filter((d) => d.checked && d.object.hook === undefined).length;
  const verdict =
    res.helmError !== undefined
      ? `Helm ${op} would fail${res.uncertain ? ' (probably)' : ''} with: ${res.helmError}`
      : apply?.helmError !== undefined
        ? `Helm ${op} passes the ownership check${res.uncertain ? ' as far as the live state tells' : ''}, then its server-side apply would fail with: ${apply.helmError}`
        : res.uncertain
          ? `Helm ${op} passes the ownership check as far as the live state tells`
          : `Helm ${op} passes the ownership check`;
  return {
    check: 'ownership',
    rule: 'ownership/prediction',
    result: 'info',
    enforce: false,
    message:
      `release ${goQuote(release)} in namespace ${goQuote(ctx.namespace)}${ctx.options.takeOwnership ? ' with --take-ownership' : ''}: ` +
      `${checked} object${checked === 1 ? '' : 's'} checked (${parts || 'no objects'}). ${verdict}`,
  };
}

function liveLookup(snap: OwnershipSnapshot): (o: RenderedObject) => LiveState | undefined {
  return (o) => {
    const exact = snap.objects.get(o.identity);
    if (exact !== undefined || o.scope !== 'Cluster' || o.namespace === '') return exact;
    // A cluster-scoped object with a hard-coded namespace is the same live object without it.
    return snap.objects.get(identityKey(o.group, o.kind, '', o.name));
  };
}

/** `--kube-proxy`: reads the live state through the host's HTTP function; findings say what went wrong. */
function proxySnapshot(
  documents: Parameters<Check['run']>[0]['documents'],
  options: WardenOptions,
  findings: Finding[],
): OwnershipSnapshot | undefined {
  const base = options.kubeProxy as string;
  const fail = (message: string, fix?: string): undefined => {
    findings.push({ check: 'ownership', rule: 'ownership/kube-proxy-failed', result: 'error', enforce: true, message, fix });
    return undefined;
  };
  if (options.snapshot !== undefined) return fail('--kube-proxy and --snapshot were both given: pass one source of live state');
  if (options.release === undefined) return fail('--kube-proxy needs --release=NAME (and --namespace=NS): the ownership check is per release');
  const http = ownershipHttp();
  if (http === undefined) return fail('--kube-proxy works only inside the plugin (Extism HTTP); this host cannot make requests', 'use warden snapshot / warden ownership instead');
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const reader = readLiveState(documents, {
    release: options.release,
    namespace,
    gunzip: (b) => utf8Decode(Array.from(gunzip(b))),
  });
  let live;
  try {
    live = runLiveReader(reader, (req) => {
      const r = http({ url: base + req.path, headers: { Accept: req.accept } });
      // No HTTP response has status 0: the host did not make the request (the Node SDK without
      // runInWorker and allowedHosts answers so, after printing "http_request is not enabled").
      if (r.status === 0) throw new Error(`the host made no request for ${req.path} (status 0): it does not allow HTTP to this host`);
      return r;
    });
  } catch (e) {
    return fail(
      `reading the cluster through ${base} failed: ${(e as Error).message}`,
      'run the plugin where HTTP to that host is allowed (plugin.yaml allowedHosts; warden-exec allows the --kube-proxy host), or use warden ownership / warden snapshot',
    );
  }
  for (const n of live.notes) {
    findings.push({ check: 'ownership', rule: 'ownership/live-state-note', result: 'warn', enforce: false, message: `${n} (read through ${base})` });
  }
  try {
    return snapshotFromJson(live.snapshot);
  } catch (e) {
    if (e instanceof SnapshotError) return fail(`the live state read through ${base} is unusable: ${e.message}`);
    throw e;
  }
}

export function runOwnership(all: Parameters<Check['run']>[0]['documents'], options: WardenOptions): CheckResult {
  const result = emptyResult();
  // Policies the chart ships that the policy check takes out of the output never reach the
  // cluster: nothing to own (and no live state to read for them).
  const documents = all.some((d) => removedByPolicyCheck(d, options)) ? all.filter((d) => !removedByPolicyCheck(d, options)) : all;
  if (options.kubeProxy !== undefined) {
    const snap = proxySnapshot(documents, options, result.findings);
    if (snap === undefined) return result;
    options = { ...options, snapshot: snap };
  }
  const snap = options.snapshot;
  const release = options.release ?? snap?.release;
  const namespace = options.namespace ?? snap?.namespace ?? DEFAULT_NAMESPACE;
  // A snapshot with the previous release's keys is for an upgrade (an install of an existing release fails anyway).
  const upgrade = options.upgrade || snap?.previous !== undefined;
  const ctx: Context = {
    options: upgrade === options.upgrade ? options : { ...options, upgrade },
    release,
    namespace,
    namespaceGiven: options.namespace !== undefined || snap?.namespace !== undefined,
    enforce: options.mode === 'enforce',
  };
  const objects = collectObjects(documents, { releaseNamespace: namespace, scopes: snap?.scopes });
  // Nothing Kubernetes could own: nothing to say (the read check reports such streams).
  if (objects.length === 0) return result;
  const knownNamespace = ctx.namespaceGiven ? namespace : undefined;
  for (const p of staticProblems(objects, { release, namespace: knownNamespace })) result.findings.push(staticFinding(p, ctx));

  const mismatch: string[] = [];
  if (snap && options.release !== undefined && snap.release !== undefined && snap.release !== options.release) {
    mismatch.push(`release ${goQuote(snap.release)} (--release is ${goQuote(options.release)})`);
  }
  if (snap && options.namespace !== undefined && snap.namespace !== undefined && snap.namespace !== options.namespace) {
    mismatch.push(`namespace ${goQuote(snap.namespace)} (--namespace is ${goQuote(options.namespace)})`);
  }
  if (mismatch.length > 0) {
    result.findings.push({
      check: 'ownership',
      rule: 'ownership/snapshot-mismatch',
      result: 'error',
      enforce: true,
      message: `the snapshot was taken for ${mismatch.join(' and ')}: its predictions would be wrong`,
      fix: 'take the snapshot for the release being installed',
    });
    return result;
  }

  if (snap === undefined || release === undefined) {
    result.findings.push({
      check: 'ownership',
      rule: 'ownership/cluster-checks-skipped',
      result: 'info',
      enforce: false,
      message:
        snap === undefined
          ? 'cluster ownership checks skipped: no live state (pass --release=NAME, --namespace=NS and --snapshot=…); only the render was checked'
          : 'cluster ownership checks skipped: the snapshot names no release and --release is not set; only the render was checked',
    });
    return result;
  }

  const res = decide({
    objects,
    release,
    namespace,
    upgrade,
    takeOwnership: options.takeOwnership,
    live: liveLookup(snap),
    previous: snap.previous,
  });
  if (upgrade && snap.previous === undefined) {
    result.findings.push({
      check: 'ownership',
      rule: 'ownership/previous-release-unknown',
      result: 'info',
      enforce: false,
      message:
        'an upgrade, but the snapshot has no keys of the previous release ("p"): Helm checks only objects new to the release, ' +
        'so warden treats every object as new and reports conflicts as warnings only',
    });
  }
  // Name-and-generateName problems are reported once, by the static pass.
  result.findings.push(...decisionFindings(res, ctx, release));
  // Helm applies only when its ownership check passes: then, server-side apply conflicts.
  const apply = res.helmError === undefined ? predictApply(res, snap, { options, release, namespace, upgrade, enforce: ctx.enforce, ref: (d) => ref(d.object) }) : undefined;
  if (apply) result.findings.push(...applyFindings(apply));
  result.findings.push(predictionFinding(res, ctx, release, apply));
  return result;
}

export const ownershipCheck: Check = {
  name: 'ownership',
  run(ctx) {
    return runOwnership(ctx.documents, ctx.options);
  },
};
