// A minimal Kubernetes API client for `warden snapshot`: GET requests over node:https (or http for a
// plain-http server such as `kubectl proxy`), with the kubeconfig's CA, client certificate, bearer
// token or basic auth; one keep-alive agent per client.

import http from 'node:http';
import https from 'node:https';
import type { KubeGet, KubeReply } from '../../checks/ownership/live';
import type { KubeCredentials } from './kubeconfig';

export class KubeRequestError extends Error {}

export interface KubeClient {
  get(req: KubeGet): Promise<KubeReply>;
  close(): void;
}

export function kubeClient(creds: KubeCredentials, timeoutMs = 30_000): KubeClient {
  const base = new URL(creds.server);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new KubeRequestError(`the server ${creds.server} is not an http(s) URL`);
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 8,
        ca: creds.ca,
        cert: creds.cert,
        key: creds.key,
        rejectUnauthorized: !creds.insecure,
        servername: creds.tlsServerName,
      })
    : new http.Agent({ keepAlive: true, maxSockets: 8 });
  const headers: Record<string, string> = { 'User-Agent': 'warden-snapshot' };
  if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
  else if (creds.basic) headers.Authorization = `Basic ${Buffer.from(`${creds.basic.username}:${creds.basic.password}`).toString('base64')}`;
  const prefix = base.pathname.replace(/\/+$/, '');

  return {
    get(req) {
      const url = new URL(base.origin + prefix + req.path);
      const mod = secure ? https : http;
      return new Promise<KubeReply>((resolve, reject) => {
        const r = mod.request(url, { method: 'GET', agent, headers: { ...headers, Accept: req.accept }, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
        r.on('error', (e) => reject(new KubeRequestError(`GET ${url.href}: ${e.message}`)));
        r.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}
