// Runs plugin.wasm under Node through @extism/extism, exactly as Helm would call
// it with the fixed ABI: {"manifests": "...", "extraArgs": [...]} in, JSON out.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from '@extism/extism';

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

export class WardenWasm {
  private constructor(private readonly plugin: Plugin) {}

  static async load(wasmPath = defaultWasmPath()): Promise<WardenWasm> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(wasmPath);
    } catch (e) {
      throw new Error(`cannot read ${wasmPath} (${(e as NodeJS.ErrnoException).code ?? e}); run "npm run build" first`);
    }
    // Loaded on demand: importing it starts Node's WASI module, which costs time and prints a warning.
    const { default: createPlugin } = await import('@extism/extism');
    const plugin = await createPlugin({ wasm: [{ data: bytes }] }, { useWasi: true, runInWorker: false });
    return new WardenWasm(plugin);
  }

  /** Calls the plugin with the raw input JSON (as Helm would send it). */
  async callRaw(input: string): Promise<{ output?: string; error?: string }> {
    try {
      const out = await this.plugin.call('helm_plugin_main', input);
      return { output: out ? out.text() : '' };
    } catch (e) {
      // The Node SDK prefixes the text the plugin set; Helm shows it after "plugin error: ".
      return { error: (e as Error).message.replace(/^Plugin-originated error: /, '') };
    }
  }

  async render(manifests: string, args: readonly string[]): Promise<WasmRunResult> {
    const r = await this.callRaw(JSON.stringify({ manifests, extraArgs: args }));
    if (r.error !== undefined) return { report: '', error: r.error };
    const msg = JSON.parse(r.output ?? '') as { manifests: string; report?: { text?: string } };
    return { manifests: msg.manifests, report: msg.report?.text ?? '' };
  }

  async close(): Promise<void> {
    await this.plugin.close();
  }
}
