#!/usr/bin/env bash
# Verifies the sample projects in samples/ the way a user gets them: each is copied to a fresh temporary
# folder, its dependencies installed, made a git repository with a first commit (which must not contain the
# installed dependencies), its build (if any) and its tests run from its sample.json, and the working tree
# checked to be clean afterwards (so its .gitignore covers everything building and testing generates).
# Failing decoy tests are planted in .git-worktrees/ (where the extension puts code worktrees) to check that
# a sample's test command runs only the sample's own tests.
#
# usage: scripts/verify-samples.sh [sample-id ...]      (default: every samples/*/ with a sample.json)
# env:   KEEP=1     keep the temporary copies (their paths are printed)
#        PYTHON=... the Python interpreter for Python samples (default: the first of python3, /usr/bin/python3
#                   that can import the sample's requirements; otherwise a venv + pip install is tried)
# Prints "samples: N passed, N failed" as its last line; exits 1 when any sample failed (2 on bad usage).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
samples_dir="$root/samples"
work="$(mktemp -d "${TMPDIR:-/tmp}/verify-samples.XXXXXX")"
if [[ "${KEEP:-}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; fi

if [[ $# -gt 0 ]]; then
  ids=("$@")
else
  ids=()
  for d in "$samples_dir"/*/; do [[ -f "$d/sample.json" ]] && ids+=("$(basename "$d")"); done
fi
if [[ ${#ids[@]} -eq 0 ]]; then
  echo "no samples found in $samples_dir" >&2
  echo "samples: 0 passed, 0 failed"
  exit 2
fi

# Prints one field of a sample.json: strings as they are, arrays one element per line ('' when absent).
manifest() {
  node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const v = m[process.argv[2]];
    if (Array.isArray(v)) for (const a of v) console.log(a); else if (v !== undefined) console.log(v);
  ' "$1" "$2"
}

# The test count a test runner reported in a log, or '' when it cannot be told.
# node --test prints "# pass N"; pytest prints "N passed".
passed_count() {
  local n
  n="$(grep -aoE '^# pass [0-9]+' "$1" | tail -1 | grep -oE '[0-9]+$')"
  [[ -z "$n" ]] && n="$(grep -aoE '\b[0-9]+ passed\b' "$1" | tail -1 | grep -oE '^[0-9]+')"
  echo "$n"
}

# Chooses a Python interpreter that can import every top-level requirement; sets $python or returns 1.
choose_python() {
  local dir="$1" modules candidate
  modules="$(sed -E 's/[#;].*//; s/\[.*//; s/[<>=!~ ].*//; /^$/d; s/-/_/g' "$dir/requirements.txt" 2>/dev/null | tr 'A-Z' 'a-z' | paste -sd, -)"
  for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c "import ${modules:-sys}" >/dev/null 2>&1; then python="$candidate"; return 0; fi
  done
  echo "no Python with ${modules//,/, } found; trying a venv with pip install -r requirements.txt"
  python3 -m venv "$dir/.venv" && "$dir/.venv/bin/pip" install -q --retries 1 --timeout 15 -r "$dir/requirements.txt" \
    && python="$dir/.venv/bin/python" && return 0
  echo "could not get the requirements: pip install -r requirements.txt, or on Debian/Ubuntu:"
  echo "  apt-get install -y python3-fastapi python3-pytest python3-httpx python3-uvicorn  (then use /usr/bin/python3)"
  return 1
}

# Runs one command (argv) in $dir, appending output to $log; replaces python3 with the chosen interpreter.
run_step() {
  local name="$1"; shift
  local argv=("$@")
  if [[ "${argv[0]}" == python3 || "${argv[0]}" == python ]] && [[ -n "${python:-}" ]]; then argv[0]="$python"; fi
  echo "\$ ${argv[*]}" >>"$log"
  (cd "$dir" && "${argv[@]}") >>"$log" 2>&1 || { reason="$name failed: ${argv[*]}"; return 1; }
}

verify() {
  local id="$1" src="$samples_dir/$1"
  dir="$work/$id"; log="$work/$id.log"; reason=''; python=''
  [[ -f "$src/sample.json" ]] || { reason="no samples/$id/sample.json"; return 1; }
  mkdir -p "$dir"
  # Copy as the extension scaffolds it: the sample's files, nothing generated.
  tar -C "$src" --exclude=node_modules --exclude=dist --exclude=__pycache__ --exclude=.venv -cf - . | tar -C "$dir" -xf - || { reason='copy failed'; return 1; }
  local language install build test
  language="$(manifest "$src/sample.json" language)"
  mapfile -t install < <(manifest "$src/sample.json" installCommand)
  mapfile -t build < <(manifest "$src/sample.json" buildCommand)
  mapfile -t test < <(manifest "$src/sample.json" testCommand)
  [[ ${#test[@]} -gt 0 ]] || { reason='sample.json has no testCommand'; return 1; }

  if [[ "$language" == python ]]; then
    choose_python "$dir" >>"$log" 2>&1 || { reason='Python requirements unavailable'; return 1; }
    echo "python: $python" >>"$log"
  elif [[ ${#install[@]} -gt 0 ]]; then
    run_step install "${install[@]}" || return 1
  fi
  # The first commit comes after installing, so a generated lockfile is part of it (as the extension should do);
  # from here on, building and testing must leave the tree clean.
  git -C "$dir" init -q && git -C "$dir" add -A \
    && git -C "$dir" -c user.name=verify-samples -c user.email=verify-samples@localhost commit -qm "Scaffold $id" >>"$log" 2>&1 \
    || { reason='git init/commit failed'; return 1; }
  if [[ -n "$(git -C "$dir" ls-files | grep -E '(^|/)(node_modules|dist|__pycache__|\.venv)/' | head -1)" ]]; then
    reason='.gitignore lets installed dependencies into the first commit'; return 1
  fi
  # The extension checks out code worktrees inside the repository (.git-worktrees/, excluded through
  # .git/info/exclude); a sample's test command must not pick up their tests. Plant failing decoys there.
  echo '/.git-worktrees/' >>"$dir/.git/info/exclude"
  mkdir -p "$dir/.git-worktrees/000000_decoy/test" "$dir/.git-worktrees/000000_decoy/tests"
  echo "require('node:test')('decoy in .git-worktrees', () => { throw new Error('the test command ran tests inside .git-worktrees/') });" \
    >"$dir/.git-worktrees/000000_decoy/test/decoy.test.js"
  printf 'def test_decoy():\n    raise AssertionError("the test command ran tests inside .git-worktrees/")\n' \
    >"$dir/.git-worktrees/000000_decoy/tests/test_decoy.py"
  if [[ ${#build[@]} -gt 0 ]]; then run_step build "${build[@]}" || return 1; fi
  run_step test "${test[@]}" || return 1

  count="$(passed_count "$log")"
  if [[ "$count" == 0 ]]; then reason='the test command passed but ran no tests'; return 1; fi
  local dirty
  dirty="$(git -C "$dir" status --porcelain)"
  if [[ -n "$dirty" ]]; then reason=".gitignore misses generated files: $(echo "$dirty" | head -5 | tr '\n' ' ')"; return 1; fi
  return 0
}

passed=0; failed=0
for id in "${ids[@]}"; do
  start=$SECONDS; count=''
  if verify "$id"; then
    passed=$((passed + 1))
    echo "PASS $id (${count:-?} tests, $((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    echo "FAIL $id: $reason"
    [[ -f "$log" ]] && tail -n 30 "$log" | sed 's/^/    /'
  fi
  [[ "${KEEP:-}" == 1 ]] && echo "     kept in $dir (log: $log)"
done

echo "samples: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
