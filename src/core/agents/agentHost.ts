import type { Readable, Writable } from 'node:stream';
import type { AgentCpuPriority } from './agentPriority';
import type { ProcessIdentity } from './processTree';

export type { ProcessIdentity } from './processTree';

/** One program to start for an agent: the agent CLI itself, or a command of the in-house tool loop. */
export interface AgentInvocation {
  /** Executable name (looked up on the invocation's PATH) or absolute path. */
  command: string;
  /** Passed as an array, never through a shell. */
  args: readonly string[];
  cwd: string;
  /** The complete environment: nothing of the host's leaks in beyond what the caller put here. */
  env: Readonly<Record<string, string>>;
  /** `pipe` gives the caller a writable stdin (to send the prompt); `ignore` connects it to nothing. */
  stdin: 'ignore' | 'pipe';
  /** Applied at once after the start, so everything the process starts inherits it; default `lower`. */
  cpuPriority?: AgentCpuPriority;
  /** What a sandboxing host lets the process change; other hosts ignore it (sandbox/sandboxedAgentHost.ts). */
  sandbox?: AgentSandboxPaths;
  /**
   * A pipe at fd 3 that the program reports on (bwrap's `--info-fd 3`), read from {@link AgentProcess.report}.
   * Set by the sandboxing host for its own bwrap; a back-end never sets it.
   */
  reportPipe?: boolean;
}

/** The folders of a run, for a host that confines agents: everything else stays read-only or hidden. */
export interface AgentSandboxPaths {
  /** The code worktree and the SpecTask folder (absolute). */
  writable: readonly string[];
  /**
   * Files the program runs that the user named in a machine-scoped setting (the script of a custom command, e.g.
   * `node /path/agent.mjs`): kept readable with their folder, also where the sandbox hides or empties (`/tmp`).
   */
  programFiles?: readonly string[];
  /** The run's state folders (absolute); created before the start when missing. */
  stateDirs?: readonly string[];
  /** Git directories known already (the host adds those of every writable folder); always read-only. */
  gitDirs?: readonly string[];
  /** The back-end id (`claude-cli`, `codex`, `gemini`…): whose CLI state folders in the home stay writable. */
  backend?: string;
}

/** How a process ended: by itself (`code`), by a signal, or never started (`error`, e.g. ENOENT). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: NodeJS.ErrnoException;
}

/** How to stop a process tree: a soft signal to the root, a grace period, then SIGKILL to the whole tree. */
export interface KillTreeOptions {
  /** Sent to the root first (SIGINT lets an agent CLI save its session); omitted: SIGKILL at once. */
  softSignal?: NodeJS.Signals;
  /** How long the root gets to exit after the soft signal (default 0). */
  graceMs?: number;
}

/** An agent process started by an {@link AgentHost}. */
export interface AgentProcess {
  /** The process id on its host; `undefined` when it never started. */
  readonly pid: number | undefined;
  /** Present when launched with `stdin: 'pipe'`. */
  readonly stdin: Writable | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The fd-3 pipe of an invocation with {@link AgentInvocation.reportPipe}. */
  readonly report?: Readable;
  /** Settles once, when the process exited or failed to start; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** Like {@link exited}, but only once stdout and stderr are closed too (orphans holding them delay it). */
  readonly closed: Promise<ProcessExit>;
  /** What the run ledger records to find this process again after a restart (PID plus start time). */
  identity(): Promise<ProcessIdentity | undefined>;
  /**
   * Stops the process and everything it started. The tree is recorded BEFORE the first signal (tool commands
   * run in sessions of their own and re-parent to PID 1 once the agent exits), recorded again if the grace
   * runs out, and every recorded process still alive gets SIGKILL. Resolves once the root has exited.
   */
  killTree(opts?: KillTreeOptions): Promise<void>;
  /**
   * After the root exited: SIGKILLs what {@link killTree} recorded and still lives (commands an agent left
   * running when it was interrupted). Does nothing when the tree was never killed.
   */
  killLeftovers(): Promise<void>;
}

/**
 * Where agents run: the port between the back-ends and the operating system. Every back-end starts its
 * processes through a host, and the run ledger asks the same host about processes of an earlier session,
 * so a sandboxed host or a remote worker can take the local host's place without a back-end noticing.
 */
export interface AgentHost {
  /** Starts an invocation in a process group of its own (signals are ours to send, a Ctrl-C never reaches it). */
  launch(invocation: AgentInvocation): AgentProcess;
  /** True when the recorded process still runs (same PID and same start time; a zombie counts as dead). */
  isAlive(identity: ProcessIdentity): Promise<boolean>;
  /**
   * SIGKILLs a recorded process and its whole descendant tree, but only while it is still the recorded
   * process (never a stranger that reused the PID). For ledger resume, when the process that started it is gone.
   */
  killTreeOf(identity: ProcessIdentity): Promise<void>;
}
