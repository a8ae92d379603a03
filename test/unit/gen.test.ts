import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateStream, parseSize } from '../../bench/gen.mjs';

const gen = generateStream as (bytes: number, seed?: number, opts?: { style?: 'source' | 'helm4' }) => string;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const ANNOTATION = 'postrenderer.helm.sh/postrender-filename';

describe('bench/gen.mjs generateStream', () => {
  it('is deterministic: same arguments give identical bytes', () => {
    for (const style of ['source', 'helm4'] as const) {
      expect(gen(300_000, 1, { style })).toBe(gen(300_000, 1, { style }));
      expect(gen(50_000, 7, { style })).toBe(gen(50_000, 7, { style }));
    }
    expect(gen(100 * 1024)).toBe(gen(100 * 1024, 1));
  });

  it('depends on the seed and the style', () => {
    expect(gen(100_000, 1)).not.toBe(gen(100_000, 2));
    expect(gen(100_000, 1, { style: 'helm4' })).not.toBe(gen(100_000, 1));
  });

  for (const target of [20 * 1024, 100 * 1024, 1024 * 1024]) {
    it(`hits ${target} bytes within ±5%`, () => {
      for (const style of ['source', 'helm4'] as const) {
        const n = bytes(gen(target, 3, { style }));
        expect(Math.abs(n - target) / target).toBeLessThanOrEqual(0.05);
      }
    });
  }

  for (const style of ['source', 'helm4'] as const) {
    it(`${style}: parses with the yaml package, every object carries Helm's annotation`, () => {
      const text = gen(400 * 1024, 5, { style });
      const docs = parseAllDocuments(text);
      const kinds = new Set<string>();
      let objects = 0;
      let empty = 0;
      for (const d of docs) {
        expect(d.errors).toEqual([]);
        expect(d.warnings).toEqual([]);
        const v = d.toJS() as { kind?: string; metadata?: { annotations?: Record<string, string> } } | null;
        if (v === null || v === undefined) {
          empty++;
          continue;
        }
        objects++;
        kinds.add(v.kind ?? '');
        expect(v.metadata?.annotations?.[ANNOTATION]).toMatch(/^platform\/(charts\/[^/]+\/)?templates\/.+\.yaml$/);
      }
      for (const k of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'Ingress', 'HorizontalPodAutoscaler', 'ServiceAccount', 'Role', 'RoleBinding', 'Job', 'CustomResourceDefinition']) {
        expect(kinds).toContain(k);
      }
      expect(objects).toBeGreaterThan(200);
      if (style === 'source') {
        expect(empty).toBeGreaterThan(0);
        expect(text.startsWith('---\n# Source: ')).toBe(true);
        expect((text.match(/^# Source: /gm) ?? []).length).toBe(docs.length);
      } else {
        expect(empty).toBe(0);
        expect(text).not.toContain('# Source:');
        expect(text.startsWith('apiVersion: ')).toBe(true);
      }
      // Block scalars holding `---` lines, hooks, nginx annotations, non-ASCII text are all in there.
      expect(text).toMatch(/^ {4}---$/m);
      expect(text).toContain('"helm.sh/hook": pre-install,pre-upgrade');
      expect(text).toContain('nginx.ingress.kubernetes.io/');
      expect(bytes(text)).toBeGreaterThan(text.length);
    });
  }

  it('parses size labels', () => {
    expect(parseSize('100KB')).toBe(102_400);
    expect(parseSize('1MB')).toBe(1_048_576);
    expect(parseSize('2.5MiB')).toBe(2_621_440);
    expect(parseSize('777')).toBe(777);
    expect(() => parseSize('big')).toThrow();
  });
});
