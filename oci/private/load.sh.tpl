#!/usr/bin/env bash
# Loads the image tarball into docker or podman; written by oci_load.
set -euo pipefail

tarball="{{TARBALL}}"
repo_tags=({{REPO_TAGS}})

if [[ ! -f "$tarball" ]]; then
  echo "oci_load: image tarball $tarball not found in $PWD: run this through 'bazel run'" >&2
  exit 1
fi

engine=${CONTAINER_ENGINE:-}
case "$engine" in
  docker | podman) ;;
  "")
    # A docker client without a reachable engine is common (Docker Desktop
    # stopped, or only podman installed), so probe the engine itself.
    if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
      engine=docker
    elif command -v podman >/dev/null; then
      engine=podman
    else
      echo "oci_load: neither a running docker engine nor podman found: start docker or install podman, or set CONTAINER_ENGINE" >&2
      exit 1
    fi
    ;;
  *)
    echo "oci_load: invalid CONTAINER_ENGINE '$engine': use 'docker' or 'podman', or unset it" >&2
    exit 1
    ;;
esac

# A plain file argument, not a pipe or process substitution: podman 4.3
# reads the archive by path.
"$engine" load --input "$tarball"
for tag in "${repo_tags[@]}"; do
  echo "Loaded $tag into $engine"
done
