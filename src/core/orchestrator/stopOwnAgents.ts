import { recordProcessTree, signalRecorded } from '../agents/processTree';
import type { RunLedger } from './ledger';

/**
 * Stops, at once and synchronously, the agents this extension host started that still run: the runs the
 * ledger has open whose agent process descends from this process. For a host that is going away: it may
 * exit before any asynchronous cancel completes (the orchestrator's cancel waits for a grace period), and
 * agents run in process groups of their own, so they would outlive it, unseen, still working. Their runs
 * stay open in the ledger, so the next start resumes them on their sessions. Agents of another window or
 * of the CLI on the same repository do not descend from this process and are left alone.
 */
export function stopOwnAgentsNow(ledger: RunLedger): number {
  const open = ledger.interruptedRunsSync().filter((r) => r.pid !== undefined);
  if (!open.length) return 0;
  const mine = new Map(recordProcessTree(process.pid).map((p) => [p.pid, p]));
  let signalled = 0;
  for (const run of open) {
    const root = mine.get(run.pid!);
    if (!root || root.pid === process.pid || (run.processStartTime && root.startTime !== run.processStartTime))
      continue;
    signalled += signalRecorded(recordProcessTree(root.pid), 'SIGKILL');
  }
  return signalled;
}
