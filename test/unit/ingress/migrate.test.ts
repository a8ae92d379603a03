// The wiring API: documents → findings + patches for report / rewrite / both.

import { describe, expect, it } from 'vitest';
import { migrateIngresses, migrateObjects } from '../../../src/ingress/migrate';
import { readStream } from '../../../src/read/document';

const P = 'nginx.ingress.kubernetes.io/';

function ingress(name: string, host: string, annotations: Record<string, string> = {}) {
  const a: Record<string, string> = {};
  for (const k of Object.keys(annotations)) a[P + k] = annotations[k];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations: a },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };
}

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };

describe('migrateObjects', () => {
  const input = [service, ingress('ok', 'a.example.com', { 'configuration-snippet': 'return 200;' }), ingress('open', 'b.example.com', { 'whitelist-source-range': '10.0.0.0/8' })];

  it('report: findings only', () => {
    const r = migrateObjects(input, { target: 'gateway-api', mode: 'report' });
    expect(r.patches).toEqual([]);
    expect(r.findings.find((f) => f.rule === 'ingress/snippet')).toMatchObject({ result: 'fail', enforce: true, path: `metadata.annotations["${P}configuration-snippet"]` });
    expect(r.findings.find((f) => f.rule === 'ingress/not-translated')!.result).toBe('fail');
  });

  it('rewrite: translated Ingresses are replaced; an Ingress whose access control would be dropped is kept and emits nothing', () => {
    const r = migrateObjects(input, { target: 'gateway-api', mode: 'rewrite' });
    expect(r.patches.filter((p) => p.op === 'remove')).toEqual([{ op: 'remove', doc: 1, reason: 'Ingress default/ok replaced by Gateway API objects' }]);
    const inserted = r.patches.filter((p) => p.op === 'insert').map((p) => (p.op === 'insert' ? `${(p.value as any).kind}/${(p.value as any).metadata.name}@${p.after}` : ''));
    expect(inserted).toEqual(['Gateway/nginx@1', 'HTTPRoute/ok-a-example-com@1']);
    expect(r.findings.some((f) => f.rule === 'ingress/not-rewritten' && f.message.includes('default/open'))).toBe(true);
  });

  it('both: new objects next to the Ingresses, which stay', () => {
    const r = migrateObjects(input, { target: 'gateway-api', mode: 'both' });
    expect(r.patches.some((p) => p.op === 'remove')).toBe(false);
    expect(r.patches.filter((p) => p.op === 'insert').length).toBe(2);
  });

  it('other targets: an Ingress whose access control the target keeps is rewritten; snippets are dropped with it', () => {
    const r = migrateObjects(input, { target: 'haproxy', mode: 'rewrite' });
    expect(r.patches.filter((p) => p.op === 'remove').map((p) => (p.op === 'remove' ? p.doc : -1))).toEqual([1, 2]);
    const inserted = r.patches.filter((p) => p.op === 'insert').map((p) => (p.op === 'insert' ? (p.value as any) : undefined));
    expect(inserted.map((o) => o.metadata.name)).toEqual(['ok', 'open']);
    expect(inserted[1].metadata.annotations['haproxy.org/allow-list']).toBe('10.0.0.0/8');
    expect(JSON.stringify(inserted)).not.toContain('snippet');
    expect(r.findings.find((f) => f.rule === 'ingress/snippet')!.result).toBe('fail');
  });
});

describe('migrateIngresses on a rendered stream', () => {
  it('maps findings and patches to document indexes', () => {
    const stream = [
      '# Source: chart/templates/cm.yaml',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: c}',
      '---',
      '# Source: chart/templates/ingress.yaml',
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: web',
      '  namespace: default',
      '  annotations:',
      `    ${P}proxy-body-size: "8m"`,
      'spec:',
      '  ingressClassName: nginx',
      '  rules:',
      '  - host: web.example.com',
      '    http:',
      '      paths:',
      '      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}',
      '',
    ].join('\n');
    const r = migrateIngresses(readStream(stream), { target: 'gateway-api', mode: 'rewrite' });
    const body = r.findings.find((f) => f.rule === 'ingress/body-size')!;
    expect(body.document).toMatchObject({ index: 1, kind: 'Ingress', name: 'web', source: 'chart/templates/ingress.yaml' });
    expect(r.patches.find((p) => p.op === 'remove')).toMatchObject({ doc: 1 });
    expect(r.patches.filter((p) => p.op === 'insert').every((p) => p.op === 'insert' && p.after === 1)).toBe(true);
  });
});

describe('plugin options of the ingress targets', () => {
  it('parses --ingress-traefik, --ingress-new-class and --gateway-experimental, and rejects bad values', async () => {
    const { parseArgs, UsageError } = await import('../../../src/args');
    const o = parseArgs(['--ingress-target=traefik', '--ingress-traefik=ingressroute', '--ingress-new-class', 'edge', '--gateway-experimental']);
    expect([o.ingressTarget, o.ingressTraefik, o.ingressNewClass, o.gatewayExperimental]).toEqual(['traefik', 'ingressroute', 'edge', true]);
    expect(() => parseArgs(['--ingress-traefik=crd'])).toThrow(UsageError);
    expect(() => parseArgs(['--ingress-new-class='])).toThrow(/needs a name/);
  });
});
