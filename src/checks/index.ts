import type { Check } from './check';
import { policyCheck } from './policy';
import { ownershipCheck } from './ownership';
import { ingressCheck } from './ingress';

/** Every check, in the order they run. */
export const allChecks: readonly Check[] = [policyCheck, ownershipCheck, ingressCheck];
