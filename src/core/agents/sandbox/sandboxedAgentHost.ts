import * as os from 'node:os';
import { PassThrough } from 'node:stream';
import type { AgentHost, AgentInvocation, AgentProcess, KillTreeOptions, ProcessExit } from '../agentHost';
import { exitsWithin, localAgentHost } from '../localAgentHost';
import type { ProcessIdentity } from '../processTree';
import { buildBwrapArgs, SANDBOX_UID_FOR_ROOT } from './bwrapArgs';
import { emptyNamespace, findNamespaceInit, namespaceInitFromReport } from './namespaceInit';
import { childrenOf } from './namespaceTree';
import { sandboxPolicyFor } from './sandboxPolicy';
import { probeSandbox, SANDBOX_OFF_HINT, type SandboxStatus } from './sandboxProbe';

export interface SandboxedAgentHostOptions {
  /** The host that starts bwrap itself (default the local host). */
  inner?: AgentHost;
  /** Read at every launch (the machine-scoped setting): off runs the invocation on the inner host unchanged. */
  enabled?: () => boolean;
  /** Whether bwrap works here; called once, at the first sandboxed launch (default {@link probeSandbox}). */
  probe?: () => Promise<SandboxStatus>;
  /** The user's home, hidden in the sandbox besides the invocation's HOME (default os.homedir()). */
  userHome?: string;
}

/**
 * Runs every agent process, and every command it starts, inside bubblewrap (DESIGN.md §6): the machine
 * read-only, the home directory hidden but for the CLI's own state, every git directory read-only, `/tmp`
 * private; the worktree, the SpecTask folder and the run's state writable; the network shared. When bwrap or
 * user namespaces are missing the run fails with the reason: never a silent run outside the sandbox.
 *
 * Process control works as on the local host: the recorded process is bwrap itself, which leads a PID
 * namespace holding the whole tree (tool commands that leave their session re-parent to the namespace's init,
 * not to PID 1), and the kernel kills everything in it once that init is gone.
 */
export class SandboxedAgentHost implements AgentHost {
  private readonly inner: AgentHost;
  private status: Promise<SandboxStatus> | undefined;

  constructor(private readonly opts: SandboxedAgentHostOptions = {}) {
    this.inner = opts.inner ?? localAgentHost;
  }

  /** Whether sandboxed launches can work here (probed once); the Configure Agent Back-ends view shows it. */
  sandboxStatus(): Promise<SandboxStatus> {
    this.status ??= (this.opts.probe ?? probeSandbox)();
    return this.status;
  }

  /** True when the next launch is sandboxed (the setting is on). */
  get enabled(): boolean {
    return this.opts.enabled?.() ?? true;
  }

  launch(invocation: AgentInvocation): AgentProcess {
    if (!this.enabled) return this.inner.launch(invocation);
    return new SandboxedAgentProcess(invocation, (inv) => this.start(inv));
  }

  isAlive(identity: ProcessIdentity): Promise<boolean> {
    return this.inner.isAlive(identity);
  }

  killTreeOf(identity: ProcessIdentity): Promise<void> {
    return this.inner.killTreeOf(identity);
  }

  /** bwrap around the invocation, or the reason it cannot run. */
  private async start(inv: AgentInvocation): Promise<AgentProcess | ProcessExit> {
    const status = await this.sandboxStatus();
    if (!status.available) return failed(`the agent sandbox is unavailable: ${status.reason}. ${SANDBOX_OFF_HINT}`);
    const policy = await sandboxPolicyFor(inv, this.opts.userHome ?? os.homedir());
    if ('missing' in policy) return failed(`agent binary not found: ${policy.missing}`, 'ENOENT');
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const args = buildBwrapArgs(
      { ...policy.policy, uid: asRoot ? SANDBOX_UID_FOR_ROOT : undefined },
      { command: policy.command, args: inv.args, cwd: inv.cwd },
    );
    // `--info-fd 3`: bwrap reports its namespace's init on the invocation's report pipe (namespaceInit.ts).
    return this.inner.launch({ ...inv, command: status.bwrap, args: ['--info-fd', '3', ...args], reportPipe: true });
  }
}

function failed(message: string, code = 'ESANDBOX'): ProcessExit {
  return { code: null, signal: null, error: Object.assign(new Error(message), { code }) };
}

/**
 * An agent process whose start waits for the sandbox's preparation (the probe, the git directories, the state
 * folders): streams and promises exist at once and are connected to bwrap's once it runs.
 */
export class SandboxedAgentProcess implements AgentProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: PassThrough | undefined;
  readonly exited: Promise<ProcessExit>;
  readonly closed: Promise<ProcessExit>;
  private readonly started: Promise<AgentProcess | undefined>;
  private inner: AgentProcess | undefined;
  private killRequested = false;
  /** The init of the sandbox's PID namespace: killing it, and seeing it gone, ends everything in the sandbox. */
  private nsInit: Promise<ProcessIdentity | undefined> = Promise.resolve(undefined);

  constructor(inv: AgentInvocation, start: (inv: AgentInvocation) => Promise<AgentProcess | ProcessExit>) {
    this.stdin = inv.stdin === 'pipe' ? new PassThrough() : undefined;
    let onExit!: (e: ProcessExit) => void;
    let onClose!: (e: ProcessExit) => void;
    this.exited = new Promise((resolve) => (onExit = resolve));
    this.closed = new Promise((resolve) => (onClose = resolve));
    const endWith = (e: ProcessExit) => {
      this.stdout.end();
      this.stderr.end();
      this.stdin?.resume();
      onExit(e);
      onClose(e);
      return undefined;
    };
    this.started = start(inv).then(
      (p) => {
        if (!('stdout' in p)) return endWith(p);
        if (this.killRequested) void p.killTree(); // cancelled while the sandbox was being prepared
        this.inner = p;
        const bwrapPid = p.pid;
        if (bwrapPid !== undefined)
          this.nsInit = (p.report ? namespaceInitFromReport(p.report, bwrapPid) : Promise.resolve(undefined)).then(
            (reported) => reported ?? findNamespaceInit(bwrapPid, p.exited),
          );
        p.stdout.pipe(this.stdout);
        p.stderr.pipe(this.stderr);
        if (this.stdin && p.stdin) {
          p.stdin.on('error', () => undefined); // the agent may exit before reading; EPIPE is not our failure
          this.stdin.pipe(p.stdin);
        }
        void p.exited.then(onExit);
        void p.closed.then(onClose);
        return p;
      },
      (err: Error) => endWith(failed(`could not prepare the agent sandbox: ${err.message}`)),
    );
  }

  get pid(): number | undefined {
    return this.inner?.pid;
  }

  async identity(): Promise<ProcessIdentity | undefined> {
    return (await this.started)?.identity();
  }

  /** The init of the sandbox's PID namespace, whose end a stop waits for; undefined when it was never known. */
  async namespaceInit(): Promise<ProcessIdentity | undefined> {
    await this.started;
    return this.nsInit;
  }

  async killTree(opts: KillTreeOptions = {}): Promise<void> {
    this.killRequested = true;
    const p = await this.started;
    if (!p?.pid) return;
    // bwrap passes no signal on: the soft one goes to the agent itself, the child of the namespace's init.
    if (opts.softSignal) {
      const init = (await childrenOf(p.pid))[0];
      for (const agent of init === undefined ? [] : await childrenOf(init)) {
        try {
          process.kill(agent, opts.softSignal);
        } catch {
          // already gone
        }
      }
      // The agent's exit ends the namespace's init, and the kernel kills whatever else ran in it.
      if (await exitsWithin(p.exited, opts.graceMs ?? 0)) return emptyNamespace(await this.nsInit);
    }
    await p.killTree();
    await emptyNamespace(await this.nsInit);
  }

  async killLeftovers(): Promise<void> {
    await (await this.started)?.killLeftovers();
    await emptyNamespace(await this.nsInit);
  }
}
