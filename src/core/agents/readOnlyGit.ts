import * as path from 'node:path';

/**
 * Git subcommands an agent's command may run under an allow-list: only ones that read. Agents never write to
 * git — the orchestrator commits each item when it is ticked (DESIGN.md §6) — and a git command that writes
 * could plant `core.fsmonitor` or a hook that the host's next git would run.
 */
const READ_ONLY_SUBCOMMANDS: ReadonlySet<string> = new Set([
  'status',
  'diff',
  'log',
  'show',
  'blame',
  'grep',
  'ls-files',
  'ls-tree',
  'cat-file',
  'rev-parse',
  'describe',
  'shortlog',
]);

/**
 * Long options that make a reading subcommand write a file or run a program (`--output=../../.git/config`,
 * `grep --open-files-in-pager=<cmd>`, an external diff). Git accepts any unambiguous abbreviation of a long
 * option (`--outp=`), so every prefix of these is refused too.
 */
const WRITING_LONG_OPTIONS = ['output', 'output-directory', 'open-files-in-pager', 'ext-diff', 'textconv', 'filters'];

/** Short options with the same effect (`-o <dir>`, `grep -O<cmd>`), alone or bundled (`-pO`). */
const WRITING_SHORT_OPTIONS = /^-[A-Za-z]*[oO]/;

/** Whether the command runs git (`git`, `/usr/bin/git`, `git.exe`). */
export function isGitCommand(argv: readonly string[]): boolean {
  const name = path.basename(argv[0] ?? '').toLowerCase();
  return name === 'git' || name === 'git.exe';
}

/**
 * Why a git command line is refused, or undefined when it only reads. The subcommand must come first (no
 * `-c`, `-C`, `--git-dir`, `--exec-path` before it: each can make git run or write anything), be one of
 * {@link READ_ONLY_SUBCOMMANDS}, and carry no option that writes a file or runs a program.
 */
export function gitWriteRefusal(argv: readonly string[]): string | undefined {
  const sub = argv[1];
  if (!sub || !READ_ONLY_SUBCOMMANDS.has(sub))
    return `'git ${sub ?? ''}' is not allowed: agents run only git commands that read (${[...READ_ONLY_SUBCOMMANDS].join(', ')}); the orchestrator commits each item when you tick it`;
  for (const arg of argv.slice(2)) {
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!.toLowerCase();
      if (name && WRITING_LONG_OPTIONS.some((o) => o.startsWith(name)))
        return `'${arg}' is not allowed: it makes git write a file or run a program`;
    } else if (WRITING_SHORT_OPTIONS.test(arg)) {
      return `'${arg}' is not allowed: it makes git write a file or run a program`;
    }
  }
  return undefined;
}
