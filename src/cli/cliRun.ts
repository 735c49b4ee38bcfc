import { DesignDocsSyncError } from '../core/docs/designDocsSyncResult';
import { RepositoryRefusedError } from '../core/git/gitErrors';
import { parseArgs, UsageError, type ParsedArgs } from './cliArgs';
import { VALUE_OPTIONS } from './cliOptions';
import { Interruption } from './interruption';
import type { RunIO } from './orchestratorCommands';

/** One `spectask <command>`: returns the exit code. */
export type CliCommand = (args: ParsedArgs, io: RunIO) => Promise<number>;

/** The streams and folder a command line runs with (see {@link main} in main.ts). */
export interface CliContext {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  cwd: string;
  interrupted?: Promise<void> | Interruption;
}

/**
 * Parses `argv` and runs its command from `commands`. Errors go to `err` as one line, `spectask: <message>`:
 * exit code 2 for wrong usage, 1 for any other failure.
 */
export async function runCommandLine(
  commands: Readonly<Record<string, CliCommand>>,
  argv: string[],
  { out, err, cwd, interrupted }: CliContext,
): Promise<number> {
  try {
    const args = parseArgs(argv, VALUE_OPTIONS);
    const run = args.command && Object.hasOwn(commands, args.command) ? commands[args.command] : undefined;
    if (!run) throw new UsageError(`unknown command '${args.command ?? argv[0]}'. Run 'spectask help'.`);
    const interruption = interrupted instanceof Interruption ? interrupted : undefined;
    return await run(args, {
      out,
      cwd,
      err,
      interrupted: interrupted instanceof Interruption ? interrupted.requested : interrupted,
      onForce: interruption && ((h) => interruption.onForce(h)),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`spectask: ${e.message}\n`);
      return 2;
    }
    const code = e instanceof RepositoryRefusedError || e instanceof DesignDocsSyncError ? ` [${e.code}]` : '';
    err.write(`spectask: ${e instanceof Error ? e.message : String(e)}${code}\n`);
    return 1;
  }
}

/** The command a command line names, or undefined when it names none or cannot be parsed. */
export function commandOf(argv: readonly string[]): string | undefined {
  try {
    return parseArgs(argv, VALUE_OPTIONS).command;
  } catch {
    return undefined;
  }
}
