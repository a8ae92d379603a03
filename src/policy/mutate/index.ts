// mutate rules: patchStrategicMerge (with anchors), patchesJson6902, foreach.
export { evaluateMutateRule, mutatePolicy, type MutationResult } from './mutate';
export { applyJsonPatch, JsonPatchError, parsePointer, toOperations, type PatchOperation } from './jsonpatch';
export { ConditionError, preprocessOverlay, strategicMerge } from './strategic';
export { diffEdits, type Edit } from './edits';
