// Obtains libyaml's C sources from the PyPI source distribution of
// ruamel.yaml.clib 0.2.15 (MIT), which ships libyaml 0.1.7's reader, scanner
// and parser next to its Python binding.
//
// The sdist is fetched with pip (`pip download --no-deps --no-binary :all:`),
// its sha256 is checked against the pinned value below, and only the files the
// engine compiles (plus the licence) are extracted to
// ${WARDEN_CACHE:-$HOME/.cache/warden}/libyaml-ruamel.yaml.clib-0.2.15/.
// Idempotent: a finished extraction is marked with a stamp file and reused.
//
// CLI: node build/engine/fetch-libyaml.mjs   (prints the source directory)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defaultCacheDir } from './fetch-quickjs.mjs';

export const SDIST_NAME = 'ruamel.yaml.clib';
export const SDIST_VERSION = '0.2.15';
export const SDIST_FILE = 'ruamel_yaml_clib-0.2.15.tar.gz';
export const SDIST_SHA256 = '46e4cc8c43ef6a94885f72512094e482114a8a706d3c555a34ed4b0d20200600';

/** libyaml files the engine needs: the event parser only (no loader, no emitter). */
export const LIBYAML_SOURCES = ['api.c', 'reader.c', 'scanner.c', 'parser.c'];
export const LIBYAML_HEADERS = ['yaml.h', 'yaml_private.h', 'config.h'];
const EXTRA = ['LICENSE'];

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function pythonCommand() {
  for (const cmd of [process.env.WARDEN_PYTHON, 'python3', 'python'].filter(Boolean)) {
    try {
      execFileSync(cmd, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return cmd;
    } catch {
      /* try the next one */
    }
  }
  throw new Error('pip not found: libyaml sources come from PyPI (ruamel.yaml.clib sdist); install python3 with pip');
}

/**
 * Makes sure the libyaml sources are extracted and returns their directory.
 * @param {{cacheDir?: string, log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>}
 */
export async function fetchLibyaml(opts = {}) {
  const cacheDir = opts.cacheDir || defaultCacheDir();
  const log = opts.log || (() => {});
  const dest = path.join(cacheDir, `libyaml-${SDIST_NAME}-${SDIST_VERSION}`);
  const stamp = path.join(dest, '.complete');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === SDIST_SHA256) return dest;
  fs.mkdirSync(cacheDir, { recursive: true });

  const dl = path.join(cacheDir, 'pypi-sdists');
  fs.mkdirSync(dl, { recursive: true });
  const sdist = path.join(dl, SDIST_FILE);
  if (!fs.existsSync(sdist) || sha256File(sdist) !== SDIST_SHA256) {
    log(`fetching ${SDIST_NAME}==${SDIST_VERSION} (sdist) with pip`);
    execFileSync(
      pythonCommand(),
      ['-m', 'pip', 'download', '--quiet', '--no-deps', '--no-binary', ':all:', `${SDIST_NAME}==${SDIST_VERSION}`, '-d', dl],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (!fs.existsSync(sdist)) throw new Error(`pip download did not produce ${sdist}`);
  }
  const got = sha256File(sdist);
  if (got !== SDIST_SHA256) throw new Error(`sha256 mismatch for ${sdist}: expected ${SDIST_SHA256}, got ${got}`);

  const tmp = fs.mkdtempSync(path.join(cacheDir, '.extract-libyaml-'));
  try {
    const top = `${SDIST_NAME}-${SDIST_VERSION}`;
    const wanted = [...LIBYAML_SOURCES, ...LIBYAML_HEADERS, ...EXTRA].map((f) => `${top}/${f}`);
    execFileSync('tar', ['-xzf', sdist, '-C', tmp, ...wanted], { stdio: 'inherit' });
    const extracted = path.join(tmp, top);
    fs.writeFileSync(path.join(extracted, '.complete'), SDIST_SHA256 + '\n');
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(extracted, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`extracted libyaml sources to ${dest}`);
  return dest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchLibyaml({ log: (m) => console.error(m) }).then(
    (dir) => console.log(dir),
    (err) => {
      console.error(err.message || err);
      process.exit(1);
    },
  );
}
