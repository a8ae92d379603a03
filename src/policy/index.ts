// warden's Kyverno-compatible policy engine (validate rules of ClusterPolicy/Policy).
// Not wired into the plugin yet; see test/unit/policy/corpus.test.ts for conformance.

export { evaluatePolicy, isLegacyPolicy, policyName, unsupportedFeature, type EvaluateOptions, type PolicyResult } from './engine';
export { evaluateValidateRule, type RuleResult, type RuleStatus, type ValidateRule } from './validate';
export { autogenControllers, generateRules, rulesForKind } from './autogen';
export { matchRule, type MatchOutcome, type MatchRequest } from './match/match';
export { matchPattern, type PatternResult } from './pattern/pattern';
export { evaluateConditions } from './conditions';
export { evaluateOperator } from './operators/conditions';
export { validateValue } from './operators/value';
export { jmesSearch, KYVERNO_FUNCTIONS } from './variables/jmespath';
export { substituteAll } from './variables/substitute';
export { buildContext, parseImage } from './context';
