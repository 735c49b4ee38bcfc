#!/usr/bin/env bash
# Installs dist/spectask.vsix into a fresh offline VS Code (code-server), opens a fixture repository
# WITHOUT the development payload, and checks that the SpecTasks sidebar and the fleet view render.
# Prints "vsix: 1 passed, 0 failed" (or 0/1) as its last line; screenshot in $SNAP_DIR/vsix-sidebar.png.
set -uo pipefail
HERE=$(dirname "$(realpath "$0")"); ROOT=$(dirname "$HERE")
VSIX=${1:-$ROOT/dist/spectask.vsix}
SNAP_DIR=${SNAP_DIR:-$ROOT/test-results/screenshots}; mkdir -p "$SNAP_DIR"
RUN=$(mktemp -d); . "$HERE/code-server-env.sh"
[ -f "$TOOLS/.complete" ] || bash "$HERE/install-vscode-tools.sh" || exit 1
[ -f "$VSIX" ] || { echo "no $VSIX; run npm run package"; echo "vsix: 0 passed, 1 failed"; exit 1; }
trap 'stop_code_server; rm -rf "$RUN"' EXIT
write_user_settings "$RUN/ud"
PATH="$NODE24_BIN:$PATH" XDG_CONFIG_HOME="$RUN/xdgc" XDG_DATA_HOME="$RUN/xdgd" \
  "$CODE_SERVER" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" --install-extension "$VSIX" > "$RUN/install.log" 2>&1 \
  || { cat "$RUN/install.log"; echo "vsix: 0 passed, 1 failed"; exit 1; }
grep -i "successfully installed" "$RUN/install.log" || cat "$RUN/install.log"
bash "$HERE/make-fixture-repo.sh" "$ROOT/test/fixtures/workspace" "$RUN/ws" >/dev/null
PORT=${PORT:-$((20000 + RANDOM % 20000))}
start_code_server "$PORT" "$RUN/ud" "$RUN/exts" --disable-workspace-trust || { echo "vsix: 0 passed, 1 failed"; exit 1; }
if node "$HERE/vsix-smoke-ui.mjs" "http://127.0.0.1:$PORT" "$RUN/ws" "$SNAP_DIR/vsix-sidebar.png"; then
  echo "vsix: 1 passed, 0 failed"
else
  tail -20 "$RUN/code-server.log"; echo "vsix: 0 passed, 1 failed"; exit 1
fi
