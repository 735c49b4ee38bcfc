#!/usr/bin/env bash
# Runs the mocha suite at <testsIndexJs> inside a REAL VS Code extension host (code-server, offline).
# usage: run-vscode-tests.sh <extensionDir> <testsIndexJs> <workspaceDir>
# Env: VSCODE_TOOLS, PORT (default random), RESULT_FILE, SNAP_DIR, TEST_TIMEOUT_S (default 600),
#      EXT_ENV (JSON merged into the extension host's environment), WORKSPACE_TRUST=1 (keep VS Code's Workspace
#      Trust on, so the folder opens untrusted in Restricted Mode: test/integration/trust.test.ts),
#      USER_SETTINGS_JSON (JSON merged into the user settings), MACHINE_SETTINGS_JSON (the machine settings:
#      code-server's window is a remote one, which reads machine-scoped settings from there).
set -uo pipefail
EXT=$(realpath "$1"); TESTS=$(realpath "$2"); WS=$(realpath "$3")
HERE=$(dirname "$(realpath "$0")")
RUN=$(mktemp -d); . "$HERE/code-server-env.sh"
[ -f "$TOOLS/.complete" ] || bash "$HERE/install-vscode-tools.sh" || exit 1
PORT=${PORT:-$((20000 + RANDOM % 20000))}
trap 'stop_code_server; rm -rf "$RUN/ud" "$RUN/exts" "$RUN/xdgc" "$RUN/xdgd"' EXIT
write_user_settings "$RUN/ud"
[ -n "${USER_SETTINGS_JSON:-}" ] && node -e 'const fs=require("fs"),f=process.argv[1];fs.writeFileSync(f,JSON.stringify({...JSON.parse(fs.readFileSync(f,"utf8")),...JSON.parse(process.argv[2])},null,1))' "$RUN/ud/User/settings.json" "$USER_SETTINGS_JSON"
[ -n "${MACHINE_SETTINGS_JSON:-}" ] && { mkdir -p "$RUN/ud/Machine"; printf '%s\n' "$MACHINE_SETTINGS_JSON" > "$RUN/ud/Machine/settings.json"; }
# The smoke-test-driver option is what lets the web workbench accept the extensionTestsPath payload.
TRUST_ARGS=(--disable-workspace-trust); [ "${WORKSPACE_TRUST:-}" = 1 ] && TRUST_ARGS=()
start_code_server "$PORT" "$RUN/ud" "$RUN/exts" "${TRUST_ARGS[@]}" --vscode-option enable-smoke-test-driver || exit 1
export RESULT_FILE=${RESULT_FILE:-$RUN/result.json} SNAP_DIR=${SNAP_DIR:-$RUN/shots}
mkdir -p "$SNAP_DIR"
node "$HERE/drive-code-server.mjs" "http://127.0.0.1:$PORT" "$WS" "$EXT" "$TESTS"; rc=$?
echo "code-server log: $RUN/code-server.log"
[ -f "$RESULT_FILE" ] || { echo "no result file; code-server log tail:"; tail -20 "$RUN/code-server.log"; rc=1; }
exit $rc
