// The `warden` command for CI and chart authors. A thin shell: it reads files,
// runs the same plugin.wasm Helm runs, and writes results. Exit codes:
//   0 clean (or audit findings only), 1 enforced findings block, 2 usage or input error.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, UsageError, USAGE, VALUED_OPTIONS } from '../args';
import { checkCommand } from './check';
import { cliPluginArgs, configCommand, ConfigError } from './config';
import { policiesCommand } from './policies';
import { ownershipCommand } from './ownership';
import { ingressCommand } from './ingress';
import { snapshotCommand } from './snapshot';
import { testCommand } from './test';
import { allowedHostsFor, WardenWasm } from './wasm';

import { WARDEN_VERSION } from '../version';

const VERSION = WARDEN_VERSION;

const HELP = `warden — policy, ownership and ingress checks for Helm 4 manifests

Usage:
  warden check CHART|FILE|- [OPTIONS]  check a chart (rendered with helm template) or rendered
                                     manifests; print a report, write SARIF/JUnit/JSON/PolicyReport
                                     ("warden check --help" for its options)
  warden ingress CHART|FILE|- --target T [--mode report|rewrite|both] [--output FILE]
                                     ingress-nginx migration report per Ingress; writes the
                                     rewritten manifests ("warden ingress --help")
  warden ownership CHART|FILE --release R [-n NS] [--kubeconfig F]
                                     predict Helm's ownership conflicts against a live cluster
                                     ("warden ownership --help")
  warden snapshot CHART|FILE --release R [-n NS] [--kubeconfig F]
                                     read the live state for --post-renderer-args=--snapshot=
                                     ("warden snapshot --help")
  warden render [OPTIONS] [FILE|-]   run warden on rendered manifests (stdin by default),
                                     print the result on stdout and the report on stderr
  warden test DIR|FILE...            run Kyverno CLI tests (kyverno-test.yaml) with warden's engine
                                     ("warden test --help" for its options)
  warden policies list|show NAME     the built-in policy packs; print a policy's YAML
  warden config args|validate [DIR]  .warden.yaml: check it, or print it as --post-renderer-args
  warden --version
  warden --help

Options of render (the same as the plugin's --post-renderer-args):
${USAGE.split('\n').slice(1).filter((l) => !l.startsWith('  --policy=YAML')).join('\n')}
  --wasm=PATH              plugin.wasm to run (default: the one built into this package)
  --output=FILE            write the manifests to FILE instead of stdout
  --policy=FILE|DIR        in the CLI --policy names policy files or directories (*.yaml/*.yml,
                           recursive), read here and passed on as --policy-b64; repeatable
  --config=FILE            the .warden.yaml to use (default: found from the current directory up
                           to the repository root); --no-config: none

Examples:
  warden check ./chart --format sarif --output warden.sarif
  helm template ./chart | warden render --mode=enforce > out.yaml
  warden render rendered.yaml --report-format=json

Exit codes: 0 clean, 1 findings block the render (check: fail the check), 2 usage or input error.`;

export const BLOCKED_PREFIX = /^warden: \d+ findings? blocks? this render/;

interface Io {
  stdin: () => string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const realIo: Io = {
  stdin: () => readFileSync(0, 'utf8'),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

export async function main(argv: readonly string[], io: Io = realIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    io.stdout(`warden ${VERSION}\n`);
    return 0;
  }
  // Terminals: --color=auto and the progress line on stderr (only for the real streams).
  const tty = { isTTY: io === realIo && process.stdout.isTTY === true, stderrTTY: io === realIo && process.stderr.isTTY === true, env: process.env };
  if (command === 'check') return checkCommand(rest, { ...io, ...tty });
  if (command === 'snapshot') return snapshotCommand(rest, { ...io, ...tty });
  if (command === 'ownership') return ownershipCommand(rest, { ...io, ...tty });
  if (command === 'ingress') return ingressCommand(rest, { ...io, ...tty });
  if (command === 'test') return testCommand(rest, io);
  if (command === 'policies') return policiesCommand(rest, io);
  if (command === 'config') return configCommand(rest, io);
  if (command !== 'render') {
    io.stderr(`warden: unknown command "${command}"\n\n${HELP}\n`);
    return 2;
  }

  let wasm: string | undefined;
  let output: string | undefined;
  let configFile: string | undefined;
  let noConfig = false;
  let file: string | undefined;
  const wardenArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--wasm' || a === '--output' || a === '--config') {
      const v = rest[++i];
      if (v === undefined) {
        io.stderr(`warden: ${a} needs a value\n`);
        return 2;
      }
      if (a === '--wasm') wasm = v;
      else if (a === '--config') configFile = v;
      else output = v;
    } else if (a.startsWith('--wasm=')) wasm = a.slice(7);
    else if (a.startsWith('--config=')) configFile = a.slice(9);
    else if (a === '--no-config') noConfig = true;
    else if (a.startsWith('--output=')) output = a.slice(9);
    else if (a.startsWith('--') || isValueOf(rest, i)) wardenArgs.push(a);
    else if (file === undefined) file = a;
    else {
      io.stderr(`warden: only one input file may be given (got "${file}" and "${a}")\n`);
      return 2;
    }
  }
  try {
    // .warden.yaml (found from the current directory) and --policy FILE|DIR become plugin args
    const cwd = process.cwd();
    wardenArgs.splice(0, wardenArgs.length, ...cliPluginArgs(wardenArgs, { start: cwd, cwd, configFile, noConfig, note: (s) => io.stderr(`warden: ${s}\n`) }));
    const opts = parseArgs(wardenArgs);
    if (opts.help) {
      io.stdout(HELP + '\n');
      return 0;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`warden: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  let manifests: string;
  try {
    manifests = file === undefined || file === '-' ? io.stdin() : readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr(`warden: cannot read ${file ?? 'standard input'}: ${(e as Error).message}\n`);
    return 2;
  }

  let plugin: WardenWasm;
  try {
    plugin = await WardenWasm.load(wasm, { allowedHosts: allowedHostsFor(wardenArgs) });
  } catch (e) {
    io.stderr(`warden: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const r = await plugin.render(manifests, wardenArgs);
    if (r.error !== undefined) {
      io.stderr(r.error.endsWith('\n') ? r.error : r.error + '\n');
      return BLOCKED_PREFIX.test(r.error) ? 1 : 2;
    }
    if (output !== undefined) writeFileSync(output, r.manifests ?? '');
    else io.stdout(r.manifests ?? '');
    if (r.report) io.stderr(r.report);
    return 0;
  } finally {
    await plugin.close();
  }
}

/** Is rest[i] the value of a valued option written as two words (`--release r1`)? */
function isValueOf(rest: readonly string[], i: number): boolean {
  const prev = rest[i - 1];
  return prev !== undefined && !prev.includes('=') && VALUED_OPTIONS.has(prev.slice(2)) && prev.startsWith('--');
}
