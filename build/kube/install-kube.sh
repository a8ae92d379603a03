#!/usr/bin/env bash
# install-kube.sh [KUBE_VERSION] [ETCD_VERSION]
#
# Builds (once) and caches kube-apiserver and etcd from the Go module proxy,
# following ../shared/docs/kube-apiserver.md, and prints the absolute path of
# the directory holding both binaries on stdout. Everything else goes to stderr.
# Also makes sure kubectl of the same version is cached next to them
# (install-kubectl.sh, its own cache entry; the e2e tests use the real kubectl).
#
#   KUBE_VERSION   default 1.37.2 (k8s.io/kubernetes; staging replaces are
#                  pointed at the published v0.<minor>.<patch> modules)
#   ETCD_VERSION   default 3.7.3  (go.etcd.io/etcd/server/v3)
#
# Cache: ${WARDEN_CACHE:-$HOME/.cache/warden}/kube/kube-<K>-etcd-<E>/{kube-apiserver,etcd}
#        and .../kube/kubectl-<K>/kubectl
#
# Cold build ~7 minutes on 2 cores (both built in parallel). Concurrency: a
# per-version lock; a second caller waits and reuses the result. Interruption:
# built in a temporary directory next to the cache entry, renamed into place
# only after both binaries report the expected versions.
set -euo pipefail

log() { printf 'install-kube: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=k8s-module.sh
. "$(dirname "${BASH_SOURCE[0]}")/k8s-module.sh"

KV=${1:-1.37.2}
EV=${2:-3.7.3}
KV=${KV#v}; EV=${EV#v}
[[ "$KV" =~ ^1\.[0-9]+\.[0-9]+$ ]] || die "bad kube version '$KV'"
[[ "$EV" =~ ^3\.[0-9]+\.[0-9]+$ ]] || die "bad etcd version '$EV'"
command -v go >/dev/null || die "go is not on PATH"

KEY="kube-$KV-etcd-$EV"
CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}/kube
DEST="$CACHE_ROOT/$KEY"
RECIPE="recipe=1 kube=$KV etcd=$EV"

cached_ok() {
  [ -x "$DEST/kube-apiserver" ] && [ -x "$DEST/etcd" ] && [ -f "$DEST/.stamp" ] \
    && [ "$(cat "$DEST/.stamp")" = "$RECIPE" ]
}
# kubectl of the same version (a cache hit returns at once; built after the apiserver, it reuses
# most of Go's build cache).
kubectl_too() { bash "$(dirname "${BASH_SOURCE[0]}")/install-kubectl.sh" "$KV" >/dev/null 8>&-; }
if cached_ok; then kubectl_too; printf '%s\n' "$DEST"; exit 0; fi

mkdir -p "$CACHE_ROOT"
exec 8>"$CACHE_ROOT/.lock-$KEY"
flock 8
if cached_ok; then kubectl_too; printf '%s\n' "$DEST"; exit 0; fi

for stale in "$CACHE_ROOT/.tmp-$KEY".*; do
  [ -e "$stale" ] || continue
  log "removing stale $stale"
  chmod -R u+w "$stale" 2>/dev/null || true
  rm -rf "$stale"
done

TMP=$(mktemp -d "$CACHE_ROOT/.tmp-$KEY.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  chmod -R u+w "$TMP" 2>/dev/null || true; rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
mkdir -p "$TMP/out"
start=$(date +%s)

build_apiserver() {
  local dir
  dir=$(k8s_module_dir "$KV" "$TMP")
  cp -R "$dir" "$TMP/k8s"
  chmod -R u+w "$TMP/k8s"
  cd "$TMP/k8s"
  rm -rf vendor go.work go.work.sum
  k8s_published_staging "$KV"
  go build -mod=mod -trimpath -o "$TMP/out/kube-apiserver" -ldflags "-s -w $(k8s_version_x "$KV")" ./cmd/kube-apiserver
  log "kube-apiserver v$KV built after $(( $(date +%s) - start ))s"
}

build_etcd() {
  mkdir -p "$TMP/etcdbuild"
  cd "$TMP/etcdbuild"
  # etcd's own go.mod has replaces, so `go install ...@v` refuses it: wrap it.
  printf 'module etcdbuild\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$EV" > go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod tidy
  go build -trimpath -ldflags "-s -w" -o "$TMP/out/etcd" go.etcd.io/etcd/server/v3
  log "etcd v$EV built after $(( $(date +%s) - start ))s"
}

log "building kube-apiserver v$KV and etcd v$EV from the Go module proxy (~7 min cold on 2 cores)"
( build_apiserver ) >&2 8>&- & pids+=($!)
( build_etcd ) >&2 8>&- & pids+=($!)
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
pids=()
[ "$fail" = 0 ] || die "build failed"

gotk=$("$TMP/out/kube-apiserver" --version 2>/dev/null || true)
[ "$gotk" = "Kubernetes v$KV" ] || die "kube-apiserver reports '$gotk', expected 'Kubernetes v$KV'"
gote=$("$TMP/out/etcd" --version 2>/dev/null | sed -n 's/^etcd Version: //p')
[ "$gote" = "$EV" ] || die "etcd reports '$gote', expected '$EV'"
printf '%s\n' "$RECIPE" > "$TMP/out/.stamp"

if [ -e "$DEST" ]; then mv "$DEST" "$TMP/old"; fi
mv "$TMP/out" "$DEST"
log "kube-apiserver v$KV + etcd v$EV ready in $(( $(date +%s) - start ))s: $DEST"
kubectl_too
printf '%s\n' "$DEST"
