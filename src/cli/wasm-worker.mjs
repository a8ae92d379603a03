// Runs plugin.wasm in a worker thread with a large native stack. Under Node's default
// ~1 MB stack, deep recursion in the engine traps before QuickJS's own limit answers
// with a RangeError (as it does under wazero in Helm), so the CLI would give a different
// result than the plugin for the same input. Plain JS so it loads from src/ and dist/.
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

// Node marks WASI experimental and says so whenever it loads; warden's users need not see it.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  if (!text.includes('WASI is an experimental feature')) emitWarning(warning, ...rest);
};

const { default: createPlugin } = await import('@extism/extism');
let plugin;
try {
  const http = Array.isArray(workerData.allowedHosts) && workerData.allowedHosts.length > 0;
  // HTTP (--kube-proxy) is synchronous for the plugin; the Node SDK can only answer it from its
  // own background worker, so that path trades our large stack for the SDK's worker.
  plugin = await createPlugin(
    { wasm: [{ data: readFileSync(workerData.wasmPath) }] },
    http ? { useWasi: true, runInWorker: true, allowedHosts: workerData.allowedHosts } : { useWasi: true, runInWorker: false },
  );
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ ready: false, error: String(e && e.message ? e.message : e) });
}

parentPort.on('message', async ({ id, input, entry }) => {
  try {
    const out = await plugin.call(entry ?? 'helm_plugin_main', input);
    parentPort.postMessage({ id, output: out ? out.text() : '' });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message ? e.message : e) });
  }
});
