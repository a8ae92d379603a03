// Policy delivery and verdicts with real Helm v4.3.1 and the warden-exec plugin (dist/warden-exec):
// user policies through --post-renderer-args (--policy-b64), policies shipped by the chart, the
// audit channels (--audit-annotations, --report-object), and what the OS does with a policy
// argument above 128 KiB.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CHARTS_DIR,
  expectOk,
  expectSameBytes,
  helmBinary,
  IDENTITY_PLUGIN,
  IDENTITY_PLUGIN_DIR,
  installPlugin,
  isolatedHelmEnv,
  needArtefact,
  pluginName,
  REPO_ROOT,
  runHelm,
  type HelmEnv,
} from "./helm.js";

const HELM = "v4.3.1";
const WARDEN_EXEC_DIR = path.join(REPO_ROOT, "dist/warden-exec");
const HAS_WARDEN_EXEC = existsSync(path.join(WARDEN_EXEC_DIR, "plugin.yaml"));
const WARDEN_DIR = path.join(REPO_ROOT, "dist/warden");
const HAS_WARDEN = existsSync(path.join(WARDEN_DIR, "plugin.yaml")) && existsSync(path.join(WARDEN_DIR, "plugin.wasm"));
/** Helm with the post-renderer ABI fixed: the only one that runs the extism/v1 flavour. */
const HELM_FIXED = "v4.3.1-fixedabi";
const WEBAPP = path.join(CHARTS_DIR, "webapp");

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const NO_NODEPORT = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-nodeport
  annotations:
    policies.kyverno.io/severity: high
spec:
  rules:
    - name: check-service-type
      match:
        any:
          - resources:
              kinds: [Service]
      validate:
        message: "NodePort Services are not allowed: use an Ingress or a LoadBalancer"
        pattern:
          spec:
            =(type): "!NodePort"
`;

const TEAM_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
spec:
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

let helm = "";
let h: HelmEnv;
let exec = "warden-exec";

function objects(stream: string): Record<string, any>[] {
  return parseAllDocuments(stream)
    .map((d) => d.toJS() as Record<string, any> | null)
    .filter((v): v is Record<string, any> => v !== null);
}

const pr = (...args: string[]) => args.map((a) => `--post-renderer-args=${a}`);

beforeAll(async () => {
  helm = await helmBinary(HELM);
  h = await isolatedHelmEnv();
  h.env.WARDEN_NO_TTY = "1";
  await installPlugin(helm, h, IDENTITY_PLUGIN_DIR);
  if (HAS_WARDEN_EXEC) {
    await installPlugin(helm, h, WARDEN_EXEC_DIR);
    exec = pluginName(WARDEN_EXEC_DIR);
  }
}, 30 * 60_000);

afterAll(async () => {
  await h?.cleanup();
});

async function template(chart: string, args: string[]) {
  return runHelm(helm, ["template", "web", chart, "--namespace", "prod", ...args], { env: h.env });
}

describe(`user policies through --post-renderer-args (Helm ${HELM}, warden-exec)`, () => {
  test("--policy-b64 fails the render of a violating chart with the expected message, and passes the clean one unchanged", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const reportFile = path.join(h.root, "policy-report.txt");
    const args = ["--post-renderer", exec, ...pr("--mode=enforce", "--packs=none", "--checks=policy", `--policy-b64=${b64(NO_NODEPORT)}`, `--report-file=${reportFile}`)];

    const bad = await template(WEBAPP, ["--set", "service.type=NodePort", ...args]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`plugin "${exec}" exited with error`);
    const report = await readFile(reportFile, "utf8");
    expect(report).toContain("warden: 1 finding blocks this render (mode enforce):");
    expect(report).toContain(
      "  Service web-webapp (webapp/templates/service.yaml): [BLOCK] no-nodeport/check-service-type at spec.type: NodePort Services are not allowed: use an Ingress or a LoadBalancer.",
    );

    const good = await template(WEBAPP, args);
    expectOk(good, "helm template (clean chart)");
    const identity = await template(WEBAPP, ["--post-renderer", IDENTITY_PLUGIN]);
    expectOk(identity, "helm template (identity)");
    expectSameBytes(good.stdout, identity.stdout, "warden with a passing user policy");
  });

  test("an invalid policy argument is an error naming the argument, policy, rule and problem", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const reportFile = path.join(h.root, "bad-policy.txt");
    const broken = TEAM_POLICY.replace("kinds: [Deployment]", "kinds: Deployment");
    const r = await template(WEBAPP, ["--post-renderer", exec, ...pr("--packs=none", `--report-file=${reportFile}`, `--policy-b64=${b64(broken)}`)]);
    expect(r.code).not.toBe(0);
    expect(await readFile(reportFile, "utf8")).toMatch(
      /^warden: --post-renderer-args argument 3 \(--policy-b64\), ClusterPolicy require-team-label, rule check-team \(line 11\): match resources\.kinds must be a list of kinds/,
    );
  });

  test("above 128 KiB a single argument does not even reach Helm: the OS refuses to start it", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const filler = "# " + "x".repeat(100) + "\n";
    const big = NO_NODEPORT + filler.repeat(1400); // ~145 KB of YAML, ~190 KiB as base64
    const arg = `--policy-b64=${b64(big)}`;
    expect(arg.length).toBeGreaterThan(128 * 1024);
    // Linux limits one argument to 128 KiB (MAX_ARG_STRLEN): execve of helm itself fails with E2BIG
    // (a shell says "Argument list too long"), before Helm or warden run.
    await expect(template(WEBAPP, ["--post-renderer", exec, ...pr("--packs=none", arg)])).rejects.toThrow(/E2BIG/);
    // the same policy split below the limit works: one argument per policy file
    const ok = await template(WEBAPP, ["--post-renderer", exec, ...pr("--packs=none", `--policy-b64=${b64(NO_NODEPORT + filler.repeat(600))}`)]);
    expectOk(ok, "helm template with a 100 KiB policy argument");
  });
});

// A mutate policy: a default team label (added only when absent) and a pod securityContext.
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
            path: /spec/template/spec/securityContext/seccompProfile
            value: {type: RuntimeDefault}
`;

describe(`policies that mutate (Helm ${HELM}, warden-exec)`, () => {
  test("--policy-b64 with mutate rules changes the output in place; validation sees the mutated object; --no-mutate only reports", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const reportFile = path.join(h.root, "mutate.txt");
    const policies = [`--policy-b64=${b64(MUTATE_POLICY)}`, `--policy-b64=${b64(TEAM_POLICY)}`];
    const base = ["--post-renderer", exec, ...pr("--mode=enforce", "--packs=none", "--checks=policy", `--report-file=${reportFile}`, ...policies)];
    const identity = await template(WEBAPP, ["--post-renderer", IDENTITY_PLUGIN]);
    expectOk(identity, "helm template (identity)");

    // mutate first, then validate: the team label the policy adds satisfies the enforced TEAM_POLICY
    const mutated = await template(WEBAPP, base);
    expectOk(mutated, "helm template with a mutate policy");
    const out = objects(mutated.stdout);
    const before = objects(identity.stdout);
    const dep = out.find((o) => o.kind === "Deployment")!;
    expect(dep.metadata.labels.team).toBe("platform");
    expect(dep.spec.template.spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    // only the Deployment changed: every other document is byte-identical, and the Deployment differs
    // from the original exactly by the mutation
    const docs = (s: string) => s.split(/^---\n/m).filter((d) => d !== "");
    const [a, b] = [docs(mutated.stdout), docs(identity.stdout)];
    expect(a.length).toBe(b.length);
    const changed = a.map((d, i) => (d === b[i] ? "" : (objects(d)[0]?.kind ?? "?"))).filter((k) => k !== "");
    expect(changed).toEqual(["Deployment"]);
    const orig = before.find((o) => o.kind === "Deployment")!;
    delete dep.metadata.labels.team;
    delete dep.spec.template.spec.securityContext.seccompProfile;
    expect(dep).toEqual(orig);
    const report = await readFile(reportFile, "utf8");
    expect(report).toContain("add-team/default-team");
    expect(report).toContain("Deployment/web-webapp mutated: added /metadata/labels/team");
    expect(report).toContain("Deployment/web-webapp mutated: added /spec/template/spec/securityContext/seccompProfile");

    // --no-mutate: the output is not changed, so the unlabelled Deployment fails the enforced policy
    const reported = await template(WEBAPP, [...base, ...pr("--no-mutate")]);
    expect(reported.code).not.toBe(0);
    const blocked = await readFile(reportFile, "utf8");
    expect(blocked).toContain("[BLOCK] require-team-label/check-team");
    const audit = await template(WEBAPP, ["--post-renderer", exec, ...pr("--packs=none", "--checks=policy", "--no-mutate", `--report-file=${reportFile}`, ...policies)]);
    expectOk(audit, "helm template --no-mutate (audit)");
    expectSameBytes(audit.stdout, identity.stdout, "warden --no-mutate");
    expect(await readFile(reportFile, "utf8")).toContain("Deployment/web-webapp would be mutated: added /metadata/labels/team (not applied: --no-mutate)");
  });
});

describe(`policies the chart ships (Helm ${HELM}, warden-exec)`, () => {
  async function chartWithPolicy(): Promise<string> {
    const dir = path.join(h.root, "charts", "shipped");
    await mkdir(path.join(dir, "templates"), { recursive: true });
    await writeFile(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: shipped\nversion: 0.1.0\n");
    await writeFile(path.join(dir, "values.yaml"), "team: \"\"\n");
    await writeFile(path.join(dir, "templates", "policy.yaml"), TEAM_POLICY);
    await writeFile(
      path.join(dir, "templates", "deploy.yaml"),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-api\n  {{- with .Values.team }}\n  labels:\n    team: {{ . | quote }}\n  {{- end }}\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0\n',
    );
    return dir;
  }

  test("are enforced, kept out of the output (reported), and kept with --keep-policies", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const chart = await chartWithPolicy();
    const reportFile = path.join(h.root, "shipped.txt");
    const base = ["--post-renderer", exec, ...pr("--packs=none", "--checks=policy", `--report-file=${reportFile}`)];

    const blocked = await template(chart, [...base, ...pr("--mode=enforce")]);
    expect(blocked.code).not.toBe(0);
    expect(await readFile(reportFile, "utf8")).toContain(
      "  Deployment web-api (shipped/templates/deploy.yaml): [BLOCK] require-team-label/check-team at metadata.labels: every Deployment needs a team label.",
    );

    const passed = await template(chart, [...base, ...pr("--mode=enforce"), "--set", "team=payments"]);
    expectOk(passed, "helm template (team set)");
    expect(objects(passed.stdout).map((o) => o.kind)).toEqual(["Deployment"]);
    const report = await readFile(reportFile, "utf8");
    expect(report).toContain("ClusterPolicy require-team-label is a policy the chart ships");
    expect(report).toContain("removed from the output");

    const kept = await template(chart, [...base, ...pr("--keep-policies"), "--set", "team=payments"]);
    expectOk(kept, "helm template --keep-policies");
    expect(objects(kept.stdout).map((o) => o.kind).sort()).toEqual(["ClusterPolicy", "Deployment"]);
  });
});

describe(`audit findings that survive Helm (Helm ${HELM}, warden-exec)`, () => {
  test("--audit-annotations and --report-object=configmap put the findings into the release", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const r = await template(WEBAPP, [
      "--post-renderer", exec,
      ...pr("--packs=none", "--checks=policy", `--policy-b64=${b64(TEAM_POLICY)}`, "--audit-annotations", "--report-object=configmap", "--release=web"),
    ]);
    expectOk(r, "helm template (audit channels)");
    const out = objects(r.stdout);
    const deploy = out.find((o) => o.kind === "Deployment");
    expect(deploy?.metadata.annotations?.["warden.helm.sh/findings"]).toBe("fail require-team-label/check-team: every Deployment needs a team label. (metadata.labels.team)");
    for (const o of out) if (o.kind !== "Deployment") expect(o.metadata.annotations?.["warden.helm.sh/findings"]).toBeUndefined();
    const cm = out.find((o) => o.kind === "ConfigMap" && o.metadata.name === "warden-report-web");
    expect(cm?.data["report.txt"]).toContain("require-team-label/check-team");
    expect(JSON.parse(cm?.data["report.json"]).summary.fail).toBe(1);
  });
});

describe(".warden.yaml through `warden config args` into real Helm", () => {
  test("the printed plugin arguments make helm template enforce the configured policies", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    needArtefact(ctx, existsSync(path.join(REPO_ROOT, "dist/cli/warden.mjs")), "dist/cli/warden.mjs");
    const repo = path.join(h.root, "cfg-repo");
    await mkdir(path.join(repo, ".git"), { recursive: true });
    await mkdir(path.join(repo, "policies"), { recursive: true });
    await writeFile(path.join(repo, "policies", "no-nodeport.yaml"), NO_NODEPORT);
    await writeFile(path.join(repo, ".warden.yaml"), "mode: enforce\npacks: [none]\nchecks: [policy]\npolicies: [policies]\n");
    const printed = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin/warden.mjs"), "config", "args", "--format", "lines"], { cwd: repo, encoding: "utf8" });
    expect(printed.status, printed.stderr).toBe(0);
    const args = printed.stdout.trimEnd().split("\n");
    const reportFile = path.join(h.root, "cfg-report.txt");
    const flags = ["--post-renderer", exec, ...pr(...args, `--report-file=${reportFile}`)];
    const bad = await template(WEBAPP, ["--set", "service.type=NodePort", ...flags]);
    expect(bad.code).not.toBe(0);
    expect(await readFile(reportFile, "utf8")).toContain("[BLOCK] no-nodeport/check-service-type at spec.type: NodePort Services are not allowed");
    expectOk(await template(WEBAPP, flags), "helm template with the configuration (clean)");
  });
});

describe(`the Wasm flavour (--post-renderer warden, Helm ${HELM_FIXED})`, () => {
  test("a chart-shipped policy blocks with the compact message in Helm's own error; passes once fixed", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN, "dist/warden/");
    const fixed = await helmBinary(HELM_FIXED);
    const env = await isolatedHelmEnv();
    try {
      await installPlugin(fixed, env, WARDEN_DIR);
      const name = pluginName(WARDEN_DIR);
      const dir = path.join(env.root, "chart");
      await mkdir(path.join(dir, "templates"), { recursive: true });
      await writeFile(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: wasmchart\nversion: 0.1.0\n");
      await writeFile(path.join(dir, "values.yaml"), "type: NodePort\n");
      await writeFile(path.join(dir, "templates", "policy.yaml"), NO_NODEPORT);
      await writeFile(path.join(dir, "templates", "svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  type: {{ .Values.type }}\n  ports:\n    - port: 80\n");
      const args = ["template", "w", dir, "--post-renderer", name, ...pr("--mode=enforce", "--packs=none", "--checks=policy")];
      const r = await runHelm(fixed, args, { env: env.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("warden: 1 finding blocks this render (mode enforce):");
      expect(r.stderr).toContain("Service w-svc (wasmchart/templates/svc.yaml): [BLOCK] no-nodeport/check-service-type at spec.type: NodePort Services are not allowed");
      const ok = await runHelm(fixed, [...args, "--set", "type=ClusterIP"], { env: env.env });
      expectOk(ok, "helm template --post-renderer warden (clean)");
      expect(objects(ok.stdout).map((o) => o.kind)).toEqual(["Service"]);
    } finally {
      await env.cleanup();
    }
  }, 30 * 60_000);
});
