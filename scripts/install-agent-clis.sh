#!/usr/bin/env bash
# Installs the real agent CLIs that the e2e tier drives (test/e2e), at exact pinned versions, from the npm
# registry into a folder OUTSIDE the project's package.json: they weigh about 1 GB and are never bundled
# into the .vsix (DESIGN.md §9). Idempotent: a CLI already at the pinned version is left alone.
#   usage: scripts/install-agent-clis.sh            (folder: ${AGENT_CLIS:-$HOME/.cache/spectask-agent-clis})
# The e2e tests look for the binaries in the same folder (env AGENT_CLIS or the same default).
set -euo pipefail

DEST="${AGENT_CLIS:-$HOME/.cache/spectask-agent-clis}"
# Versions verified offline in ../shared/reference/agent-backends.md §1. Bump them together with the
# recorded fixtures in test/fixtures/agents/ (stream formats drift between releases).
PINS=(
  "@anthropic-ai/claude-code@2.1.330"
  "@openai/codex@0.169.0"
  "@google/gemini-cli@0.61.0"
  # The ACP adapters of Claude Code and Codex (acp-sandbox-coordination.md §1.1): test/e2e/acpAdapters.test.ts.
  "@agentclientprotocol/claude-agent-acp@0.101.0"
  "@agentclientprotocol/codex-acp@2.6.0"
)

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || printf '{ "name": "spectask-agent-clis", "private": true }\n' > package.json

installed_version() {
  node -e 'try { console.log(require(process.argv[1] + "/package.json").version) } catch { console.log("") }' "$DEST/node_modules/$1"
}

missing=()
for pin in "${PINS[@]}"; do
  name="${pin%@*}"
  want="${pin##*@}"
  have="$(installed_version "$name")"
  if [ "$have" = "$want" ]; then
    echo "ok: $name@$have"
  else
    missing+=("$pin")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing into $DEST: ${missing[*]}"
  # --save-exact keeps the pins in this folder's package.json; scripts must run (claude's postinstall links its binary).
  npm install --no-audit --no-fund --save-exact "${missing[@]}"
fi

for b in claude codex gemini claude-agent-acp codex-acp; do
  if [ ! -x "$DEST/node_modules/.bin/$b" ]; then
    echo "error: $DEST/node_modules/.bin/$b is missing after install" >&2
    exit 1
  fi
done
echo "agent CLIs ready in $DEST/node_modules/.bin"
