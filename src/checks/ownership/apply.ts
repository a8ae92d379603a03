// After Helm's ownership check passes: will the server-side apply of the existing objects (the ones
// it adopts or passes, and on an upgrade the release's own) conflict with other field managers?
// Rules in ssa.ts.

import type { WardenOptions } from '../../args';
import type { DocumentRef, Finding } from '../../report/finding';
import type { DecideResult } from './decide';
import { resourceString } from './keys';
import type { OwnershipSnapshot } from './snapshot';
import { applyConflicts, helmApplyError, HELM_FIELD_MANAGER, renderedValue, withHelmMetadata, type ApplyConflict } from './ssa';

export interface ApplyPrediction {
  findings: Finding[];
  /** Helm's error (each object's, joined with " && " as Helm joins them), when an apply conflicts. */
  helmError?: string;
  /** Why apply conflicts were not predicted, when they were not. */
  skipped?: string;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'null' : s.length > 60 ? s.slice(0, 57) + '…' : s;
}

export function predictApply(
  res: DecideResult,
  snap: OwnershipSnapshot,
  o: { options: WardenOptions; release: string; namespace: string; upgrade: boolean; enforce: boolean; ref: (d: DecideResult['decisions'][number]) => DocumentRef },
): ApplyPrediction {
  const out: ApplyPrediction = { findings: [] };
  // Every existing object Helm applies: those it checked and passed (or adopts), and on an upgrade the
  // release's own objects, which it does not check but applies again.
  const candidates = res.decisions.filter(
    (d) => d.live?.found === true && ((d.checked && (d.outcome === 'ok' || d.outcome === 'adopt')) || d.classification === 'in-previous-release'),
  );
  if (candidates.length === 0) return out;
  const op = o.upgrade ? 'upgrade' : 'install';
  const serverSide = o.options.serverSide ?? (o.upgrade ? 'auto' : 'true');
  let ssa: boolean;
  if (serverSide === 'auto') {
    if (snap.applyMethod === undefined) {
      out.skipped = 'the snapshot does not record the previous release\'s apply method (Helm\'s --server-side=auto follows it)';
      return out;
    }
    ssa = snap.applyMethod === 'ssa';
  } else ssa = serverSide === 'true';
  if (!ssa) {
    out.skipped = `Helm ${op} updates existing objects with a client-side patch (${o.upgrade && serverSide === 'auto' ? `the previous release was applied ${snap.applyMethod === '' ? 'without a recorded method (Helm 3)' : 'client-side'}` : '--server-side=false'}), which has no field-manager conflicts`;
    return out;
  }
  if (snap.fields === undefined) {
    out.skipped = 'the snapshot has no field ownership (version 1; take it again with this warden)';
    return out;
  }
  // Helm moves its own client-side ("Update") fields to its apply entry first on install and when an
  // upgrade switches from client-side apply (client-go csaupgrade).
  const helmUpdateMigrated = !o.upgrade || snap.applyMethod === '' || snap.applyMethod === 'csa';
  const errors: string[] = [];
  for (const d of candidates) {
    const obj = d.object;
    const managers = (snap.fields.get(obj.identity) ?? []).filter((m) => !(m[0] === HELM_FIELD_MANAGER && (m[1] === 'A' || (m[1] === 'U' && helmUpdateMigrated && !m[3]))));
    if (managers.length === 0) continue;
    const rendered = renderedValue(obj);
    if (!rendered) continue;
    const conflicts: ApplyConflict[] = applyConflicts(managers, withHelmMetadata(rendered, o.release, o.namespace));
    if (conflicts.length === 0) continue;
    const error = helmApplyError(obj, conflicts);
    const rs = resourceString(obj.kind, obj.name, obj.namespace);
    const detail = conflicts
      .map((c) => `${c.path}: chart ${show(c.rendered)}, live ${c.live === undefined ? '(not shown)' : show(c.live)}, owned by ${c.manager}`)
      .join('; ');
    if (o.options.forceConflicts) {
      out.findings.push({
        check: 'ownership',
        rule: 'ownership/apply-overwrites',
        result: 'warn',
        enforce: false,
        document: o.ref(d),
        message: `${rs}: --force-conflicts makes Helm the manager of ${conflicts.length} field${conflicts.length === 1 ? '' : 's'} another manager set, and overwrites them: ${detail}`,
      });
      continue;
    }
    errors.push(error);
    const blocking = o.enforce && !d.uncertain;
    out.findings.push({
      check: 'ownership',
      rule: 'ownership/apply-conflict',
      result: blocking ? 'fail' : 'warn',
      enforce: blocking,
      document: o.ref(d),
      message:
        `${rs} ${d.classification === 'in-previous-release' ? 'is in the previous release (not checked)' : 'passes the ownership check'}, but Helm's server-side apply (field manager "helm", no --force-conflicts) sets ` +
        `${conflicts.length === 1 ? 'a field' : `${conflicts.length} fields`} another field manager owns to a different value (${detail}); ` +
        `the API server refuses it and the ${op} fails with: ${error}`,
      fix:
        `set ${conflicts.length === 1 ? 'the field' : 'the fields'} in the chart to the live value${conflicts.length === 1 ? '' : 's'}, or leave ${conflicts.length === 1 ? 'it' : 'them'} out of the chart; ` +
        `or pass --force-conflicts to helm ${op} (Helm becomes ${conflicts.length === 1 ? "the field's manager and overwrites it" : 'their manager and overwrites them'})`,
    });
  }
  if (errors.length > 0) out.helmError = errors.join(' && ');
  return out;
}

/** predictApply, with a note finding when the apply conflicts could not be predicted. */
export function applyFindings(p: ApplyPrediction): Finding[] {
  if (p.skipped === undefined) return p.findings;
  return [
    ...p.findings,
    { check: 'ownership', rule: 'ownership/apply-not-predicted', result: 'info', enforce: false, message: `server-side apply conflicts of existing objects not predicted: ${p.skipped}` },
  ];
}
