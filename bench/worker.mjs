// One benchmark cell in a fresh Node process (spawned by bench/run.mjs), so that peak RSS and
// heap belong to this cell only. argv[2] is a JSON spec:
//   { runtime: 'extism'|'node', workload, stream, args, runs, budgetMs, wasm?, core? }

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WORKLOADS } from './workloads.mjs';

const MiB = 1024 * 1024;

async function loadRuntime(spec) {
  if (spec.runtime === 'extism') {
    const bytes = readFileSync(spec.wasm);
    const { default: createPlugin } = await import('@extism/extism');
    const t0 = performance.now();
    // Helm's runtime: WASI on, no host functions; runInWorker off so the call is timed directly.
    const plugin = await createPlugin({ wasm: [{ data: bytes }] }, { useWasi: true, runInWorker: false });
    const setupMs = performance.now() - t0;
    const memory = (await plugin.getInstance()).exports.memory;
    return {
      setupMs,
      wasmBytes: () => memory.buffer.byteLength,
      async call(input) {
        let out;
        try {
          out = await plugin.call('helm_plugin_main', input);
        } catch (e) {
          return { error: `plugin error: ${e.message}` };
        }
        return { output: out ? out.text() : '' };
      },
      close: () => plugin.close(),
    };
  }
  if (spec.runtime === 'node') {
    const t0 = performance.now();
    const core = await import(pathToFileURL(spec.core).href);
    const setupMs = performance.now() - t0;
    return {
      setupMs,
      async call(input) {
        const r = core.handleHelmInput(input);
        return 'error' in r ? { error: `core error: ${r.error}` } : { output: r.output };
      },
      close: async () => {},
    };
  }
  throw new Error(`worker: unknown runtime ${spec.runtime}`);
}

// Progress goes out as one JSON line per event, so that bench/run.mjs keeps what was measured
// even when it has to kill this process at its time limit:
//   {"setupMs"} once, {"callMs","wasmMiB"} per call (the first is the cold one),
//   {"error"} on a wrong result, {"memory"} at the end.
const emit = (o) => process.stdout.write('\n' + JSON.stringify(o) + '\n');

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const workload = WORKLOADS.find((w) => w.id === spec.workload);
  if (!workload) throw new Error(`worker: unknown workload ${spec.workload}`);
  const rssStart = process.memoryUsage().rss;
  const manifests = readFileSync(spec.stream, 'utf8');
  const input = JSON.stringify({ manifests, extraArgs: spec.args });
  const rt = await loadRuntime(spec);
  emit({ setupMs: rt.setupMs });
  let wasmMax = 0;

  const once = async () => {
    const t0 = performance.now();
    const r = await rt.call(input);
    const ms = performance.now() - t0;
    const wasm = rt.wasmBytes ? rt.wasmBytes() : 0;
    wasmMax = Math.max(wasmMax, wasm);
    if (r.error !== undefined) throw new Error(r.error.slice(0, 2000));
    let msg;
    try {
      msg = JSON.parse(r.output);
    } catch (e) {
      throw new Error(`output is not JSON: ${e.message}`);
    }
    if (typeof msg.manifests !== 'string') throw new Error('output has no "manifests" string');
    const why = workload.verify(manifests, msg.manifests, msg.report);
    if (why) throw new Error(`wrong result: ${why}`);
    emit({ callMs: ms, wasmMiB: rt.wasmBytes ? wasm / MiB : null });
    return ms;
  };

  try {
    let spent = await once();
    // One warm call; then more (up to `runs`) while the cell's time budget lasts.
    // (runs = 0: the cold call only, for cells too slow to repeat)
    for (let n = 0; n < spec.runs && (n === 0 || spent < spec.budgetMs); n++) spent += await once();
  } catch (e) {
    emit({ error: e.message });
  }
  const mem = process.memoryUsage();
  emit({
    memory: {
      rssStartMiB: rssStart / MiB,
      rssEndMiB: mem.rss / MiB,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      heapUsedMiB: mem.heapUsed / MiB,
      wasmMiB: rt.wasmBytes ? wasmMax / MiB : null,
    },
  });
  await rt.close();
}

main().catch((e) => {
  emit({ error: `worker failed: ${e.stack ?? e}` });
  process.exitCode = 1;
});
