// A scripted AgentBackend for orchestrator unit tests and benchmarks: it does on disk and in git what a
// real agent would (write documents, tick checklist items, commit code), without a model. It is a test
// double only — users never see it; the real CLIs are exercised in test/e2e.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { AgentBackend, AgentRun, StartRequest } from '../../src/core/agents/agentBackend';
import type { AgentEvent, ResultEvent, RunStatus } from '../../src/core/agents/agentEvents';
import { RunEventChannel } from '../../src/core/agents/runEventChannel';

const run = promisify(execFile);

export interface ReplayContext {
  req: StartRequest;
  /** 0-based count of runs this backend started. */
  call: number;
  /** The SpecTask folder the orchestrator granted (first extra dir). */
  taskFolder: string;
  emit(e: Omit<AgentEvent, 'runId'>): void;
  signal: AbortSignal;
  git(...args: string[]): Promise<string>;
}

/** What a script returns: how the run ends (the agent's claim, which the orchestrator must not trust). */
export type ReplayScript = (
  ctx: ReplayContext,
) => Promise<{ status?: RunStatus; text?: string; errorMessage?: string; errorKind?: ResultEvent['errorKind'] } | void>;

export class ReplayBackend implements AgentBackend {
  readonly id = 'custom' as const;
  readonly label = 'Replay (test double)';
  readonly capabilities = {
    resume: true,
    followUp: false,
    softInterrupt: true,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  };
  readonly calls: StartRequest[] = [];
  /** Highest number of runs alive at once. */
  maxLive = 0;
  private live = 0;
  private sessions = 0;

  constructor(private readonly script: ReplayScript) {}

  async probe() {
    return { available: true, version: 'replay' };
  }

  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }

  start(req: StartRequest): AgentRun {
    const call = this.calls.length;
    this.calls.push(req);
    const runId = req.runId ?? `replay-run-${call}`;
    const channel = new RunEventChannel();
    const abort = new AbortController();
    const sessionId = req.resumeSessionId ?? `replay-session-${++this.sessions}`;
    const t0 = Date.now();
    const emit = (e: Omit<AgentEvent, 'runId'>) => channel.push({ ...e, runId } as AgentEvent);
    this.live++;
    this.maxLive = Math.max(this.maxLive, this.live);
    const finish = (status: RunStatus, text?: string, errorMessage?: string, errorKind?: ResultEvent['errorKind']) => {
      if (channel.isEnded) return;
      this.live--;
      channel.push({
        t: 'result',
        runId,
        status,
        text,
        errorMessage,
        ...(errorKind ? { errorKind } : {}),
        sessionId,
        durationMs: Date.now() - t0,
      } as ResultEvent);
    };
    queueMicrotask(async () => {
      emit({ t: 'session', sessionId, backend: this.id } as Omit<AgentEvent, 'runId'>);
      try {
        const r = await this.script({
          req,
          call,
          taskFolder: req.extraDirs?.[0] ?? '',
          emit,
          signal: abort.signal,
          git: async (...args) => (await run('git', args, { cwd: req.worktree })).stdout,
        });
        finish(abort.signal.aborted ? 'cancelled' : (r?.status ?? 'success'), r?.text, r?.errorMessage, r?.errorKind);
      } catch (e) {
        finish(abort.signal.aborted ? 'cancelled' : 'crashed', undefined, (e as Error).message);
      }
    });
    return {
      runId,
      backend: this.id,
      pid: undefined,
      events: channel.events,
      onEvent: channel.onEvent,
      sessionId: channel.sessionId,
      finished: channel.finished,
      cancel: async (opts) => {
        abort.abort();
        finish('cancelled', undefined, opts?.reason);
        await channel.finished;
      },
    };
  }
}

/** Script pieces. */
export const replay = {
  /** Writes the three spec documents with `n` checklist items into the granted task folder. */
  async writeSpec(ctx: ReplayContext, title: string, n = 3): Promise<void> {
    const f = ctx.taskFolder;
    await fs.writeFile(
      path.join(f, 'requirements.md'),
      `# Requirements: ${title}\n\n- WHEN a user asks THE SYSTEM SHALL answer.\n\n## Open Questions\n\nNone.\n`,
    );
    await fs.writeFile(path.join(f, 'design.md'), `# Design: ${title}\n\nOne module.\n`);
    const items = Array.from({ length: n }, (_, i) => `- [ ] T${i + 1}: step ${i + 1}`).join('\n');
    await fs.writeFile(path.join(f, 'tasks.md'), `# Implementation Tasks: ${title}\n\n${items}\n`);
    ctx.emit({
      t: 'tool_call',
      callId: 'w1',
      name: 'Write',
      kind: 'edit',
      input: {},
      paths: ['requirements.md'],
    } as Omit<AgentEvent, 'runId'>);
  },

  /**
   * Works through tasks.md: [~], a file, [x] — as the implementation prompt says (the orchestrator commits each
   * item). `commit: true` makes the agent commit as well, like an agent that ignores the prompt.
   */
  async implement(
    ctx: ReplayContext,
    number: string,
    opts: { stopAfter?: number; commit?: boolean; pauseMs?: number } = {},
  ): Promise<void> {
    const tasksFile = path.join(ctx.taskFolder, 'tasks.md');
    let text = await fs.readFile(tasksFile, 'utf8');
    const lines = text.split('\n');
    let done = 0;
    for (let i = 0; i < lines.length; i++) {
      if (ctx.signal.aborted) return;
      if (!/^- \[[ ~]\]/.test(lines[i])) continue;
      if (opts.stopAfter !== undefined && done >= opts.stopAfter) break;
      lines[i] = lines[i].replace(/^- \[[ ~]\]/, '- [~]');
      await fs.writeFile(tasksFile, (text = lines.join('\n')));
      const file = `src/step-${number}-${i}.txt`;
      await fs.mkdir(path.join(ctx.req.worktree, 'src'), { recursive: true });
      await fs.writeFile(path.join(ctx.req.worktree, file), `step ${i}\n`);
      ctx.emit({ t: 'tool_call', callId: `e${i}`, name: 'Edit', kind: 'edit', input: {}, paths: [file] } as Omit<
        AgentEvent,
        'runId'
      >);
      if (opts.commit) {
        await ctx.git('add', '-A');
        await ctx.git(
          '-c',
          'user.name=agent',
          '-c',
          'user.email=agent@example.invalid',
          'commit',
          '-q',
          '-m',
          `step ${i}\n\nSpecTask: ${number}`,
        );
      }
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
      lines[i] = lines[i].replace(/^- \[~\]/, '- [x]');
      await fs.writeFile(tasksFile, (text = lines.join('\n')));
      done++;
    }
  },
};
