// The Extism entry point Helm calls (`helm_plugin_main`). A thin shell: read the
// input, run the core, write the output or raise the error text Helm shows the user.

import { handleHelmInput } from '../core';
import { setOwnershipHttp } from '../checks/ownership/host';
import { replayFs, runTestFile, type FsRecord } from '../policy/kyverno-test';

// `--kube-proxy=URL`: the ownership check reads live metadata through the host's HTTP function
// (only hosts in plugin.yaml's runtimeConfig.allowedHosts are reachable).
setOwnershipHttp((req) => Http.request({ url: req.url, method: 'GET', headers: req.headers }));

export function helm_plugin_main(): number {
  const result = handleHelmInput(Host.inputString());
  if ('error' in result) throw new Error(result.error);
  Host.outputString(result.output);
  return 0;
}

/**
 * Not for Helm: runs one kyverno-test.yaml on the files the host recorded for it
 * (`{file, root, record}`, see kyverno-test/recorded.ts) and returns the TestResult as JSON.
 * The tests use it to compare the engine in plugin.wasm with the engine in Node.
 */
export function warden_kyverno_test(): number {
  const req = JSON.parse(Host.inputString()) as { file: string; root: string; record: FsRecord };
  Host.outputString(JSON.stringify(runTestFile(replayFs(req.record), req.file, req.root)));
  return 0;
}
