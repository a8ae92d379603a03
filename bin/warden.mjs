#!/usr/bin/env node
// Entry of the `warden` command: the CLI is bundled into dist/cli/warden.mjs by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/warden.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('warden: the CLI is not built yet; run "npm run build" in the helm-warden package\n');
  process.exit(2);
}
await import(cli.href);
