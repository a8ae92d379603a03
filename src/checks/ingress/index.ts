// The ingress check: Ingresses carrying ingress-nginx annotations, translated for the
// target controller (src/ingress). In report mode (the default) it only reports what maps,
// what changes and what has no equivalent; rewrite/both add or replace objects.

import { migrateIngresses } from '../../ingress/migrate';
import { emptyResult, type Check } from '../check';

export const ingressCheck: Check = {
  name: 'ingress',
  run({ documents, options }) {
    // Most renders have no Ingress: then nothing is parsed at all.
    if (!documents.some((d) => !d.empty && d.identity.kind === 'Ingress')) return emptyResult();
    const result = migrateIngresses(documents, {
      target: options.ingressTarget,
      mode: options.ingressMode,
      ingressClass: options.ingressClass,
      gatewayName: options.gateway,
      experimental: options.gatewayExperimental === true,
      traefikOutput: options.ingressTraefik,
      newIngressClass: options.ingressNewClass,
    });
    // Critical findings (snippets, dropped access control) block only when the user asked for a
    // migration (rewrite/both) in enforce mode; a report never stops a render.
    if (options.mode !== 'enforce' || options.ingressMode === 'report') for (const f of result.findings) f.enforce = false;
    return result;
  },
};
