#!/usr/bin/env bash
# Written by the //js rules: copies a package's sources and its unpacked
# node_modules into a scratch directory, then runs Node.js commands there.
# Nothing is written next to the sources, which Bazel keeps read-only.
set -euo pipefail

node="$PWD/{{NODE}}"
node_modules_tar="$PWD/{{NODE_MODULES_TAR}}"
manifest="$PWD/{{MANIFEST}}"
if [[ -n "${OUT_DIR:-}" ]]; then
  OUT_DIR="$PWD/$OUT_DIR"
fi

work=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/node-work.XXXXXX")
tar -xf "$node_modules_tar" -C "$work"
# Each manifest line is "<source path><TAB><path inside the package>".
while IFS=$'\t' read -r source destination; do
  mkdir -p "$work/$(dirname "$destination")"
  cp -L "$source" "$work/$destination"
done <"$manifest"

cd "$work"
export HOME="$work"
{{COMMANDS}}
