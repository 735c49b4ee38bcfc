#!/usr/bin/env bash
# `npm start`: the product in a real VS Code in the browser (code-server, offline), with this extension
# loaded from the working tree on a sample workspace. Prints the URL; Ctrl+C stops everything.
# Env: PORT (default 8080), SPECTASK_WORKSPACE (default: a fresh copy of a sample project under ~/spectask-demo).
set -euo pipefail
HERE=$(dirname "$(realpath "$0")"); ROOT=$(dirname "$HERE")
RUN=$(mktemp -d); . "$HERE/code-server-env.sh"
PORT=${PORT:-8080}
if [ ! -d "$ROOT/node_modules" ]; then
  echo "installing the extension's npm packages (npm ci)…"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -f "$TOOLS/.complete" ] || { echo "installing the offline VS Code (code-server and Node 24, once)…"; bash "$HERE/install-vscode-tools.sh"; }
echo "building the extension (node esbuild.mjs → dist/)…"
(cd "$ROOT" && node esbuild.mjs)
WS=${SPECTASK_WORKSPACE:-$HOME/spectask-demo}
if [ ! -d "$WS/.git" ]; then
  SAMPLE="$ROOT/samples/express-todo-api"; [ -d "$SAMPLE" ] || SAMPLE="$ROOT/test/fixtures/workspace"
  bash "$HERE/make-fixture-repo.sh" "$SAMPLE" "$WS" >/dev/null
  echo "created a sample workspace in $WS (from $(basename "$SAMPLE"))"
fi
. "$HERE/lib/install-sample-deps.sh"
[ -d "$WS/node_modules" ] || install_sample_deps "$WS"
UD=${SPECTASK_USER_DATA:-$HOME/.cache/spectask-start/user-data}; mkdir -p "$UD"
[ -f "$UD/User/settings.json" ] || write_user_settings "$UD"
trap 'stop_code_server; rm -rf "$RUN"' EXIT INT TERM
# The extension is linked into the extensions folder (scripts/lib/link-extension.sh), not loaded through the
# development payload: that needs the smoke-test-driver option, which hides every notification toast.
. "$HERE/lib/link-extension.sh"
link_extension "$RUN/exts" "$ROOT"
# No extension gallery: npm start is offline, and code-server's default gallery (open-vsx.org) otherwise logs an
# extension-query error at every start on a machine without network. Set EXTENSIONS_GALLERY to use one.
export EXTENSIONS_GALLERY=${EXTENSIONS_GALLERY:-'{}'}
start_code_server "$PORT" "$UD" "$RUN/exts"
HOSTPORT="127.0.0.1:$PORT"
FOLDER=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$WS")
echo
echo "SpecTask Orchestrator is running in VS Code at:"
echo "  http://$HOSTPORT/?folder=$FOLDER"
echo "Until you trust the folder it opens in Restricted Mode: click Manage in the banner, then Trust (your browser remembers it)."
echo "(code-server's log: $RUN/code-server.log; VS Code's logs: $UD/logs)"
echo "(the extension is loaded from $ROOT, rebuilt by 'node esbuild.mjs'; reload the window to pick up a rebuild; Ctrl+C to stop)"
wait "$CS_PID"
