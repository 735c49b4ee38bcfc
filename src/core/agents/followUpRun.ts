import type { AgentBackend, AgentRun, StartRequest } from './agentBackend';
import type { AgentEvent, ResultEvent, RunStatus, UsageTotals } from './agentEvents';
import {
  MessageQueue,
  takesMessages,
  undeliveredNotice,
  type MessageOutcome,
  type MessageTaker,
} from './agentMessages';
import { processIdentity, type ProcessIdentity } from './processTree';
import { ChannelRun } from './channelRun';
import { isSafeSessionId } from './sessionId';
import { sumUsage } from './transcriptStore';

/** Turns after which a queued message is delivered: the agent finished its turn (a stop or a crash ends the run). */
const CONTINUABLE: ReadonlySet<RunStatus> = new Set(['success', 'denied', 'max_turns']);

/**
 * A run that takes messages although its back-end runs one process per turn (claude, codex, gemini): the
 * first turn's run, then, for each message that came in meanwhile, a resumed turn on the same session, all as
 * ONE run to its callers (same run id, one event stream, one `result`: the last turn's, with the usage of every
 * turn). The orchestrator sees an ordinary run whose verdict comes after the last message was answered.
 * A run that takes messages itself (ACP, the tool loop) or a back-end that cannot resume is returned as is.
 */
export function withFollowUps(backend: AgentBackend, req: StartRequest, first: AgentRun): AgentRun {
  if (takesMessages(first) || !backend.capabilities.resume) return first;
  return new FollowUpRun(backend, req, first);
}

class FollowUpRun extends ChannelRun implements AgentRun, MessageTaker {
  readonly runId: string;
  readonly backend: string;
  private current: AgentRun;
  private stopped = false;
  private readonly queue = new MessageQueue(
    () => !this.stopped && !this.channel.isEnded,
    (text, at) => this.channel.push({ t: 'user_message', runId: this.runId, text, at }),
  );
  private readonly startedAt = Date.now();

  constructor(
    private readonly owner: AgentBackend,
    private readonly req: StartRequest,
    first: AgentRun,
  ) {
    super();
    this.runId = first.runId;
    this.backend = first.backend;
    this.current = first;
    void this.drive();
  }

  get pid(): number | undefined {
    return this.current.pid;
  }

  /** The current turn's process (what the run ledger records at the start: the first turn's). */
  processIdentity(): Promise<ProcessIdentity | undefined> {
    const run = this.current;
    if (run.processIdentity) return run.processIdentity();
    return run.pid ? processIdentity(run.pid) : Promise.resolve(undefined);
  }

  sendMessage(text: string): MessageOutcome {
    return this.queue.sendMessage(text);
  }

  async cancel(opts?: { graceMs?: number; reason?: string }): Promise<void> {
    this.stopped = true;
    await this.current.cancel(opts);
    await this.finished;
  }

  private async drive(): Promise<void> {
    const earlier: UsageTotals[] = [];
    let turns = 0;
    for (;;) {
      const { result, lastUsage } = await this.forward(this.current, earlier);
      turns += result.turns ?? 1;
      const prompt = !this.stopped && CONTINUABLE.has(result.status) ? this.queue.take() : undefined;
      const sessionId = result.sessionId;
      if (prompt === undefined || !isSafeSessionId(sessionId)) {
        const lost = this.queue.drop() + (prompt === undefined ? 0 : 1);
        if (lost) this.notice(undeliveredNotice(lost, `the run ended ${result.status}`));
        if (!earlier.length) return this.channel.push(result); // one turn: its result exactly as it was
        const usage = sumUsage([...earlier, result.usage ?? lastUsage]);
        const { runs: _runs, ...total } = usage;
        this.channel.push({
          ...result,
          runId: this.runId,
          turns,
          durationMs: Date.now() - this.startedAt,
          usage: usage.runs ? total : undefined,
        });
        return;
      }
      earlier.push(result.usage ?? lastUsage ?? {});
      try {
        this.current = this.owner.resume({ ...this.req, prompt, resumeSessionId: sessionId, runId: this.runId });
      } catch (err) {
        this.channel.push({ ...result, runId: this.runId, status: 'crashed', errorMessage: (err as Error).message });
        return;
      }
      if (this.stopped) void this.current.cancel({ reason: 'cancelled' });
    }
  }

  /**
   * Passes one turn's events on as they happen (its usage counted on top of the turns before); returns its result
   * and its last usage event's counts (for a result that carries none). Live, like the pool's own listener: an
   * event beyond the turn's kept-output budget still reaches the dashboard.
   */
  private async forward(
    run: AgentRun,
    earlier: readonly UsageTotals[],
  ): Promise<{ result: ResultEvent; lastUsage?: UsageTotals }> {
    const base = earlier.length ? sumUsage(earlier) : undefined;
    let lastUsage: UsageTotals | undefined;
    const sub = run.onEvent((e) => {
      if (e.t === 'result') return;
      if (e.t === 'usage') lastUsage = usageOf(e);
      this.channel.push(base && e.t === 'usage' ? withEarlierUsage(e, base) : { ...e, runId: this.runId });
    });
    const result = await run.finished;
    sub.dispose();
    return { result, lastUsage };
  }

  private notice(message: string): void {
    this.channel.push({ t: 'notice', runId: this.runId, level: 'warn', message });
  }
}

function usageOf(e: UsageTotals): UsageTotals {
  const { inputTokens, outputTokens, cacheReadTokens, costUsd } = e;
  return { inputTokens, outputTokens, cacheReadTokens, costUsd };
}

/** A usage event is cumulative for the run: a later turn's counts go on top of the earlier turns'. */
function withEarlierUsage(e: Extract<AgentEvent, { t: 'usage' }>, base: UsageTotals): AgentEvent {
  const add = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  return {
    ...e,
    inputTokens: add(e.inputTokens, base.inputTokens),
    outputTokens: add(e.outputTokens, base.outputTokens),
    cacheReadTokens: add(e.cacheReadTokens, base.cacheReadTokens),
    costUsd: add(e.costUsd, base.costUsd),
  };
}
