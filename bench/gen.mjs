#!/usr/bin/env node
// Deterministic generator of rendered-manifest streams, shaped like the stream Helm hands a
// post-renderer: an umbrella chart `platform` with one subchart per service, every document
// carrying Helm's `postrenderer.helm.sh/postrender-filename` annotation, files in sorted order.
//
//   generateStream(targetBytes, seed = 1, { style }) → string
//   node bench/gen.mjs [--seed=N] [--style=source|helm4] [SIZE...]   (writes bench/out/stream-<size>.yaml)
//
// Styles:
//   source (default) `---` + `# Source: <chart>/templates/<file>.yaml` before every document, a few
//                    comment-only / empty documents (the Helm 3 `--post-renderer` shape, and the
//                    harder case for a reader).
//   helm4            exactly what Helm v4.3.1 sends (captured from a real `helm template`): documents
//                    re-serialised by kyaml, `---` only between documents, no `# Source:` lines and
//                    no empty documents.
// Both use kyaml's layout (block sequences not indented under their key, the annotation value in
// single quotes), realistic kinds and sizes, comments, block scalars (some holding `---` lines),
// quoted hook annotation keys and a little non-ASCII text.
//
// No Date, no Math.random: the same arguments always give the same bytes.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIZES = { '100KB': 100 * 1024, '1MB': 1024 * 1024, '10MB': 10 * 1024 * 1024 };

/** sfc32: small, fast, well-distributed 32-bit PRNG. */
function prng(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
    b64: (n) => {
      const al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      let s = '';
      for (let i = 0; i < n; i++) s += al[Math.floor(next() * 64)];
      return s + '='.repeat((4 - (n % 4)) % 4);
    },
  };
  return r;
}

const WORDS = [
  'orders', 'payments', 'catalog', 'checkout', 'inventory', 'shipping', 'billing', 'search', 'ratings',
  'accounts', 'identity', 'gateway', 'notifier', 'reports', 'ledger', 'pricing', 'media', 'profile',
  'cart', 'recommend', 'audit', 'export', 'scheduler', 'webhooks', 'tenants', 'quotes', 'fraud', 'geo',
];
const SUFFIX = ['api', 'worker', 'web', 'svc', 'consumer', 'sync', 'admin', 'grpc'];
const TEAMS = ['core', 'commerce', 'platform', 'data', 'growth', 'risk'];
const REGISTRIES = ['registry.example.com/acme', 'ghcr.io/acme-corp', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme'];
const ENV = [
  'LOG_LEVEL', 'LOG_FORMAT', 'HTTP_PORT', 'GRPC_PORT', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_POOL_SIZE', 'REDIS_URL',
  'KAFKA_BROKERS', 'KAFKA_TOPIC', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'FEATURE_FLAGS', 'CACHE_TTL',
  'REQUEST_TIMEOUT', 'MAX_BODY_SIZE', 'TZ', 'JAVA_OPTS', 'GOMAXPROCS', 'SENTRY_DSN', 'S3_BUCKET', 'REGION',
];
const RELEASE = 'prod';
const CHART = 'platform';
const CHART_VERSION = '3.14.1';

/** A YAML scalar: plain when safe, double-quoted otherwise. */
function q(v) {
  if (typeof v !== 'string') return String(v);
  if (/^[A-Za-z_/.][A-Za-z0-9_./-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v)) return v;
  return JSON.stringify(v);
}

function labels(ind, name, component, extra = []) {
  const p = ' '.repeat(ind);
  return [
    `${p}helm.sh/chart: ${name}-${CHART_VERSION}`,
    `${p}app.kubernetes.io/name: ${name}`,
    `${p}app.kubernetes.io/instance: ${RELEASE}`,
    `${p}app.kubernetes.io/version: "${CHART_VERSION}"`,
    `${p}app.kubernetes.io/component: ${component}`,
    `${p}app.kubernetes.io/part-of: ${CHART}`,
    `${p}app.kubernetes.io/managed-by: Helm`,
    ...extra.map((l) => p + l),
  ];
}

/** metadata block; `annotations` are lines (without indent); Helm's annotation is appended last. */
function metadata(file, name, component, { fullName, namespace = true, annotations = [], labelExtra = [] } = {}) {
  return [
    'metadata:',
    `  name: ${fullName ?? `${RELEASE}-${name}`}`,
    ...(namespace ? [`  namespace: ${RELEASE}`] : []),
    '  labels:',
    ...labels(4, name, component, labelExtra),
    '  annotations:',
    ...annotations.map((l) => '    ' + l),
    `    postrenderer.helm.sh/postrender-filename: '${file}'`,
  ];
}

function selector(ind, name) {
  const p = ' '.repeat(ind);
  return [`${p}app.kubernetes.io/name: ${name}`, `${p}app.kubernetes.io/instance: ${RELEASE}`];
}

// ---- documents of one service subchart -------------------------------------------------

function configMap(r, f, s) {
  const lines = [
    'apiVersion: v1',
    'kind: ConfigMap',
    ...metadata(f, s.name, 'config', { fullName: `${RELEASE}-${s.name}-config` }),
    'data:',
    `  LOG_LEVEL: ${q(r.pick(['info', 'debug', 'warn']))}`,
    `  CACHE_TTL: "${r.int(10, 3600)}s"`,
    `  FEATURE_FLAGS: "${[r.pick(WORDS), r.pick(WORDS), 'dark-mode'].join(',')}"`,
    '  application.yaml: |',
    `    # ${s.name} runtime configuration (rendered by Helm)`,
    '    server:',
    `      port: ${s.port}`,
    `      shutdownGracePeriod: ${r.int(5, 60)}s`,
    '      # keep-alive in seconds',
    `      keepAlive: ${r.int(30, 120)}`,
    '    database:',
    `      host: ${RELEASE}-${s.name}-db.${RELEASE}.svc.cluster.local`,
    `      pool: { min: ${r.int(1, 4)}, max: ${r.int(8, 64)} }`,
    '    upstreams:',
  ];
  for (let i = r.int(2, 8); i > 0; i--) {
    const up = r.pick(WORDS);
    lines.push(`      - name: ${up}`, `        url: http://${RELEASE}-${up}-api.${RELEASE}.svc:8080`, `        timeoutMs: ${r.int(100, 5000)}`, `        retries: ${r.int(0, 5)}`);
  }
  if (r.chance(0.3)) {
    // An embedded multi-document file: `---` lines inside a block scalar must not split the stream.
    lines.push('    ---', '    # second document of the embedded file', '    logging:', `      level: ${r.pick(['info', 'warn'])}`, '      format: json');
  }
  if (r.chance(0.4)) {
    lines.push('  nginx.conf: |-', '    worker_processes auto;', '    events { worker_connections 1024; }', '    http {', '      server {', `        listen ${s.port};`);
    for (let i = r.int(1, 5); i > 0; i--) {
      const p = r.pick(WORDS);
      lines.push(`        location /${p}/ {`, `          proxy_pass http://${p}:8080/;`, `          proxy_read_timeout ${r.int(5, 300)}s;`, '        }');
    }
    lines.push('      }', '    }');
  }
  if (r.chance(0.2)) lines.push('  banner.txt: |', `    Willkommen bei ${s.name} – Grüße aus Zürich ✓`, '    ---', '    text, not a YAML marker');
  if (r.chance(0.3)) lines.push('  motd: >-', `    ${s.name} is owned by team ${s.team}.`, '    Page the on-call engineer before changing limits.');
  return lines;
}

function envEntries(r, s) {
  const out = [];
  const n = r.int(4, 18);
  for (let i = 0; i < n; i++) {
    const name = ENV[(i * 7 + s.idx) % ENV.length] + (i >= ENV.length ? `_${i}` : '');
    const kind = r.next();
    if (kind < 0.6) {
      out.push(`        - name: ${name}`, `          value: ${q(r.pick(['info', 'json', '8080', 'true', `${RELEASE}-${r.pick(WORDS)}:9092`, 'UTC', `-Xmx${r.int(256, 2048)}m -XX:+UseG1GC`, `https://otel-collector.observability:4317`]))}`);
    } else if (kind < 0.8) {
      out.push(`        - name: ${name}`, '          valueFrom:', '            secretKeyRef:', `              name: ${RELEASE}-${s.name}`, `              key: ${name.toLowerCase().replace(/_/g, '-')}`);
    } else if (kind < 0.9) {
      out.push(`        - name: ${name}`, '          valueFrom:', '            configMapKeyRef:', `              name: ${RELEASE}-${s.name}-config`, `              key: ${r.pick(['LOG_LEVEL', 'CACHE_TTL', 'FEATURE_FLAGS'])}`);
    } else {
      out.push(`        - name: ${name}`, '          valueFrom:', '            fieldRef:', `              fieldPath: ${r.pick(['metadata.namespace', 'status.podIP', 'spec.nodeName', 'metadata.name'])}`);
    }
  }
  return out;
}

function container(r, s, name, image) {
  const cpu = r.pick(['50m', '100m', '250m', '500m', '1']);
  const mem = r.pick(['64Mi', '128Mi', '256Mi', '512Mi', '1Gi']);
  const probe = (kind) => [
    `        ${kind}:`,
    '          httpGet:',
    `            path: ${kind === 'livenessProbe' ? '/healthz' : '/ready'}`,
    '            port: http',
    `          initialDelaySeconds: ${r.int(0, 30)}`,
    `          periodSeconds: ${r.pick([5, 10, 15])}`,
    `          failureThreshold: ${r.int(3, 6)}`,
  ];
  return [
    `      - name: ${name}`,
    `        image: "${image}"`,
    '        imagePullPolicy: IfNotPresent',
    ...(r.chance(0.3) ? [`        args: ["--config", "/etc/${s.name}/application.yaml", "--port=${s.port}"]`] : []),
    '        ports:',
    '        - name: http',
    `          containerPort: ${s.port}`,
    '          protocol: TCP',
    ...(r.chance(0.5) ? ['        - name: metrics', '          containerPort: 9090', '          protocol: TCP'] : []),
    '        envFrom:',
    '        - configMapRef:',
    `            name: ${RELEASE}-${s.name}-config`,
    '        env:',
    ...envEntries(r, s),
    ...probe('livenessProbe'),
    ...probe('readinessProbe'),
    '        resources:',
    '          requests:',
    `            cpu: ${cpu}`,
    `            memory: ${mem}`,
    '          limits:',
    `            memory: ${mem}`,
    '        securityContext:',
    '          allowPrivilegeEscalation: false',
    '          readOnlyRootFilesystem: true',
    '          capabilities:',
    '            drop: ["ALL"]',
    '        volumeMounts:',
    '        - name: config',
    `          mountPath: /etc/${s.name}`,
    '          readOnly: true',
    '        - name: tmp',
    '          mountPath: /tmp',
  ];
}

function deployment(r, f, s) {
  const image = `${r.pick(REGISTRIES)}/${s.name}:${r.int(1, 4)}.${r.int(0, 30)}.${r.int(0, 9)}`;
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    ...metadata(f, s.name, 'server', { annotations: r.chance(0.3) ? [`reloader.stakater.com/auto: "true"`] : [] }),
    'spec:',
    `  replicas: ${r.int(1, 6)}`,
    `  revisionHistoryLimit: ${r.int(3, 10)}`,
    '  selector:',
    '    matchLabels:',
    ...selector(6, s.name),
    '  strategy:',
    '    type: RollingUpdate',
    '    rollingUpdate:',
    '      maxSurge: 25%',
    '      maxUnavailable: 0',
    '  template:',
    '    metadata:',
    '      annotations:',
    '        # roll the pods when the configuration changes',
    `        checksum/config: ${r.hex(64)}`,
    `        checksum/secret: ${r.hex(64)}`,
    '        prometheus.io/port: "9090"',
    '        prometheus.io/scrape: "true"',
    '      labels:',
    ...selector(8, s.name),
    `        team: ${s.team}`,
    '    spec:',
    `      serviceAccountName: ${RELEASE}-${s.name}`,
    '      securityContext:',
    '        runAsNonRoot: true',
    `        runAsUser: ${r.pick([1000, 10001, 65532])}`,
    '        fsGroup: 10001',
  ];
  if (r.chance(0.25)) {
    lines.push('      initContainers:', '      - name: wait-for-db', '        image: busybox:1.36', `        command: ['sh', '-c', 'until nc -z ${RELEASE}-${s.name}-db 5432; do sleep 2; done']`);
  }
  lines.push('      containers:', ...container(r, s, s.name, image));
  if (r.chance(0.2)) {
    lines.push(
      '      - name: envoy',
      '        image: "envoyproxy/envoy:v1.31.2"',
      '        args: ["-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"]',
      '        resources:',
      '          requests: {cpu: 50m, memory: 64Mi}',
      '          limits: {memory: 128Mi}',
    );
  }
  if (r.chance(0.4)) {
    lines.push(
      '      affinity:',
      '        podAntiAffinity:',
      '          preferredDuringSchedulingIgnoredDuringExecution:',
      '          - weight: 100',
      '            podAffinityTerm:',
      '              topologyKey: kubernetes.io/hostname',
      '              labelSelector:',
      '                matchLabels:',
      ...selector(18, s.name),
    );
  }
  if (r.chance(0.2)) {
    lines.push('      tolerations:', '      - key: dedicated', '        operator: Equal', `        value: ${s.team}`, '        effect: NoSchedule');
  }
  lines.push(
    '      volumes:',
    '      - name: config',
    '        configMap:',
    `          name: ${RELEASE}-${s.name}-config`,
    '      - name: tmp',
    '        emptyDir: {}',
  );
  return lines;
}

function hpa(r, f, s) {
  return [
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    ...metadata(f, s.name, 'autoscaler'),
    'spec:',
    '  scaleTargetRef:',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    `    name: ${RELEASE}-${s.name}`,
    `  minReplicas: ${r.int(1, 3)}`,
    `  maxReplicas: ${r.int(4, 30)}`,
    '  metrics:',
    '  - type: Resource',
    '    resource:',
    '      name: cpu',
    '      target:',
    '        type: Utilization',
    `        averageUtilization: ${r.int(50, 85)}`,
    ...(r.chance(0.5)
      ? ['  - type: Resource', '    resource:', '      name: memory', '      target:', '        type: Utilization', `        averageUtilization: ${r.int(60, 90)}`]
      : []),
  ];
}

function ingress(r, f, s) {
  const host = `${s.name}.${r.pick(['example.com', 'acme.io', 'internal.acme.net'])}`;
  const ann = ['# ingress-nginx specific behaviour', `kubernetes.io/ingress.class: nginx`];
  if (r.chance(0.6)) ann.push('nginx.ingress.kubernetes.io/rewrite-target: /$2', 'nginx.ingress.kubernetes.io/use-regex: "true"');
  ann.push(`nginx.ingress.kubernetes.io/ssl-redirect: "${r.pick(['true', 'false'])}"`);
  ann.push(`nginx.ingress.kubernetes.io/proxy-body-size: "${r.pick(['1m', '8m', '16m', '100m'])}"`);
  ann.push(`nginx.ingress.kubernetes.io/proxy-read-timeout: "${r.int(30, 600)}"`);
  if (r.chance(0.3)) ann.push('nginx.ingress.kubernetes.io/enable-cors: "true"', `nginx.ingress.kubernetes.io/cors-allow-origin: "https://${host}"`);
  if (r.chance(0.2)) ann.push(`nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8,172.16.0.0/12"`);
  if (r.chance(0.25)) {
    ann.push('nginx.ingress.kubernetes.io/configuration-snippet: |', '  more_set_headers "X-Frame-Options: DENY";', '  more_set_headers "X-Content-Type-Options: nosniff";');
  }
  if (r.chance(0.3)) ann.push(`cert-manager.io/cluster-issuer: letsencrypt-${r.pick(['prod', 'staging'])}`);
  const lines = [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    ...metadata(f, s.name, 'ingress', { annotations: ann }),
    'spec:',
    '  ingressClassName: nginx',
    '  tls:',
    '  - hosts:',
    `    - "${host}"`,
    `    secretName: ${s.name}-tls`,
    '  rules:',
    `  - host: "${host}"`,
    '    http:',
    '      paths:',
  ];
  for (let i = r.int(1, 4); i > 0; i--) {
    lines.push(
      `      - path: /${r.pick(WORDS)}(/|$)(.*)`,
      '        pathType: ImplementationSpecific',
      '        backend:',
      '          service:',
      `            name: ${RELEASE}-${s.name}`,
      '            port:',
      '              number: 80',
    );
  }
  return lines;
}

function migrateJob(r, f, s) {
  return [
    '# Database migrations run before install and upgrade.',
    'apiVersion: batch/v1',
    'kind: Job',
    ...metadata(f, s.name, 'migrate', {
      fullName: `${RELEASE}-${s.name}-migrate`,
      annotations: ['"helm.sh/hook": pre-install,pre-upgrade', '"helm.sh/hook-weight": "-5"', '"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded'],
    }),
    'spec:',
    `  backoffLimit: ${r.int(1, 4)}`,
    '  template:',
    '    metadata:',
    '      labels:',
    ...selector(8, s.name),
    '    spec:',
    '      restartPolicy: Never',
    `      serviceAccountName: ${RELEASE}-${s.name}`,
    '      containers:',
    '      - name: migrate',
    `        image: "${r.pick(REGISTRIES)}/${s.name}-migrate:${r.int(1, 4)}.${r.int(0, 30)}.0"`,
    '        args: ["migrate", "--to", "latest"]',
  ];
}

function rbac(r, f, s) {
  const role = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    ...metadata(f, s.name, 'rbac'),
    'rules:',
    '- apiGroups: [""]',
    `  resources: ["configmaps", "secrets"]`,
    '  verbs: ["get", "list", "watch"]',
    ...(r.chance(0.5) ? ['- apiGroups: ["coordination.k8s.io"]', '  resources: ["leases"]', '  verbs: ["get", "create", "update"]'] : []),
  ];
  const binding = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    ...metadata(f, s.name, 'rbac'),
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: Role',
    `  name: ${RELEASE}-${s.name}`,
    'subjects:',
    '- kind: ServiceAccount',
    `  name: ${RELEASE}-${s.name}`,
    `  namespace: ${RELEASE}`,
  ];
  return [role, binding];
}

function secret(r, f, s) {
  const lines = ['apiVersion: v1', 'kind: Secret', ...metadata(f, s.name, 'secret'), 'type: Opaque', 'data:'];
  for (const k of ['db-password', 'redis-url', 'sentry-dsn', 'api-key'].slice(0, r.int(2, 4))) lines.push(`  ${k}: ${r.b64(r.int(16, 60))}`);
  if (r.chance(0.3)) lines.push('stringData:', `  tls-mode: ${r.pick(['strict', 'permissive'])}`);
  return lines;
}

function service(r, f, s) {
  return [
    'apiVersion: v1',
    'kind: Service',
    ...metadata(f, s.name, 'server'),
    'spec:',
    `  type: ${r.chance(0.85) ? 'ClusterIP' : 'NodePort'}`,
    '  ports:',
    '  - port: 80',
    '    targetPort: http',
    '    protocol: TCP',
    '    name: http',
    '  selector:',
    ...selector(4, s.name),
  ];
}

function serviceAccount(r, f, s) {
  return ['apiVersion: v1', 'kind: ServiceAccount', ...metadata(f, s.name, 'identity'), `automountServiceAccountToken: ${r.chance(0.7) ? 'false' : 'true'}`];
}

function testPod(r, f, s) {
  return [
    'apiVersion: v1',
    'kind: Pod',
    ...metadata(f, s.name, 'test', { fullName: `"${RELEASE}-${s.name}-test-connection"`, annotations: ['"helm.sh/hook": test'] }),
    'spec:',
    '  restartPolicy: Never',
    '  containers:',
    '  - name: wget',
    '    image: busybox:1.36',
    "    command: ['wget']",
    `    args: ['${RELEASE}-${s.name}:80']`,
  ];
}

/** All documents of one service subchart, in Helm's order (sorted template file names). */
function serviceDocs(r, s, style) {
  const base = `${CHART}/charts/${s.name}/templates/`;
  const docs = [];
  const add = (file, gen) => {
    const out = gen(r, base + file, s);
    for (const body of Array.isArray(out[0]) ? out : [out]) docs.push({ file: base + file, body });
  };
  add('configmap.yaml', configMap);
  add('deployment.yaml', deployment);
  if (r.chance(0.5)) add('hpa.yaml', hpa);
  if (r.chance(0.6)) add('ingress.yaml', ingress);
  if (r.chance(0.15)) add('job-migrate.yaml', migrateJob);
  // A template whose condition is false renders to nothing but its `# Source:` line.
  if (style === 'source' && r.chance(0.1)) docs.push({ file: base + 'pdb.yaml', body: null });
  if (r.chance(0.4)) add('rbac.yaml', rbac);
  add('secret.yaml', secret);
  add('service.yaml', service);
  add('serviceaccount.yaml', serviceAccount);
  if (r.chance(0.1)) add('tests/test-connection.yaml', testPod);
  return docs;
}

// ---- umbrella chart documents --------------------------------------------------------

function crd(file) {
  const prop = (ind, name, type, desc) => [`${' '.repeat(ind)}${name}:`, `${' '.repeat(ind + 2)}description: ${q(desc)}`, `${' '.repeat(ind + 2)}type: ${type}`];
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: featuregates.platform.acme.io',
    '  labels:',
    ...labels(4, CHART, 'crd'),
    '  annotations:',
    '    "helm.sh/resource-policy": keep',
    `    postrenderer.helm.sh/postrender-filename: '${file}'`,
    'spec:',
    '  group: platform.acme.io',
    '  names:',
    '    kind: FeatureGate',
    '    listKind: FeatureGateList',
    '    plural: featuregates',
    '    singular: featuregate',
    '    shortNames: ["fg"]',
    '  scope: Namespaced',
    '  versions:',
    '  - name: v1alpha1',
    '    served: true',
    '    storage: true',
    '    additionalPrinterColumns:',
    '    - name: Enabled',
    '      type: boolean',
    '      jsonPath: .spec.enabled',
    '    - name: Age',
    '      type: date',
    '      jsonPath: .metadata.creationTimestamp',
    '    schema:',
    '      openAPIV3Schema:',
    '        description: FeatureGate turns a platform feature on or off for a set of services.',
    '        type: object',
    '        properties:',
    ...prop(10, 'apiVersion', 'string', 'APIVersion defines the versioned schema of this representation of an object.'),
    ...prop(10, 'kind', 'string', 'Kind is a string value representing the REST resource this object represents.'),
    '          metadata:',
    '            type: object',
    '          spec:',
    '            type: object',
    '            required: ["enabled"]',
    '            properties:',
    ...prop(14, 'enabled', 'boolean', 'Whether the feature is on.'),
    ...prop(14, 'rolloutPercent', 'integer', 'Share of traffic (0-100) that sees the feature: a number, not a string.'),
    '              services:',
    '                description: Services the gate applies to; empty means all.',
    '                type: array',
    '                items:',
    '                  type: string',
    '              schedule:',
    '                type: object',
    '                properties:',
    ...prop(18, 'start', 'string', 'RFC 3339 time when the gate opens.'),
    ...prop(18, 'end', 'string', 'RFC 3339 time when the gate closes.'),
    '          status:',
    '            type: object',
    '            x-kubernetes-preserve-unknown-fields: true',
    '    subresources:',
    '      status: {}',
  ];
}

function clusterRbac(file) {
  const meta = (kind) => [
    'metadata:',
    `  name: ${RELEASE}-${CHART}-${kind}`,
    '  labels:',
    ...labels(4, CHART, 'rbac'),
    '  annotations:',
    `    postrenderer.helm.sh/postrender-filename: '${file}'`,
  ];
  return [
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      ...meta('reader'),
      'rules:',
      '- apiGroups: ["platform.acme.io"]',
      '  resources: ["featuregates", "featuregates/status"]',
      '  verbs: ["get", "list", "watch"]',
      '- apiGroups: [""]',
      '  resources: ["namespaces", "nodes"]',
      '  verbs: ["get", "list"]',
    ],
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      ...meta('reader'),
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      `  name: ${RELEASE}-${CHART}-reader`,
      'subjects:',
      '- kind: Group',
      '  name: system:serviceaccounts:prod',
      '  apiGroup: rbac.authorization.k8s.io',
    ],
  ];
}

/** A Grafana-dashboard ConfigMap padded (JSON panel lines) to about `bytes` bytes. */
function dashboard(r, file, bytes) {
  const lines = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${RELEASE}-${CHART}-dashboards`,
    `  namespace: ${RELEASE}`,
    '  labels:',
    ...labels(4, CHART, 'dashboards', ['grafana_dashboard: "1"']),
    '  annotations:',
    `    postrenderer.helm.sh/postrender-filename: '${file}'`,
    'data:',
    '  services.json: |-',
    '    {',
    '      "title": "Platform services",',
    '      "panels": [',
  ];
  let size = utf8Length(lines.join('\n')) + 20;
  let id = 1;
  while (true) {
    const w = r.pick(WORDS);
    const line = `        {"id": ${id}, "type": "timeseries", "title": "${w} p99 latency", "targets": [{"expr": "histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{service=\\"${w}\\"}[5m])) by (le))"}]},`;
    const len = utf8Length(line) + 1;
    if (size + len > bytes) break;
    lines.push(line);
    size += len;
    id++;
  }
  lines.push(`        {"id": ${id}, "type": "text", "title": "end"}`, '      ]', '    }');
  return lines;
}

const encoder = new TextEncoder();
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function render(doc, style, first) {
  if (style === 'helm4') return (first ? '' : '---\n') + doc.body.join('\n') + '\n';
  const head = `---\n# Source: ${doc.file}\n`;
  return doc.body === null ? head : head + doc.body.join('\n') + '\n';
}

/**
 * A stream of about `targetBytes` UTF-8 bytes (within a few hundred bytes: the last document is a
 * dashboard ConfigMap sized to fill the rest). Same arguments → same string.
 */
export function generateStream(targetBytes, seed = 1, { style = 'source' } = {}) {
  const docs = generateDocs(targetBytes, seed, { style });
  let out = '';
  docs.forEach((d, i) => (out += render(d, style, i === 0)));
  return out;
}

/** The documents of generateStream, in stream order: `{ file, body: string[] | null }`. */
function generateDocs(targetBytes, seed, { style }) {
  if (!Number.isFinite(targetBytes) || targetBytes < 0) throw new Error(`bad target size ${targetBytes}`);
  if (style !== 'source' && style !== 'helm4') throw new Error(`unknown style "${style}" (source or helm4)`);
  const r = prng(seed);
  const umbrella = [];
  const crdFile = `${CHART}/templates/crd-featuregates.yaml`;
  umbrella.push({ file: `${CHART}/templates/clusterrole.yaml`, body: null, multi: clusterRbac(`${CHART}/templates/clusterrole.yaml`) });
  umbrella.push({ file: crdFile, body: crd(crdFile) });
  const umbrellaDocs = umbrella.flatMap((d) => (d.multi ? d.multi.map((body) => ({ file: d.file, body })) : [d]));
  // Some streams start with an empty document (a leading `---` pair, or a template of comments only).
  const lead = style === 'source' ? [{ file: `${CHART}/templates/NOTES-placeholder.yaml`, body: ['# rendered from a template that only holds comments'] }] : [];

  const sized = (docs, first) => docs.reduce((n, d, i) => n + utf8Length(render(d, style, first && i === 0)), 0);
  const dashFile = `${CHART}/templates/dashboards.yaml`;
  const dashMin = 1200;
  let used = sized(umbrellaDocs, false) + sized(lead, true);
  const budget = targetBytes - dashMin;

  const services = [];
  const seen = new Set();
  for (let idx = 0; used < budget; idx++) {
    let name;
    do name = `${r.pick(WORDS)}-${r.pick(SUFFIX)}-${r.int(1, 999)}`;
    while (seen.has(name));
    seen.add(name);
    const s = { idx, name, team: r.pick(TEAMS), port: r.pick([8080, 8000, 3000, 9000]) };
    const docs = serviceDocs(r, s, style);
    const size = sized(docs, false);
    if (used + size > budget) break;
    services.push({ name, docs });
    used += size;
  }
  // Helm walks template files in sorted order: subcharts (`platform/charts/…`) first.
  services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const docs = [...lead, ...services.flatMap((s) => s.docs), ...umbrellaDocs];
  let out = '';
  docs.forEach((d, i) => (out += render(d, style, i === 0)));
  // Fill the rest with the dashboard ConfigMap (file name sorts after clusterrole/crd).
  const rest = targetBytes - utf8Length(out);
  const dash = { file: dashFile, body: dashboard(r, dashFile, rest - (style === 'source' ? 14 + dashFile.length : 4)) };
  return [...docs, dash];
}

/**
 * A chart whose `helm template` renders the objects of generateStream(targetBytes, seed): every
 * document's body becomes a template file (`platform/charts/<svc>/templates/x.yaml` →
 * `templates/<svc>/x.yaml`, documents of one file joined with `---`), as literal text (a `{{`
 * would be escaped). Written to `<dir>/chart-<label>[-s<seed>]/` (replaced when it exists);
 * returns its path. Render it with `helm template prod <path> --namespace prod`.
 */
export function writeChart(bytes, { seed = 1, dir = OUT_DIR } = {}) {
  const docs = generateDocs(bytes, seed, { style: 'source' });
  const chart = join(dir, `chart-${sizeLabel(bytes)}${seed === 1 ? '' : '-s' + seed}`);
  rmSync(chart, { recursive: true, force: true });
  const files = new Map();
  for (const d of docs) {
    if (d.body === null) continue;
    const m = /^[^/]+\/(?:charts\/([^/]+)\/)?templates\/(.+)$/.exec(d.file);
    if (!m) throw new Error(`writeChart: unexpected template path ${d.file}`);
    const rel = m[1] ? `${m[1]}/${m[2]}` : m[2];
    const text = d.body.join('\n').replace(/\{\{/g, '{{ "{{" }}') + '\n';
    files.set(rel, files.has(rel) ? `${files.get(rel)}---\n${text}` : text);
  }
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${CHART}\nversion: ${CHART_VERSION}\ndescription: generated by bench/gen.mjs (${bytes} bytes, seed ${seed})\n`);
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(chart, 'templates', rel)), { recursive: true });
    writeFileSync(join(chart, 'templates', rel), text);
  }
  return chart;
}

export function sizeLabel(bytes) {
  for (const [label, n] of Object.entries(SIZES)) if (n === bytes) return label;
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024 / 10) === 0) return `${bytes / 1024 / 1024}MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}KB`;
  return `${bytes}B`;
}

/** "100KB" | "1MB" | "2.5MB" | "12345" → bytes. */
export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB)?$/i.exec(String(s).trim());
  if (!m) throw new Error(`bad size "${s}" (e.g. 100KB, 1MB, 10MB)`);
  const unit = (m[2] ?? 'B').toUpperCase().replace('IB', 'B');
  return Math.round(Number(m[1]) * (unit === 'MB' ? 1024 * 1024 : unit === 'KB' ? 1024 : 1));
}

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

/** Writes (or reuses, when the bytes are identical) bench/out/stream-<label>[-<style>][-s<seed>].yaml. */
export function writeStream(bytes, { seed = 1, style = 'source', dir = OUT_DIR } = {}) {
  mkdirSync(dir, { recursive: true });
  const name = `stream-${sizeLabel(bytes)}${style === 'source' ? '' : '-' + style}${seed === 1 ? '' : '-s' + seed}.yaml`;
  const path = join(dir, name);
  const text = generateStream(bytes, seed, { style });
  writeFileSync(path, text);
  return { path, text };
}

function main(argv) {
  let seed = 1;
  let style = 'source';
  const sizes = [];
  for (const a of argv) {
    if (a.startsWith('--seed=')) seed = Number(a.slice(7));
    else if (a.startsWith('--style=')) style = a.slice(8);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node bench/gen.mjs [--seed=N] [--style=source|helm4] [SIZE...]  (default sizes: 100KB 1MB 10MB)\n');
      return;
    } else sizes.push(parseSize(a));
  }
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  for (const bytes of sizes.length ? sizes : Object.values(SIZES)) {
    const { path, text } = writeStream(bytes, { seed, style });
    const n = encoder.encode(text).length;
    process.stdout.write(`${path}: ${n} bytes (target ${bytes}, ${(((n - bytes) / bytes) * 100).toFixed(2)}%), ${text.split('\n---').length} documents\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
