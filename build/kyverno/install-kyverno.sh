#!/usr/bin/env bash
# install-kyverno.sh [VERSION]
#
# Builds (once) and caches the Kyverno CLI from the Go module proxy, then prints
# the absolute path of the binary on stdout. Everything else goes to stderr.
# The binary is the second oracle of the policy engine (test/e2e/kyverno-oracle.test.ts)
# and a comparison point in the benchmarks (bench/).
#
#   VERSION   default v1.19.1 (module github.com/kyverno/kyverno)
#
# `go install .../cmd/cli/kubectl-kyverno@VERSION` is refused because Kyverno's
# go.mod carries `replace` directives, so the module source is downloaded with
# `go mod download -json`, copied to a writable directory and built there with
# `go build` (GOFLAGS=-mod=mod so the replaces resolve through the proxy).
#
# Cache: ${WARDEN_CACHE:-$HOME/.cache/warden}/kyverno/<VERSION>/kyverno
#
# Cost: a cold build takes ~4-6 minutes of two busy cores and ~2 GB of Go build
# cache; the stripped binary is ~250 MB. A warm call returns immediately.
# Concurrency: a per-version lock; a second caller waits and reuses the result.
# Interruption: built in a temporary directory next to the cache entry, renamed
# into place only after `kyverno version` reports the expected version.
set -euo pipefail

log() { printf 'install-kyverno: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

VERSION=${1:-v1.19.1}
[[ "$VERSION" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || die "bad version '$VERSION' (expected v1.X.Y)"
MODULE=github.com/kyverno/kyverno
command -v go >/dev/null || die "go is not on PATH"

CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}/kyverno
DEST="$CACHE_ROOT/$VERSION"
BIN="$DEST/kyverno"
RECIPE="recipe=1 version=$VERSION"

cached_ok() {
  [ -x "$BIN" ] && [ -f "$DEST/.stamp" ] && [ "$(cat "$DEST/.stamp")" = "$RECIPE" ]
}
if cached_ok; then printf '%s\n' "$BIN"; exit 0; fi

mkdir -p "$CACHE_ROOT"
exec 8>"$CACHE_ROOT/.lock-$VERSION"
if ! flock -n 8; then
  log "waiting for another build of Kyverno $VERSION to finish"
  flock 8
fi
if cached_ok; then printf '%s\n' "$BIN"; exit 0; fi

for stale in "$CACHE_ROOT/.tmp-$VERSION".*; do
  [ -e "$stale" ] || continue
  log "removing stale $stale"
  chmod -R u+w "$stale" 2>/dev/null || true
  rm -rf "$stale"
done

TMP=$(mktemp -d "$CACHE_ROOT/.tmp-$VERSION.XXXXXX")
cleanup() { chmod -R u+w "$TMP" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
# The version string Kyverno prints lives in pkg/version (set by its Makefile
# through -X); without it `kyverno version` says "---".
LDFLAGS="-s -w -X $MODULE/pkg/version.BuildVersion=$VERSION"

start=$(date +%s)
log "downloading $MODULE@$VERSION from the Go module proxy"
json=$(cd "$TMP" && GOFLAGS=-mod=mod go mod download -json "$MODULE@$VERSION" 8>&-) \
  || die "go mod download $MODULE@$VERSION failed: $json"
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] && [ -d "$dir" ] || die "could not find the module directory in: $json"
cp -R "$dir" "$TMP/src"
chmod -R u+w "$TMP/src"

log "building Kyverno $VERSION CLI (cold: ~4-6 min on 2 cores)"
mkdir -p "$TMP/out"
(cd "$TMP/src" && go build -trimpath -ldflags "$LDFLAGS" -o "$TMP/out/kyverno" ./cmd/cli/kubectl-kyverno) >&2 8>&-

[ -x "$TMP/out/kyverno" ] || die "build produced no binary"
got=$("$TMP/out/kyverno" version 2>/dev/null | sed -n 's/^Version: *//p' | head -1 || true)
[ "$got" = "$VERSION" ] || die "built binary reports version '$got', expected '$VERSION'"
printf '%s\n' "$RECIPE" > "$TMP/out/.stamp"

if [ -e "$DEST" ]; then mv "$DEST" "$TMP/old"; fi
mv "$TMP/out" "$DEST"
log "Kyverno $VERSION ready in $(( $(date +%s) - start ))s: $BIN ($(du -h "$BIN" | cut -f1))"
printf '%s\n' "$BIN"
