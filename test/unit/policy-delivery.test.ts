// Policy delivery (issue 5 item 3) and verdicts to the user (item 4): --policy/--policy-b64,
// policies shipped in the chart's render, shape errors naming source/policy/rule/line, the
// opt-in channels (--audit-annotations, --report-object) and --report-format inside the plugin.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseArgs, UsageError } from '../../src/args';
import { decodeBase64Text, parsePolicyText, PolicyInputError } from '../../src/checks/policy/delivery';
import { blockingMessage, handleHelmInput, runWarden } from '../../src/core';
import { PACKS } from '../../src/packs';
import { PACK_SOURCES as PACK_SOURCES_FOR_TEST } from '../../src/packs/sources.generated';
import { FINDINGS_ANNOTATION, MAX_ANNOTATION_LINES, annotationValue } from '../../src/report/channels';
import { sarifValidator } from './report/schemas';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const TEAM_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
  annotations:
    policies.kyverno.io/severity: high
    policies.kyverno.io/category: Ownership
spec:
  validationFailureAction: Enforce
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Deployment]
      validate:
        message: "every Deployment needs a team label"
        pattern:
          metadata:
            labels:
              team: "?*"
`;

const OTHER_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-nodeport
spec:
  rules:
    - name: check-type
      match:
        any:
          - resources:
              kinds: [Service]
      validate:
        message: "NodePort Services are not allowed"
        pattern:
          spec:
            =(type): "!NodePort"
`;

function deployment(name: string, labels: Record<string, string> = {}): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/c:1.0' }] } } },
  });
}
const SERVICE = stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });

const STREAM = `---\n# Source: web/templates/bad.yaml\n${deployment('bad')}---\n# Source: web/templates/good.yaml\n${deployment('good', { team: 'payments' })}---\n# Source: web/templates/svc.yaml\n${SERVICE}`;

function run(args: string[], manifests = STREAM) {
  return runWarden(manifests, parseArgs(args));
}

function objects(stream: string): Record<string, any>[] {
  return parseAllDocuments(stream)
    .map((d) => d.toJS())
    .filter((v) => v !== null);
}

function expectUsage(args: string[], ...parts: (string | RegExp)[]): string {
  let msg = '';
  try {
    parseArgs(args);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    msg = (e as Error).message;
  }
  expect(msg, 'parseArgs must throw').not.toBe('');
  for (const p of parts) {
    if (typeof p === 'string') expect(msg).toContain(p);
    else expect(msg).toMatch(p);
  }
  return msg;
}

describe('user policies through --post-renderer-args', () => {
  it('--policy runs an inline policy next to the default packs', () => {
    const r = run([`--policy=${TEAM_POLICY}`]);
    const team = r.findings.filter((f) => f.rule === 'require-team-label/check-team');
    expect(team.map((f) => f.document?.name)).toEqual(['bad']);
    // the policy says Enforce and no --mode overrides it: it blocks, as Kyverno's admission would
    expect(team[0]).toMatchObject({ result: 'fail', severity: 'high', category: 'Ownership', enforce: true });
    // the default packs still ran, and only report (they set no failure action)
    const packs = r.findings.filter((f) => f.rule.startsWith('require-labels/') || f.rule.startsWith('require-probes/'));
    expect(packs.length).toBeGreaterThan(0);
    expect(packs.every((f) => !f.enforce)).toBe(true);
  });

  describe('who decides whether a failing rule blocks: the policy, unless --mode says otherwise', () => {
    const policy = (specAction: string | undefined, ruleAction: string | undefined) =>
      TEAM_POLICY.replace('  validationFailureAction: Enforce\n', specAction ? `  validationFailureAction: ${specAction}\n` : '').replace(
        '        message: "every Deployment needs a team label"\n',
        `        message: "every Deployment needs a team label"\n${ruleAction ? `        failureAction: ${ruleAction}\n` : ''}`,
      );
    // [spec action, rule action, --mode, blocks]
    const table: [string | undefined, string | undefined, string | undefined, boolean][] = [
      ['Enforce', undefined, undefined, true],
      ['Audit', undefined, undefined, false],
      [undefined, undefined, undefined, false],
      ['Audit', 'Enforce', undefined, true],
      ['Enforce', 'Audit', undefined, false],
      ['enforce', undefined, undefined, true], // Kyverno accepts the lower-case spelling too
      ['Enforce', undefined, 'audit', false],
      ['Audit', 'Enforce', 'audit', false],
      [undefined, undefined, 'enforce', true],
      ['Audit', undefined, 'enforce', false],
      ['Enforce', 'Audit', 'enforce', false],
    ];
    for (const [spec, rule, mode, blocks] of table) {
      it(`spec ${spec ?? '-'}, rule ${rule ?? '-'}, --mode ${mode ?? '-'}: ${blocks ? 'blocks' : 'reports'}`, () => {
        const text = policy(spec, rule);
        expect(text.includes('validationFailureAction') || text.includes('failureAction') || (!spec && !rule)).toBe(true);
        const r = run(['--packs=none', '--checks=policy', `--policy=${text}`, ...(mode ? [`--mode=${mode}`] : [])]);
        const team = r.findings.filter((f) => f.rule === 'require-team-label/check-team');
        expect(team.map((f) => [f.document?.name, f.result, f.enforce])).toEqual([['bad', 'fail', blocks]]);
        expect(r.exitCode).toBe(blocks ? 1 : 0);
      });
    }

    it("the error Helm shows names the policies' own failure action when --mode was not given", () => {
      const r = run(['--packs=none', '--checks=policy', `--policy=${TEAM_POLICY}`]);
      const msg = blockingMessage(r.findings, parseArgs([]).mode);
      expect(msg).toContain("1 finding blocks this render (the policies' failure action is Enforce):");
      expect(msg).toContain('require-team-label/check-team');
      expect(msg).toContain('--mode=audit to report these without blocking');
    });
  });

  it('--policy-b64 gives the same verdicts as --policy; several args and multi-document YAML are allowed', () => {
    const inline = run(['--packs=none', '--checks=policy', `--policy=${TEAM_POLICY}`, `--policy=${OTHER_POLICY}`]);
    const encoded = run(['--packs=none', '--checks=policy', `--policy-b64=${b64(TEAM_POLICY + '---\n' + OTHER_POLICY)}`]);
    expect(encoded.findings).toEqual(inline.findings);
    expect(inline.findings.map((f) => `${f.rule} ${f.document?.name}`)).toEqual(['require-team-label/check-team bad', 'no-nodeport/check-type svc']);
  });

  it('--mode=enforce blocks on a user policy violation and the plugin says which object, policy and rule', () => {
    const r = handleHelmInput(JSON.stringify({ manifests: STREAM, extraArgs: ['--packs=none', '--mode=enforce', `--policy-b64=${b64(TEAM_POLICY)}`] }));
    expect('error' in r && r.error).toMatch(/Deployment bad .*require-team-label\/check-team.*every Deployment needs a team label/s);
    const ok = handleHelmInput(JSON.stringify({ manifests: `---\n${deployment('good', { team: 'x' })}`, extraArgs: ['--packs=none', '--mode=enforce', `--policy-b64=${b64(TEAM_POLICY)}`] }));
    expect('output' in ok).toBe(true);
  });

  it('a user policy replaces the built-in policy of the same name; --exclude-rules applies to user policies', () => {
    const mine = TEAM_POLICY.replace('name: require-team-label', 'name: disallow-latest-tag');
    const r = run([`--policy=${mine}`]);
    expect(r.findings.filter((f) => f.rule.startsWith('disallow-latest-tag/')).map((f) => f.rule)).toEqual(['disallow-latest-tag/check-team']);
    const ex = run([`--policy=${TEAM_POLICY}`, '--exclude-rules=require-team-label/check-team']);
    expect(ex.findings.some((f) => f.rule.startsWith('require-team-label'))).toBe(false);
  });

  it('the same policy as a built-in pack gives the same findings as the pack', () => {
    // (the registry policy is a pack member only with --allowed-registries)
    for (const { path, text } of PACK_SOURCES_FOR_TEST.filter((p) => !p.path.includes('restrict-image-registries'))) {
      const name = path.split('/')[0] as keyof typeof PACKS;
      const fromPack = runWarden(STREAM, { ...parseArgs([`--packs=${name}`, '--checks=policy']) });
      const policyName = (parseAllDocuments(text)[0].toJS() as any).metadata.name;
      const packFindings = fromPack.findings.filter((f) => f.rule.startsWith(policyName + '/'));
      const user = run(['--packs=none', '--checks=policy', `--policy-b64=${b64(text)}`]);
      expect(user.findings, path).toEqual(packFindings);
    }
  });

  it('bad arguments are errors naming the argument', () => {
    expectUsage(['--mode=audit', '--policy-b64=@@@'], '--post-renderer-args argument 2 (--policy-b64)', 'not valid base64');
    expectUsage(['--policy=a: [1'], 'argument 1 (--policy)', 'not valid YAML', 'line 1');
    expectUsage(['--policy='], 'argument 1 (--policy)', 'no policy');
    expectUsage(['--policy=apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'], 'v1 ConfigMap is not a policy warden can run');
    expectUsage([`--policy=${TEAM_POLICY}`, `--policy=${TEAM_POLICY}`], 'argument 2 (--policy)', 'a second policy named require-team-label', 'argument 1');
    expect(decodeBase64Text(b64('naïve ✓ 🙂'))).toBe('naïve ✓ 🙂');
    expect(() => decodeBase64Text(Buffer.from([0xff, 0xfe]).toString('base64'))).toThrow(/not UTF-8/);
  });
});

describe('policy shape errors name the source, policy, rule, line and problem', () => {
  const errorOf = (yaml: string) => {
    try {
      parsePolicyText(yaml, { origin: 'policies/p.yaml' });
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyInputError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  const edit = (from: string, to: string) => {
    expect(TEAM_POLICY).toContain(from);
    return TEAM_POLICY.replace(from, to);
  };

  it.each([
    ['missing match', edit('      match:\n        any:\n          - resources:\n              kinds: [Deployment]\n', ''), /rule check-team \(line 11\): the rule has no match block/],
    ['unknown rule type', edit('      validate:', '      validat:'), /rule check-team \(line 16\): the rule has an unknown field "validat"/],
    ['no rule type', edit('      validate:\n        message: "every Deployment needs a team label"\n        pattern:\n          metadata:\n            labels:\n              team: "?*"\n', ''), /rule check-team \(line 11\): the rule has no validate block .*unknown rule type/],
    ['mutate rule with an unknown field', edit('      validate:\n        message: "every Deployment needs a team label"\n        pattern:', '      mutate:\n        patchStrategicMerj:'), /rule check-team \(line 17\): mutate has an unknown field "patchStrategicMerj"/],
    ['mutate rule without a patch', edit('      validate:\n        message: "every Deployment needs a team label"\n        pattern:\n          metadata:\n            labels:\n              team: "?*"\n', '      mutate:\n        targets: []\n'), /rule check-team \(line 16\): mutate needs one of patchStrategicMerge, patchesJson6902 or foreach/],
    ['generate rule', edit('      validate:\n        message: "every Deployment needs a team label"\n        pattern:', '      generate:\n        data:'), /rule check-team \(line 16\): generate rules are not supported/],
    ['pattern of the wrong type', edit('        pattern:\n          metadata:\n            labels:\n              team: "?*"\n', '        pattern: "team"\n'), /rule check-team \(line 18\): pattern must be a map/],
    ['anyPattern not a list', edit('        pattern:', '        anyPattern:'), /anyPattern must be a non-empty list/],
    ['unclosed anchor', edit('team: "?*"', '=(team: "?*"'), /rule check-team \(line 21\): pattern key "=\(team" opens an anchor/],
    ['unknown operator', edit('        pattern:\n          metadata:\n            labels:\n              team: "?*"\n', '        deny:\n          conditions:\n            any:\n              - key: "{{ request.object.metadata.name }}"\n                operator: Equalz\n                value: x\n'), /rule check-team \(line 22\): a deny.conditions condition has an unknown operator a string \("Equalz"\)/],
    ['match kinds not a list', edit('kinds: [Deployment]', 'kinds: Deployment'), /rule check-team \(line 15\): match resources.kinds must be a list/],
    ['bad failure action', edit('validationFailureAction: Enforce', 'validationFailureAction: Block'), /ClusterPolicy require-team-label \(line 9\): validationFailureAction must be Audit or Enforce/],
    ['no rules', TEAM_POLICY.slice(0, TEAM_POLICY.indexOf('  rules:')) + '  rules: []\n', /spec.rules must be a non-empty list/],
    ['no name', edit('  name: require-team-label\n', ''), /policies\/p.yaml \(line 3\): the ClusterPolicy has no metadata.name/],
    ['duplicate keys', edit('spec:\n', 'spec:\n  background: true\n  background: false\n'), /not valid YAML \(line 10\): Map keys must be unique/],
  ])('%s', (_what, yaml, expected) => {
    const msg = errorOf(yaml);
    expect(msg.startsWith('policies/p.yaml')).toBe(true);
    expect(msg).toMatch(expected);
  });

  it('every built-in pack policy passes the shape check (the check accepts real policies)', () => {
    for (const { path, text } of PACK_SOURCES_FOR_TEST) expect(() => parsePolicyText(text, { origin: path }), path).not.toThrow();
  });
});

const CHART_POLICY = `---\n# Source: web/templates/policy.yaml\n${TEAM_POLICY}`;

describe('policies the chart ships', () => {
  it('are run, removed from the output and each removal reported', () => {
    const r = run(['--packs=none'], STREAM + CHART_POLICY);
    expect(r.findings.filter((f) => f.check === 'policy').map((f) => `${f.rule} ${f.document?.name}`)).toEqual(['require-team-label/check-team bad']);
    const out = objects(r.manifests);
    expect(out.map((o) => o.kind)).toEqual(['Deployment', 'Deployment', 'Service']);
    const removed = r.findings.filter((f) => f.rule === 'apply/removed');
    expect(removed).toHaveLength(1);
    expect(removed[0].document).toMatchObject({ kind: 'ClusterPolicy', name: 'require-team-label', source: 'web/templates/policy.yaml' });
    expect(removed[0].message).toContain('--keep-policies');
    expect(r.summary.removed).toBe(1);
    expect(r.report).toContain('removed from the output');
  });

  it('--keep-policies runs them and keeps them', () => {
    const r = run(['--packs=none', '--keep-policies'], STREAM + CHART_POLICY);
    expect(r.findings.filter((f) => f.check === 'policy')).toHaveLength(1);
    expect(r.manifests).toBe(STREAM + CHART_POLICY);
  });

  it('--skip=policy leaves them alone', () => {
    const r = run(['--skip=policy'], STREAM + CHART_POLICY);
    expect(r.manifests).toBe(STREAM + CHART_POLICY);
  });

  it('a broken chart policy fails the render naming the template, document, policy and rule', () => {
    const broken = CHART_POLICY.replace('kinds: [Deployment]', 'kinds: Deployment');
    const r = handleHelmInput(JSON.stringify({ manifests: STREAM + broken, extraArgs: [] }));
    expect('error' in r && r.error).toMatch(
      /^warden: template web\/templates\/policy.yaml \(document 4 of the render\), ClusterPolicy require-team-label, rule check-team \(line 60\): match resources.kinds must be a list/,
    );
  });

  it('a CEL ValidatingPolicy is run and taken out of the output too; a broken one names the policy', () => {
    const vp = `---\n# Source: web/templates/vp.yaml\napiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata:\n  name: replicas-limit\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n        resources: [deployments]\n  validations:\n    - expression: "!has(object.spec.replicas) || object.spec.replicas <= 5"\n      message: at most 5 replicas\n`;
    const big = `---\n# Source: web/templates/big.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  replicas: 9\n`;
    const r = run(['--packs=none', '--checks=policy'], STREAM.replace(/---\n# Source: web\/templates\/svc.yaml[\s\S]*$/, '') + big + vp);
    expect(objects(r.manifests).map((o) => o.kind)).toEqual(['Deployment', 'Deployment', 'Deployment']);
    const policy = r.findings.filter((f) => f.check === 'policy');
    expect(policy.map((f) => `${f.rule} ${f.document?.name} ${f.result} ${f.message}`)).toEqual(['replicas-limit big fail at most 5 replicas']);
    expect(r.findings.filter((f) => f.rule === 'apply/removed').map((f) => f.document?.kind)).toEqual(['ValidatingPolicy']);
    const bad = vp.replace('    - expression: "!has(object.spec.replicas) || object.spec.replicas <= 5"\n', '    - message: x\n').replace('      message: at most 5 replicas\n', '');
    const e = handleHelmInput(JSON.stringify({ manifests: STREAM + bad, extraArgs: [] }));
    expect('error' in e && e.error).toContain('template web/templates/vp.yaml (document 4 of the render), ValidatingPolicy replicas-limit (line 58): validation 1 has no expression');
  });

  it('a chart ValidatingAdmissionPolicy is an ordinary object; given with --policy it is run', () => {
    const vap = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: vap-replicas\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n        resources: [deployments]\n  validations:\n    - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"\n      message: team label missing\n`;
    const inChart = run(['--packs=none', '--checks=policy'], STREAM + '---\n' + vap);
    expect(inChart.manifests).toBe(STREAM + '---\n' + vap);
    expect(inChart.findings).toEqual([]);
    const given = run(['--packs=none', '--checks=policy', `--policy=${vap}`]);
    expect(given.findings.map((f) => `${f.rule} ${f.document?.name} ${f.result}`)).toEqual(['vap-replicas bad fail']);
  });

  it('a policy using a feature warden does not evaluate is reported as not evaluated, never passed silently', () => {
    const manifests = TEAM_POLICY.replace('        pattern:\n          metadata:\n            labels:\n              team: "?*"\n', '        manifests:\n          attestors:\n            - entries:\n                - keys:\n                    publicKeys: k\n');
    const r = run(['--packs=none', '--checks=policy', `--policy=${manifests}`]);
    expect(r.findings).toEqual([
      {
        check: 'policy',
        rule: 'require-team-label',
        result: 'skip',
        enforce: false,
        message: 'ClusterPolicy require-team-label from --post-renderer-args argument 3 (--policy) is not evaluated: policy require-team-label, rule check-team: validate.manifests is not supported',
      },
    ]);
  });
});

describe('verdicts that reach the user inside Helm', () => {
  it('--audit-annotations annotates each offending object with its findings, and only those', () => {
    const r = run(['--packs=none', `--policy=${TEAM_POLICY}`, `--policy=${OTHER_POLICY}`, '--audit-annotations']);
    const out = objects(r.manifests);
    const ann = (o: Record<string, any>) => o.metadata.annotations?.[FINDINGS_ANNOTATION];
    expect(ann(out[0])).toBe('fail require-team-label/check-team: every Deployment needs a team label. (metadata.labels.team)');
    expect(ann(out[1])).toBeUndefined();
    expect(ann(out[2])).toMatch(/^fail no-nodeport\/check-type: NodePort Services are not allowed/);
    // the clean object keeps its original bytes
    expect(r.manifests).toContain(`# Source: web/templates/good.yaml\n${deployment('good', { team: 'payments' })}`);
    // without the flag nothing changes
    expect(run(['--packs=none', `--policy=${TEAM_POLICY}`]).manifests).toBe(STREAM);
  });

  it('the annotation lists at most MAX_ANNOTATION_LINES findings', () => {
    const many = Array.from({ length: MAX_ANNOTATION_LINES + 3 }, (_, i) => ({ check: 'policy' as const, rule: `p/r${i}`, result: 'fail' as const, enforce: false, message: 'm' }));
    const lines = annotationValue(many).split('\n');
    expect(lines).toHaveLength(MAX_ANNOTATION_LINES + 1);
    expect(lines[MAX_ANNOTATION_LINES]).toBe('… and 3 more (see the warden report)');
  });

  it('--report-object=configmap adds the report as a ConfigMap named after the release', () => {
    const r = run(['--packs=none', '--checks=policy', '--report-object=configmap', '--release=web'], STREAM + CHART_POLICY);
    const out = objects(r.manifests);
    const cm = out[out.length - 1];
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warden-report-web', labels: { 'app.kubernetes.io/instance': 'web' } } });
    expect(cm.metadata.namespace).toBeUndefined();
    expect(cm.data['report.txt']).toContain('every Deployment needs a team label');
    const json = JSON.parse(cm.data['report.json']);
    expect(json.findings.map((f: any) => f.rule)).toEqual(['require-team-label/check-team', 'apply/removed']);
    // deterministic
    expect(run(['--packs=none', '--checks=policy', '--report-object=configmap', '--release=web'], STREAM + CHART_POLICY).manifests).toBe(r.manifests);
  });

  it('--report-object=policyreport adds an openreports.io Report', () => {
    const r = run(['--packs=none', `--policy=${TEAM_POLICY}`, '--report-object=policyreport', '--release=web'], STREAM);
    const rep = objects(r.manifests).pop() as Record<string, any>;
    expect(rep).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'Report', metadata: { name: 'warden-web' }, summary: { fail: 1 } });
    expect(rep.results[0]).toMatchObject({ policy: 'require-team-label', rule: 'check-team', result: 'fail', resources: [{ kind: 'Deployment', name: 'bad' }], properties: { process: 'helm post-renderer' } });
  });

  it('--report-object needs --release; bad values are usage errors', () => {
    expectUsage(['--report-object=configmap'], '--report-object=configmap needs --release=NAME');
    expectUsage(['--report-object=secret', '--release=x'], '--report-object must be policyreport or configmap');
  });

  it('--report-format renders SARIF, JUnit and PolicyReport inside the plugin', () => {
    const args = ['--packs=none', '--checks=policy', `--policy=${TEAM_POLICY}`, '--release=web'];
    const sarif = JSON.parse(run([...args, '--report-format=sarif']).report);
    const valid = sarifValidator();
    expect(valid(sarif), JSON.stringify(valid.errors)).toBe(true);
    expect(sarif.runs[0].results.map((x: any) => x.ruleId)).toEqual(['require-team-label/check-team']);
    const junit = new XMLParser({ ignoreAttributes: false }).parse(run([...args, '--report-format=junit']).report);
    expect(JSON.stringify(junit)).toContain('require-team-label/check-team');
    const pr = JSON.parse(run([...args, '--report-format=policyreport']).report);
    expect(pr).toMatchObject({ apiVersion: 'openreports.io/v1alpha1', kind: 'ClusterReport', summary: { fail: 1 } });
    const wg = JSON.parse(run([...args, '--report-format=policyreport:wgpolicy']).report);
    expect(wg.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
    expectUsage(['--report-format=xml'], '--report-format must be one of text, json, sarif, junit, policyreport');
  });
});

// ---- policies that mutate (mutate rules, MutatingPolicy): applied before validation ----------

const MUTATE_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-team
spec:
  rules:
    - name: default-team
      match:
        any:
          - resources:
              kinds: [Deployment]
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              +(team): platform
    - name: non-root
      match:
        any:
          - resources:
              kinds: [Deployment]
      mutate:
        patchesJson6902: |-
          - op: add
            path: /spec/template/spec/securityContext
            value: {runAsNonRoot: true}
`;

const MUTATING_POLICY = `apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata:
  name: add-tier
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
  matchConditions:
    - name: no-tier
      expression: "!has(object.metadata.labels) || !('tier' in object.metadata.labels)"
  mutations:
    - patchType: JSONPatch
      jsonPatch:
        expression: |
          [JSONPatch{op: "add", path: "/metadata/labels/tier", value: object.metadata.name == "bad" ? "web" : "db"}]
`;

// A commented Deployment without labels (to see comments survive the in-place edits).
const COMMENTED = `---\n# Source: web/templates/bad.yaml\n# the bad one\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad # keep me\n  labels: {}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ghcr.io/acme/c:1.0\n`;

describe('policies that mutate', () => {
  const stream = COMMENTED + `---\n# Source: web/templates/good.yaml\n${deployment('good', { team: 'payments' })}---\n# Source: web/templates/svc.yaml\n${SERVICE}`;
  const docsOf = (s: string) => s.split(/^---\n/m).filter((d) => d !== '');

  it('applies mutate rules in place and validates the mutated object (Kyverno admission order)', () => {
    const r = run(['--packs=none', '--checks=policy', `--policy=${MUTATE_POLICY}`, `--policy=${TEAM_POLICY}`], stream);
    // validation saw the label the mutation added: no violation left
    expect(r.findings.filter((f) => f.result === 'fail')).toEqual([]);
    expect(r.exitCode).toBe(0);
    const out = objects(r.manifests);
    expect(out[0].metadata.labels).toEqual({ team: 'platform' });
    expect(out[0].spec.template.spec.securityContext).toEqual({ runAsNonRoot: true });
    expect(out[1].metadata.labels).toEqual({ team: 'payments' }); // +(team) adds only when absent
    expect(out[1].spec.template.spec.securityContext).toEqual({ runAsNonRoot: true });
    // comments and order kept; the untouched Service is byte-identical
    const before = docsOf(stream);
    const after = docsOf(r.manifests);
    expect(after[0]).toContain('# the bad one');
    expect(after[0]).toContain('name: bad # keep me');
    expect(after[2]).toBe(before[2]);
    // one info finding per rule that changed something, with the JSON pointer paths
    const info = r.findings.filter((f) => f.result === 'info' && f.check === 'policy').map((f) => `${f.rule} ${f.document?.name}: ${f.message}`);
    expect(info).toEqual([
      'add-team/default-team bad: Deployment/bad mutated: added /metadata/labels/team',
      'add-team/non-root bad: Deployment/bad mutated: added /spec/template/spec/securityContext',
      'add-team/non-root good: Deployment/good mutated: added /spec/template/spec/securityContext',
    ]);
  });

  it('--no-mutate reports what would change, leaves the output as it was and validates the unchanged objects', () => {
    const r = run(['--packs=none', '--checks=policy', '--no-mutate', `--policy=${MUTATE_POLICY}`, `--policy=${TEAM_POLICY}`], stream);
    expect(r.manifests).toBe(stream);
    expect(r.findings.filter((f) => f.result === 'fail').map((f) => `${f.rule} ${f.document?.name}`)).toEqual(['require-team-label/check-team bad']);
    expect(r.findings.find((f) => f.rule === 'add-team/default-team')?.message).toBe('Deployment/bad would be mutated: added /metadata/labels/team (not applied: --no-mutate)');
    expect(parseArgs(['--no-mutate']).mutate).toBe(false);
    expect(parseArgs([]).mutate).toBe(true);
  });

  it('runs a MutatingPolicy (also shipped by the chart, which is then removed from the output)', () => {
    const viaArg = run(['--packs=none', '--checks=policy', `--policy-b64=${b64(MUTATING_POLICY)}`], stream);
    expect(objects(viaArg.manifests).map((o) => o.metadata.labels?.tier)).toEqual(['web', 'db', undefined]);
    expect(viaArg.findings.filter((f) => f.rule === 'add-tier').map((f) => f.message)).toEqual([
      'Deployment/bad mutated: added /metadata/labels/tier',
      'Deployment/good mutated: added /metadata/labels/tier',
    ]);
    const shipped = run(['--packs=none', '--checks=policy'], stream + `---\n# Source: web/templates/mpol.yaml\n${MUTATING_POLICY}`);
    expect(objects(shipped.manifests).map((o) => o.kind)).toEqual(['Deployment', 'Deployment', 'Service']);
    expect(shipped.manifests).toBe(viaArg.manifests);
    // the label already there: the match condition is false, nothing changes
    const again = run(['--packs=none', '--checks=policy', `--policy=${MUTATING_POLICY}`], viaArg.manifests);
    expect(again.manifests).toBe(viaArg.manifests);
  });

  it('--exclude-rules leaves an excluded mutate rule out', () => {
    const r = run(['--packs=none', '--checks=policy', '--exclude-rules=add-team/non-root', `--policy=${MUTATE_POLICY}`], stream);
    expect(objects(r.manifests).map((o) => o.spec?.template?.spec?.securityContext)).toEqual([undefined, undefined, undefined]);
    expect(objects(r.manifests)[0].metadata.labels).toEqual({ team: 'platform' });
  });

  it('mutations that need the cluster are skips, never applied; failing mutations are errors (blocking in enforce mode)', () => {
    const targets = MUTATE_POLICY.replace('        patchesJson6902:', '        targets:\n          - apiVersion: v1\n            kind: ConfigMap\n            name: x\n        patchesJson6902:');
    const t = run(['--packs=none', '--checks=policy', `--policy=${targets}`], stream);
    expect(t.findings.filter((f) => f.rule === 'add-team/non-root').map((f) => [f.result, f.message])).toEqual([
      ['skip', 'cannot be applied at render time: the rule mutates existing cluster objects (mutate.targets), which only the cluster has'],
      ['skip', 'cannot be applied at render time: the rule mutates existing cluster objects (mutate.targets), which only the cluster has'],
    ]);
    expect(objects(t.manifests).map((o) => o.spec?.template?.spec?.securityContext)).toEqual([undefined, undefined, undefined]);

    const existing = MUTATING_POLICY.replace('spec:\n', 'spec:\n  evaluation:\n    mutateExisting:\n      enabled: true\n');
    const e = run(['--packs=none', '--checks=policy', `--policy=${existing}`], stream);
    expect(e.manifests).toBe(stream);
    expect(e.findings.filter((f) => f.rule === 'add-tier').map((f) => [f.result, f.message])).toEqual([
      ['skip', 'MutatingPolicy add-tier from --post-renderer-args argument 3 (--policy) cannot be applied at render time: it mutates existing cluster objects (spec.evaluation.mutateExisting), which only the cluster has'],
    ]);

    const bad = MUTATE_POLICY.replace('- op: add\n            path: /spec/template/spec/securityContext', '- op: replace\n            path: /spec/nothing');
    for (const mode of ['audit', 'enforce']) {
      const b = run(['--packs=none', '--checks=policy', `--mode=${mode}`, `--policy=${bad}`], stream);
      const errs = b.findings.filter((f) => f.result === 'error');
      expect(errs.map((f) => `${f.rule} ${f.document?.name} ${f.enforce}`)).toEqual([`add-team/non-root bad ${mode === 'enforce'}`, `add-team/non-root good ${mode === 'enforce'}`]);
      expect(errs[0].message).toMatch(/^the mutation failed: failed to apply JSON patches: /);
      expect(b.exitCode).toBe(mode === 'enforce' ? 1 : 0);
    }
  });
});
