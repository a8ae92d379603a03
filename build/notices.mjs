// Third-party notices shipped with each plugin flavour (dist/warden/, dist/warden-exec/).
//
// The texts come from the sources the build actually used, never from a list kept by hand:
// quickjs-ng and libyaml from the fetched registry packages, the npm packages bundled into
// plugin.wasm from node_modules, wasi-libc from Debian's copyright file, and for warden-exec
// every Go module `go version -m` names in the binary (plus the Go standard library).
// The build fails when a license text is missing, so a new dependency cannot ship unnoticed.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** npm packages esbuild bundles into plugin.wasm (checked against the bundle's inputs by the tests). */
export const BUNDLED_NPM = ['yaml', '@marcbachmann/cel-js', '@jmespath-community/jmespath'];

const LICENSE_NAMES = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

function licenseFile(dir, what) {
  const name = existsSync(dir) ? readdirSync(dir).find((f) => LICENSE_NAMES.test(f)) : undefined;
  if (!name) throw new Error(`notices: no license file for ${what} in ${dir}`);
  return readFileSync(join(dir, name), 'utf8');
}

function section(title, lines, text) {
  return [`${'='.repeat(78)}`, title, ...lines, `${'-'.repeat(78)}`, text.trimEnd(), ''].join('\n');
}

/** Sections for what plugin.wasm contains. */
export function pluginSections({ root, quickjsDir, libyamlDir }) {
  const out = [];
  out.push(section('quickjs-ng (JavaScript engine)', ['from the crates.io package rquickjs-sys 0.14.0, license MIT'], licenseFile(quickjsDir, 'quickjs-ng')));
  out.push(
    section(
      'libyaml 0.1.7 (YAML reader)',
      [
        'from the PyPI sdist ruamel.yaml.clib 0.2.15, license MIT.',
        'libyaml is Copyright (c) 2006-2016 Kirill Simonov and Copyright (c) 2017-2020 Ingy döt Net,',
        'under the MIT license; the sdist ships it under the following text:',
      ],
      licenseFile(libyamlDir, 'libyaml'),
    ),
  );
  const wasi = '/usr/share/doc/wasi-libc/copyright';
  if (!existsSync(wasi)) throw new Error(`notices: ${wasi} is missing (Debian package wasi-libc)`);
  out.push(section('wasi-libc (C library)', ["Debian's wasi-libc package; its copyright file:"], readFileSync(wasi, 'utf8')));
  for (const name of BUNDLED_NPM) {
    const dir = join(root, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const lines = [`npm package ${name} ${pkg.version}, license ${pkg.license}`];
    if (pkg.license === 'MPL-2.0') {
      lines.push(`Bundled unmodified; its source form is the npm package ${name}@${pkg.version} (npm pack ${name}@${pkg.version}).`);
    }
    out.push(section(name, lines, licenseFile(dir, name)));
  }
  return out;
}

/** Module path as the Go module cache spells it (upper-case letters become !lower). */
function escapeModulePath(p) {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Sections for a warden-exec binary: every module it links, and Go itself. */
export function goSections(binary) {
  const info = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const goRoot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const goVersion = /^\S+: (go\S+)/.exec(info)?.[1] ?? 'go';
  const out = [section(`Go standard library and runtime (${goVersion})`, ['license BSD-3-Clause'], licenseFile(goRoot, 'Go'))];
  for (const line of info.split('\n')) {
    const m = /^\s+dep\s+(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, mod, version] = m;
    out.push(section(`${mod} ${version}`, ['Go module linked into warden-exec'], licenseFile(join(modCache, `${escapeModulePath(mod)}@${version}`), mod)));
  }
  return out;
}

export function writeNotices(file, sections) {
  const head = [
    'Third-party software in this warden plugin',
    '',
    'warden itself is under the Apache License 2.0 (LICENSE beside this file). It contains the',
    'following software, each under its own license, reproduced below.',
    '',
  ].join('\n');
  writeFileSync(file, head + '\n' + sections.join('\n'));
}
