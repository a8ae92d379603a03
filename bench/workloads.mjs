// What `npm run bench` measures: a table of workloads and a table of runtimes.
//
// A workload is one entry in WORKLOADS. Two kinds:
//
//   kind: 'warden'   warden itself on a generated stream, run by every runtime in RUNTIMES that
//                    the workload lists (default: all). Fields:
//                      args      the --post-renderer-args (Helm's extraArgs) for this workload
//                      setup     optional (ctx) => ({ args?, skip? }) run once before measuring
//                                (e.g. write an ownership snapshot into ctx.tmp and add its flag)
//                      verify    (input: string, output: string, report) => null | 'why it is wrong'
//                                Every measured call is verified; a wrong result fails the benchmark.
//   kind: 'command'  an external program on the same stream (helm template, kyverno apply, a
//                    baseline). Fields:
//                      requires  (ctx) => null | 'skip reason' (e.g. binary not built)
//                      command   (ctx, stream: {path, bytes}) => { argv, stdin?: path, env?, cwd? }
//                      verify    (input: string, stdout: Buffer, stderr: string) => null | 'why'
//                    Measured as a child process: wall time, peak RSS; first run = cold.
//
// Adding a workload later (issue 9: default policy packs, all checks with an ownership snapshot,
// ingress rewrite; `helm template` with and without `--post-renderer warden-exec`; `kyverno apply`)
// is one more entry here — runtimes, measurement, verification, ratios and targets are shared.

import { existsSync } from 'node:fs';

/** Output must equal the input byte for byte. */
export function identical(input, output) {
  if (output === input) return null;
  const a = Buffer.from(input);
  const b = Buffer.isBuffer(output) ? output : Buffer.from(String(output));
  if (a.equals(b)) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.subarray(0, i).toString('utf8').split('\n').length;
  return `output differs from input at byte ${i} (line ${line}; input ${a.length} bytes, output ${b.length} bytes)`;
}

export const WORKLOADS = [
  {
    id: 'pass-through',
    kind: 'warden',
    description: 'every check off: the pipeline alone (read, apply, emit) must hand the stream back unchanged',
    args: ['--skip=policy,ownership,ingress'],
    verify: (input, output, report) => identical(input, output) ?? (report && report.exitCode !== 0 ? `exit code ${report.exitCode}` : null),
  },
  {
    id: 'io-baseline',
    kind: 'command',
    description: '`cat` of the stream through a pipe: the floor any subprocess post-renderer pays for process start and I/O',
    requires: () => (existsSync('/bin/cat') ? null : '/bin/cat missing'),
    command: (_ctx, stream) => ({ argv: ['/bin/cat'], stdin: stream.path }),
    verify: (input, stdout) => identical(input, stdout),
  },
  {
    id: 'default-packs',
    kind: 'warden',
    description:
      'the policy check alone with the zero-configuration packs (pod-security-baseline + best-practices, audit): ' +
      'workload documents parsed and evaluated, findings reported, the stream handed back unchanged',
    args: ['--checks=policy'],
    verify: (input, output, report) => {
      const same = identical(input, output);
      if (same) return same;
      if (report && report.exitCode !== 0) return `exit code ${report.exitCode}`;
      // the generated streams always hold workloads that violate the packs
      if (report && report.summary && !(report.summary.fail > 0)) return 'no policy findings reported';
      return null;
    },
  },
  // Later, for example:
  // { id: 'helm-template+warden-exec', kind: 'command', requires: (ctx) => ctx.helm ? null : 'no helm',
  //   command: (ctx, s) => ({ argv: [ctx.helm, 'template', 'rel', ctx.chartFor(s), '--post-renderer', 'warden-exec'], env: ctx.helmEnv }),
  //   verify: ... },
];

/**
 * The runtimes a 'warden' workload runs in. `where` says how it is measured:
 *   'worker'  in a fresh Node child process (bench/worker.mjs), so peak RSS belongs to that cell alone
 *   'process' warden-exec as a child process (wall time, its own timing line, peak RSS)
 */
export const RUNTIMES = [
  { id: 'extism', label: 'plugin.wasm in @extism/extism (Node, V8 Wasm)', where: 'worker', needs: 'wasm' },
  { id: 'node', label: 'same core in Node/V8 (esbuild bundle of src/core.ts)', where: 'worker', needs: 'core' },
  { id: 'wazero', label: 'warden-exec (Go, extism go-sdk on wazero: Helm\u2019s runtime)', where: 'process', needs: 'exec' },
];
