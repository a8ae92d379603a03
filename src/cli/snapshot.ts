// `warden snapshot`: reads, with the kubeconfig, the live ownership metadata of the objects a render
// would create, plus the keys of the release revision Helm's upgrade compares with, and prints the
// compact `--snapshot=` value the plugin accepts (src/checks/ownership/snapshot.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readLiveState, runLiveReaderAsync, type LiveResult } from '../checks/ownership/live';
import { encodeSnapshot, MAX_SNAPSHOT_LENGTH, SnapshotError } from '../checks/ownership/snapshot';
import { classify, parseCheckArgs, progressLine, renderChart, type CheckIo } from './check';
import { commandConfig, ConfigError, configSetting } from './config';
import { kubeClient } from './kube/client';
import { KubeconfigError, resolveKubeconfig, type KubeCredentials } from './kube/kubeconfig';

export const SNAPSHOT_HELP = `warden snapshot — read the cluster state warden's ownership check needs, for --snapshot=

Usage:
  warden snapshot --release NAME [-n NS] [OPTIONS] CHART|FILE|- [CHART|FILE …]

Reads, for every object the chart (rendered with helm template) or the manifests would create, its
Helm ownership metadata (managed-by label, release name/namespace annotations; as metadata only, so
the data of rendered Secrets is never transferred), and the objects of the release revision
"helm upgrade" compares with (the newest deployed one; after a failed upgrade that is the last
deployed, not the failed one), read from Helm's own release Secret in the release namespace.
For objects that exist and that Helm would apply over as new to the release (its server-side apply
can conflict with other field managers), the fields other managers own that the chart sets to another
value, with their live values (read from the full object; Secret values only as hashes).

Cluster (like kubectl and helm):
  --kubeconfig FILE        else $KUBECONFIG, else ~/.kube/config
  --context NAME           else the current context
  -n, --namespace NS       the release namespace (default: the context's namespace, else default)
  --release NAME           the release name (required)

Rendering charts (passed to helm template): -f/--values, --set, --set-string, --set-json, --set-file,
  --kube-version, -a/--api-versions, --helm PATH, --is-upgrade[=true|false] (default: ownership.upgrade
  of .warden.yaml, else false)

Configuration:
  --config FILE            the .warden.yaml to use (default: found from the chart directory, or the
                           current one, up to the repository root); --no-config: none

Output:
  --output FILE            write the snapshot to FILE (default: stdout)
  --format ws1|json        ws1 (default): "ws1." + base64url, safe in any shell; json: the plain JSON
  --no-previous            do not read the release history (snapshot for a plain install)

Use it with:
  helm upgrade --install web ./chart -n prod --post-renderer warden-exec \\
    --post-renderer-args=--release=web --post-renderer-args=--namespace=prod \\
    --post-renderer-args=--snapshot=$(warden snapshot --release web -n prod ./chart)

Examples:
  warden snapshot ./charts/web --release web -n prod > snapshot.txt
  warden snapshot ./charts/web --release web -n prod --context staging --format json --output snapshot.json
  helm template web ./chart -n prod | warden snapshot - --release web -n prod --no-previous

One argument holds at most ${MAX_SNAPSHOT_LENGTH} bytes (Linux MAX_ARG_STRLEN): about 1,000-2,000 objects. Larger
snapshots: write a file and pass --post-renderer-args=--snapshot-file=FILE to warden-exec, or use the
HTTP route (--kube-proxy), or run "warden ownership", which has no limit.

Exit codes: 0 written, 2 usage, kubeconfig, cluster or size error.`;

export class KubeUsage extends Error {}

/** Options shared by `warden snapshot` and `warden ownership`. */
export interface KubeCommandOptions {
  inputs: string[];
  release?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  /** Options for `helm template`, in the form `warden check` takes them. */
  renderArgs: string[];
  help: boolean;
  rest: string[];
}

const RENDER_VALUED = new Set(['-f', '--values', '--set', '--set-string', '--set-json', '--set-file', '--kube-version', '-a', '--api-versions', '--helm']);

/**
 * Parses the cluster and rendering options; returns the others (and their values, as given) in
 * `rest` for the command. `valued` names the command's own options that take a value.
 */
export function parseKubeArgs(args: readonly string[], valued: ReadonlySet<string>): KubeCommandOptions {
  const o: KubeCommandOptions = { inputs: [], renderArgs: [], help: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const take = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new KubeUsage(`${key} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') o.help = true;
    else if (key === '--release') o.release = take();
    else if (key === '--namespace' || key === '-n') o.namespace = take();
    else if (key === '--kubeconfig') o.kubeconfig = take();
    else if (key === '--context' || key === '--kube-context') o.context = take();
    else if (RENDER_VALUED.has(key)) o.renderArgs.push(key, take());
    else if (valued.has(key)) o.rest.push(key, take());
    else if (arg.startsWith('-') && arg !== '-') o.rest.push(arg);
    else o.inputs.push(arg);
  }
  if (o.release === '') throw new KubeUsage('--release needs a name');
  if (o.namespace === '') throw new KubeUsage('--namespace needs a name');
  return o;
}

/** Renders each input (chart with helm template, a file, or - for stdin) into one stream. */
export function renderInputs(
  o: KubeCommandOptions,
  release: string,
  namespace: string,
  io: CheckIo,
  extraHelm: string[] = [],
  progress: (msg: string) => void = () => {},
): string {
  const cwd = io.cwd ?? process.cwd();
  const parts: string[] = [];
  for (const input of o.inputs) {
    const kind = classify(input, cwd);
    if (kind.kind === 'chart') {
      progress(`rendering ${input} with helm template…`);
      const co = parseCheckArgs([...o.renderArgs, '--release', release, '--namespace', namespace, input]);
      co.helmArgs.push(...extraHelm); // --is-upgrade: not an option warden check knows
      parts.push(renderChart(co, kind.dir, io));
    } else if (kind.file === undefined) parts.push(io.stdin());
    else parts.push(readFileSync(resolve(cwd, kind.file), 'utf8'));
  }
  return parts.map((p) => (p.endsWith('\n') || p === '' ? p : p + '\n')).join('---\n');
}

export interface TakenSnapshot {
  live: LiveResult;
  creds: KubeCredentials;
  namespace: string;
}

/** Reads the live state for `manifests` from the cluster the kubeconfig names. */
export async function takeSnapshot(
  manifests: string,
  o: {
    release: string;
    namespace?: string;
    kubeconfig?: string;
    context?: string;
    previous?: boolean;
    env?: Record<string, string | undefined>;
    progress?: (msg: string) => void;
  },
): Promise<TakenSnapshot> {
  const creds = resolveKubeconfig({ kubeconfig: o.kubeconfig, context: o.context, env: o.env });
  const namespace = o.namespace ?? creds.namespace ?? 'default';
  o.progress?.(`reading the live state of release "${o.release}" in "${namespace}" from ${creds.server}…`);
  const client = kubeClient(creds);
  try {
    const reader = readLiveState(manifests, {
      release: o.release,
      namespace,
      previous: o.previous,
      gunzip: (b) => gunzipSync(b).toString('utf8'),
    });
    const live = await runLiveReaderAsync(reader, (req) => client.get(req));
    return { live, creds, namespace };
  } finally {
    client.close();
  }
}

export async function snapshotCommand(args: readonly string[], io: CheckIo): Promise<number> {
  let o: KubeCommandOptions;
  let output: string | undefined;
  let format = 'ws1';
  let previous = true;
  let isUpgrade: boolean | undefined;
  let configFile: string | undefined;
  let noConfig = false;
  try {
    o = parseKubeArgs(args, new Set(['--output', '--format', '--config']));
    for (let i = 0; i < o.rest.length; i++) {
      const a = o.rest[i];
      if (a === '--output') output = o.rest[++i];
      else if (a === '--format') format = o.rest[++i];
      else if (a === '--config') configFile = o.rest[++i];
      else if (a === '--no-config') noConfig = true;
      else if (a === '--no-previous') previous = false;
      else if (a === '--is-upgrade' || a.startsWith('--is-upgrade=')) isUpgrade = flagValue(a);
      else throw new KubeUsage(`unknown option "${a}" (see warden snapshot --help)`);
    }
    if (o.help) {
      io.stdout(SNAPSHOT_HELP + '\n');
      return 0;
    }
    if (format !== 'ws1' && format !== 'json') throw new KubeUsage(`--format must be ws1 or json (got "${format}")`);
    if (o.release === undefined) throw new KubeUsage('--release NAME is required: ownership is checked per release');
    if (o.inputs.length === 0) throw new KubeUsage('give a chart directory, rendered YAML files, or - for stdin (see warden snapshot --help)');
    // .warden.yaml: ownership.upgrade renders as "helm upgrade" does, unless --is-upgrade says otherwise
    const config = commandConfig({ inputs: o.inputs, cwd: io.cwd ?? process.cwd(), configFile, noConfig });
    isUpgrade ??= configSetting(config, 'upgrade') === 'true';
  } catch (e) {
    if (e instanceof KubeUsage || e instanceof ConfigError) {
      io.stderr(`warden snapshot: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  let taken: TakenSnapshot;
  const progress = progressLine(io);
  try {
    // The namespace may come from the kubeconfig context: resolve it before rendering.
    const namespace = o.namespace ?? resolveKubeconfig({ kubeconfig: o.kubeconfig, context: o.context, env: io.env }).namespace ?? 'default';
    const manifests = renderInputs(o, o.release, namespace, io, isUpgrade ? ['--is-upgrade'] : [], progress);
    taken = await takeSnapshot(manifests, { release: o.release, namespace, kubeconfig: o.kubeconfig, context: o.context, previous, env: io.env, progress });
  } catch (e) {
    io.stderr(`warden snapshot: ${(e as Error).message}\n`);
    return 2;
  } finally {
    progress('');
  }
  const { live } = taken;
  let text: string;
  try {
    text = format === 'json' ? JSON.stringify(live.snapshot) : encodeSnapshot(live.snapshot);
    if (format === 'json' && text.length > MAX_SNAPSHOT_LENGTH) {
      throw new SnapshotError(
        `the snapshot is ${text.length} bytes for ${Object.keys(live.snapshot.o).length} objects, more than fits in one command-line argument ` +
          `(${MAX_SNAPSHOT_LENGTH} bytes); use a snapshot file through warden-exec (--snapshot-file) or the HTTP route (--kube-proxy) instead`,
      );
    }
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    if (output === undefined) {
      io.stderr(`warden snapshot: ${e.message}\n`);
      return 2;
    }
    // A file has no argument limit (warden-exec --snapshot-file reads it): write it, warn.
    text = format === 'json' ? JSON.stringify(live.snapshot) : encodeSnapshot({ ...live.snapshot }, Infinity);
    io.stderr(`warden snapshot: warning: ${e.message.replace(/; use .*$/, '')}: pass the file with --post-renderer-args=--snapshot-file=${output} (warden-exec)\n`);
  }
  for (const n of live.notes) io.stderr(`warden snapshot: note: ${n}\n`);
  const objects = Object.keys(live.snapshot.o).length;
  const prev = live.revision ? `, previous release revision ${live.revision.number} (${live.revision.status}, ${live.snapshot.p?.length ?? 0} objects)` : ', no previous release';
  io.stderr(`warden snapshot: ${objects} object${objects === 1 ? '' : 's'} read from ${taken.creds.server} for release "${o.release}" in "${taken.namespace}"${prev}; ${text.length} bytes\n`);
  if (output !== undefined) {
    try {
      writeFileSync(resolve(io.cwd ?? process.cwd(), output), text + '\n');
    } catch (e) {
      io.stderr(`warden snapshot: cannot write ${output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else io.stdout(text + '\n');
  return 0;
}

/** `--flag` or `--flag=true|false` (a flag the command line can also turn off, over .warden.yaml). */
export function flagValue(arg: string): boolean {
  const eq = arg.indexOf('=');
  if (eq < 0) return true;
  const v = arg.slice(eq + 1);
  if (v !== 'true' && v !== 'false') throw new KubeUsage(`${arg.slice(0, eq)} must be true or false (got "${v}")`);
  return v === 'true';
}

export { KubeconfigError };
