#!/usr/bin/env bash
# Sets everything up on a fresh clone: Node 22 (scripts/env.sh), the npm
# dependencies (npm ci, whose `prepare` step compiles TypeScript and builds
# the renderer), and nothing else. Safe to run again: it only redoes what is stale.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EARMARK_ROOT"

stamp=node_modules/.earmark-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "earmark: installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund
  touch "$stamp"
else
  npm run --silent build
fi
# A native module built for another Node (say, by an npm run under an older
# node) is rebuilt rather than left to fail at run time.
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
  echo "earmark: rebuilding better-sqlite3 for Node $(node --version)..." >&2
  npm rebuild better-sqlite3
fi
