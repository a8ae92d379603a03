// Rule metadata for SARIF `tool.driver.rules` and other reports: a short description and
// help text per rule id. Policy rules come from policies, so they get a generic entry
// built from their id unless a finding carries more.

import { splitRule } from './context';

export interface RuleInfo {
  id: string;
  title: string;
  help: string;
  category: string;
}

const KNOWN: Record<string, { title: string; help: string }> = {
  'read/yaml-syntax': {
    title: 'A rendered document is not valid YAML',
    help: 'Helm and Kubernetes reject documents that do not parse. Fix the template that renders it (indentation, quoting, a value inserted without `toYaml`/`nindent`).',
  },
  'read/not-a-kubernetes-object': {
    title: 'A rendered document has no apiVersion or kind',
    help: 'Every document Helm sends to the cluster must be a Kubernetes object with apiVersion and kind. Remove the document or complete it.',
  },
  'ownership/duplicate-object': {
    title: 'The same object is rendered twice',
    help: 'Helm does not detect duplicates: it sends both documents and one silently overwrites the other. Render each object once.',
  },
  'ownership/namespace-mismatch': {
    title: 'An object names a namespace other than the release namespace',
    help: 'Objects with a hard-coded namespace are installed there, not in the release namespace, which surprises users of `--namespace`. Use `{{ .Release.Namespace }}` unless the other namespace is intended.',
  },
  'ownership/namespace-ignored': {
    title: 'A cluster-scoped object has a namespace',
    help: 'The API server ignores metadata.namespace on cluster-scoped kinds. Remove it from the template.',
  },
  'ownership/cluster-scoped-name': {
    title: 'A cluster-scoped object name does not depend on the release',
    help: 'Two releases of the chart would both render this cluster-scoped object, and the second install fails with "invalid ownership metadata". Include the release name in the object name.',
  },
  'ownership/assumed-namespaced': {
    title: 'The scope of a kind is unknown',
    help: 'warden does not know this kind (usually a CRD) and assumed it is namespaced. Pass a snapshot or check the CRD scope.',
  },
  'ownership/name-and-generate-name': {
    title: 'An object has both name and generateName',
    help: 'When metadata.name is set, generateName is ignored. Keep one of them.',
  },
  'ownership/conflict': {
    title: 'Helm would stop with "invalid ownership metadata"',
    help: 'The object already exists in the cluster and belongs to another release or to no release. Adopt it (`--take-ownership`, or the meta.helm.sh annotations and the managed-by label), rename it, or delete it first.',
  },
  'ownership/will-adopt': {
    title: 'Helm will adopt an existing object',
    help: 'With --take-ownership Helm takes the existing object over. Check that this is intended.',
  },
  'ownership/lookup-failed': {
    title: 'The live state of an object could not be read',
    help: 'Helm would stop when it cannot read an object it is about to create. Check the permissions of the account Helm runs as.',
  },
  'ownership/not-in-snapshot': {
    title: 'An object is missing from the snapshot',
    help: 'The live-state snapshot does not mention this object, so its ownership could not be checked. Regenerate the snapshot.',
  },
  'ownership/contested': {
    title: 'Another release claims the object',
    help: 'The object is annotated for a different release. Only one release may own an object.',
  },
  'ownership/prediction': {
    title: "Summary of Helm's ownership check",
    help: 'What Helm would decide for every rendered object, given the live state warden was told about.',
  },
  'ownership/snapshot-mismatch': {
    title: 'The snapshot does not match this release',
    help: 'The --snapshot was taken for another release or namespace. Regenerate it for this one.',
  },
  'ownership/cluster-checks-skipped': {
    title: 'Cluster-dependent ownership checks were skipped',
    help: 'Without a --snapshot of the live state, warden only checks what the rendered manifests alone show.',
  },
  'ownership/previous-release-unknown': {
    title: 'The previous release is unknown',
    help: 'For an upgrade, warden needs to know which objects the previous release had; without it, new objects are checked as for an install.',
  },
};

const CATEGORY: Record<string, string> = {
  read: 'Rendering',
  ownership: 'Helm ownership',
  ingress: 'Ingress migration',
  policy: 'Policy',
};

export function ruleInfo(id: string, check: string): RuleInfo {
  const known = KNOWN[id];
  const category = CATEGORY[check] ?? check;
  if (known) return { id, title: known.title, help: known.help, category };
  const { policy, rule } = splitRule(id);
  if (check === 'policy') {
    return {
      id,
      title: `Policy ${policy}, rule ${rule}`,
      help: `A rule of the Kyverno-compatible policy "${policy}" did not pass. The message of each result says what the rule expects.`,
      category,
    };
  }
  return { id, title: id, help: `Rule ${rule} of the ${check} check.`, category };
}
