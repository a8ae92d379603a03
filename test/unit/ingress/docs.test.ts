// docs/ingress.md's coverage table is the registry's (src/ingress/summary.ts, coverageTable()).
// WARDEN_UPDATE_DOCS=1 rewrites the table instead of failing.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, targetCounts } from '../../../src/ingress/annotations/index';
import { coverage, coverageTable, traefikPaths } from '../../../src/ingress/summary';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'ingress.md');
const doc = readFileSync(DOC, 'utf8');

describe('docs/ingress.md', () => {
  it('has the coverage table computed from the registry and the emitters', () => {
    const start = doc.indexOf('<!-- coverage:start -->\n');
    const end = doc.indexOf('\n<!-- coverage:end -->');
    expect(start).toBeGreaterThan(0);
    if (process.env.WARDEN_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.slice(0, start + '<!-- coverage:start -->\n'.length) + coverageTable() + doc.slice(end));
      return;
    }
    expect(doc.slice(start + '<!-- coverage:start -->\n'.length, end)).toBe(coverageTable());
  });

  it('the coverage adds up and agrees with the registry counts', () => {
    for (const c of coverage()) {
      const t = targetCounts(c.target);
      expect([c.faithful, c.approximated, c.unsupported]).toEqual([t.faithful, t.partial, t.none]);
      expect(c.faithful + c.approximated + c.unsupported).toBe(ANNOTATIONS.length);
      expect(c.emitted).toBeLessThanOrEqual(c.faithful + c.approximated);
      expect(c.emitted).toBeGreaterThan(0);
    }
  });

  it('the two Traefik paths each account for every row, and share the rows with no equivalent', () => {
    const t = targetCounts('traefik');
    for (const p of traefikPaths()) {
      expect(p.faithful + p.approximated + p.elsewhere + p.unsupported).toBe(ANNOTATIONS.length);
      expect(p.unsupported).toBe(t.none);
    }
    const [kept, translated] = traefikPaths();
    // The registry's faithful Traefik rows are the provider's; the translation carries fewer.
    expect(kept.faithful).toBe(t.faithful);
    expect(translated.faithful).toBeLessThan(kept.faithful);
    expect(doc).toContain('Middleware / IngressRoute translation');
  });
});
