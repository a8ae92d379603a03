// Pod Security Standards for `validate.podSecurity` rules.
export { CHECKS, CONTROL_CHECK_IDS, type CheckResult, type FieldError, type PodLike, type PssCheck } from './checks';
export { applyExclusions, evaluatePss, formatChecks, parsePssVersion, podOf, validatePodSecurity, type PodSecurityExclude, type PodSecuritySpec, type PssCheckResult } from './evaluate';
