# Sourced by install-kube.sh and install-kubectl.sh: the k8s.io/kubernetes module as both builds
# need it. Functions only; callers have set -euo pipefail and define die().

# k8s_module_dir KV WORKDIR: downloads k8s.io/kubernetes@vKV through the Go module proxy (from
# WORKDIR, a directory outside any module) and prints its directory in the module cache.
k8s_module_dir() {
  local json dir
  json=$(cd "$2" && go mod download -json "k8s.io/kubernetes@v$1") || die "go mod download k8s.io/kubernetes@v$1 failed: $json"
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || die "no module directory in: $json"
  printf '%s\n' "$dir"
}

# k8s_published_staging KV: in the go.mod of the current directory (a copy of the module), points
# the ./staging replaces at the published v0.<minor>.<patch> modules: the module zip has no
# staging/. The unpublished samples are unused and dropped.
k8s_published_staging() {
  sed -i -E '/k8s.io\/sample-(cli-plugin|controller) => /d; s#^(\s*)(k8s.io/[a-z0-9-]+) => ./staging/src/k8s.io/[a-z0-9-]+\s*$#\1\2 => \2 v0.'"${1#1.}"'#' go.mod
}

# k8s_version_x KV: the -X linker flags that make component-base report vKV (`--version`).
k8s_version_x() {
  local minor=${1#1.}
  minor=${minor%%.*}
  printf '%s' "-X k8s.io/component-base/version.gitVersion=v$1 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
}
