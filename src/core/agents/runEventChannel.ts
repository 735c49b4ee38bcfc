import { Emitter, type Event } from '../lifecycle';
import type { AgentEvent, ResultEvent } from './agentEvents';

/**
 * The event side of one run: buffers every event so any number of `for await` consumers each see the whole
 * run from the start, fires `onEvent` for live listeners, and enforces the contract that a run ends with
 * exactly one `result`, last (anything pushed after it is dropped).
 */
export class RunEventChannel {
  private readonly buffer: AgentEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly _onEvent = new Emitter<AgentEvent>((err) => queueMicrotask(() => { throw err; }));
  private ended = false;
  private resolveFinished!: (r: ResultEvent) => void;
  private resolveSession!: (id: string | undefined) => void;
  private sessionKnown = false;

  readonly onEvent: Event<AgentEvent> = this._onEvent.event;
  readonly finished: Promise<ResultEvent> = new Promise((r) => (this.resolveFinished = r));
  readonly sessionId: Promise<string | undefined> = new Promise((r) => (this.resolveSession = r));

  get isEnded(): boolean {
    return this.ended;
  }

  /** Events pushed so far (a copy). */
  snapshot(): AgentEvent[] {
    return [...this.buffer];
  }

  push(e: AgentEvent): void {
    if (this.ended) return;
    if (e.t === 'session' && e.sessionId && !this.sessionKnown) {
      this.sessionKnown = true;
      this.resolveSession(e.sessionId);
    }
    this.buffer.push(e);
    if (e.t === 'result') {
      this.ended = true;
      if (!this.sessionKnown) this.resolveSession(e.sessionId);
      this.resolveFinished(e);
    }
    for (const w of [...this.waiters]) w();
    this._onEvent.fire(e);
    if (this.ended) this._onEvent.dispose();
  }

  readonly events: AsyncIterable<AgentEvent> = {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: async (): Promise<IteratorResult<AgentEvent>> => {
          while (i >= this.buffer.length) {
            if (this.ended) return { done: true, value: undefined };
            await new Promise<void>((resolve) => {
              const w = () => {
                this.waiters.delete(w);
                resolve();
              };
              this.waiters.add(w);
            });
          }
          return { done: false, value: this.buffer[i++] };
        },
      };
    },
  };
}
