import { Emitter, type Event } from '../lifecycle';
import type { AgentEvent, ResultEvent } from './agentEvents';

/**
 * How much of a run's output the channel keeps, in characters of text (about 16 MB): what the transcript
 * holds and what consumers replay. An agent that floods its output (the hang/flood fault suite prints
 * hundreds of MB) would otherwise grow the host's memory and the transcript on disk without end.
 */
export const MAX_KEPT_OUTPUT_CHARS = 16 * 1024 * 1024;
/** What an event without bulky text is counted as. */
const SMALL_EVENT_CHARS = 256;
/** Events always kept, whatever the budget: a run's identity, its costs, and its single ending. */
const ALWAYS_KEPT: ReadonlySet<AgentEvent['t']> = new Set(['session', 'usage', 'result']);

/**
 * The event side of one run: buffers every event so any number of `for await` consumers each see the whole
 * run from the start, fires `onEvent` for live listeners, and enforces the contract that a run ends with
 * exactly one `result`, last (anything pushed after it is dropped).
 *
 * The buffer is bounded: once `maxKeptChars` of output is kept, further output events still reach live
 * listeners but are no longer kept; a notice marks where the record was cut, and another before the result
 * says how much was left out.
 */
export class RunEventChannel {
  private readonly buffer: AgentEvent[] = [];
  private keptChars = 0;
  private droppedEvents = 0;
  private droppedChars = 0;
  private readonly waiters = new Set<() => void>();
  private readonly _onEvent = new Emitter<AgentEvent>((err) =>
    queueMicrotask(() => {
      throw err;
    }),
  );
  private ended = false;
  private resolveFinished!: (r: ResultEvent) => void;
  private resolveSession!: (id: string | undefined) => void;
  private sessionKnown = false;

  readonly onEvent: Event<AgentEvent> = this._onEvent.event;
  readonly finished: Promise<ResultEvent> = new Promise((r) => (this.resolveFinished = r));
  readonly sessionId: Promise<string | undefined> = new Promise((r) => (this.resolveSession = r));

  constructor(private readonly maxKeptChars = MAX_KEPT_OUTPUT_CHARS) {}

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
    if (e.t === 'result' && this.droppedEvents) {
      this.buffer.push({
        t: 'notice',
        runId: e.runId,
        level: 'warn',
        message: `output cut: ${this.droppedEvents} events (${this.droppedChars} characters) of this run's output beyond the first ${this.maxKeptChars} characters were not kept`,
      });
    }
    if (this.keep(e)) this.buffer.push(e);
    if (e.t === 'result') {
      this.ended = true;
      if (!this.sessionKnown) this.resolveSession(e.sessionId);
      this.resolveFinished(e);
    }
    for (const w of [...this.waiters]) w();
    this._onEvent.fire(e);
    if (this.ended) this._onEvent.dispose();
  }

  /** Whether an event fits the budget; the first one that does not leaves a notice where the record is cut. */
  private keep(e: AgentEvent): boolean {
    if (ALWAYS_KEPT.has(e.t)) return true;
    const size =
      e.t === 'text' || e.t === 'thinking'
        ? e.text.length
        : e.t === 'tool_result'
          ? (e.output?.length ?? 0) + SMALL_EVENT_CHARS
          : SMALL_EVENT_CHARS;
    if (this.keptChars + size <= this.maxKeptChars) {
      this.keptChars += size;
      return true;
    }
    if (this.droppedEvents === 0)
      this.buffer.push({
        t: 'notice',
        runId: e.runId,
        level: 'warn',
        message: `output cut here: this run printed more than ${this.maxKeptChars} characters; the rest is not kept`,
      });
    this.droppedEvents++;
    this.droppedChars += size;
    return false;
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
