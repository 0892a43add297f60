#!/usr/bin/env bash
# Prints the build's stable status keys, which stamp the image's labels.
# Bazel reruns only the actions that read them when a value changes.
set -euo pipefail

commit=$(git rev-parse --verify --quiet HEAD 2>/dev/null || echo unknown)
if [[ "$commit" != unknown && -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  commit="$commit-dirty"
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

echo "STABLE_GIT_COMMIT $commit"
echo "STABLE_VERSION ${version:-unknown}"
