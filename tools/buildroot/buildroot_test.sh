#!/usr/bin/env bash
# Tests the launcher's helpers that need no root: reading the Debian
# mirror from apt sources, reading packages.txt, choosing commands that
# take build options, pruning output bases, and the one-line errors.
set -uo pipefail

source tools/buildroot/buildroot.sh
work=${TEST_TMPDIR:-$(mktemp -d)}
passed=0
failed=0

expect() {
  local name=$1 expected=$2 actual=$3
  if [[ "$actual" == "$expected" ]]; then
    passed=$((passed + 1))
  else
    echo "FAIL: $name: expected '$expected', got '$actual'"
    failed=$((failed + 1))
  fi
}

# mirror_from DIR: runs buildroot_mirror against the apt files in DIR and
# prints its output, error included.
mirror_from() {
  (BUILDROOT_APT_DIR=$1 && unset BUILDROOT_MIRROR && buildroot_mirror) 2>&1
}

deb822=$work/deb822
mkdir -p "$deb822/sources.list.d"
cat >"$deb822/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://mirror.example.test/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://mirror.example.test/debian/
Suites: bookworm bookworm-updates
Components: main
SOURCES
expect "deb822 stanza, security skipped" "http://mirror.example.test/debian" "$(mirror_from "$deb822")"

one_line=$work/one-line
mkdir -p "$one_line/sources.list.d"
cat >"$one_line/sources.list" <<'SOURCES'
deb http://security.example.test/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://mirror.example.test/debian bookworm main
SOURCES
expect "one-line source with options" "http://mirror.example.test/debian" "$(mirror_from "$one_line")"

none=$work/none
mkdir -p "$none/sources.list.d"
echo "deb https://packages.example.test/apt stable main" >"$none/sources.list"
expect "no Debian archive" \
  "tools/bazel: no Debian archive found in the host's apt sources: set BUILDROOT_MIRROR to the URL of a Debian mirror" \
  "$(mirror_from "$none")"
expect "BUILDROOT_MIRROR wins" "http://override.example.test/debian" \
  "$(BUILDROOT_MIRROR=http://override.example.test/debian/ buildroot_mirror)"

cat >"$work/packages.txt" <<'PACKAGES'
# comment
bazel-bootstrap=7.7.1+ds-8+b1   # trailing comment

gcc=4:16.1.0-3
PACKAGES
expect "package list" "bazel-bootstrap=7.7.1+ds-8+b1,gcc=4:16.1.0-3" "$(buildroot_package_list "$work/packages.txt")"

message=$( (buildroot_require_free "$work" 999999999) 2>&1)
expect "disk error names the space and the fix" \
  "tools/bazel: too little disk space: $(buildroot_free_gib "$work") GiB free at $work, 999999999 GiB needed; free some space or set BUILDROOT_DIR to a larger disk" \
  "$message"

for command in build test run query cquery info fetch mod; do
  buildroot_takes_build_options "$command"
  expect "$command takes build options" 0 $?
done
for command in version shutdown help ""; do
  buildroot_takes_build_options "$command"
  expect "'$command' takes no build options" 1 $?
done

cache=$work/cache
mkdir -p "$cache/bazel/gone" "$cache/bazel/kept" "$cache/bazel/no-marker"
echo "$work/deleted-clone" >"$cache/bazel/gone/DO_NOT_BUILD_HERE"
echo "$work" >"$cache/bazel/kept/DO_NOT_BUILD_HERE"
buildroot_prune_output_bases "$cache" 2>/dev/null
expect "output base of a deleted workspace is removed" no "$([[ -d "$cache/bazel/gone" ]] && echo yes || echo no)"
expect "output base of an existing workspace is kept" yes "$([[ -d "$cache/bazel/kept" ]] && echo yes || echo no)"
expect "directory without a workspace marker is kept" yes "$([[ -d "$cache/bazel/no-marker" ]] && echo yes || echo no)"

echo "buildroot: $passed passed, $failed failed"
((failed == 0))
