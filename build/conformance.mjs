// `npm run conformance -- [DIR] [--baseline FILE] [--write-baseline FILE] [--quiet]`
// Bundles src/cli/conformance.ts (the same engine sources that go into plugin.wasm) in memory
// with esbuild and runs it in Node. See docs/conformance.md.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({
  entryPoints: [join(root, 'src', 'cli', 'conformance.ts')],
  bundle: true,
  write: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  // yaml's CommonJS build calls require('process'): give the ESM bundle a require.
  banner: { js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);" },
});
const dir = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
const file = join(dir, 'conformance.mjs');
writeFileSync(file, out.outputFiles[0].text);
try {
  const { conformanceMain } = await import(pathToFileURL(file).href);
  process.exitCode = conformanceMain(process.argv.slice(2), root);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
