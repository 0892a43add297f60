#!/usr/bin/env bash
# Loads the image with `bazel run //:load`, runs it in podman with a port
# published on 127.0.0.1, checks GET /healthz, then stops the container
# and fails if stopping takes 2 seconds or more (a server that ignores
# SIGTERM waits out podman's 10 s grace period instead).
#
# Needs root, podman with a working runtime, and curl. Run from anywhere;
# BAZEL overrides the launcher (default: tools/bazel).
set -euo pipefail

workspace=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bazel=${BAZEL:-$workspace/tools/bazel}
image=localhost/webapp:latest
port=${SMOKE_PORT:-18081}
name=webapp-smoke-$$
max_stop_ms=2000

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
if [[ "$body" != '{"status":"ok"}' ]]; then
  echo "FAIL: GET /healthz returned '$body', expected {\"status\":\"ok\"}"
  podman logs "$name" || true
  exit 1
fi
echo "PASS: GET /healthz returned $body"

started=$(date +%s%N)
podman stop --time 10 "$name" >/dev/null
stop_ms=$((($(date +%s%N) - started) / 1000000))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
logs=$(podman logs "$name" 2>&1)

failures=0
if ((stop_ms >= max_stop_ms)); then
  echo "FAIL: stopping took ${stop_ms} ms, limit ${max_stop_ms} ms"
  failures=$((failures + 1))
else
  echo "PASS: stopped in ${stop_ms} ms"
fi
if [[ "$exit_code" != 0 ]]; then
  echo "FAIL: the server exited with code $exit_code after SIGTERM, expected 0"
  failures=$((failures + 1))
else
  echo "PASS: exit code 0 after SIGTERM"
fi
if [[ "$logs" != *"shutting down"* ]]; then
  echo "FAIL: the log has no 'shutting down' line:"
  echo "$logs"
  failures=$((failures + 1))
else
  echo "PASS: the server logged its shutdown"
fi
echo "smoke: $((3 - failures)) passed, $failures failed"
exit "$failures"
