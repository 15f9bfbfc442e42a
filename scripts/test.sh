#!/usr/bin/env bash
# The one test command (README quick start, .ci/run): set up, lint, type-check, test.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EARMARK_ROOT"
bash scripts/setup.sh
echo "== lint" && npx eslint .
echo "== typecheck" && npx tsc -p tsconfig.json --noEmit && npm run --silent check:renderer
echo "== tests"
# One file at a time: the suites spawn ffmpeg and run the CNN on 2 cores.
node --test --test-concurrency=1 --test-reporter=spec "${@:-build/test/**/*.test.js}"
