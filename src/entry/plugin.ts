// The Extism entry point Helm calls (`helm_plugin_main`). A thin shell: read the
// input, run the core, write the output or raise the error text Helm shows the user.

import { handleHelmInput } from '../core';
import { setOwnershipHttp } from '../checks/ownership/host';

// `--kube-proxy=URL`: the ownership check reads live metadata through the host's HTTP function
// (only hosts in plugin.yaml's runtimeConfig.allowedHosts are reachable).
setOwnershipHttp((req) => Http.request({ url: req.url, method: 'GET', headers: req.headers }));

export function helm_plugin_main(): number {
  const result = handleHelmInput(Host.inputString());
  if ('error' in result) throw new Error(result.error);
  Host.outputString(result.output);
  return 0;
}
