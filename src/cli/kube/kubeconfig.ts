// A small kubeconfig reader: enough of client-go's loading rules for `warden snapshot` to reach the
// same cluster as `helm` and `kubectl`, with the same credentials.
//
// Supported:
//   - files: --kubeconfig FILE, else $KUBECONFIG (a ':'-separated list, merged: the first file that
//     defines a name wins, current-context from the first file that sets it), else ~/.kube/config;
//   - context: --context NAME, else current-context; its namespace when -n is not given;
//   - cluster: server, certificate-authority / certificate-authority-data, insecure-skip-tls-verify,
//     tls-server-name;
//   - user: token, tokenFile, client-certificate(-data) + client-key(-data), username/password,
//     exec credential plugins (client.authentication.k8s.io v1 / v1beta1, non-interactive: the
//     returned token or client certificate is used; run once per warden command).
// Not supported (a clear error names them): auth-provider (the removed gcp/azure/oidc plugins),
// proxy-url, and in-cluster service-account configuration without a kubeconfig.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export class KubeconfigError extends Error {}

export interface KubeCredentials {
  /** https://host:port, no trailing slash. */
  server: string;
  ca?: Buffer;
  insecure: boolean;
  tlsServerName?: string;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  basic?: { username: string; password: string };
  /** The context's namespace, if it sets one. */
  namespace?: string;
  /** Where it came from, for messages: `context "x" in /path/config`. */
  source: string;
}

type Obj = Record<string, unknown>;

interface Named {
  name: string;
  value: Obj;
  /** The directory of the file the entry came from (relative paths resolve against it). */
  dir: string;
}

interface Loaded {
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext?: string;
  files: string[];
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The files client-go would read, in precedence order. */
export function kubeconfigFiles(explicit: string | undefined, env: Record<string, string | undefined>): string[] {
  if (explicit !== undefined && explicit !== '') return [explicit];
  const list = env.KUBECONFIG;
  if (list !== undefined && list !== '') return list.split(delimiter).filter((f) => f !== '');
  return [join(env.HOME && env.HOME !== '' ? env.HOME : homedir(), '.kube', 'config')];
}

function load(files: string[], explicit: boolean): Loaded {
  const out: Loaded = { clusters: new Map(), users: new Map(), contexts: new Map(), files: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      // client-go ignores missing files in $KUBECONFIG, but not an explicit --kubeconfig.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !explicit && files.length > 1) continue;
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(e as Error).message}`);
    }
    if (doc === null || doc === undefined) continue;
    if (!isObj(doc)) throw new KubeconfigError(`kubeconfig ${file} is not a mapping`);
    out.files.push(file);
    const dir = dirname(resolve(file));
    for (const [field, map, inner] of [
      ['clusters', out.clusters, 'cluster'],
      ['users', out.users, 'user'],
      ['contexts', out.contexts, 'context'],
    ] as const) {
      const list = doc[field];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig ${file}: "${field}" must be a list`);
      list.forEach((entry, i) => {
        if (!isObj(entry) || typeof entry.name !== 'string') throw new KubeconfigError(`kubeconfig ${file}: ${field}[${i}] needs a name`);
        const value = entry[inner];
        if (!map.has(entry.name)) map.set(entry.name, { name: entry.name, value: isObj(value) ? value : {}, dir });
      });
    }
    if (out.currentContext === undefined && str(doc['current-context'])) out.currentContext = doc['current-context'] as string;
  }
  return out;
}

function readPath(path: string, dir: string, what: string): Buffer {
  const full = isAbsolute(path) ? path : join(dir, path);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new KubeconfigError(`cannot read the ${what} ${full}: ${(e as Error).message}`);
  }
}

function b64(v: string, what: string): Buffer {
  const b = Buffer.from(v, 'base64');
  if (b.length === 0) throw new KubeconfigError(`${what} is not base64 data`);
  return b;
}

export interface ResolveOptions {
  kubeconfig?: string;
  context?: string;
  env?: Record<string, string | undefined>;
}

/** Resolves the kubeconfig to a server and credentials (running an exec plugin if the user has one). */
export function resolveKubeconfig(opts: ResolveOptions = {}): KubeCredentials {
  const env = opts.env ?? process.env;
  const files = kubeconfigFiles(opts.kubeconfig, env);
  const cfg = load(files, opts.kubeconfig !== undefined);
  const where = cfg.files.length === 1 ? cfg.files[0] : cfg.files.length === 0 ? files.join(delimiter) : `${cfg.files.join(delimiter)}`;
  const ctxName = opts.context ?? cfg.currentContext;
  if (ctxName === undefined) {
    throw new KubeconfigError(
      cfg.files.length === 0 ? `no kubeconfig found (looked at ${files.join(', ')}); pass --kubeconfig FILE` : `${where} sets no current-context; pass --context NAME`,
    );
  }
  const ctx = cfg.contexts.get(ctxName);
  if (!ctx) throw new KubeconfigError(`context "${ctxName}" is not in ${where} (contexts: ${[...cfg.contexts.keys()].join(', ') || 'none'})`);
  const clusterName = str(ctx.value.cluster);
  const cluster = clusterName !== undefined ? cfg.clusters.get(clusterName) : undefined;
  if (!cluster) throw new KubeconfigError(`context "${ctxName}" names cluster "${clusterName ?? ''}", which is not in ${where}`);
  const userName = str(ctx.value.user);
  const user = userName !== undefined ? cfg.users.get(userName) : undefined;
  if (userName !== undefined && !user) throw new KubeconfigError(`context "${ctxName}" names user "${userName}", which is not in ${where}`);
  const source = `context "${ctxName}" in ${where}`;

  const c = cluster.value;
  const server = str(c.server);
  if (!server) throw new KubeconfigError(`cluster "${cluster.name}" has no server (${source})`);
  if (str(c['proxy-url'])) throw new KubeconfigError(`cluster "${cluster.name}" uses proxy-url, which warden does not support (${source})`);
  const creds: KubeCredentials = {
    server: server.replace(/\/+$/, ''),
    insecure: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c['tls-server-name']),
    namespace: str(ctx.value.namespace),
    source,
  };
  if (str(c['certificate-authority-data'])) creds.ca = b64(c['certificate-authority-data'] as string, `certificate-authority-data of cluster "${cluster.name}"`);
  else if (str(c['certificate-authority'])) creds.ca = readPath(c['certificate-authority'] as string, cluster.dir, `certificate authority of cluster "${cluster.name}"`);

  if (user) applyUser(creds, user, env);
  return creds;
}

function applyUser(creds: KubeCredentials, user: Named, env: Record<string, string | undefined>): void {
  const u = user.value;
  const what = `user "${user.name}"`;
  if (isObj(u['auth-provider'])) {
    throw new KubeconfigError(
      `${what} uses auth-provider "${str((u['auth-provider'] as Obj).name) ?? '?'}", which warden does not support; use an exec credential plugin or a token`,
    );
  }
  if (str(u['client-certificate-data'])) creds.cert = b64(u['client-certificate-data'] as string, `client-certificate-data of ${what}`);
  else if (str(u['client-certificate'])) creds.cert = readPath(u['client-certificate'] as string, user.dir, `client certificate of ${what}`);
  if (str(u['client-key-data'])) creds.key = b64(u['client-key-data'] as string, `client-key-data of ${what}`);
  else if (str(u['client-key'])) creds.key = readPath(u['client-key'] as string, user.dir, `client key of ${what}`);
  if ((creds.cert === undefined) !== (creds.key === undefined)) throw new KubeconfigError(`${what} has a client certificate without a key, or a key without a certificate`);
  if (str(u.token)) creds.token = u.token as string;
  else if (str(u.tokenFile)) creds.token = readPath(u.tokenFile as string, user.dir, `token file of ${what}`).toString('utf8').trim();
  if (str(u.username) && str(u.password)) creds.basic = { username: u.username as string, password: u.password as string };
  if (isObj(u.exec)) runExec(creds, u.exec, what, env);
}

/** Runs an exec credential plugin (client.authentication.k8s.io), non-interactively. */
function runExec(creds: KubeCredentials, exec: Obj, what: string, env: Record<string, string | undefined>): void {
  const command = str(exec.command);
  if (!command) throw new KubeconfigError(`${what}: exec has no command`);
  const apiVersion = str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1';
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const extra: Record<string, string> = {};
  if (Array.isArray(exec.env)) for (const e of exec.env) if (isObj(e) && typeof e.name === 'string') extra[e.name] = String(e.value ?? '');
  const info = { apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env, ...extra, KUBERNETES_EXEC_INFO: JSON.stringify(info) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    maxBuffer: 16 << 20,
  });
  if (r.error) {
    const hint = str(exec.installHint);
    throw new KubeconfigError(`${what}: cannot run the exec credential plugin "${command}": ${r.error.message}${hint ? `\n${hint}` : ''}`);
  }
  if (r.status !== 0) throw new KubeconfigError(`${what}: the exec credential plugin "${command}" failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  let cred: unknown;
  try {
    cred = JSON.parse(r.stdout);
  } catch {
    throw new KubeconfigError(`${what}: the exec credential plugin "${command}" printed no ExecCredential JSON`);
  }
  const status = isObj(cred) && isObj(cred.status) ? cred.status : undefined;
  if (!status) throw new KubeconfigError(`${what}: the exec credential plugin "${command}" returned no status`);
  if (str(status.token)) creds.token = status.token as string;
  if (str(status.clientCertificateData) && str(status.clientKeyData)) {
    creds.cert = Buffer.from(status.clientCertificateData as string, 'utf8');
    creds.key = Buffer.from(status.clientKeyData as string, 'utf8');
  }
  if (!creds.token && !creds.cert) throw new KubeconfigError(`${what}: the exec credential plugin "${command}" returned neither a token nor a client certificate`);
}
