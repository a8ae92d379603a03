#!/usr/bin/env node
// npm run build: TypeScript → esbuild bundle → QuickJS-ng engine + Wizer snapshot →
// plugin.wasm (repo root and dist/warden/), the warden-exec subprocess flavour
// (dist/warden-exec/), and the Node CLI (dist/cli/warden.mjs).
//
// Every step is deterministic: the same sources give the same bytes.

import { build as esbuild } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const log = (msg) => process.stderr.write(`build: ${msg}\n`);
const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

function checkVersions() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pluginYaml = readFileSync(join(root, 'plugin.yaml'), 'utf8');
  const m = /^version:\s*(\S+)\s*$/m.exec(pluginYaml);
  if (!m || m[1] !== pkg.version) {
    throw new Error(`plugin.yaml version (${m?.[1]}) must equal package.json version (${pkg.version})`);
  }
  return pkg.version;
}

/** The plugin's JS bundle: CommonJS with module.exports.helm_plugin_main, no Node built-ins. */
export async function bundlePlugin(outfile = join(dist, 'build', 'bundle.js'), version = checkVersions()) {
  mkdirSync(dirname(outfile), { recursive: true });
  await esbuild({
    entryPoints: [join(root, 'src', 'entry', 'plugin.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2020',
    mainFields: ['module', 'main'],
    minify: false,
    legalComments: 'none',
    charset: 'utf8',
    define: { __WARDEN_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  return outfile;
}

/** The Node CLI, with everything but @extism/extism bundled in. */
export async function bundleCli(outfile = join(dist, 'cli', 'warden.mjs'), version = checkVersions()) {
  await esbuild({
    entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@extism/extism'],
    legalComments: 'none',
    define: { __WARDEN_VERSION__: JSON.stringify(version) },
    // yaml's CommonJS build (bundled for `warden test`) calls require('process'): give the ESM bundle a require.
    banner: { js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

async function main() {
  const t0 = Date.now();
  const only = new Set(process.argv.slice(2));
  const want = (step) => only.size === 0 || only.has(step);
  const version = checkVersions();
  // The built-in policy packs are YAML files; the bundle takes them from a generated module.
  await import('./gen-packs.mjs').then((m) => m.writePackSources());

  const bundle = await bundlePlugin(undefined, version);
  log(`bundle ${relative(root, bundle)} (${readFileSync(bundle).length} bytes)`);

  if (want('wasm')) {
    const { buildEngine, snapshot } = await import('./engine/build.mjs');
    const engine = await buildEngine({});
    const wasm = join(dist, 'build', 'plugin.wasm');
    await snapshot({ engineWasm: engine, bundlePath: bundle, outPath: wasm });
    copyFileSync(wasm, join(root, 'plugin.wasm'));
    mkdirSync(join(dist, 'warden'), { recursive: true });
    copyFileSync(wasm, join(dist, 'warden', 'plugin.wasm'));
    copyFileSync(join(root, 'plugin.yaml'), join(dist, 'warden', 'plugin.yaml'));
    const { fetchQuickjs } = await import('./engine/fetch-quickjs.mjs');
    const { fetchLibyaml } = await import('./engine/fetch-libyaml.mjs');
    const { pluginSections, goSections, writeNotices } = await import('./notices.mjs');
    const inPlugin = pluginSections({ root, quickjsDir: await fetchQuickjs({}), libyamlDir: await fetchLibyaml({}) });
    copyFileSync(join(root, 'LICENSE'), join(dist, 'warden', 'LICENSE'));
    writeNotices(join(dist, 'warden', 'THIRD_PARTY_NOTICES.txt'), inPlugin);
    log(`plugin.wasm ${readFileSync(wasm).length} bytes, sha256 ${sha256(wasm)}`);

    if (want('exec') || only.size === 0) {
      const { buildExec } = await import('./exec/build.mjs');
      const outDir = join(dist, 'warden-exec');
      await buildExec({ outDir });
      copyFileSync(wasm, join(outDir, 'plugin.wasm'));
      copyFileSync(join(root, 'LICENSE'), join(outDir, 'LICENSE'));
      const binDir = join(outDir, 'bin');
      const binary = join(binDir, readdirSync(binDir).sort()[0]);
      writeNotices(join(outDir, 'THIRD_PARTY_NOTICES.txt'), [...inPlugin, ...goSections(binary)]);
      log(`warden-exec flavour in ${relative(root, outDir)}`);
    }
  }

  if (want('cli')) {
    const cli = await bundleCli(undefined, version);
    copyFileSync(join(root, 'src', 'cli', 'wasm-worker.mjs'), join(dist, 'cli', 'wasm-worker.mjs'));
    log(`cli ${relative(root, cli)}`);
  }
  writeFileSync(join(dist, 'VERSION'), version + '\n');
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`build failed: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
