import * as os from 'node:os';
import { GitRunner } from '../core/git/gitRunner';
import { readRemoteRuns } from '../core/workers/remoteRuns';
import { RemoteRefs } from '../core/workers/remoteRefs';
import { requestStop } from '../core/workers/stopRequests';
import { allowOnly, expectPositionals, optionValue, type ParsedArgs } from './cliArgs';
import { COMMON_OPTIONS, resolveId, withOrchestrator, type RunIO } from './orchestratorCommands';
import { ORCHESTRATOR_OPTIONS } from './orchestratorSettings';

/**
 * `spectask stop <id> [--remote <name>]`: stops a run a worker holds (issue 23) by a stop request on the remote
 * (stopRequests.ts), which the worker obeys on its next fetch: its agent stops, the SpecTask becomes stopped and
 * the claim is released. A run on this machine is stopped where it runs (VS Code, or Ctrl+C in `spectask run`).
 */
export async function stopCommand(args: ParsedArgs, io: RunIO): Promise<number> {
  allowOnly(args, [...COMMON_OPTIONS, ...ORCHESTRATOR_OPTIONS, 'remote']);
  const [ref] = expectPositionals(args, 1, 'spectask stop <id> [--remote <name>]');
  return withOrchestrator(args, io, true, async ({ orchestrator: o, docs }, registry) => {
    await o.load();
    const t = o.task(resolveId(o, ref))!;
    const remote = optionValue(args, 'remote') ?? docs.sync.remote;
    const refs = new RemoteRefs(new GitRunner(docs.repo.root, registry.binary), remote);
    const run = (await readRemoteRuns(refs)).get(t.number);
    const fail = (why: string) => ((io.err ?? io.out).write(`spectask: ${why}\n`), 1);
    if (!run)
      return fail(
        `SpecTask ${t.number} is not held by a worker on '${remote}'; a run on this machine stops where it runs (VS Code, or Ctrl+C in \`spectask run\`)`,
      );
    if (!run.worker)
      return fail(`SpecTask ${t.number} is claimed on '${remote}', but its claim names no worker we can address`);
    if (!(await requestStop(refs, t.number, run.worker.id, `${os.hostname()}:${process.pid}`)))
      return fail(`the remote '${remote}' refused the stop request; try again`);
    if (args.options.has('json'))
      io.out.write(`${JSON.stringify({ id: t.id, number: t.number, worker: run.name, stopRequested: true })}\n`);
    else io.out.write(`stop requested: worker ${run.name} stops SpecTask ${t.number} at its next fetch\n`);
    return 0;
  });
}
