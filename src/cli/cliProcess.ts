import { useGitWorker } from '../core/git/gitExecutor';
import type { CliContext } from './cliRun';
import { interruptionFromSignals } from './interruption';

/** A CLI's `main` (main.ts, or the small entry's). */
export type CliMain = (
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  cwd: string,
  interrupted?: CliContext['interrupted'],
) => Promise<number>;

/** Runs `main` on this process's command line and exits with its code. */
export function runCliProcess(main: CliMain): void {
  // The first Ctrl+C (or SIGTERM) stops gracefully: every agent gets its soft interrupt, a grace period, then
  // its tree is killed, before the CLI exits. A second Ctrl+C kills the agents at once and exits.
  const interruption = interruptionFromSignals();
  // Exit only once stdout and stderr have drained: a pipe takes 64 KiB at a time, and process.exit() would
  // cut `spectask list --json` short when its output is read by another program.
  const exit = (code: number) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  // Only the long-running orchestrator starts git from the helper process; one-shot commands spare starting it.
  useGitWorker(process.argv[2] === 'run' || process.argv[2] === 'worker');
  main(process.argv.slice(2), process.stdout, process.stderr, process.cwd(), interruption).then(exit, (err) => {
    process.stderr.write(`spectask: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
  });
}
