// Each plugin flavour ships warden's LICENSE and the license texts of everything compiled or
// linked into it (build/notices.mjs). The list of npm packages is checked against what esbuild
// actually bundled, and warden-exec's against the modules Go linked, so a new dependency
// cannot ship without its notice. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_NPM } from '../../build/notices.mjs';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');

describe('third-party notices in the plugin packages', () => {
  it('the npm packages named in the notices are exactly the ones bundled into plugin.wasm', () => {
    const bundle = readFileSync(join(dist, 'build', 'bundle.js'), 'utf8');
    const bundled = new Set<string>();
    for (const m of bundle.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)) bundled.add(m[1]);
    expect([...bundled].sort()).toEqual([...BUNDLED_NPM].sort());
  });

  for (const flavour of ['warden', 'warden-exec']) {
    it(`dist/${flavour} has LICENSE and THIRD_PARTY_NOTICES.txt naming every component`, () => {
      const dir = join(dist, flavour);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Apache License');
      const notices = readFileSync(join(dir, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
      for (const name of ['quickjs-ng', 'libyaml', 'wasi-libc', ...BUNDLED_NPM]) expect(notices).toContain(`\n${name}`);
      expect(notices).toContain('Fabrice Bellard'); // quickjs's own license text, not a placeholder
      expect(notices).toMatch(/@jmespath-community\/jmespath [\d.]+, license MPL-2.0\nBundled unmodified/);
    });
  }

  it('warden-exec names every Go module linked into its binary, and Go itself', () => {
    const binDir = join(dist, 'warden-exec', 'bin');
    const binaries = readdirSync(binDir);
    expect(binaries.length).toBeGreaterThan(0);
    const notices = readFileSync(join(dist, 'warden-exec', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    for (const b of binaries) {
      const info = execFileSync('go', ['version', '-m', join(binDir, b)], { encoding: 'utf8' });
      const deps = [...info.matchAll(/^\s+dep\s+(\S+)\s+(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(deps.some((d) => d.startsWith('github.com/tetratelabs/wazero ')), 'wazero is linked').toBe(true);
      for (const d of deps) expect(notices, d).toContain(`\n${d}\n`);
    }
    expect(notices).toMatch(/\nGo standard library and runtime \(go[\d.]+\)\n/);
    expect(existsSync(join(dist, 'warden', 'THIRD_PARTY_NOTICES.txt'))).toBe(true);
  });
});
