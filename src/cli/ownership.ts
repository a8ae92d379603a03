// `warden ownership CHART|FILE … --release R -n NS`: renders, reads the live ownership metadata from
// the cluster (as `warden snapshot`), runs the same plugin.wasm Helm runs with that snapshot
// (`--checks=ownership`), and prints every conflict, who owns the object, and the fix.
// Exit codes: 0 Helm would pass the ownership check, 1 conflicts block (enforce, the default),
// 2 usage, kubeconfig, cluster or rendering error.

import type { Finding } from '../report/finding';
import { exitCodeFor, type ReportContext } from '../report/formats/context';
import { renderReport } from '../report/formats';
import type { Summary } from '../report/text';
import { WARDEN_VERSION } from '../version';
import { progressLine, type CheckIo } from './check';
import { flagValue, KubeUsage, parseKubeArgs, renderInputs, takeSnapshot, type KubeCommandOptions } from './snapshot';
import { commandConfig, ConfigError, configSetting, type WardenConfig } from './config';
import { resolveKubeconfig } from './kube/kubeconfig';
import { WardenWasm } from './wasm';

export const OWNERSHIP_HELP = `warden ownership — predict Helm's ownership check against a live cluster: every conflict at once

Usage:
  warden ownership CHART|FILE|- [CHART|FILE …] --release NAME [-n NS] [OPTIONS]

Renders the chart (helm template), reads the Helm ownership metadata of every object it would create
and the release's last deployed revision from the cluster (metadata only), and reports what
"helm install" (or "helm upgrade", when the release exists) would do: each object that already
exists without this release's metadata, who owns it now, and the fix (--take-ownership, the kubectl
label/annotate commands for a manual adoption, or a rename). Helm itself stops at the first one.

Cluster: --kubeconfig FILE, --context NAME, -n/--namespace NS, --release NAME (required)
Rendering: -f/--values, --set, --set-string, --set-json, --set-file, --kube-version, -a, --helm PATH
Prediction:
  --take-ownership[=true|false]  Helm runs with --take-ownership: conflicts become adoptions
                           (default: ownership.takeOwnership of .warden.yaml, else false)
  --upgrade[=true|false]   the command is "helm upgrade" (implied when the release exists;
                           default: ownership.upgrade of .warden.yaml)
  --force-conflicts        Helm runs with --force-conflicts: server-side apply overwrites other managers' fields
  --server-side=true|false|auto  Helm's --server-side (apply conflicts exist only with server-side apply)
  --mode=audit|enforce     enforce (default): conflicts exit 1; audit: reported, exit 0
  --format text|json       the report format (default text)
  --wasm PATH              plugin.wasm to run (default: the one built into this package)
  --config FILE            the .warden.yaml to use (default: found from the chart directory, or the
                           current one, up to the repository root); --no-config: none

Objects that exist are also checked for server-side apply conflicts: Helm 4 applies them with field
manager "helm", and fields the chart sets to other values than another field manager set fail it.

Examples:
  warden ownership ./charts/web --release web -n prod
  warden ownership ./charts/web --release web -n prod -f prod-values.yaml --take-ownership
  warden ownership rendered.yaml --release web -n prod --context staging --format json > ownership.json
  helm template web ./chart -n prod | warden ownership - --release web -n prod --mode=audit

Exit codes: 0 Helm passes the ownership check and the apply, 1 conflicts (enforce), 2 usage, kubeconfig, cluster or rendering error.`;

export async function ownershipCommand(args: readonly string[], io: CheckIo): Promise<number> {
  let o: KubeCommandOptions;
  let takeOwnership: boolean | undefined;
  let forceConflicts = false;
  let serverSide: string | undefined;
  let upgrade: boolean | undefined;
  let mode: 'audit' | 'enforce' = 'enforce';
  let format: 'text' | 'json' = 'text';
  let wasm: string | undefined;
  let configFile: string | undefined;
  let noConfig = false;
  let config: WardenConfig | undefined;
  try {
    o = parseKubeArgs(args, new Set(['--mode', '--format', '--wasm', '--server-side', '--config']));
    for (let i = 0; i < o.rest.length; i++) {
      const a = o.rest[i];
      const eq = a.indexOf('=');
      const key = eq < 0 ? a : a.slice(0, eq);
      const value = (): string => (eq < 0 ? o.rest[++i] : a.slice(eq + 1));
      if (key === '--take-ownership') takeOwnership = flagValue(a);
      else if (key === '--upgrade') upgrade = flagValue(a);
      else if (a === '--no-config') noConfig = true;
      else if (key === '--config') configFile = value();
      else if (a === '--force-conflicts') forceConflicts = true;
      else if (key === '--server-side') {
        const v = value();
        if (v !== 'true' && v !== 'false' && v !== 'auto') throw new KubeUsage(`--server-side must be true, false or auto (got "${v}")`);
        serverSide = v;
      }
      else if (key === '--mode') {
        const v = value();
        if (v !== 'audit' && v !== 'enforce') throw new KubeUsage(`--mode must be audit or enforce (got "${v}")`);
        mode = v;
      } else if (key === '--format') {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new KubeUsage(`--format must be text or json (got "${v}")`);
        format = v;
      } else if (key === '--wasm') wasm = value();
      else throw new KubeUsage(`unknown option "${a}" (see warden ownership --help)`);
    }
    if (o.help) {
      io.stdout(OWNERSHIP_HELP + '\n');
      return 0;
    }
    if (o.release === undefined) throw new KubeUsage('--release NAME is required: ownership is checked per release');
    if (o.inputs.length === 0) throw new KubeUsage('give a chart directory, rendered YAML files, or - for stdin (see warden ownership --help)');
    // .warden.yaml's ownership: keys, where the command line says nothing
    config = commandConfig({ inputs: o.inputs, cwd: io.cwd ?? process.cwd(), configFile, noConfig });
    takeOwnership ??= configSetting(config, 'take-ownership') === 'true';
    upgrade ??= configSetting(config, 'upgrade') === 'true';
  } catch (e) {
    if (e instanceof KubeUsage || e instanceof ConfigError) {
      io.stderr(`warden ownership: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  let manifests: string;
  let taken;
  const progress = progressLine(io);
  try {
    const namespace = o.namespace ?? resolveKubeconfig({ kubeconfig: o.kubeconfig, context: o.context, env: io.env }).namespace ?? 'default';
    manifests = renderInputs(o, o.release, namespace, io, upgrade ? ['--is-upgrade'] : [], progress);
    taken = await takeSnapshot(manifests, { release: o.release, namespace, kubeconfig: o.kubeconfig, context: o.context, env: io.env, progress });
  } catch (e) {
    progress('');
    io.stderr(`warden ownership: ${(e as Error).message}\n`);
    return 2;
  }
  const { live, namespace } = taken;
  const exists = live.snapshot.p !== undefined;
  const pluginArgs = [
    '--checks=ownership',
    `--mode=${mode}`,
    `--release=${o.release}`,
    `--namespace=${namespace}`,
    // In-process: no argument limit, so the plain JSON.
    `--snapshot=${JSON.stringify(live.snapshot)}`,
    ...(takeOwnership ? ['--take-ownership'] : []),
    ...(forceConflicts ? ['--force-conflicts'] : []),
    ...(serverSide !== undefined ? [`--server-side=${serverSide}`] : []),
    ...(upgrade || exists ? ['--upgrade'] : []),
    '--report-format=json',
    '--report-only',
  ];
  const read = Object.keys(live.snapshot.o).length;
  progress(`checking ${read} object${read === 1 ? '' : 's'} with the plugin…`);
  let plugin: WardenWasm;
  try {
    plugin = await WardenWasm.load(wasm);
  } catch (e) {
    progress('');
    io.stderr(`warden ownership: ${(e as Error).message}\n`);
    return 2;
  }
  let report: { findings: Finding[]; summary: Summary };
  try {
    const r = await plugin.render(manifests, pluginArgs);
    progress('');
    if (r.error !== undefined) {
      io.stderr(r.error.endsWith('\n') ? r.error : r.error + '\n');
      return 2;
    }
    report = JSON.parse(r.report) as { findings: Finding[]; summary: Summary };
  } finally {
    progress('');
    await plugin.close();
  }

  const op = upgrade || exists ? 'upgrade' : 'install';
  const head = [
    `warden ownership: helm ${op} ${o.release} -n ${namespace}${takeOwnership ? ' --take-ownership' : ''} against ${taken.creds.server} (${taken.creds.source})`,
    `  ${Object.keys(live.snapshot.o).length} rendered objects read` +
      (live.revision ? `; release revision ${live.revision.number} (${live.revision.status}) has ${live.snapshot.p?.length ?? 0} objects` : '; the release does not exist yet'),
    ...(config !== undefined ? [`  settings: ${config.file}`] : []),
    ...(exists && !upgrade ? [`  note: release "${o.release}" exists, so this predicts "helm upgrade" ("helm install" would refuse to re-use the name)`] : []),
    ...live.notes.map((n) => `  note: ${n}`),
  ];
  const ctx: ReportContext = {
    tool: { name: 'warden', version: WARDEN_VERSION },
    target: o.inputs.join(' '),
    targetKind: o.inputs.some((x) => !x.endsWith('.yaml') && !x.endsWith('.yml') && x !== '-') ? 'chart' : 'manifests',
    release: o.release,
    namespace,
    mode,
    failOn: 'blocking',
    process: 'warden ownership',
  };
  if (format === 'json') io.stdout(renderReport('json', report.findings, report.summary, ctx));
  else {
    io.stdout(head.join('\n') + '\n\n');
    io.stdout(renderReport('text', report.findings, report.summary, { ...ctx, color: false }));
  }
  return report.summary.blocking > 0 ? 1 : exitCodeFor(report.findings, ctx);
}
