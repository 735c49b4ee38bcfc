// The entry of dist/cli.js (the `spectask` bin). Starting Node and loading the whole CLI (1.2 MB: agents,
// orchestrator, workers) was most of a `spectask list`'s time (issue 24), so this bundle holds only the
// design-docs commands (list, show, checklist, mark, create, init, depends-on) and `--version`; every other
// command line, `help` and wrong usage included, runs in the whole CLI (dist/cliFull.js, main.ts), loaded only
// then. Each bundle runs a command from start to end, so its errors are checked against its own classes.
// `list` only reads: it is evaluated at once, and the commands that write (the SpecTask store, its committer,
// the sync) only when one of them runs — they are in this bundle, but a `list` does not evaluate their modules.
import * as path from 'node:path';
import { PRODUCT_VERSION } from '../core/version';
import { commandOf, runCommandLine, type CliCommand } from './cliRun';
import { runCliProcess, type CliMain } from './cliProcess';
import { DESIGN_DOCS_COMMAND_NAMES, type DesignDocsCommandName } from './designDocsCommandNames';
import { listCommand } from './listCommand';

/** The design-docs commands: `list` as it is, the others once one of them runs. */
async function commandsFor(
  argv: readonly string[],
): Promise<Readonly<Partial<Record<DesignDocsCommandName, CliCommand>>>> {
  if (commandOf(argv) === 'list') return { list: listCommand };
  return (await import('./designDocsCommands')).DESIGN_DOCS_COMMANDS;
}

/** The design-docs commands and `--version` (see {@link runsHere}). */
export const designDocsMain: CliMain = async (argv, out, err, cwd, interrupted) => {
  if (argv[0] === '--version' || argv[0] === '-v') {
    out.write(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  return runCommandLine(await commandsFor(argv), argv, { out, err, cwd, interrupted });
};

/** Whether this bundle runs `argv` itself (the rest goes to the whole CLI). */
export function runsHere(argv: readonly string[]): boolean {
  if (argv[0] === '--version' || argv[0] === '-v') return true;
  if (!argv[0] || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') return false;
  const command = commandOf(argv);
  return command !== undefined && (DESIGN_DOCS_COMMAND_NAMES as readonly string[]).includes(command);
}

/** The whole CLI's bundle, next to this one; its name is built at run time so esbuild does not inline it. */
function loadFullCli(): typeof import('./main') {
  const file = path.join(__dirname, ['cliFull', 'js'].join('.'));
  try {
    return require(file) as typeof import('./main');
  } catch (e) {
    process.stderr.write(`spectask: the CLI is not built completely (${file}): run 'npm run build' (${String(e)})\n`);
    return process.exit(1);
  }
}

if (require.main === module) {
  if (runsHere(process.argv.slice(2))) runCliProcess(designDocsMain);
  else loadFullCli().runAsProcess();
}
