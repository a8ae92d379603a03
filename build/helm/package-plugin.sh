#!/usr/bin/env bash
# package-plugin.sh DIR OUTDIR [--sign KEY KEYRING [PASSPHRASE_FILE]]
#
# Packages a Helm 4 plugin directory with `helm plugin package` into
# OUTDIR/<name>-<version>.tgz and, with --sign, OUTDIR/<name>-<version>.tgz.prov.
# Prints the absolute path of the .tgz on stdout (logs go to stderr).
#
#   KEY              the signing key: a user-id substring (name or e-mail) of a key in KEYRING
#   KEYRING          an OpenPGP keyring file in the legacy (non-keybox) format that holds the
#                    *secret* key, e.g. `gpg --export-secret-keys KEY > secring.gpg`
#                    (Helm reads the file itself; it does not talk to gpg-agent)
#   PASSPHRASE_FILE  optional; only for a passphrase-protected key ("-" = stdin)
#
# Helm binary: $HELM if set, else `helm` on PATH if it is Helm 4, else
# build/helm/install-helm.sh <newest released version in versions.txt>.
set -euo pipefail

log() { printf 'package-plugin: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { die "usage: package-plugin.sh DIR OUTDIR [--sign KEY KEYRING [PASSPHRASE_FILE]]"; }

[ $# -ge 2 ] || usage
DIR=$1 OUTDIR=$2
shift 2
SIGN=0 KEY= KEYRING= PASSFILE=
if [ $# -gt 0 ]; then
  [ "$1" = "--sign" ] && [ $# -ge 3 ] && [ $# -le 4 ] || usage
  SIGN=1 KEY=$2 KEYRING=$3 PASSFILE=${4:-}
  [ -f "$KEYRING" ] || die "keyring '$KEYRING' not found"
fi

[ -f "$DIR/plugin.yaml" ] || die "'$DIR' has no plugin.yaml"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -n "${HELM:-}" ]; then
  helm_bin=$HELM
elif command -v helm >/dev/null && helm version --template '{{.Version}}' 2>/dev/null | grep -q '^v4\.'; then
  helm_bin=$(command -v helm)
else
  newest=$(grep -Ev '^[[:space:]]*(#|$)' "$HERE/versions.txt" | grep -v -- '-fixedabi' | tail -n 1)
  helm_bin=$("$HERE/install-helm.sh" "$newest")
fi

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# Name and version decide the file name; read them from the top level of plugin.yaml.
field() { sed -n "s/^$1:[[:space:]]*[\"']\{0,1\}\([^\"'#[:space:]]*\).*/\1/p" "$DIR/plugin.yaml" | head -n 1; }
name=$(field name) version=$(field version)
[ -n "$name" ] && [ -n "$version" ] || die "could not read name/version from $DIR/plugin.yaml"
tgz="$OUTDIR/$name-$version.tgz"
rm -f "$tgz" "$tgz.prov"

args=(plugin package "$DIR" --destination "$OUTDIR")
if [ "$SIGN" = 1 ]; then
  args+=(--sign --key "$KEY" --keyring "$KEYRING")
  [ -n "$PASSFILE" ] && args+=(--passphrase-file "$PASSFILE")
else
  args+=(--sign=false)
fi
log "$helm_bin ${args[*]}"
"$helm_bin" "${args[@]}" >&2

[ -f "$tgz" ] || die "helm did not write $tgz"
if [ "$SIGN" = 1 ]; then
  [ -f "$tgz.prov" ] || die "helm did not write $tgz.prov"
fi
printf '%s\n' "$tgz"
