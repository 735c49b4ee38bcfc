import type { AgentEvent } from '../agentEvents';
import { obj, str } from '../cliAdapter';
import { acpDiffSummary } from './acpDiffSummary';
import { acpCommand, acpPaths, acpToolKind, toolEvents, type AcpParseState } from './acpEvents';
import {
  permissionOutcome,
  type AcpPermissionAnswer,
  type AcpPermissionAsk,
  type AcpPermissionOption,
  type PermissionDecider,
} from './acpPermissions';

type WireOutcome = ReturnType<typeof permissionOutcome>;

/**
 * Where an ACP run's `session/request_permission` requests are answered: each goes to the decider, is
 * recorded as `permission` events (pending, then the answer), and is answered `cancelled` when the run stops
 * (the protocol requires it after `session/cancel`), including requests that arrive after the stop.
 */
export class AcpPermissionDesk {
  private readonly pending = new Set<AbortController>();

  constructor(
    private readonly runId: string,
    private readonly state: AcpParseState,
    private readonly decider: PermissionDecider,
    private readonly emit: (e: AgentEvent) => void,
  ) {}

  /** Answers every pending request `cancelled` (Stop). */
  cancelAll(): void {
    for (const ac of this.pending) ac.abort();
  }

  async answer(params: unknown, signal: AbortSignal, stopped: unknown): Promise<{ outcome: WireOutcome }> {
    const p = obj(params);
    const tc = obj(p?.toolCall) ?? {};
    const callId = str(tc.toolCallId) ?? '';
    // Some agents (Gemini CLI) announce a call needing permission only in the request: it starts here.
    if (callId && !this.state.tools.has(callId))
      for (const e of toolEvents({ ...tc, status: undefined }, this.state)) this.emit(e);
    const known = this.state.tools.get(callId);
    const ask: AcpPermissionAsk = {
      callId,
      title: str(tc.title) ?? known?.title ?? 'tool',
      kind: tc.kind !== undefined && tc.kind !== null ? acpToolKind(tc.kind) : (known?.kind ?? 'other'),
      command: acpCommand(tc),
      paths: acpPaths(tc, this.state.worktree) ?? known?.paths,
      diff: acpDiffSummary(tc.content, this.state.worktree),
      input: tc.rawInput,
    };
    const options: AcpPermissionOption[] = (Array.isArray(p?.options) ? p.options : []).flatMap((o) => {
      const id = str(obj(o)?.optionId);
      const kind = str(obj(o)?.kind);
      return id && kind ? [{ optionId: id, kind }] : [];
    });
    const event = { t: 'permission' as const, runId: this.runId, callId, tool: ask.title, input: ask.input };
    this.emit({ ...event, decision: 'pending', raw: params });
    const answer: AcpPermissionAnswer = stopped
      ? { outcome: 'cancelled', reason: 'the run was stopped' }
      : await this.decide(ask, signal);
    if (answer.outcome === 'allow') this.emit({ ...event, decision: 'allowed', reason: `allowed by the ${answer.by}` });
    else {
      if (answer.outcome === 'reject') this.state.deniedTools.push(ask.title);
      this.emit({ ...event, decision: 'denied', reason: answer.reason });
      if (answer.outcome === 'reject' && answer.by === 'undecided')
        this.emit({
          t: 'notice',
          runId: this.runId,
          level: 'warn',
          message: `permission request rejected: ${answer.reason}`,
        });
    }
    return { outcome: permissionOutcome(answer, options) };
  }

  private async decide(ask: AcpPermissionAsk, signal: AbortSignal): Promise<AcpPermissionAnswer> {
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal.addEventListener('abort', onAbort);
    this.pending.add(ac);
    try {
      const cancelled = new Promise<AcpPermissionAnswer>((resolve) =>
        ac.signal.addEventListener('abort', () => resolve({ outcome: 'cancelled', reason: 'the run was stopped' })),
      );
      return await Promise.race([this.decider.decide(ask, ac.signal), cancelled]);
    } catch (err) {
      return { outcome: 'reject', by: 'undecided', reason: `deciding failed: ${(err as Error).message}` };
    } finally {
      this.pending.delete(ac);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
