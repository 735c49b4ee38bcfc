# Sourced. install_sample_deps <workspaceDir>: runs the installCommand of the sample's sample.json there (an
# argument array, no shell), so the sample's own tests pass out of the box — every plan ends with "run the tests".
# Says what it runs; npm gets a short retry budget and no audit/fund chatter. A failure (no network, no python)
# is said plainly with the command to run later, and `npm start` goes on: the sample still opens.
install_sample_deps() {
  local ws=$1
  local -a cmd
  [ -f "$ws/sample.json" ] || return 0
  mapfile -d '' -t cmd < <(node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = Array.isArray(m.installCommand) ? m.installCommand.filter((x) => typeof x === "string") : [];
    if (a[0] === "npm") a.push("--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=1");
    for (const x of a) process.stdout.write(x + "\0");
  ' "$ws/sample.json")
  [ "${#cmd[@]}" -gt 0 ] || return 0
  echo "installing the sample's dependencies in $ws: ${cmd[*]}"
  if (cd "$ws" && "${cmd[@]}" </dev/null); then
    echo "  done: the sample's tests can run"
  else
    echo "  could not install the sample's dependencies (is the package registry reachable?)."
    echo "  The sample opens anyway; its tests fail until you run: (cd '$ws' && ${cmd[*]})"
  fi
  return 0
}
