#!/usr/bin/env bash
# `npm start`: the product in a real VS Code in the browser (code-server, offline), with this extension
# loaded from the working tree on a sample workspace. Prints the URL; Ctrl+C stops everything.
# Env: PORT (default 8080), SPECTASK_WORKSPACE (default: a fresh copy of a sample project under ~/spectask-demo).
set -euo pipefail
HERE=$(dirname "$(realpath "$0")"); ROOT=$(dirname "$HERE")
RUN=$(mktemp -d); . "$HERE/code-server-env.sh"
PORT=${PORT:-8080}
[ -d "$ROOT/node_modules" ] || (cd "$ROOT" && npm ci)
[ -f "$TOOLS/.complete" ] || bash "$HERE/install-vscode-tools.sh"
(cd "$ROOT" && node esbuild.mjs)
WS=${SPECTASK_WORKSPACE:-$HOME/spectask-demo}
if [ ! -d "$WS/.git" ]; then
  SAMPLE="$ROOT/samples/express-todo-api"; [ -d "$SAMPLE" ] || SAMPLE="$ROOT/test/fixtures/workspace"
  bash "$HERE/make-fixture-repo.sh" "$SAMPLE" "$WS" >/dev/null
  echo "created a sample workspace in $WS (from $(basename "$SAMPLE"))"
fi
UD=${SPECTASK_USER_DATA:-$HOME/.cache/spectask-start/user-data}; mkdir -p "$UD"
[ -f "$UD/User/settings.json" ] || write_user_settings "$UD"
trap 'stop_code_server; rm -rf "$RUN"' EXIT INT TERM
start_code_server "$PORT" "$UD" "$RUN/exts" --vscode-option enable-smoke-test-driver
HOSTPORT="127.0.0.1:$PORT"
PAYLOAD=$(node -e 'console.log(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath","vscode-remote://"+process.argv[1]+process.argv[2]]])))' "$HOSTPORT" "$ROOT")
FOLDER=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$WS")
echo
echo "SpecTask Orchestrator is running in VS Code at:"
echo "  http://$HOSTPORT/?folder=$FOLDER&payload=$PAYLOAD"
echo "(the extension is loaded from $ROOT; Ctrl+C to stop)"
wait "$CS_PID"
