// The Extism entry point Helm calls (`helm_plugin_main`). A thin shell: read the
// input, run the core, write the output or raise the error text Helm shows the user.

import { handleHelmInput } from '../core';

export function helm_plugin_main(): number {
  const result = handleHelmInput(Host.inputString());
  if ('error' in result) throw new Error(result.error);
  Host.outputString(result.output);
  return 0;
}
