#!/usr/bin/env bash
# npm run package: build every warden-exec target, then package both plugins with
# `helm plugin package` into dist/packages/. Signed when WARDEN_SIGN_KEY (a user id in the
# keyring) and WARDEN_SIGN_KEYRING (a legacy-format secret keyring, e.g. from
# `gpg --export-secret-keys KEY > secring.gpg`) are set; WARDEN_SIGN_PASSPHRASE_FILE optional.
set -euo pipefail
cd "$(dirname "$0")/.."
WARDEN_ALL_TARGETS=1 node build/build.mjs
sign=()
if [ -n "${WARDEN_SIGN_KEY:-}" ]; then
  : "${WARDEN_SIGN_KEYRING:?set WARDEN_SIGN_KEYRING to the secret keyring holding $WARDEN_SIGN_KEY}"
  sign=(--sign "$WARDEN_SIGN_KEY" "$WARDEN_SIGN_KEYRING")
  [ -n "${WARDEN_SIGN_PASSPHRASE_FILE:-}" ] && sign+=("$WARDEN_SIGN_PASSPHRASE_FILE")
fi
for dir in dist/warden dist/warden-exec; do
  bash build/helm/package-plugin.sh "$dir" dist/packages ${sign[@]+"${sign[@]}"}
done
if [ ${#sign[@]} -eq 0 ]; then
  echo "package: unsigned; install with: helm plugin install dist/packages/<file>.tgz --verify=false" >&2
else
  echo "package: signed; install with: helm plugin install dist/packages/<file>.tgz --keyring <public keyring>" >&2
fi
