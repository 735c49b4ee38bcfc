import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIND_GIT_SUBCOMMAND } from './tempRepo';

/**
 * A git that logs its subcommands and plays an agent rewriting `$TORN_FILE` (truncate, then write) exactly while
 * git reads the worktree: while the `next` trigger exists, its next command of the subcommand it names (`commit`,
 * `add`) finds the file emptied; while the `always` trigger exists, every `commit`, `add` and `hash-object` does. The file is whole again when the command
 * ends. For the committer's torn-write handling (issue 24).
 */
export function tearingGit(dir: string) {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'git.log');
  const next = path.join(dir, 'tear-next');
  const always = path.join(dir, 'tear-always');
  const bin = path.join(dir, 'tearing-git');
  // Kept outside the worktree: a copy beside the file would be committed with its folder.
  const keep = path.join(dir, 'content-while-torn');
  fs.writeFileSync(
    bin,
    `#!/bin/sh
${FIND_GIT_SUBCOMMAND}
echo "$sub" >> '${log}'
tear=''
if [ -f '${next}' ] && [ "$sub" = "$(cat '${next}')" ]; then rm '${next}'; tear=1; fi
if [ -f '${always}' ]; then case "$sub" in commit|add|hash-object) tear=1 ;; esac; fi
if [ -n "$tear" ]; then
  cp "$TORN_FILE" '${keep}'; : > "$TORN_FILE"; '${real}' "$@"; s=$?
  cat '${keep}' > "$TORN_FILE"; rm '${keep}'; exit $s
fi
exec '${real}' "$@"
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(log, '');
  return {
    bin,
    commands: () => fs.readFileSync(log, 'utf8').trim().split('\n'),
    clear: () => fs.writeFileSync(log, ''),
    /** The next `sub` command (a commit unless said) reads `file` emptied. */
    tear: (file: string, sub: 'commit' | 'add' = 'commit') => (
      (process.env.TORN_FILE = file),
      fs.writeFileSync(next, sub)
    ),
    /** Every command that may read the worktree reads `file` emptied, until {@link stop}. */
    tearAlways: (file: string) => ((process.env.TORN_FILE = file), fs.writeFileSync(always, '')),
    stop: () => fs.rmSync(always, { force: true }),
    /** Whether the torn command has run. */
    torn: () => !fs.existsSync(next),
  };
}
