import type { AgentRun } from './agentBackend';

/**
 * Messages to a running agent (issue 20): a person's follow-up prompt for the task's live run. Every back-end
 * takes it at the end of the agent's current turn (none accepts input mid-turn): ACP sends another
 * `session/prompt` on the same session, the CLIs get a resumed turn (followUpRun.ts), the own tool loop appends
 * it to its conversation. A message is untrusted text (it comes from a webview or an input box): checked here,
 * once, for every path.
 */

/** The largest message, in UTF-8 bytes: a follow-up prompt, not a document. */
export const MAX_AGENT_MESSAGE_BYTES = 8 * 1024;

/** What became of a message: taken (recorded in the transcript, delivered at the next turn) or refused, with why. */
export type MessageOutcome = { accepted: true } | { accepted: false; reason: string };

/** A run that takes messages while it is live. */
export interface MessageTaker {
  /** `text` is already checked ({@link checkAgentMessage}). */
  sendMessage(text: string): MessageOutcome;
}

export function takesMessages(run: AgentRun | undefined): run is AgentRun & MessageTaker {
  return !!run && typeof (run as Partial<MessageTaker>).sendMessage === 'function';
}

/** The message as the agent gets it, or why it is refused: not a string, empty, too large. */
export function checkAgentMessage(text: unknown): { text: string } | { error: string } {
  if (typeof text !== 'string') return { error: 'a message must be text' };
  const trimmed = text.trim();
  if (!trimmed) return { error: 'the message is empty' };
  const bytes = Buffer.byteLength(trimmed, 'utf8');
  if (bytes > MAX_AGENT_MESSAGE_BYTES)
    return { error: `the message is too long (${bytes} bytes; at most ${MAX_AGENT_MESSAGE_BYTES})` };
  return { text: trimmed };
}

/** Hands a message to a task's live run: refused, saying why, when none is live or its back-end takes none. */
export function messageLiveRun(run: AgentRun | undefined, text: unknown): MessageOutcome {
  const checked = checkAgentMessage(text);
  if ('error' in checked) return { accepted: false, reason: checked.error };
  if (!run) return { accepted: false, reason: 'no run of this SpecTask is live: there is no agent to tell' };
  if (!takesMessages(run))
    return { accepted: false, reason: `the ${run.backend} back-end cannot take messages while it runs` };
  return run.sendMessage(checked.text);
}

/**
 * The messages one run holds until the agent's turn ends. `open()` says whether the run can still deliver one
 * (not stopped, not past its last turn); a message taken is recorded at once through `record`.
 */
export class MessageQueue implements MessageTaker {
  private readonly pending: string[] = [];

  constructor(
    private readonly open: () => boolean,
    private readonly record: (text: string, at: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  sendMessage(text: string): MessageOutcome {
    if (!this.open()) return { accepted: false, reason: 'the run is ending: the message was not sent' };
    this.pending.push(text);
    this.record(text, this.now());
    return { accepted: true };
  }

  get size(): number {
    return this.pending.length;
  }

  /** The messages waiting, as one prompt (several sent during one turn go together), and empties the queue. */
  take(): string | undefined {
    if (!this.pending.length) return undefined;
    return this.pending.splice(0).join('\n\n');
  }

  /** Empties the queue: how many messages were never delivered (the run stopped first). */
  drop(): number {
    return this.pending.splice(0).length;
  }
}

/** The notice for messages the agent never got. */
export function undeliveredNotice(n: number, why: string): string {
  return `${n === 1 ? 'a message' : `${n} messages`} to the agent ${n === 1 ? 'was' : 'were'} not delivered: ${why}`;
}
