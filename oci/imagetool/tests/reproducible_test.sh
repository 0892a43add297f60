#!/usr/bin/env bash
# Runs imagetool twice on the same inputs, with the sources' timestamps
# and the output paths changed in between, and expects identical bytes
# from every command.
set -euo pipefail

imagetool=$PWD/$1
testdata=$PWD/oci/imagetool/tests/testdata
work=${TEST_TMPDIR:-$(mktemp -d)}

# Sources are copied, links resolved, so that their modification times can
# change.
build() {
  local out=$1 mtime=$2
  mkdir -p "$out/src" "$out/layout"
  cp -RL "$testdata/." "$out/src/"
  chmod -R u+w "$out/src"
  find "$out/src" -exec touch -d "$mtime" {} +
  cat >"$out/layer.json" <<JSON
{"entries": [
  {"kind": "file", "path": "/data/hello.txt", "source": "$out/src/hello.txt", "mode": 420},
  {"kind": "tree", "path": "/data/tree", "source": "$out/src/tree", "mode": 420},
  {"kind": "directory", "path": "/tmp", "mode": 1023}
]}
JSON
  cat >"$out/image.json" <<JSON
{"os": "linux", "architecture": "amd64", "entrypoint": ["/bin/true"],
 "env": [["PORT", "3000"]], "exposed_ports": ["3000/tcp"], "user": "65532",
 "labels": {"title": "test"},
 "layers": [{"path": "$out/layer.tar.gz", "created_by": "reproducible_test"}]}
JSON
  "$imagetool" layer --spec "$out/layer.json" --output "$out/layer.tar.gz"
  "$imagetool" image --spec "$out/image.json" --output "$out/layout"
  "$imagetool" tarball --layout "$out/layout" --repo-tag test:latest --output "$out/image.tar"
}

build "$work/first" "2001-01-01 00:00:00"
build "$work/second" "2024-06-30 12:34:56"

failures=0
compare() {
  if cmp -s "$work/first/$1" "$work/second/$1"; then
    echo "PASS: $1 is identical"
  else
    echo "FAIL: $1 differs between the two runs"
    failures=$((failures + 1))
  fi
}
compare layer.tar.gz
compare layout/index.json
compare image.tar
for blob in "$work/first/layout/blobs/sha256/"*; do
  compare "layout/blobs/sha256/$(basename "$blob")"
done

# The layer must not carry the sources' own timestamps.
if tar -tvzf "$work/first/layer.tar.gz" | grep -q 2001-01-01; then
  echo "FAIL: layer entries carry the source files' mtime"
  failures=$((failures + 1))
fi

if ((failures)); then
  echo "$failures comparisons failed"
  exit 1
fi
