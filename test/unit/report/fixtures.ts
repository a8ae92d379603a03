// Findings covering every branch of the report formats: results, blocking, documents with
// and without identity or template, paths, fixes, characters XML must escape, and the
// optional severity/category fields a policy may add.
import type { Finding } from '../../../src/report/finding';
import { summarize } from '../../../src/report/text';
import { defaultContext, type ReportContext } from '../../../src/report/formats';

export const FINDINGS: Finding[] = [
  {
    check: 'read',
    rule: 'read/yaml-syntax',
    result: 'error',
    enforce: true,
    message: 'document 3 (line 40) is not valid YAML at line 2, column 4: bad indentation',
    document: { index: 2, line: 40, source: 'webapp/templates/configmap.yaml' },
    fix: 'correct the template that renders it; Helm would reject this output too',
  },
  {
    check: 'ownership',
    rule: 'ownership/conflict',
    result: 'fail',
    enforce: true,
    message: 'Service "web" in namespace "prod" exists and belongs to release "other"',
    document: { index: 0, line: 1, apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'prod', source: 'webapp/templates/service.yaml' },
  },
  {
    check: 'ownership',
    rule: 'ownership/cluster-scoped-name',
    result: 'warn',
    enforce: false,
    message: 'ClusterRole "reader" does not depend on the release <name> & would "clash"',
    document: { index: 1, line: 12, apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader', source: 'webapp/charts/sub/templates/rbac.yaml' },
    fix: "use '{{ .Release.Name }}-reader'",
  },
  {
    check: 'policy',
    rule: 'disallow-latest-tag/validate-image-tag',
    result: 'fail',
    enforce: false,
    message: 'validation error: using a mutable image tag e.g. \'latest\' is not allowed.\u0001',
    document: { index: 3, line: 60, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod', source: 'webapp/templates/deployment.yaml' },
    path: 'spec.template.spec.containers[0].image',
    ...({ severity: 'medium', category: 'Best Practices' } as object),
  },
  {
    check: 'policy',
    rule: 'team-a/require-labels/check-team',
    result: 'skip',
    enforce: false,
    message: 'preconditions not met',
    document: { index: 3, line: 60, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod', source: 'webapp/templates/deployment.yaml' },
  },
  {
    check: 'ownership',
    rule: 'ownership/prediction',
    result: 'info',
    enforce: false,
    message: 'release "r1" in namespace "prod": 4 objects checked. Helm install passes the ownership check',
  },
];

export const SUMMARY = summarize(FINDINGS, { documents: 5, objects: 4, changed: 0, added: 0, removed: 0 });

export function ctx(over: Partial<ReportContext> = {}): ReportContext {
  return defaultContext({
    tool: { name: 'warden', version: '1.2.3' },
    target: 'charts/webapp',
    targetKind: 'chart',
    chartRoot: 'charts/webapp',
    release: 'r1',
    namespace: 'prod',
    mode: 'enforce',
    ...over,
  });
}
