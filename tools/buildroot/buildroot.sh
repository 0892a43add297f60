# shellcheck shell=bash
# The build root: a Debian testing root filesystem with Bazel and the rule
# modules, provisioned by mmdebstrap from tools/buildroot/packages.txt and
# entered through a private mount namespace. Sourced by tools/bazel.
#
# Layout under BUILDROOT_DIR (default /var/cache/bazel-buildroot):
#   root/    the root filesystem; root/etc/buildroot.stamp records the hash
#            of the inputs it was provisioned from
#   cache/   Bazel's output user root, repository cache and disk cache,
#            mounted inside the root at the same absolute path
#   lock     serializes provisioning between concurrent launchers

# The suite that packages.txt pins versions from.
BUILDROOT_SUITE=forky
# Free space needed to provision the root and hold first build outputs.
BUILDROOT_PROVISION_MIN_GIB=10
# Free space below which a build is not started.
BUILDROOT_RUN_MIN_GIB=2
# The apt configuration that the mirror is read from.
BUILDROOT_APT_DIR=${BUILDROOT_APT_DIR:-/etc/apt}
# Variables passed from the host into the root; everything else is reset.
BUILDROOT_PASS_ENV=(TERM CI SOURCE_DATE_EPOCH HTTP_PROXY HTTPS_PROXY NO_PROXY
  http_proxy https_proxy no_proxy)

buildroot_die() {
  echo "tools/bazel: $*" >&2
  exit 1
}

buildroot_log() {
  echo "tools/bazel: $*" >&2
}

# Prints the free space of the file system holding $1, in GiB.
buildroot_free_gib() {
  df --output=avail -B1G "$1" | tail -n 1 | tr -d ' '
}

buildroot_require_free() {
  local dir=$1 need=$2 free
  free=$(buildroot_free_gib "$dir")
  if ((free < need)); then
    buildroot_die "too little disk space: $free GiB free at $dir, $need GiB needed; free some space or set BUILDROOT_DIR to a larger disk"
  fi
}

# Prints the Debian archive that the host's apt uses, or BUILDROOT_MIRROR.
buildroot_mirror() {
  if [[ -n "${BUILDROOT_MIRROR:-}" ]]; then
    echo "${BUILDROOT_MIRROR%/}"
    return
  fi

  local file uri=""
  # deb822 sources: the first stanza whose URI ends in /debian and whose
  # suites are not the security archive.
  for file in "$BUILDROOT_APT_DIR"/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
        }
        split(uris, list, /[ \t]+/)
        if (suites !~ /-security/ && list[1] ~ /\/debian\/?$/) { print list[1]; exit }
      }' "$file")
    [[ -z "$uri" ]] || break
  done

  # One-line sources: "deb [options] URI suite components".
  if [[ -z "$uri" ]]; then
    uri=$(cat "$BUILDROOT_APT_DIR"/sources.list "$BUILDROOT_APT_DIR"/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' |
      awk '$1 == "deb" && $3 !~ /-security/ && $2 ~ /\/debian\/?$/ { print $2; exit }')
  fi

  if [[ -z "$uri" ]]; then
    buildroot_die "no Debian archive found in the host's apt sources: set BUILDROOT_MIRROR to the URL of a Debian mirror"
  fi
  echo "${uri%/}"
}

buildroot_require_mmdebstrap() {
  command -v mmdebstrap >/dev/null && return
  if command -v apt-get >/dev/null; then
    buildroot_log "installing mmdebstrap with apt-get"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2; }; then
      return
    fi
  fi
  buildroot_die "mmdebstrap is missing and could not be installed with apt-get: install mmdebstrap (1.3 or newer) and run again"
}

buildroot_require_mirror() {
  local mirror=$1 release="$1/dists/$BUILDROOT_SUITE/Release"
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 30 "$release" 2>/dev/null ||
      buildroot_die "Debian mirror $mirror is unreachable (fetching $release failed): check the network or set BUILDROOT_MIRROR to a reachable mirror"
  fi
}

# Prints the packages of packages.txt, comma-separated, as mmdebstrap takes them.
buildroot_package_list() {
  sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^$' | paste -s -d ,
}

# Prints the hash of what the root is made from: when it changes, the root
# is provisioned again.
buildroot_stamp() {
  local dir=$1
  cat "$dir/packages.txt" "$dir/customize.sh" | sha256sum | cut -d ' ' -f 1
}

buildroot_provision() {
  local state=$1 dir=$2 stamp=$3 mirror started
  buildroot_require_mmdebstrap
  buildroot_require_free "$state" "$BUILDROOT_PROVISION_MIN_GIB"
  mirror=$(buildroot_mirror)
  buildroot_require_mirror "$mirror"
  buildroot_log "provisioning the build root in $state/root from $mirror ($BUILDROOT_SUITE)"
  started=$SECONDS
  rm -rf "$state/root.new"
  # The testing suite's Release file can be past its Valid-Until date
  # between archive runs; the pinned versions still identify the packages.
  if ! mmdebstrap --variant=minbase --quiet \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$(buildroot_package_list "$dir/packages.txt")" \
    --customize-hook="bash '$dir/customize.sh' \"\$1\"" \
    "$BUILDROOT_SUITE" "$state/root.new" "$mirror" >&2; then
    rm -rf "$state/root.new"
    buildroot_die "provisioning the build root failed (see mmdebstrap's output above); a pinned version in $dir/packages.txt may have left the mirror: update it to the version the mirror has"
  fi
  echo "$stamp" >"$state/root.new/etc/buildroot.stamp"
  # NOTE: a Bazel server started from the old root keeps that root mounted
  # in its namespace until it exits. Run `tools/bazel shutdown` in each
  # workspace after the package list changes.
  rm -rf "$state/root"
  mv "$state/root.new" "$state/root"
  buildroot_log "build root ready after $((SECONDS - started)) s"
}

# Runs "$@" inside the root, in a private mount namespace, with the
# workspace and the caches mounted at their host paths. pivot_root (not
# chroot) makes the root the namespace's real root, so Bazel's
# linux-sandbox can create the user and network namespaces it needs.
buildroot_enter() {
  local root=$1 workspace=$2 cache=$3 cwd=$4
  shift 4
  local env=(HOME=/root LANG=C.UTF-8 USER=root
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  local name
  for name in "${BUILDROOT_PASS_ENV[@]}"; do
    [[ -z "${!name:-}" ]] || env+=("$name=${!name}")
  done
  unshare --mount --propagation private -- bash -euo pipefail -c '
    root=$1 workspace=$2 cache=$3 cwd=$4 env_count=$5
    shift 5
    env=("${@:1:env_count}")
    shift "$env_count"
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    for file in /etc/resolv.conf /etc/hosts; do
      [[ -e "$file" ]] || continue
      touch "$root$file"
      mount --bind "$file" "$root$file"
    done
    mkdir -p "$root$workspace" "$root$cache"
    mount --bind "$workspace" "$root$workspace"
    mount --bind "$cache" "$root$cache"
    cd "$root"
    mkdir -p .host
    pivot_root . .host
    exec /usr/sbin/chroot . /usr/bin/env -i "${env[@]}" /bin/bash -c \
      "umount -l /.host && cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
  ' buildroot "$root" "$workspace" "$cache" "$cwd" "${#env[@]}" "${env[@]}" "$@"
}

# Removes the output bases under $1/bazel whose workspace no longer exists,
# such as those of deleted clones, unless their Bazel server still runs.
buildroot_prune_output_bases() {
  local base workspace pid
  for base in "$1"/bazel/*/; do
    [[ -f "$base/DO_NOT_BUILD_HERE" ]] || continue
    workspace=$(cat "$base/DO_NOT_BUILD_HERE")
    [[ -n "$workspace" && ! -e "$workspace" ]] || continue
    pid=$(cat "$base/server/server.pid.txt" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      continue
    fi
    buildroot_log "removing the output base of the deleted workspace $workspace"
    chmod -R u+w "$base" 2>/dev/null || true
    rm -rf "$base"
  done
}

# Commands that take build options, and so the root's configuration.
buildroot_takes_build_options() {
  case "$1" in
    aquery | build | canonicalize-flags | clean | coverage | cquery | fetch | info | mod | \
      print_action | query | run | sync | test | vendor) return 0 ;;
    *) return 1 ;;
  esac
}

buildroot_bazel() {
  local workspace=$1
  shift
  [[ "$(id -u)" == 0 ]] ||
    buildroot_die "the build root needs root (it mounts file systems and enters a chroot): run as root, or run a native Bazel 7.7 through bazelisk"

  local state=${BUILDROOT_DIR:-/var/cache/bazel-buildroot}
  local dir="$workspace/tools/buildroot"
  local cache="$state/cache" stamp
  mkdir -p "$state" "$cache"
  state=$(cd "$state" && pwd -P)
  cache="$state/cache"
  stamp=$(buildroot_stamp "$dir")

  if [[ "$(cat "$state/root/etc/buildroot.stamp" 2>/dev/null)" != "$stamp" ]]; then
    exec {lock_fd}>"$state/lock"
    flock "$lock_fd"
    # Another launcher may have finished provisioning while this one waited.
    if [[ "$(cat "$state/root/etc/buildroot.stamp" 2>/dev/null)" != "$stamp" ]]; then
      buildroot_provision "$state" "$dir" "$stamp"
    fi
    flock -u "$lock_fd"
  fi
  buildroot_prune_output_bases "$cache"
  buildroot_require_free "$state" "$BUILDROOT_RUN_MIN_GIB"

  # Split "bazel [startup options] command [arguments]".
  local startup=() command="" arguments=()
  while (($#)) && [[ "$1" == -* ]]; do
    startup+=("$1")
    shift
  done
  if (($#)); then
    command=$1
    shift
    arguments=("$@")
  fi

  local options=() script=""
  if buildroot_takes_build_options "$command"; then
    options=(--config=buildroot
      "--repository_cache=$cache/repository"
      "--disk_cache=$cache/disk")
    # Commands that `bazel run` starts must run on the host, which has the
    # container engine: Bazel writes them to a script instead.
    if [[ "$command" == run ]]; then
      mkdir -p "$cache/run"
      script=$(mktemp "$cache/run/run.XXXXXX")
      options+=("--script_path=$script")
    fi
  fi

  local cwd=$PWD
  [[ "$cwd" == "$workspace" || "$cwd" == "$workspace"/* ]] || cwd=$workspace
  local status=0
  buildroot_enter "$state/root" "$workspace" "$cache" "$cwd" \
    bazel "--output_user_root=$cache/bazel" "${startup[@]}" \
    ${command:+"$command"} "${options[@]}" "${arguments[@]}" || status=$?

  if [[ -n "$script" ]]; then
    if ((status == 0)); then
      bash "$script" || status=$?
    fi
    rm -f "$script"
  fi
  return "$status"
}
