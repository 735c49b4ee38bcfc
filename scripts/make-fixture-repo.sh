#!/usr/bin/env bash
# usage: make-fixture-repo.sh <fixtureDir> <targetDir> — copies a fixture into a fresh git repository with one commit,
# so tests never run git inside this project's own repository.
set -euo pipefail
SRC=$(realpath "$1"); DST=$2
mkdir -p "$DST"; cp -R "$SRC"/. "$DST"/
cd "$DST"
git init -q -b main
git -c user.name=fixture -c user.email=fixture@example.invalid add -A
git -c user.name=fixture -c user.email=fixture@example.invalid commit -q -m "fixture: initial commit"
