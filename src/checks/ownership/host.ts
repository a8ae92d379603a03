// The one capability the ownership check may be handed by its host: a synchronous HTTP GET, used only
// with `--kube-proxy=URL`. The plugin entry registers Extism's `Http.request`; Node hosts (tests) may
// register their own. The core itself never opens a connection.

export interface ProxyRequest {
  url: string;
  headers: Record<string, string>;
}

export interface ProxyResponse {
  status: number;
  body: string;
}

export type HttpGet = (req: ProxyRequest) => ProxyResponse;

let httpGet: HttpGet | undefined;

/** Registers (or, with undefined, removes) the host's HTTP GET. */
export function setOwnershipHttp(fn: HttpGet | undefined): void {
  httpGet = fn;
}

export function ownershipHttp(): HttpGet | undefined {
  return httpGet;
}
