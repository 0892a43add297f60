#!/usr/bin/env bash
# Validates the image with tools that share no code with imagetool: crane
# and skopeo read the docker-archive tarball and the OCI layout, check
# every digest and size, and umoci unpacks the layers into a root
# filesystem.
set -euo pipefail

tarball=$PWD/$1
layout=$PWD/$2
work=${TEST_TMPDIR:-$(mktemp -d)}

for tool in crane skopeo umoci; do
  command -v "$tool" >/dev/null || {
    echo "FAIL: $tool is not installed; the build root (tools/bazel) provides it"
    exit 1
  }
done

# skopeo copy refuses to run without a signature policy.
policy=$work/policy.json
echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$policy"

set -x
crane validate --tarball "$tarball"
skopeo --policy "$policy" inspect "docker-archive:$tarball" >/dev/null
skopeo --policy "$policy" inspect "oci:$layout" >/dev/null
# Copying re-reads and verifies every blob.
skopeo --policy "$policy" copy --quiet "docker-archive:$tarball" "oci:$work/from-tarball:latest"
skopeo --policy "$policy" copy --quiet "oci:$layout" "oci:$work/from-layout:latest"
umoci unpack --rootless --image "$work/from-tarball:latest" "$work/bundle" >/dev/null
set +x

test -x "$work/bundle/rootfs/app/backend"
test -f "$work/bundle/rootfs/etc/passwd"
test -f "$work/bundle/rootfs/app/frontend/index.html"
# Both sources must carry the same config: the same diff IDs, entrypoint,
# user and labels.
if ! diff <(skopeo --policy "$policy" inspect --config "docker-archive:$tarball") \
  <(skopeo --policy "$policy" inspect --config "oci:$layout"); then
  echo "FAIL: the config in the tarball differs from the config in the layout"
  exit 1
fi
echo "PASS: tarball and layout are valid and carry the same config"
