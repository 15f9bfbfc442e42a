#!/usr/bin/env bash
# Builds and launches the desktop app. Electron's binary is fetched on first
# start (npm's install step does not download it), with a clear message where
# that is impossible, as on machines without internet access.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EARMARK_ROOT"
bash scripts/setup.sh
if ! node -e "require('electron')" >/dev/null 2>&1; then
  echo "earmark: downloading Electron's binary..." >&2
  if ! node node_modules/electron/install.js 2>/tmp/earmark-electron-install.log; then
    echo "earmark: Electron's binary is missing and could not be downloaded (no internet access?); details in /tmp/earmark-electron-install.log" >&2
    echo "earmark: the same app runs in a browser: npx earmark serve" >&2
    exit 1
  fi
fi
exec npx electron .
