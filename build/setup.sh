#!/usr/bin/env bash
# Installs what warden's build and tests need, skipping whatever is already there:
#   Debian's clang-16/lld-16/wasi-libc (the Wasm C toolchain), npm packages (npm ci),
#   and real Helm binaries built from the Go module proxy (cached); with --helm=all also
#   kube-apiserver + etcd and the Kyverno CLI (cached).
# Usage: build/setup.sh [--helm=all|default|none]
set -euo pipefail
cd "$(dirname "$0")/.."

helm_mode=default
for a in "$@"; do
  case "$a" in
    --helm=*) helm_mode="${a#--helm=}" ;;
    *) echo "setup: unknown option $a" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }

# 1. The C toolchain for wasm32-wasi.
need_apt=()
command -v clang-16 >/dev/null || need_apt+=(clang-16)
command -v wasm-ld-16 >/dev/null || need_apt+=(lld-16)
[ -f /usr/include/wasm32-wasi/stdio.h ] || need_apt+=(wasi-libc)
ls /usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need_apt+=(libclang-rt-16-dev-wasm32)
command -v gpg >/dev/null || need_apt+=(gnupg)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >&2
fi

# 2. npm packages, exactly as locked.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(sed -n '/"packages"/,$p' package-lock.json) <(sed -n '/"packages"/,$p' node_modules/.package-lock.json) 2>/dev/null; then
  say "npm ci"
  npm ci --no-audit --no-fund >&2
fi

# 3. The target CRDs the ingress tests validate warden's output against: Gateway API, Traefik
#    (docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml and the
#    kubernetesIngressNGINX provider's annotations.go) and the OpenShift Route CRD.
GOFLAGS=-mod=mod go mod download sigs.k8s.io/gateway-api@v1.5.0 \
  github.com/traefik/traefik/v3@v3.7.13 \
  github.com/openshift/api@v0.0.0-20251015095338-264e80a2b6e7 >&2

# 4. Helm (Go module proxy builds, cached under ${WARDEN_CACHE:-~/.cache/warden}/helm).
case "$helm_mode" in
  none) ;;
  default) bash build/helm/install-helm.sh v4.3.1 >/dev/null ;;
  all) while read -r v; do
         case "$v" in ''|'#'*) continue ;; esac
         bash build/helm/install-helm.sh "$v" >/dev/null
       done < build/helm/versions.txt
       # A real kube-apiserver + etcd for the ownership end-to-end tests, and kubectl of the same
       # version (install-kube.sh runs build/kube/install-kubectl.sh; all cached).
       bash build/kube/install-kube.sh >/dev/null
       # The Kyverno CLI v1.19.1, second oracle of the policy engine and a bench baseline
       # (cached; cold build ~5-7 min on 2 cores, 253 MB binary).
       bash build/kyverno/install-kyverno.sh >/dev/null ;;
  *) say "unknown --helm mode $helm_mode"; exit 2 ;;
esac
say "ready"
