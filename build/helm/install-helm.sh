#!/usr/bin/env bash
# install-helm.sh VERSION
#
# Builds (once) and caches a Helm 4 (or Helm 3) binary from the Go module
# proxy, then prints the absolute path of the binary on stdout. Everything else
# goes to stderr.
#
#   VERSION            a released Helm 4 tag such as v4.3.1 (see versions.txt),
#   v4.3.1-fixedabi    Helm v4.3.1 with helm-v4.3.1-fixedabi.patch applied
#                      (post-renderer manifests as a JSON string; helm/helm#31832), or
#   v3.X.Y             a released Helm 3 tag such as v3.22.0 (module helm.sh/helm/v3;
#                      its post-renderer is an executable path, not a plugin)
#
# Cache: ${WARDEN_CACHE:-$HOME/.cache/warden}/helm/<VERSION>/helm
#
# Concurrency: a per-version lock makes concurrent calls for the same version
# safe (the second waits and reuses the result). Builds of different versions
# are serialised through a global lock by default (a Helm build saturates two
# cores for ~2 minutes); set WARDEN_HELM_PARALLEL=1 to let them run in parallel.
#
# Interruption: the binary is built in a temporary directory next to the cache
# entry and renamed into place only after `helm version` reports the expected
# version, so an interrupted build never leaves a half-written cache entry.
set -euo pipefail

log() { printf 'install-helm: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || die "usage: install-helm.sh VERSION   (e.g. v4.3.1, v4.3.1-fixedabi or v3.22.0)"
VERSION=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case "$VERSION" in
  v4.*.*-fixedabi)
    BASE=${VERSION%-fixedabi}
    PATCH="$HERE/helm-$BASE-fixedabi.patch"
    [ -f "$PATCH" ] || die "no ABI patch for $BASE ($PATCH)"
    REPORTED="$BASE+fixedabi"
    ;;
  v[34].[0-9]*.[0-9]*)
    [[ "$VERSION" =~ ^v[34]\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "bad version '$VERSION'"
    BASE=$VERSION
    PATCH=
    REPORTED=$VERSION
    ;;
  *) die "unsupported version '$VERSION' (expected v4.X.Y, v4.X.Y-fixedabi or v3.X.Y)" ;;
esac
# Go module of this major version (helm.sh/helm/v3 or helm.sh/helm/v4); the
# version string lives in <module>/internal/version.version in both.
MODULE=helm.sh/helm/${BASE%%.*}

command -v go >/dev/null || die "go is not on PATH"

CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}/helm
DEST="$CACHE_ROOT/$VERSION"
BIN="$DEST/helm"

# The stamp records what the cached binary was built from; a changed patch (or
# a changed recipe) invalidates the entry.
RECIPE="recipe=2 version=$VERSION reported=$REPORTED"
if [ -n "$PATCH" ]; then
  RECIPE="$RECIPE patch=$(sha256sum "$PATCH" | cut -d' ' -f1)"
fi

cached_ok() {
  [ -x "$BIN" ] && [ -f "$DEST/.stamp" ] && [ "$(cat "$DEST/.stamp")" = "$RECIPE" ]
}

if cached_ok; then
  printf '%s\n' "$BIN"
  exit 0
fi

mkdir -p "$CACHE_ROOT"

# Locks: fd 8 = this version, fd 9 = global build slot (unless parallel).
exec 8>"$CACHE_ROOT/.lock-$VERSION"
flock 8
if cached_ok; then   # somebody else built it while we waited
  printf '%s\n' "$BIN"
  exit 0
fi
if [ "${WARDEN_HELM_PARALLEL:-0}" != "1" ]; then
  exec 9>"$CACHE_ROOT/.lock-build"
  if ! flock -n 9; then
    log "waiting for another Helm build to finish (set WARDEN_HELM_PARALLEL=1 to build in parallel)"
    flock 9
  fi
fi

# Leftovers of an interrupted (e.g. SIGKILLed) build of this version are stale:
# we hold the version lock, so nobody else is using them.
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

# Static build with reproducible paths (-trimpath).
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
LDFLAGS="-s -w -X $MODULE/internal/version.version=$REPORTED"

start=$(date +%s)
if [ -z "$PATCH" ]; then
  log "building Helm $VERSION with 'go install $MODULE/cmd/helm@$VERSION' (takes ~2 min on 2 cores)"
  mkdir -p "$TMP/out"
  GOBIN="$TMP/out" go install -trimpath -ldflags "$LDFLAGS" "$MODULE/cmd/helm@$VERSION" >&2 8>&- 9>&-
else
  log "building Helm $VERSION: $MODULE@$BASE + $(basename "$PATCH") (takes ~2 min on 2 cores)"
  json=$(cd "$TMP" && go mod download -json "$MODULE@$BASE" 8>&- 9>&-) \
    || die "go mod download $MODULE@$BASE failed: $json"
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || die "could not find the module directory in: $json"
  cp -R "$dir" "$TMP/src"
  chmod -R u+w "$TMP/src"
  patch -d "$TMP/src" -p1 --batch --forward --no-backup-if-mismatch < "$PATCH" >&2 \
    || die "patch $(basename "$PATCH") does not apply to $MODULE@$BASE"
  mkdir -p "$TMP/out"
  (cd "$TMP/src" && go build -trimpath -ldflags "$LDFLAGS" -o "$TMP/out/helm" ./cmd/helm) >&2 8>&- 9>&-
fi

[ -x "$TMP/out/helm" ] || die "build produced no binary"
got=$("$TMP/out/helm" version --template '{{.Version}}' 2>/dev/null || true)
[ "$got" = "$REPORTED" ] || die "built binary reports version '$got', expected '$REPORTED'"
printf '%s\n' "$RECIPE" > "$TMP/out/.stamp"

# Swap the finished directory into place (rename is atomic on one filesystem).
if [ -e "$DEST" ]; then
  mv "$DEST" "$TMP/old"
fi
mv "$TMP/out" "$DEST"
log "Helm $VERSION ready in $(( $(date +%s) - start ))s: $BIN ($got)"
printf '%s\n' "$BIN"
