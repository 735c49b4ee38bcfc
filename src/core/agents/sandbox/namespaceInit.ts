import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { isProcessAliveAsync, parseProcStat, processIdentity, type ProcessIdentity } from '../processTree';
import { childrenOf } from './namespaceTree';

/** How often, and how long, the sandbox's namespace is looked at while it starts and while it empties. */
const POLL_MS = 10;
const FIND_MS = 5000;
const EMPTY_MS = 5000;

/** bwrap's report is a few lines of JSON; anything longer is not it. */
const MAX_REPORT_BYTES = 4096;

/**
 * The init of a sandbox's PID namespace as bwrap reports it on `--info-fd` (`{"child-pid": N, "pid-namespace": I}`,
 * written right after it cloned the init, before the agent starts), checked before it is believed: the process
 * with that pid is in namespace I, or, where its namespace link cannot be read, it is bwrap's child. Undefined
 * when there is no such report or the check fails; the caller then looks for the init in /proc
 * ({@link findNamespaceInit}). Why: a scan of /proc takes a while with many processes (113 ms seen here under
 * load), and a sandbox whose agent exits at once could end between two scans, so a stop no longer waited for its
 * namespace to empty (a CI run: 150 orphans alive after `killLeftovers`).
 */
export async function namespaceInitFromReport(
  report: Readable,
  bwrapPid: number,
): Promise<ProcessIdentity | undefined> {
  const text = await readReport(report);
  const pid = Number(/"child-pid"\s*:\s*(\d{1,10})\b/.exec(text)?.[1]);
  const namespace = /"pid-namespace"\s*:\s*(\d{1,20})\b/.exec(text)?.[1];
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  const identity = await processIdentity(pid);
  if (!identity) return undefined;
  const link = await fs.promises.readlink(`/proc/${pid}/ns/pid`).catch((e: NodeJS.ErrnoException) => e.code);
  // A process of this namespace is never a sandbox's init (a pid the init left and another process took).
  if (link === (await fs.promises.readlink('/proc/self/ns/pid').catch(() => undefined))) return undefined;
  if (namespace !== undefined && link === `pid:[${namespace}]`) return identity;
  if (link !== 'EACCES' && link !== 'EPERM') return undefined;
  // Its namespace is not ours to read: believed only while it is still bwrap's child.
  const stat = await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const parsed = stat === undefined ? undefined : parseProcStat(stat);
  return parsed?.ppid === bwrapPid && parsed.startTime === identity.startTime ? identity : undefined;
}

/** What bwrap wrote on the report pipe until it closed it (at most {@link MAX_REPORT_BYTES}). */
function readReport(report: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      report.removeAllListeners('data');
      report.destroy();
      resolve(text);
    };
    report.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.length > MAX_REPORT_BYTES || /\}\s*$/.test(text)) done();
    });
    report.once('end', done);
    report.once('close', done);
    report.once('error', done);
  });
}

/**
 * The init of a sandbox's PID namespace (bwrap's child, recorded with its start time), found while bwrap runs;
 * `undefined` when bwrap ended first. Recorded early: once bwrap has exited, the init is nobody's child.
 */
export async function findNamespaceInit(
  bwrapPid: number,
  bwrapExited: Promise<unknown>,
): Promise<ProcessIdentity | undefined> {
  let ended = false;
  void bwrapExited.then(() => (ended = true));
  for (const end = Date.now() + FIND_MS; Date.now() < end; await delay(POLL_MS)) {
    const init = (await childrenOf(bwrapPid))[0];
    if (init !== undefined) return processIdentity(init);
    if (ended) return undefined;
  }
  return undefined;
}

/**
 * Kills what is left in a sandbox's PID namespace and resolves once nothing is. bwrap exits as soon as the agent
 * does, and the namespace's init (and with it every orphan still running there: a tool command, a helper the
 * agent started) dies only afterwards, by --die-with-parent: a CLI that exits at bwrap's exit could leave a
 * process running for a moment after it. SIGKILL to the init kills the whole namespace, and the kernel ends the
 * init only after every other process in it is gone: its end means the namespace is empty.
 */
export async function emptyNamespace(init: ProcessIdentity | undefined): Promise<void> {
  if (!init || !(await isProcessAliveAsync(init))) return;
  try {
    process.kill(init.pid, 'SIGKILL');
  } catch {
    return; // gone meanwhile
  }
  for (const end = Date.now() + EMPTY_MS; Date.now() < end && (await isProcessAliveAsync(init)); await delay(POLL_MS));
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
