// `.warden.yaml`: one configuration for the CLI and the Helm plugin. The CLI finds it (in
// the chart directory or a parent, up to the repository root) and turns it into the
// plugin's own arguments; the plugin cannot read files, so for `helm … --post-renderer
// warden-exec` the same settings go into --post-renderer-args: `warden config args` prints
// them. Also here: `--policy FILE|DIR` of the CLI, read in Node and passed on as
// `--policy-b64` (each file checked first, so errors name the file and line).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { INGRESS_TARGETS, parseArgs, UsageError, USAGE } from '../args';
import { isUserPolicyKind, parsePolicyText, PolicyInputError } from '../checks/policy/delivery';
import { PACK_NAMES } from '../packs/names';

export const CONFIG_NAMES = ['.warden.yaml', '.warden.yml'];

/** The OS limit on one argument (Linux MAX_ARG_STRLEN): what Helm can pass to warden-exec. */
export const MAX_ARG_BYTES = 128 * 1024;

export class ConfigError extends Error {}

export interface WardenConfig {
  /** The file it was read from. */
  file: string;
  /** The plugin arguments it stands for (policy files not included: see policyPaths). */
  args: string[];
  /** Policy files/directories, absolute. */
  policyPaths: string[];
  /** `warden check` only: what fails the check. */
  failOn?: 'blocking' | 'error' | 'warning';
}

/** Finds `.warden.yaml` in `start` or a parent, stopping at the repository root (a `.git`) or `/`. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const f = join(dir, name);
      if (existsSync(f)) return f;
    }
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type Kind = 'string' | 'bool' | 'list' | 'map';

interface KeySpec {
  kind: Kind;
  /** Allowed values for strings / list entries. */
  values?: readonly string[];
  /** The plugin option it becomes (lists joined with commas; bools as flags). */
  arg?: string;
  /** Bools: the flag says the opposite of the key (`mutate: false` is `--no-mutate=true`). */
  inverted?: boolean;
  keys?: Record<string, KeySpec>;
  doc: string;
}

const SCHEMA: Record<string, KeySpec> = {
  mode: { kind: 'string', values: ['audit', 'enforce'], arg: 'mode', doc: "audit or enforce (unset: only rules whose own failure action is Enforce block)" },
  checks: { kind: 'list', values: ['policy', 'ownership', 'ingress'], arg: 'checks', doc: 'checks to run (default: all)' },
  skip: { kind: 'list', values: ['policy', 'ownership', 'ingress'], arg: 'skip', doc: 'checks to leave out' },
  packs: { kind: 'list', values: [...PACK_NAMES, 'none'], arg: 'packs', doc: 'built-in policy packs, or [none]' },
  policies: { kind: 'list', doc: 'policy files or directories (relative to this file)' },
  allowedRegistries: { kind: 'list', arg: 'allowed-registries', doc: 'registries images may come from' },
  excludeRules: { kind: 'list', arg: 'exclude-rules', doc: 'policies (NAME) or rules (POLICY/RULE) to leave out' },
  mutate: { kind: 'bool', arg: 'no-mutate', inverted: true, doc: 'apply mutating policies to the output (default true; false reports only)' },
  keepPolicies: { kind: 'bool', arg: 'keep-policies', doc: 'keep Kyverno policies the chart renders in the output' },
  auditAnnotations: { kind: 'bool', arg: 'audit-annotations', doc: 'annotate offending objects with their findings' },
  reportObject: { kind: 'string', values: ['policyreport', 'configmap'], arg: 'report-object', doc: 'add the report to the release' },
  failOn: { kind: 'string', values: ['blocking', 'error', 'warning'], doc: 'warden check: what fails the check' },
  ingress: {
    kind: 'map',
    doc: 'ingress-nginx migration',
    keys: {
      target: { kind: 'string', values: INGRESS_TARGETS, arg: 'ingress-target', doc: 'gateway-api, traefik, haproxy or openshift' },
      mode: { kind: 'string', values: ['report', 'rewrite', 'both'], arg: 'ingress-mode', doc: 'report, rewrite or both' },
      class: { kind: 'string', arg: 'ingress-class', doc: 'the ingress class migrated away from' },
      gateway: { kind: 'string', arg: 'gateway', doc: 'Gateway API: the Gateway routes attach to' },
      gatewayExperimental: { kind: 'bool', arg: 'gateway-experimental', doc: 'Gateway API: use experimental-channel fields too' },
      traefik: { kind: 'string', values: ['middlewares', 'ingressroute'], arg: 'ingress-traefik', doc: 'Traefik: Ingress + Middlewares or IngressRoute' },
      newClass: { kind: 'string', arg: 'ingress-new-class', doc: 'Traefik/HAProxy: ingressClassName of rewritten Ingresses' },
    },
  },
  ownership: {
    kind: 'map',
    doc: 'ownership checks',
    keys: {
      takeOwnership: { kind: 'bool', arg: 'take-ownership', doc: 'Helm runs with --take-ownership' },
      upgrade: { kind: 'bool', arg: 'upgrade', doc: 'the operation is an upgrade' },
    },
  },
};

/** The documented keys, for help texts and docs. */
export function configKeysHelp(): string {
  const lines: string[] = [];
  for (const [k, s] of Object.entries(SCHEMA)) {
    lines.push(`  ${k.padEnd(20)} ${s.kind === 'map' ? '' : s.kind.padEnd(7)}${s.doc}`);
    for (const [k2, s2] of Object.entries(s.keys ?? {})) lines.push(`    ${k2.padEnd(18)} ${s2.kind.padEnd(7)}${s2.doc}`);
  }
  return lines.join('\n');
}

/** Parses and validates a `.warden.yaml` text; errors name the file, line and key. */
export function parseConfig(text: string, file: string): WardenConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? `${file}:${lc.linePos(range[0]).line}` : file;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`${file}${e.linePos ? `:${e.linePos[0].line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const out: WardenConfig = { file, args: [], policyPaths: [] };
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) throw new ConfigError(`${at(doc.contents)}: .warden.yaml must be a map of settings (see "warden config --help")`);
  const base = dirname(file);

  const walk = (pairs: Pair[], schema: Record<string, KeySpec>, prefix: string) => {
    for (const pair of pairs) {
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const spec = schema[key];
      const name = prefix + key;
      if (!spec) {
        throw new ConfigError(`${at(keyNode)}: unknown key "${name}" (known${prefix ? ` under ${prefix.slice(0, -1)}` : ''}: ${Object.keys(schema).join(', ')})`);
      }
      const node = pair.value as YamlNode | null;
      const value = node === null ? null : (node as { toJSON(): unknown }).toJSON();
      const where = at(node ?? keyNode);
      if (value === null) continue;
      switch (spec.kind) {
        case 'map':
          if (!isMap(node)) throw new ConfigError(`${where}: ${name} must be a map (keys: ${Object.keys(spec.keys ?? {}).join(', ')})`);
          walk(node.items as Pair[], spec.keys ?? {}, name + '.');
          break;
        case 'bool':
          if (typeof value !== 'boolean') throw new ConfigError(`${where}: ${name} must be true or false (got ${JSON.stringify(value)})`);
          if (spec.arg) out.args.push(`--${spec.arg}=${spec.inverted ? !value : value}`);
          break;
        case 'string': {
          if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${where}: ${name} must be text (got ${JSON.stringify(value)})`);
          if (spec.values && !spec.values.includes(value)) throw new ConfigError(`${where}: ${name} must be one of ${spec.values.join(', ')} (got "${value}")`);
          if (key === 'failOn') out.failOn = value as WardenConfig['failOn'];
          else if (spec.arg) out.args.push(`--${spec.arg}=${value}`);
          break;
        }
        case 'list': {
          const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
          if (!Array.isArray(list)) throw new ConfigError(`${where}: ${name} must be a list (got ${JSON.stringify(value)})`);
          list.forEach((v, i) => {
            const item = isSeq(node) ? at(node.items[i]) : where;
            if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`${item}: ${name} entries must be text (got ${JSON.stringify(v)})`);
            if (spec.values && !spec.values.includes(v)) throw new ConfigError(`${item}: ${name}: unknown entry "${v}" (known: ${spec.values.join(', ')})`);
            if (key === 'packs' && v === 'none' && list.length > 1) throw new ConfigError(`${item}: packs: "none" cannot be combined with packs`);
          });
          if (key === 'policies') out.policyPaths.push(...(list as string[]).map((p) => resolve(base, p)));
          else if (spec.arg) out.args.push(`--${spec.arg}=${(list as string[]).join(',')}`);
          break;
        }
      }
    }
  };
  walk(doc.contents.items as Pair[], SCHEMA, '');
  // the same validation the plugin does (e.g. packs: [] would be caught here)
  try {
    parseArgs(out.args);
  } catch (e) {
    if (e instanceof UsageError) throw new ConfigError(`${file}: ${e.message.split('\n' + USAGE)[0]}`);
    throw e;
  }
  return out;
}

export function loadConfig(file: string): WardenConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseConfig(text, file);
}

// --- policy files -----------------------------------------------------------------------

export interface PolicyFile {
  /** As shown to the user (relative to cwd when inside it). */
  name: string;
  /** The YAML given to the plugin (only the policy documents of the file). */
  text: string;
  policies: string[];
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(sep).join('/');
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') out.push(...yamlFiles(full));
    } else if (/\.ya?ml$/.test(entry.name) && !CONFIG_NAMES.includes(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Reads policy files and directories (recursively, *.yaml/*.yml, sorted). An explicitly named
 * file must hold policies; in a directory, documents that are not Kyverno policies (Kyverno
 * test files, resources) are left out and named in `skipped`. Every policy is checked here, so
 * an error names the file and line. Throws ConfigError.
 */
export function readPolicyPaths(paths: readonly string[], cwd: string): { files: PolicyFile[]; skipped: string[] } {
  const files: PolicyFile[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const full = resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw new ConfigError(`--policy ${p}: no such file or directory`);
    }
    const fromDir = st.isDirectory();
    const list = fromDir ? yamlFiles(full) : [full];
    if (fromDir && list.length === 0) throw new ConfigError(`--policy ${p}: the directory has no .yaml/.yml files`);
    for (const file of list) {
      // the same file named twice (.warden.yaml and --policy) is read once
      if (seen.has(file)) continue;
      seen.add(file);
      const name = shown(file, cwd);
      const text = readFileSync(file, 'utf8');
      let chosen = text;
      if (fromDir) {
        // keep the policy documents only (by their apiVersion/kind)
        const doc = parseDocsLoosely(text);
        if (doc === undefined) chosen = text; // broken YAML: let the policy parser name the error
        else {
          const keep = doc.filter((d) => isUserPolicyKind(d.apiVersion, d.kind));
          if (keep.length === 0) {
            skipped.push(name);
            continue;
          }
          chosen = keep.length === doc.length ? text : keep.map((d) => d.text).join('\n---\n');
        }
      }
      try {
        const policies = parsePolicyText(chosen, { origin: name, numberDocuments: true });
        if (policies.length === 0) throw new ConfigError(`${name}: no policy in it`);
        files.push({ name, text: chosen, policies: policies.map((x) => x.name) });
      } catch (e) {
        if (e instanceof PolicyInputError) throw new ConfigError(e.message);
        throw e;
      }
    }
  }
  return { files, skipped };
}

function parseDocsLoosely(text: string): { apiVersion?: string; kind?: string; text: string }[] | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  const out: { apiVersion?: string; kind?: string; text: string }[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) return undefined;
    const v = d.toJS() as unknown;
    if (v === null || v === undefined) continue;
    const m = typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    const range = d.range;
    out.push({
      apiVersion: typeof m.apiVersion === 'string' ? m.apiVersion : undefined,
      kind: typeof m.kind === 'string' ? m.kind : undefined,
      text: text.slice(range[0], range[2]),
    });
  }
  return out;
}

/** Standard base64 of UTF-8 text. */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function policyArgs(files: readonly PolicyFile[]): string[] {
  return files.map((f) => `--policy-b64=${base64(f.text)}`);
}

// --- the CLI's arguments with the configuration ------------------------------------------

export interface ResolvedArgs {
  /** Plugin arguments: the configuration's first, then the command line's (later ones win). */
  pluginArgs: string[];
  config?: WardenConfig;
  policyFiles: PolicyFile[];
  skipped: string[];
}

/**
 * The configuration (found from `start` unless `configFile` or `noConfig`) and policy paths
 * turned into plugin arguments before `cliArgs`.
 */
export function resolveArgs(opts: { cliArgs: readonly string[]; policyPaths: readonly string[]; start: string; cwd: string; configFile?: string; noConfig?: boolean }): ResolvedArgs {
  const config = configAt(opts);
  const paths = [...(config?.policyPaths ?? []), ...opts.policyPaths.map((p) => resolve(opts.cwd, p))];
  const { files, skipped } = readPolicyPaths(paths, opts.cwd);
  return { pluginArgs: [...(config?.args ?? []), ...policyArgs(files), ...opts.cliArgs], config, policyFiles: files, skipped };
}

/**
 * Where a command looks for `.warden.yaml`, as `warden check` does: the first chart directory among
 * its inputs (a directory, or a Chart.yaml), else the current directory (rendered files, stdin, .tgz).
 */
export function configStart(inputs: readonly string[], cwd: string): string {
  for (const input of inputs) {
    if (input === '-' || input.endsWith('.tgz')) continue;
    const full = resolve(cwd, input);
    if (basename(full) === 'Chart.yaml') return dirname(full);
    try {
      if (statSync(full).isDirectory()) return full;
    } catch {
      // not there: the command names the problem when it reads its inputs
    }
  }
  return cwd;
}

/**
 * The `.warden.yaml` of a command that reads settings but no policies (`warden ownership`,
 * `snapshot`, `ingress`): `configFile`, else the one found from configStart(); none with noConfig.
 * Throws ConfigError for an unreadable or invalid file.
 */
export function commandConfig(opts: { inputs: readonly string[]; cwd: string; configFile?: string; noConfig?: boolean }): WardenConfig | undefined {
  return configAt({ ...opts, start: configStart(opts.inputs, opts.cwd) });
}

/** The configuration a command uses: `configFile`, else the one findConfig() finds from `start`; none with noConfig. */
function configAt(opts: { start: string; cwd: string; configFile?: string; noConfig?: boolean }): WardenConfig | undefined {
  if (opts.noConfig) return undefined;
  const file = opts.configFile !== undefined ? resolve(opts.cwd, opts.configFile) : findConfig(opts.start);
  return file === undefined ? undefined : loadConfig(file);
}

/** The value a configuration gives a plugin option (`ingress-target`, `take-ownership`), if any. */
export function configSetting(config: WardenConfig | undefined, option: string): string | undefined {
  let value: string | undefined;
  for (const a of config?.args ?? []) if (a.startsWith(`--${option}=`)) value = a.slice(option.length + 3);
  return value;
}

// --- `warden config` ----------------------------------------------------------------------

export const CONFIG_HELP = `warden config — the .warden.yaml configuration, shared by the CLI and the Helm plugin

Usage:
  warden config args [DIR] [--config FILE] [--format helm|lines|json]
                        print the plugin arguments for the .warden.yaml found from DIR
                        (default: the current directory), ready to paste into helm:
                        helm install … --post-renderer warden-exec <these flags>
  warden config validate [DIR] [--config FILE]
                        check the file (unknown keys and bad values are named with their line)

The CLI (warden check, render, ownership, snapshot, ingress) finds .warden.yaml in the chart
directory (or the current directory for rendered manifests) or a parent, up to the repository root
(the directory with .git). --config FILE picks one, --no-config ignores it. Options on the command
line win over the file. warden ownership takes the ownership: keys, warden snapshot
ownership.upgrade, warden ingress the ingress: keys. The Helm plugin cannot read files: "warden config args" prints the same settings as
--post-renderer-args (policy files become --policy-b64=…; one argument is limited to 128 KiB).

Keys:
${configKeysHelp()}

Example .warden.yaml:
  mode: enforce
  packs: [pod-security-restricted, best-practices]
  policies: [policies/]
  allowedRegistries: [ghcr.io/acme, registry.example.com]
  excludeRules: [require-probes/validate-probes]
  auditAnnotations: true
  ingress:
    target: gateway-api
    mode: report
  failOn: error

Examples:
  warden config validate
  warden config args charts/web
  warden config args --config ci/.warden.yaml --format lines

Exit codes: 0 ok, 2 usage error or invalid configuration.`;

interface ConfigIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd?: string;
}

/** Quotes for a POSIX shell when needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function configCommand(args: readonly string[], io: ConfigIo): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(CONFIG_HELP + '\n');
    return sub === undefined ? 2 : 0;
  }
  const cwd = io.cwd ?? process.cwd();
  let dir: string | undefined;
  let file: string | undefined;
  let format = 'helm';
  try {
    if (sub !== 'args' && sub !== 'validate') throw new ConfigError(`unknown subcommand "${sub}" (args or validate)`);
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const [k, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (k === '--help' || k === '-h') {
        io.stdout(CONFIG_HELP + '\n');
        return 0;
      }
      if (k === '--config' || k === '--format') {
        const v = inline ?? rest[++i];
        if (v === undefined) throw new ConfigError(`${k} needs a value`);
        if (k === '--config') file = v;
        else if (v === 'helm' || v === 'lines' || v === 'json') format = v;
        else throw new ConfigError(`--format must be helm, lines or json (got "${v}")`);
      } else if (a.startsWith('-')) throw new ConfigError(`unknown option "${a}"`);
      else if (dir === undefined) dir = a;
      else throw new ConfigError(`only one directory may be given (got "${dir}" and "${a}")`);
    }
    const path = file !== undefined ? resolve(cwd, file) : findConfig(resolve(cwd, dir ?? '.'));
    if (path === undefined) throw new ConfigError(`no .warden.yaml in ${dir ?? '.'} or its parents (up to the repository root)`);
    const config = loadConfig(path);
    const { files, skipped } = readPolicyPaths(config.policyPaths, cwd);
    if (sub === 'validate') {
      const n = files.reduce((a, f) => a + f.policies.length, 0);
      io.stdout(`${shown(path, cwd)}: valid (${config.args.length} setting${config.args.length === 1 ? '' : 's'}, ${n} polic${n === 1 ? 'y' : 'ies'} from ${files.length} file${files.length === 1 ? '' : 's'})\n`);
      return 0;
    }
    const pluginArgs = [...config.args, ...policyArgs(files)];
    for (const s of skipped) io.stderr(`warden config: ${s}: no Kyverno policy in it, left out\n`);
    for (const f of files) {
      const size = Buffer.byteLength(`--policy-b64=${base64(f.text)}`);
      if (size > MAX_ARG_BYTES) {
        io.stderr(
          `warden config: ${f.name} gives a ${Math.ceil(size / 1024)} KiB argument; the OS passes at most 128 KiB per argument ` +
            '(the shell cannot start helm: "Argument list too long"): split the file, or ship the policies in the chart (templates with kind ClusterPolicy)\n',
        );
      }
    }
    if (config.failOn !== undefined) io.stderr(`warden config: failOn applies to "warden check" only; it has no plugin argument\n`);
    if (format === 'json') io.stdout(JSON.stringify(pluginArgs) + '\n');
    else if (format === 'lines') io.stdout(pluginArgs.map((a) => a + '\n').join(''));
    else io.stdout(pluginArgs.map((a) => shellQuote(`--post-renderer-args=${a}`)).join(' \\\n') + (pluginArgs.length > 0 ? '\n' : ''));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`warden config: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Takes the CLI's `--policy FILE|DIR` (either form) out of plugin-style arguments. */
export function splitPolicyPaths(args: readonly string[]): { paths: string[]; rest: string[] } {
  const paths: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--policy=')) paths.push(a.slice('--policy='.length));
    else if (a === '--policy') {
      const v = args[++i];
      if (v === undefined) throw new ConfigError('--policy needs a file or directory');
      paths.push(v);
    } else rest.push(a);
  }
  if (paths.some((p) => p === '')) throw new ConfigError('--policy needs a file or directory');
  return { paths, rest };
}

/**
 * `warden render`'s plugin arguments: the .warden.yaml (found from `start`) first, then
 * `--policy` files as --policy-b64, then the rest. Notes (skipped files) go to `note`.
 */
export function cliPluginArgs(
  args: readonly string[],
  opts: { start: string; cwd: string; configFile?: string; noConfig?: boolean; note?: (s: string) => void },
): string[] {
  const { paths, rest } = splitPolicyPaths(args);
  const r = resolveArgs({ cliArgs: rest, policyPaths: paths, start: opts.start, cwd: opts.cwd, configFile: opts.configFile, noConfig: opts.noConfig });
  for (const s of r.skipped) opts.note?.(`${s}: no Kyverno policy in it, left out`);
  return r.pluginArgs;
}
