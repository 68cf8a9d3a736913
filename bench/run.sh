#!/usr/bin/env bash
# `npm run bench`: after the build, runs bench/run.ts on the production image's Node (product and
# floor alike), so the figures are those of the runtime that ships. BENCH_NODE=current runs it on
# this machine's Node instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_NODE:-}" != current ]; then
  PATH="$(bash scripts/production-node.sh):$PATH"
fi
exec npx tsx bench/run.ts "$@"
