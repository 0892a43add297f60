#!/usr/bin/env bash
# Loads the image with `bazel run //:load` and runs it in podman with a
# port published on 127.0.0.1. Checks GET /healthz and renders the
# frontend in headless Chromium (browser_test.mjs). Then stops the
# container and fails if stopping takes 2 seconds or more, because a server
# that ignores SIGTERM waits out podman's 10 s grace period instead.
#
# Needs root, podman with a working runtime, curl, Chromium, and
# `npm ci` run in this folder. BAZEL overrides the launcher (default:
# tools/bazel); ARTIFACTS_DIR is where the screenshot goes (default:
# artifacts/ in the workspace).
set -euo pipefail

workspace=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bazel=${BAZEL:-$workspace/tools/bazel}
artifacts=${ARTIFACTS_DIR:-$workspace/artifacts}
image=localhost/webapp:latest
port=${SMOKE_PORT:-18081}
name=webapp-smoke-$$
max_stop_ms=2000

passed=0
failed=0
check() {
  local description=$1
  shift
  if "$@"; then
    echo "PASS: $description"
    passed=$((passed + 1))
  else
    echo "FAIL: $description"
    failed=$((failed + 1))
  fi
}

cleanup() {
  podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT

CONTAINER_ENGINE=podman "$bazel" run //:load
podman run --detach --name "$name" --publish "127.0.0.1:$port:3000" "$image" >/dev/null

body=""
for _ in $(seq 1 50); do
  if body=$(curl --fail --silent --max-time 2 "http://127.0.0.1:$port/healthz"); then
    break
  fi
  sleep 0.2
done
check "GET /healthz returns {\"status\":\"ok\"} (got '$body')" test "$body" = '{"status":"ok"}'

mkdir -p "$artifacts"
check "headless Chromium renders the app" \
  node "$workspace/e2e/browser_test.mjs" "http://127.0.0.1:$port/" "$artifacts/screenshot.png"

started=$(date +%s%N)
podman stop --time 10 "$name" >/dev/null
stop_ms=$((($(date +%s%N) - started) / 1000000))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
logs=$(podman logs "$name" 2>&1)

check "the container stops within ${max_stop_ms} ms of SIGTERM (took ${stop_ms} ms)" test "$stop_ms" -lt "$max_stop_ms"
check "the server exits with code 0 after SIGTERM (got $exit_code)" test "$exit_code" = 0
check "the server logs its shutdown" grep -q "shutting down" <<<"$logs"
if ((failed)); then
  echo "$logs"
fi

echo "smoke: $passed passed, $failed failed"
((failed == 0))
