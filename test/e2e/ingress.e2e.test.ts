// End-to-end: real Helm v4.3.1 renders charts-fixtures/ingress-nginx-app (four Ingresses,
// 30 different ingress-nginx annotations) through the warden-exec post-renderer with
// --ingress-mode=rewrite for each target; the output objects and the report's findings
// are checked. Needs dist/warden-exec (npm run build) and the cached Helm build.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHARTS_DIR, REPO_ROOT, expectOk, helmBinary, installPlugin, isolatedHelmEnv, needArtefact, pluginName, runHelm, type HelmEnv } from "./helm.js";

const WARDEN_EXEC_DIR = path.join(REPO_ROOT, process.env.WARDEN_E2E_DIST ?? "dist", "warden-exec");
const HAS_WARDEN_EXEC = existsSync(path.join(WARDEN_EXEC_DIR, "plugin.yaml"));
const CHART = path.join(CHARTS_DIR, "ingress-nginx-app");
const TIMEOUT = 5 * 60_000;

type Obj = Record<string, any>;
interface Finding {
  rule: string;
  result: string;
  message: string;
  path?: string;
  document?: { name?: string; kind?: string };
}

let helm = "";
let henv: HelmEnv | undefined;
let tmp = "";
let plugin = "warden-exec";

function objects(stream: string): Obj[] {
  return parseAllDocuments(stream).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

async function render(target: string, extra: string[] = []): Promise<{ objs: Obj[]; findings: Finding[] }> {
  const report = path.join(tmp, `${target}-${extra.join("_").replace(/[^a-z]/g, "")}.json`);
  const args = ["--ingress-mode=rewrite", `--ingress-target=${target}`, "--checks=ingress", "--report-format=json", `--report-file=${report}`, ...extra];
  // Half the options in Helm's two-argument form, half with "=": both must reach the plugin.
  const pr = args.flatMap((a, i) => (i % 2 === 0 ? ["--post-renderer-args", a] : [`--post-renderer-args=${a}`]));
  const r = await runHelm(helm, ["template", "demo", CHART, "--post-renderer", plugin, ...pr], { env: henv!.env });
  expectOk(r, `helm template --post-renderer ${plugin} --ingress-target=${target}`);
  return { objs: objects(r.stdout), findings: (JSON.parse(readFileSync(report, "utf8")) as { findings: Finding[] }).findings };
}

const named = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const rules = (findings: Finding[], name: string) => findings.filter((f) => f.document?.name === name).map((f) => f.rule);

beforeAll(async () => {
  if (!HAS_WARDEN_EXEC) return;
  helm = await helmBinary("v4.3.1");
  henv = await isolatedHelmEnv();
  tmp = await mkdtemp(path.join(tmpdir(), "warden-ingress-e2e-"));
  await installPlugin(helm, henv, WARDEN_EXEC_DIR);
  plugin = pluginName(WARDEN_EXEC_DIR);
}, 30 * 60_000);

afterAll(async () => {
  await henv?.cleanup();
});

describe("ingress-nginx migration through helm template --post-renderer warden-exec", () => {
  test("the fixture chart uses at least 20 different ingress-nginx annotations", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const r = await runHelm(helm, ["template", "demo", CHART], { env: henv!.env });
    expectOk(r, "helm template");
    const keys = new Set<string>();
    for (const o of objects(r.stdout)) for (const k of Object.keys(o.metadata?.annotations ?? {})) if (k.startsWith("nginx.ingress.kubernetes.io/")) keys.add(k);
    expect(keys.size).toBeGreaterThanOrEqual(20);
  }, TIMEOUT);

  test("gateway-api: routes for what is faithful; the allow-list Ingress stays with an error", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const { objs, findings } = await render("gateway-api");
    expect(named(objs, "Gateway", "nginx")).toBeDefined();
    expect(named(objs, "HTTPRoute", "docs-docs-example-com")).toBeDefined();
    expect(named(objs, "Ingress", "shop")!.spec.ingressClassName).toBe("nginx"); // kept: access control would be dropped
    expect(named(objs, "Ingress", "docs")).toBeUndefined();
    expect(rules(findings, "shop")).toContain("ingress/not-rewritten");
    expect(findings.find((f) => f.rule === "ingress/not-translated" && (f.path ?? "").includes("whitelist-source-range"))!.result).toBe("fail");
    expect(findings.find((f) => f.rule === "ingress/snippet")!.document!.name).toBe("legacy");
  }, TIMEOUT);

  test("traefik: docs kept for the NGINX provider, shop as Ingress + Middlewares, Service annotated", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const { objs, findings } = await render("traefik");
    expect(named(objs, "Ingress", "docs")!.metadata.annotations["nginx.ingress.kubernetes.io/app-root"]).toBe("/docs/");
    expect(rules(findings, "docs")).toContain("ingress/kept");
    const shop = named(objs, "Ingress", "shop")!;
    expect(shop.spec.ingressClassName).toBe("traefik");
    expect(shop.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toContain("default-shop-allowlist@kubernetescrd");
    expect(named(objs, "Ingress", "shop-http")!.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe("default-shop-https-redirect@kubernetescrd");
    expect(named(objs, "Middleware", "shop-rate-limit")!.spec).toEqual({ rateLimit: { average: 20, burst: 100, period: "1s" } });
    expect(named(objs, "Service", "shop")!.metadata.annotations["traefik.ingress.kubernetes.io/service.serversscheme"]).toBe("https");
    // The canary needs an IngressRoute: kept, with an error.
    expect(named(objs, "Ingress", "shop-canary")!.spec.ingressClassName).toBe("nginx");
    expect(rules(findings, "shop-canary")).toContain("ingress/canary-needs-ingressroute");
    // The snippet is dropped with its Ingress, never copied.
    expect(JSON.stringify(objs)).not.toContain("X-Legacy");
    expect(named(objs, "Middleware", "legacy-redirect")!.spec.redirectRegex.replacement).toBe("https://shop.example.com/shop");
  }, TIMEOUT);

  test("traefik --ingress-traefik=ingressroute: IngressRoute with a weighted TraefikService for the canary", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const { objs } = await render("traefik", ["--ingress-traefik=ingressroute"]);
    const ts = objs.find((o) => o.kind === "TraefikService")!;
    expect(ts.spec.weighted.services.map((s: Obj) => [s.name, s.weight])).toEqual([["shop", 90], ["shop-v2", 10]]);
    const route = named(objs, "IngressRoute", "shop")!;
    expect(route.spec.routes[0].match).toBe("Host(`shop.example.com`) && PathRegexp(`(?i)^/shop`)");
    expect(route.spec.tls).toEqual({ secretName: "shop-tls" });
    expect(objs.some((o) => o.kind === "Ingress" && o.metadata.name !== "docs")).toBe(false);
  }, TIMEOUT);

  test("haproxy: haproxy.org annotations with units; canary kept with an error", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const { objs, findings } = await render("haproxy");
    const a = named(objs, "Ingress", "shop")!.metadata.annotations;
    expect(a).toMatchObject({ "haproxy.org/timeout-server": "120s", "haproxy.org/cors-max-age": "600s", "haproxy.org/allow-list": "10.0.0.0/8, 192.168.0.0/16", "haproxy.org/ssl-redirect-code": "301" });
    expect(named(objs, "Ingress", "docs")!.spec.ingressClassName).toBe("haproxy");
    expect(rules(findings, "shop-canary")).toContain("ingress/canary");
    expect(findings.find((f) => f.rule === "ingress/redirect-status")!.message).toContain("308");
  }, TIMEOUT);

  test("openshift: Routes with reencrypt TLS, Redirect, 60s-style timeouts and canary alternateBackends", async (ctx) => {
    needArtefact(ctx, HAS_WARDEN_EXEC, "dist/warden-exec/");
    const { objs, findings } = await render("openshift");
    const route = named(objs, "Route", "shop-shop-example-com")!;
    expect(route.spec.tls).toEqual({ externalCertificate: { name: "shop-tls" }, insecureEdgeTerminationPolicy: "Redirect", termination: "reencrypt" });
    expect(route.spec.to).toEqual({ kind: "Service", name: "shop", weight: 90 });
    expect(route.spec.alternateBackends).toEqual([{ kind: "Service", name: "shop-v2", weight: 10 }]);
    expect(route.metadata.annotations["haproxy.router.openshift.io/timeout"]).toBe("120s");
    expect(named(objs, "Route", "docs-docs-example-com")!.metadata.annotations["haproxy.router.openshift.io/timeout"]).toBe("60s");
    expect(objs.some((o) => o.kind === "Ingress")).toBe(false);
    expect(findings.some((f) => f.rule === "ingress/not-translated" && (f.path ?? "").includes("enable-cors"))).toBe(true);
  }, TIMEOUT);
});
