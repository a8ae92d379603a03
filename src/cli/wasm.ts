// Runs plugin.wasm under Node through @extism/extism (in a worker thread with a large
// stack, see wasm-worker.mjs), exactly as Helm would call it with the fixed ABI:
// {"manifests": "...", "extraArgs": [...]} in, JSON out.

import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WasmRunResult {
  /** Output manifests, when the plugin succeeded. */
  manifests?: string;
  /** The report text the plugin returned (empty when it failed). */
  report: string;
  /** The plugin's error text (what Helm would show), when it failed. */
  error?: string;
}

/** The packaged plugin.wasm: dist/warden/plugin.wasm beside this package's root. */
export function defaultWasmPath(): string {
  if (process.env.WARDEN_WASM) return process.env.WARDEN_WASM;
  // This file is bundled into dist/cli/warden.mjs, or run from src/cli in tests.
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', 'dist', 'warden', 'plugin.wasm');
}

/** Native stack for the engine: enough for QuickJS's 1 MiB JS stack limit to answer first. */
const WORKER_STACK_MB = 64;

export class WardenWasm {
  private nextId = 0;
  private readonly pending = new Map<number, (r: { output?: string; error?: string }) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; output?: string; error?: string }) => {
      const done = this.pending.get(m.id);
      if (!done) return;
      this.pending.delete(m.id);
      done(m);
    });
    worker.on('error', (e) => this.failAll(`the plugin worker failed: ${e.message}`));
    worker.on('exit', (code) => this.failAll(`the plugin worker exited (code ${code})`));
  }

  private failAll(error: string) {
    for (const done of this.pending.values()) done({ error });
    this.pending.clear();
  }

  /**
   * Loads plugin.wasm. `allowedHosts` turns on the plugin's HTTP function for those hosts (the
   * `--kube-proxy` route); the Node SDK answers HTTP only from its own background worker, so the
   * engine then runs there, with that worker's default native stack instead of ours.
   */
  static async load(wasmPath = defaultWasmPath(), opts: { allowedHosts?: readonly string[] } = {}): Promise<WardenWasm> {
    if (!existsSync(wasmPath)) throw new Error(`cannot read ${wasmPath} (ENOENT); run "npm run build" first`);
    const allowedHosts = opts.allowedHosts && opts.allowedHosts.length > 0 ? [...opts.allowedHosts] : undefined;
    const worker = new Worker(new URL('./wasm-worker.mjs', import.meta.url), {
      workerData: { wasmPath, allowedHosts },
      resourceLimits: { stackSizeMb: WORKER_STACK_MB },
    });
    const ready = await new Promise<{ ready: boolean; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw new Error(`cannot load ${wasmPath}: ${ready.error}`);
    }
    return new WardenWasm(worker);
  }

  /** Calls the plugin with the raw input JSON (as Helm would send it); `entry` names another export. */
  async callRaw(input: string, entry = 'helm_plugin_main'): Promise<{ output?: string; error?: string }> {
    const id = this.nextId++;
    const r = await new Promise<{ output?: string; error?: string }>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, input, entry });
    });
    // The Node SDK prefixes the text the plugin set; Helm shows it after "plugin error: ".
    if (r.error !== undefined) return { error: r.error.replace(/^Plugin-originated error: /, '') };
    return { output: r.output ?? '' };
  }

  async render(manifests: string, args: readonly string[]): Promise<WasmRunResult> {
    const r = await this.callRaw(JSON.stringify({ manifests, extraArgs: args }));
    if (r.error !== undefined) return { report: '', error: r.error };
    const msg = JSON.parse(r.output ?? '') as { manifests: string; report?: { text?: string } };
    return { manifests: msg.manifests, report: msg.report?.text ?? '' };
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** The hosts a run's plugin args need HTTP to: the `--kube-proxy` URL's host, if any. */
export function allowedHostsFor(args: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const a of args) {
    if (!a.startsWith('--kube-proxy=')) continue;
    try {
      hosts.push(new URL(a.slice('--kube-proxy='.length)).hostname);
    } catch {
      // The plugin names a malformed URL itself.
    }
  }
  return hosts;
}
