// The ingress check wired into the pipeline: options, modes, and when findings block.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/args';
import { runWarden } from '../../src/core';

const INGRESS = [
  '---',
  'apiVersion: networking.k8s.io/v1',
  'kind: Ingress',
  'metadata:',
  '  name: web',
  '  namespace: prod',
  '  annotations:',
  '    nginx.ingress.kubernetes.io/ssl-redirect: "true"',
  '    nginx.ingress.kubernetes.io/configuration-snippet: |',
  '      more_set_headers "X-Frame-Options: DENY";',
  'spec:',
  '  ingressClassName: nginx',
  '  rules:',
  '  - host: web.example.com',
  '    http:',
  '      paths:',
  '      - path: /',
  '        pathType: Prefix',
  '        backend:',
  '          service:',
  '            name: web',
  '            port:',
  '              number: 80',
  '',
].join('\n');
const CONFIGMAP = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: prod\n';

const run = (input: string, args: string[]) => runWarden(input, { ...parseArgs(['--packs=none', '--skip=ownership', ...args]) });

describe('ingress check', () => {
  it('reports in audit mode by default, blocks nothing and changes nothing', () => {
    const r = run(INGRESS, []);
    expect(r.manifests).toBe(INGRESS);
    expect(r.exitCode).toBe(0);
    const snippet = r.findings.find((f) => f.path === 'metadata.annotations["nginx.ingress.kubernetes.io/configuration-snippet"]');
    expect(snippet).toMatchObject({ check: 'ingress', result: 'fail', enforce: false });
    expect(snippet?.document).toMatchObject({ kind: 'Ingress', name: 'web' });
  });

  it('blocks on the snippet only when migrating in enforce mode', () => {
    expect(run(INGRESS, ['--mode=enforce']).exitCode).toBe(0);
    expect(run(INGRESS, ['--mode=enforce', '--ingress-mode=both']).exitCode).toBe(1);
    expect(run(INGRESS, ['--ingress-mode=rewrite']).exitCode).toBe(0);
  });

  it('adds Gateway API objects next to the Ingress in both mode, and replaces it in rewrite mode', () => {
    const plain = INGRESS.replace(/    nginx.ingress.kubernetes.io\/configuration-snippet: \|\n.*\n/, '');
    const both = run(plain, ['--ingress-mode=both']);
    expect(both.manifests.startsWith(plain)).toBe(true);
    expect(both.manifests).toContain('kind: HTTPRoute');
    const rewrite = run(plain, ['--ingress-mode=rewrite']);
    expect(rewrite.manifests).not.toContain('kind: Ingress\n');
    expect(rewrite.manifests).toContain('kind: HTTPRoute');
    expect(rewrite.findings.some((f) => f.rule === 'apply/removed')).toBe(true);
  });

  it('parses nothing when the render has no Ingress', () => {
    const r = run(CONFIGMAP.repeat(3), []);
    expect(r.findings.filter((f) => f.check === 'ingress')).toEqual([]);
  });

  it('rejects unknown targets and modes by name', () => {
    expect(() => parseArgs(['--ingress-target=envoy'])).toThrow('--ingress-target must be one of gateway-api, traefik, haproxy, openshift (got "envoy")');
    expect(() => parseArgs(['--ingress-mode=migrate'])).toThrow('--ingress-mode must be report, rewrite or both');
  });
});
