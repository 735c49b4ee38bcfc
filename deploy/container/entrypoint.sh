#!/bin/sh
# Clones the repository the worker serves (REPO_URL, optional REPO_BRANCH for the code's base), wires the git
# credentials mounted from a Secret, and runs `spectask worker` with the arguments given to the container.
#   SSH:   a private key at /etc/spectask/git/ssh-privatekey (+ known_hosts beside it)
#   token: GIT_TOKEN in the environment (HTTPS), handed to git by a credential helper that reads the variable,
#          so the token never lands in .git/config or in a process's argv.
set -eu

: "${REPO_URL:?set REPO_URL to the repository the worker serves}"
CLONE="${SPECTASK_CLONE:-/work/repo}"
SECRETS="${SPECTASK_GIT_SECRETS:-/etc/spectask/git}"

if [ -f "$SECRETS/ssh-privatekey" ]; then
  mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
  cp "$SECRETS/ssh-privatekey" "$HOME/.ssh/id_spectask" && chmod 600 "$HOME/.ssh/id_spectask"
  [ -f "$SECRETS/known_hosts" ] && cp "$SECRETS/known_hosts" "$HOME/.ssh/known_hosts"
  export GIT_SSH_COMMAND="ssh -i $HOME/.ssh/id_spectask -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes"
fi
if [ -n "${GIT_TOKEN:-}" ]; then
  git config --global credential.helper '!f() { echo username=x-access-token; echo "password=$GIT_TOKEN"; }; f'
fi
git config --global user.name "${GIT_AUTHOR_NAME:-SpecTask worker}"
git config --global user.email "${GIT_AUTHOR_EMAIL:-spectask-worker@localhost}"

if [ ! -d "$CLONE/.git" ]; then
  git clone --no-tags -- "$REPO_URL" "$CLONE"
fi
cd "$CLONE"
git fetch --no-tags --prune origin
exec node /opt/spectask/dist/cli.js worker "$@"
