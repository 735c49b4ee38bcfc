# Sourced. link_extension <extensionsDir> <extensionRoot>: makes the extension at <extensionRoot> an installed
# extension of a code-server started with --extensions-dir <extensionsDir>, as a symlink named
# <publisher>.<name>-<version> (how VS Code names installed extensions), so the working tree's build is loaded
# without the development payload. That payload needs --vscode-option enable-smoke-test-driver, under which the
# workbench shows no notification toasts at all (they only reach the bell): fine for the test runner, wrong
# for `npm start`, where a person reads them.
link_extension() {
  local exts=$1 root id
  root=$(realpath "$2")
  id=$(node -p 'const p=require(process.argv[1]); `${p.publisher}.${p.name}-${p.version}`' "$root/package.json")
  mkdir -p "$exts"
  ln -sfn "$root" "$exts/$id"
}
