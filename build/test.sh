#!/usr/bin/env bash
# npm test: set up whatever is missing, build plugin.wasm and warden-exec, run every test.
# Prints a closing line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/setup.sh --helm=all
node build/build.mjs
# The plugin sources must compile unchanged against the official @extism/js-pdk types.
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p tsconfig.node.json
mkdir -p dist/test
set +e
# Node calls its WASI module experimental on every plugin load; the noise hides real output.
NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning" WARDEN_E2E_REQUIRE_ARTEFACTS=1 WARDEN_REQUIRE_CORPUS=1 WARDEN_E2E_REQUIRE_KUBE=1 WARDEN_REQUIRE_KYVERNO=1 npx vitest run --reporter=default --reporter=json --outputFile.json=dist/test/results.json "$@"
rc=$?
set -e
node -e '
  const r = require("./dist/test/results.json");
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit $rc
