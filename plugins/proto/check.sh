#!/usr/bin/env bash
# Guards the plugin wire protocol: `buf lint` on plugins/proto, and `buf
# breaking` of the working tree against every committed version of
# plugins/proto, so that no change can land that breaks a plugin built
# against any earlier version of protocol version 1 (the policy is in
# `go doc ./plugins`). Needs buf (the @bufbuild/buf npm package; .ci/run
# installs it) and the git history of plugins/proto.
#
# Usage: plugins/proto/check.sh [BUF]   (BUF defaults to `buf` on PATH)
set -euo pipefail
cd "$(dirname "$0")"
buf="${1:-buf}"

"$buf" lint
echo "buf lint: ok"

if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  echo "plugins/proto/check.sh: a shallow clone does not hold the earlier versions of plugins/proto" >&2
  exit 1
fi
versions=$(git log --format=%h -- "*.proto")
if [ -z "$versions" ]; then
  echo "plugins/proto/check.sh: no committed version of plugins/proto to compare with" >&2
  exit 1
fi
old="$(mktemp -d)"
trap 'rm -rf "$old"' EXIT
for c in $versions; do
  mkdir "$old/$c"
  git archive "$c" . | tar -x -C "$old/$c"
  # Versions from before buf.yaml have the same layout: give them this one.
  [ -f "$old/$c/buf.yaml" ] || cp buf.yaml "$old/$c/"
  "$buf" breaking . --against "$old/$c"
  echo "buf breaking against $c ($(git log -1 --format=%cs "$c")): ok"
done
