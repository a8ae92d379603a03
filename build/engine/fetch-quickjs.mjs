// Obtains the quickjs-ng C sources that ship inside the crates.io package
// rquickjs-sys@0.14.0 (folder `quickjs/` of the .crate tarball).
//
// The .crate is fetched with cargo (a throw-away Cargo project in the cache
// dir that depends on exactly that version, then `cargo fetch`), its sha256 is
// checked against the pinned value below, and the `quickjs/` folder is
// extracted to ${WARDEN_CACHE:-$HOME/.cache/warden}/quickjs-ng-rquickjs-sys-0.14.0/.
// Idempotent: a finished extraction is marked with a stamp file and reused.
//
// CLI: node build/engine/fetch-quickjs.mjs   (prints the source directory)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CRATE_NAME = 'rquickjs-sys';
export const CRATE_VERSION = '0.14.0';
export const CRATE_SHA256 = 'cee271d0eeba64f0915b846cb7ae02e16faf3dfdffdca91731101d9d30fe3423';

export function defaultCacheDir() {
  return process.env.WARDEN_CACHE || path.join(os.homedir(), '.cache', 'warden');
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function cargoHome() {
  return process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
}

function findCrateInRegistry() {
  const cacheRoot = path.join(cargoHome(), 'registry', 'cache');
  if (!fs.existsSync(cacheRoot)) return null;
  const fileName = `${CRATE_NAME}-${CRATE_VERSION}.crate`;
  for (const reg of fs.readdirSync(cacheRoot).sort()) {
    const candidate = path.join(cacheRoot, reg, fileName);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function cargoFetch(workDir) {
  const proj = path.join(workDir, 'fetch-project');
  fs.mkdirSync(path.join(proj, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(proj, 'Cargo.toml'),
    [
      '[package]',
      'name = "warden-quickjs-fetch"',
      'version = "0.0.0"',
      'edition = "2021"',
      'publish = false',
      '',
      '[dependencies]',
      `${CRATE_NAME} = "=${CRATE_VERSION}"`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(proj, 'src', 'lib.rs'), '');
  execFileSync('cargo', ['fetch', '--manifest-path', path.join(proj, 'Cargo.toml')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * Makes sure the quickjs-ng sources are extracted and returns the directory
 * holding quickjs.c etc. (…/quickjs-ng-rquickjs-sys-0.14.0/quickjs).
 * @param {{cacheDir?: string, log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>}
 */
export async function fetchQuickjs(opts = {}) {
  const cacheDir = opts.cacheDir || defaultCacheDir();
  const log = opts.log || (() => {});
  const dest = path.join(cacheDir, `quickjs-ng-${CRATE_NAME}-${CRATE_VERSION}`);
  const srcDir = path.join(dest, 'quickjs');
  const stamp = path.join(dest, '.complete');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === CRATE_SHA256) {
    return srcDir;
  }
  fs.mkdirSync(cacheDir, { recursive: true });

  let crate = findCrateInRegistry();
  if (!crate) {
    log(`fetching ${CRATE_NAME}@${CRATE_VERSION} with cargo`);
    cargoFetch(path.join(cacheDir, `cargo-fetch-${CRATE_NAME}-${CRATE_VERSION}`));
    crate = findCrateInRegistry();
    if (!crate) throw new Error(`cargo fetch did not produce ${CRATE_NAME}-${CRATE_VERSION}.crate under ${cargoHome()}/registry/cache`);
  }
  const got = sha256File(crate);
  if (got !== CRATE_SHA256) {
    throw new Error(`sha256 mismatch for ${crate}: expected ${CRATE_SHA256}, got ${got}`);
  }

  // Extract into a temp dir next to the destination, then rename (atomic-ish).
  const tmp = fs.mkdtempSync(path.join(cacheDir, `.extract-${CRATE_NAME}-`));
  try {
    const top = `${CRATE_NAME}-${CRATE_VERSION}`;
    execFileSync('tar', ['-xzf', crate, '-C', tmp, `${top}/quickjs`], { stdio: 'inherit' });
    const extracted = path.join(tmp, top);
    if (!fs.existsSync(path.join(extracted, 'quickjs', 'quickjs.c'))) {
      throw new Error(`${crate} has no quickjs/quickjs.c`);
    }
    fs.writeFileSync(path.join(extracted, '.complete'), CRATE_SHA256 + '\n');
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(extracted, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`extracted quickjs-ng sources to ${srcDir}`);
  return srcDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchQuickjs({ log: (m) => console.error(m) }).then(
    (dir) => console.log(dir),
    (err) => {
      console.error(err.message || err);
      process.exit(1);
    },
  );
}
