import { Disposable, Emitter, type Event } from '../lifecycle';
import type { AskPerson, PersonAnswer, PersonPermissionRequest, WaitingPermission } from '../agents/personPermission';
import type { FleetEvent } from '../store/fleetState';
import type { PermissionAnswer } from '../../protocol/messages';

/** How long a question waits for its answer when the setting says nothing: five minutes, then it is rejected. */
export const DEFAULT_PERMISSION_TIMEOUT_MS = 5 * 60_000;

export interface PermissionRoomOptions {
  /** Where the "waiting for you" state goes (the orchestrator's fleet store). */
  dispatch(e: FleetEvent): void;
  now(): number;
  /** How long a question waits before it is rejected; 0 = no timeout. Read at each question. */
  timeoutMs(): number;
}

/** The asker of one run, and the end of its questions when the run ends. */
export interface RunAsker {
  readonly ask: AskPerson;
  /**
   * The run ended (its result, a crash, a kill): a question still open has no one left to answer and is
   * dropped from every list, rejected with `reason`. Later questions of this asker are rejected at once.
   */
  close(reason: string): void;
}

/** A question was asked: for the notification. */
export interface PermissionAsked {
  taskId: string;
  request: WaitingPermission;
}

interface Question {
  taskId: string;
  /** The run that asked: its questions go when it ends. */
  run: RunAsker;
  request: WaitingPermission;
  settle(answer: PersonAnswer): void;
}

/**
 * Where runs wait for a person ("waiting for you"): a tool call the permission level cannot decide becomes a
 * question on the task's run view (card, tree item, status bar) and a notification; the first answer wins,
 * from whichever surface. A timeout rejects. "Allow always" allows calls of the same kind and command (or
 * title) of the same SpecTask without asking again, for as long as this orchestrator lives: it is never told to
 * the agent, whose "allow always" would outlive the SpecTask and the level.
 */
export class PermissionRoom extends Disposable {
  private readonly questions = new Map<string, Question>();
  private readonly allowedAlways = new Map<string, Set<string>>();
  private nextId = 1;
  private readonly _onDidAsk = this._register(new Emitter<PermissionAsked>());
  readonly onDidAsk: Event<PermissionAsked> = this._onDidAsk.event;
  private readonly _onDidSettle = this._register(new Emitter<{ taskId: string; requestId: string }>());
  /** A question was answered, timed out or dropped with its run: its notification is stale. */
  readonly onDidSettle: Event<{ taskId: string; requestId: string }> = this._onDidSettle.event;

  constructor(private readonly opts: PermissionRoomOptions) {
    super();
  }

  /** The asker a run of this task gets (StartRequest.askPerson); `close` it when the run ends. */
  openRun(taskId: string): RunAsker {
    let closed: string | undefined;
    const run: RunAsker = {
      ask: (req, signal) =>
        closed !== undefined ? Promise.reject(new Error(closed)) : this.ask(taskId, run, req, signal),
      close: (reason) => {
        closed ??= reason;
        for (const q of [...this.questions.values()])
          if (q.run === run) q.settle({ outcome: 'reject', reason: `${reason}: no one is left to answer` });
      },
    };
    return run;
  }

  /** An asker for this task whose questions only end by an answer, a timeout or their signal. */
  askerFor(taskId: string): AskPerson {
    return this.openRun(taskId).ask;
  }

  /** The questions that wait now, oldest first. */
  waiting(taskId?: string): WaitingPermission[] {
    return [...this.questions.values()]
      .filter((q) => taskId === undefined || q.taskId === taskId)
      .map((q) => q.request);
  }

  /**
   * Answers a question; false when it is no longer open (answered elsewhere, timed out, its run ended) or
   * belongs to another task, so a stale button does nothing.
   */
  answer(taskId: string, requestId: string, answer: PermissionAnswer): boolean {
    const q = this.questions.get(requestId);
    if (!q || q.taskId !== taskId) return false;
    if (answer === 'allow_always') this.allowedFor(taskId).add(alwaysKey(q.request));
    q.settle(answer === 'reject' ? { outcome: 'reject', reason: 'rejected by you' } : { outcome: 'allow' });
    return true;
  }

  /** Forgets what was allowed always for a task (its run ended for good: done, archived). */
  forget(taskId: string): void {
    this.allowedAlways.delete(taskId);
  }

  private ask(taskId: string, run: RunAsker, req: PersonPermissionRequest, signal: AbortSignal): Promise<PersonAnswer> {
    if (this.allowedAlways.get(taskId)?.has(alwaysKey(req))) return Promise.resolve({ outcome: 'allow' });
    if (signal.aborted || this.isDisposed) return Promise.reject(new Error('the run was stopped'));
    const now = this.opts.now();
    const timeoutMs = this.opts.timeoutMs();
    const request: WaitingPermission = {
      ...req,
      requestId: `${taskId}:${this.nextId++}`,
      askedAt: now,
      expiresAt: timeoutMs > 0 ? now + timeoutMs : undefined,
    };
    return new Promise<PersonAnswer>((resolve, reject) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.questions.delete(request.requestId);
        this.opts.dispatch({ type: 'permissionSettled', id: taskId, requestId: request.requestId });
        this._onDidSettle.fire({ taskId, requestId: request.requestId });
      };
      const onAbort = () => {
        done();
        reject(new Error('the run was stopped'));
      };
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              done();
              resolve({ outcome: 'reject', reason: `no answer within ${Math.round(timeoutMs / 1000)} s` });
            }, timeoutMs)
          : undefined;
      signal.addEventListener('abort', onAbort, { once: true });
      this.questions.set(request.requestId, {
        taskId,
        run,
        request,
        settle: (answer) => {
          done();
          resolve(answer);
        },
      });
      this.opts.dispatch({ type: 'permissionAsked', id: taskId, request });
      this._onDidAsk.fire({ taskId, request });
    });
  }

  private allowedFor(taskId: string): Set<string> {
    let set = this.allowedAlways.get(taskId);
    if (!set) this.allowedAlways.set(taskId, (set = new Set()));
    return set;
  }

  override dispose(): void {
    // Runs outlive no orchestrator; a question still open is rejected rather than left hanging.
    for (const q of [...this.questions.values()]) q.settle({ outcome: 'reject', reason: 'the orchestrator closed' });
    super.dispose();
  }
}

/** What "Allow always" covers: calls of the same kind with the same command line (shell) or title. */
function alwaysKey(r: PersonPermissionRequest): string {
  return `${r.kind}\u0000${r.kind === 'shell' ? (r.command ?? r.title) : r.title}`;
}
