import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { AgentHost, AgentInvocation, AgentProcess, KillTreeOptions, ProcessExit } from './agentHost';
import { applyAgentCpuPriority } from './agentPriority';
import {
  isProcessAliveAsync,
  mergeTrees,
  processIdentity,
  recordProcessTreeAsync,
  signalRecordedAsync,
  withDescendantsAsync,
  type ProcessIdentity,
} from './processTree';

/**
 * Runs agents as child processes of this process, on this machine: each in a process group of its own, at the
 * requested CPU priority, stopped by recording and killing its whole tree (processTree.ts). The default host.
 */
export class LocalAgentHost implements AgentHost {
  launch(invocation: AgentInvocation): AgentProcess {
    return new LocalAgentProcess(invocation);
  }

  isAlive(identity: ProcessIdentity): Promise<boolean> {
    return isProcessAliveAsync(identity);
  }

  async killTreeOf(identity: ProcessIdentity): Promise<void> {
    if (await isProcessAliveAsync(identity))
      await signalRecordedAsync(await recordProcessTreeAsync(identity.pid), 'SIGKILL');
  }
}

/** The host every back-end uses unless it is given another; it keeps no state of its own. */
export const localAgentHost: AgentHost = new LocalAgentHost();

class LocalAgentProcess implements AgentProcess {
  readonly exited: Promise<ProcessExit>;
  readonly closed: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private recorded: ProcessIdentity[] = [];

  constructor(inv: AgentInvocation) {
    this.child = spawn(inv.command, [...inv.args], {
      cwd: inv.cwd,
      env: { ...inv.env },
      stdio: inv.reportPipe ? [inv.stdin, 'pipe', 'pipe', 'pipe'] : [inv.stdin, 'pipe', 'pipe'],
      // Own process group: a Ctrl-C aimed at the host never reaches agents, and signals are ours to send.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    applyAgentCpuPriority(this.child.pid, inv.cpuPriority);
    let onExit!: (e: ProcessExit) => void;
    let onClose!: (e: ProcessExit) => void;
    this.exited = new Promise((resolve) => (onExit = resolve));
    this.closed = new Promise((resolve) => (onClose = resolve));
    this.child.once('exit', (code, signal) => onExit({ code, signal }));
    this.child.once('close', (code, signal) => onClose({ code, signal }));
    // One listener for every 'error' (a failed start, a failed kill): a second one unheard would throw.
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      onExit({ code: null, signal: null, error });
      onClose({ code: null, signal: null, error });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdin(): Writable | undefined {
    return this.child.stdin ?? undefined;
  }

  get stdout(): Readable {
    return this.child.stdout!;
  }

  get stderr(): Readable {
    return this.child.stderr!;
  }

  get report(): Readable | undefined {
    return (this.child.stdio[3] as Readable | null | undefined) ?? undefined;
  }

  async identity(): Promise<ProcessIdentity | undefined> {
    return this.child.pid === undefined ? undefined : processIdentity(this.child.pid);
  }

  async killTree(opts: KillTreeOptions = {}): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    // Record first: tool children live in their own sessions and re-parent to PID 1 once the agent dies.
    this.recorded = await recordProcessTreeAsync(pid);
    if (opts.softSignal) {
      try {
        this.child.kill(opts.softSignal);
      } catch {
        // already gone
      }
      if (!(await exitsWithin(this.exited, opts.graceMs ?? 0)))
        this.recorded = mergeTrees(this.recorded, await recordProcessTreeAsync(pid));
    }
    // Survivors of the soft signal, including orphaned tool commands, get SIGKILL: the agent's process group
    // at once (a child forked after the record, e.g. by a shell just starting its command, is in it), then
    // every recorded process, wherever it went (tool commands in sessions of their own).
    this.killGroup(pid);
    await this.killRecorded();
    await this.exited;
  }

  /**
   * SIGKILLs the recorded processes and what they started since the record: they are stopped first (a stopped
   * shell forks nothing more), then their descendants are taken in, then all of them are killed.
   */
  private async killRecorded(): Promise<void> {
    if (!this.recorded.length) return;
    if (process.platform !== 'win32') {
      await signalRecordedAsync(this.recorded, 'SIGSTOP');
      this.recorded = await withDescendantsAsync(this.recorded);
    }
    await signalRecordedAsync(this.recorded, 'SIGKILL');
  }

  /**
   * SIGKILLs the process group the root leads (it was started detached), only while the root is not yet
   * reaped: until then its PID, which is the group's id, cannot belong to anyone else.
   */
  private killGroup(pid: number): void {
    if (process.platform === 'win32' || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }

  async killLeftovers(): Promise<void> {
    await this.killRecorded();
  }
}

/** True when `exited` settles within `ms`. */
export async function exitsWithin(exited: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([exited.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
