#!/usr/bin/env bash
# Builds the pinned collector distribution (builder-config.yaml → dist/) once into
# .cache/otelcol/<digest>/ and reuses it while the manifest and the Go sources are unchanged.
# The binary's path is the last line printed; everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if ! command -v go >/dev/null 2>&1; then
  echo "collector:build needs Go 1.26 or later on PATH (go was not found)" >&2
  exit 1
fi
digest=$(cd "$here" && cat builder-config.yaml dist/go.mod dist/go.sum dist/*.go | sha256sum | cut -c1-16)
out="$root/.cache/otelcol/$digest"
bin="$out/otelcol-phoenix"
if [ ! -x "$bin" ]; then
  echo "building the collector into $out (a cold Go cache downloads and compiles for several minutes)" >&2
  mkdir -p "$out"
  tmp="$out/.otelcol-phoenix.$$"
  trap 'rm -f "$tmp"' EXIT
  (cd "$here/dist" && go build -trimpath -ldflags="-s -w" -o "$tmp" .) >&2
  mv -f "$tmp" "$bin"
fi
"$bin" --version >&2
echo "$bin"
