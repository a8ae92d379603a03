#!/usr/bin/env bash
# install-kubectl.sh [KUBE_VERSION]
#
# Builds (once) and caches the real kubectl from the Go module proxy: cmd/kubectl of the same
# k8s.io/kubernetes module version as the kube-apiserver of install-kube.sh (its main package
# lives there; the k8s.io/kubectl staging module has only the libraries), with the same go.mod
# rewrite. Prints the absolute path of the directory holding `kubectl` on stdout; everything
# else goes to stderr.
#
#   KUBE_VERSION   default 1.37.2
#
# Cache: ${WARDEN_CACHE:-$HOME/.cache/warden}/kube/kubectl-<K>/kubectl, next to the
# kube-apiserver + etcd entry. install-kube.sh calls this script, so whatever builds the servers
# also builds kubectl.
#
# Cold build (empty Go build cache) several minutes on 2 cores; right after the kube-apiserver
# (shared packages in Go's build cache) well under a minute. Concurrency and interruption as in
# install-kube.sh: a per-version lock, built in a temporary directory next to the cache entry and
# renamed into place only after `kubectl version --client` reports the expected version.
set -euo pipefail

log() { printf 'install-kubectl: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=k8s-module.sh
. "$(dirname "${BASH_SOURCE[0]}")/k8s-module.sh"

KV=${1:-1.37.2}
KV=${KV#v}
[[ "$KV" =~ ^1\.[0-9]+\.[0-9]+$ ]] || die "bad kube version '$KV'"
command -v go >/dev/null || die "go is not on PATH"

KEY="kubectl-$KV"
CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}/kube
DEST="$CACHE_ROOT/$KEY"
RECIPE="recipe=1 kubectl=$KV"

cached_ok() {
  [ -x "$DEST/kubectl" ] && [ -f "$DEST/.stamp" ] && [ "$(cat "$DEST/.stamp")" = "$RECIPE" ]
}
if cached_ok; then printf '%s\n' "$DEST"; exit 0; fi

mkdir -p "$CACHE_ROOT"
exec 8>"$CACHE_ROOT/.lock-$KEY"
flock 8
if cached_ok; then printf '%s\n' "$DEST"; exit 0; fi

for stale in "$CACHE_ROOT/.tmp-$KEY".*; do
  [ -e "$stale" ] || continue
  log "removing stale $stale"
  chmod -R u+w "$stale" 2>/dev/null || true
  rm -rf "$stale"
done

TMP=$(mktemp -d "$CACHE_ROOT/.tmp-$KEY.XXXXXX")
cleanup() { chmod -R u+w "$TMP" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
mkdir -p "$TMP/out"
start=$(date +%s)
MINOR=${KV#1.}; MINOR=${MINOR%%.*}

log "building kubectl v$KV from the Go module proxy"
dir=$(k8s_module_dir "$KV" "$TMP")
# Only what the build reads: cmd/kubectl imports nothing from k8s.io/kubernetes itself (all of
# kubectl is in the staging modules), so go.mod/go.sum and that one package, not 124 MB.
mkdir -p "$TMP/k8s/cmd"
cp "$dir/go.mod" "$dir/go.sum" "$TMP/k8s/"
cp -R "$dir/cmd/kubectl" "$TMP/k8s/cmd/"
chmod -R u+w "$TMP/k8s"
cd "$TMP/k8s"
k8s_published_staging "$KV"
# component-base/version: `kubectl version`; client-go/pkg/version: the User-Agent it sends.
X="$(k8s_version_x "$KV") -X k8s.io/client-go/pkg/version.gitVersion=v$KV -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"
go build -mod=mod -trimpath -o "$TMP/out/kubectl" -ldflags "-s -w $X" ./cmd/kubectl

got=$("$TMP/out/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p')
[ "$got" = "v$KV" ] || die "kubectl reports '$got', expected 'v$KV'"
printf '%s\n' "$RECIPE" > "$TMP/out/.stamp"

if [ -e "$DEST" ]; then mv "$DEST" "$TMP/old"; fi
mv "$TMP/out" "$DEST"
log "kubectl v$KV ready in $(( $(date +%s) - start ))s: $DEST"
printf '%s\n' "$DEST"
