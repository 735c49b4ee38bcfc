import { isProcessAliveAsync, processIdentity, type ProcessIdentity } from '../processTree';
import { childrenOf } from './namespaceTree';

/** How often, and how long, the sandbox's namespace is looked at while it starts and while it empties. */
const POLL_MS = 10;
const FIND_MS = 5000;
const EMPTY_MS = 5000;

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
