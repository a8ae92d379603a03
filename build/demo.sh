#!/usr/bin/env bash
# npm run demo: set up, build, and run warden on the bundled example chart with real Helm
# (Helm v4.3.1, built from the Go module proxy and cached), through the warden-exec plugin
# that works on every released Helm 4. No cluster needed: it uses `helm template`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/setup.sh --helm=default
node build/build.mjs
helm=$(bash build/helm/install-helm.sh v4.3.1)

# A private Helm home so the demo does not touch your own plugins.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HELM_DATA_HOME="$home/data" HELM_CONFIG_HOME="$home/config" HELM_CACHE_HOME="$home/cache"
"$helm" plugin install dist/warden-exec >/dev/null
echo "== helm template charts-fixtures/webapp --post-renderer warden-exec" >&2
WARDEN_NO_TTY=1 "$helm" template demo charts-fixtures/webapp --post-renderer warden-exec \
  --post-renderer-args=--report-file="$home/report.txt"
echo "== warden report ($HELM_CACHE_HOME/warden/last-report.txt is the default place; this demo used --report-file)" >&2
cat "$home/report.txt" >&2
