#!/usr/bin/env bash
# mmdebstrap customize hook: finishes the root filesystem at $1.
#
# 1. Adds the host's CA certificates to the root's trust stores (the
#    system bundle and Java's, which Bazel's downloader uses), so that a
#    host behind a TLS-inspecting proxy can still fetch.
# 2. Builds the crate_universe generator, cargo-bazel, from crates.io with
#    its own lockfile. rules_rust 0.54.1 would otherwise download it from
#    GitHub; .bazelrc points CARGO_BAZEL_GENERATOR_URL at this copy.
set -euo pipefail

root=$1
# cargo-bazel release that matches rules_rust 0.54.1's crate_universe.
cargo_bazel_version=0.15.0

host_bundle=/etc/ssl/certs/ca-certificates.crt
if [[ -f "$host_bundle" ]]; then
  target="$root/usr/local/share/ca-certificates/host"
  mkdir -p "$target"
  awk -v dir="$target" '
    /-----BEGIN CERTIFICATE-----/ { count++; file = sprintf("%s/host-%04d.crt", dir, count) }
    file { print > file }
    /-----END CERTIFICATE-----/ { close(file); file = "" }
  ' "$host_bundle"
  # The host bundle repeats Debian's own certificates; the duplicate
  # warnings that rehash prints for them are noise.
  chroot "$root" update-ca-certificates --fresh >/dev/null 2>&1
fi

chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  CARGO_HOME=/tmp/cargo-home \
  cargo install --quiet --locked --root /opt/cargo-bazel \
  cargo-bazel --version "$cargo_bazel_version"
rm -rf "$root/tmp/cargo-home"
test -x "$root/opt/cargo-bazel/bin/cargo-bazel"
