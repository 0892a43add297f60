#!/usr/bin/env bash
# Puts a real ELF file (imagetool itself, a dynamically linked x86-64
# program) into an image and expects `imagetool image` to reject it with a
# message that names the file and both sides of the mismatch.
set -euo pipefail

imagetool=$PWD/$1
work=${TEST_TMPDIR:-$(mktemp -d)}

cat >"$work/layer.json" <<JSON
{"entries": [{"kind": "file", "path": "/app/tool", "source": "$imagetool", "mode": 493}]}
JSON
"$imagetool" layer --spec "$work/layer.json" --output "$work/layer.tar.gz"

failures=0
# expect_failure NAME ARCHITECTURE TEXT...: the image build fails and its
# message contains every TEXT.
expect_failure() {
  local name=$1 architecture=$2 message
  shift 2
  cat >"$work/$name.json" <<JSON
{"os": "linux", "architecture": "$architecture",
 "layers": [{"path": "$work/layer.tar.gz", "created_by": "elf_check_test"}]}
JSON
  mkdir -p "$work/$name"
  if message=$("$imagetool" image --spec "$work/$name.json" --output "$work/$name" 2>&1); then
    echo "FAIL: $name: the image was written, expected a rejection"
    failures=$((failures + 1))
    return
  fi
  local text
  for text in "$@"; do
    if [[ "$message" != *"$text"* ]]; then
      echo "FAIL: $name: message lacks '$text': $message"
      failures=$((failures + 1))
      return
    fi
  done
  echo "PASS: $name: $message"
}

expect_failure wrong_machine arm64 "/app/tool" "x86-64 (ELF machine 62)" "linux/arm64" "AArch64 (ELF machine 183)"
expect_failure missing_loader amd64 "/app/tool" "dynamic loader /lib64/ld-linux-x86-64.so.2"

if ((failures)); then
  exit 1
fi
