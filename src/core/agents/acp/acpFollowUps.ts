import type * as acp from '@agentclientprotocol/sdk';
import { num, obj } from '../cliAdapter';
import { MessageQueue } from '../agentMessages';

/** Prompt responses after which a person's message is delivered: the agent ended its turn by itself. */
const CONTINUABLE = new Set(['end_turn', 'max_tokens', 'max_turn_requests']);

/**
 * The prompt turns of one ACP run: the phase's prompt, then, while messages came in during a turn, each as
 * another `session/prompt` on the same session (ACP agents take no input mid-turn). Its value is the last
 * turn's response with the `usage` of every turn added up, so the run's result is the last turn's verdict.
 */
export async function promptTurns(
  ctx: acp.ClientContext,
  sessionId: string,
  text: string,
  queue: MessageQueue,
  stopped: () => boolean,
  /** Called before each turn after the first (the run's final text is the last turn's). */
  nextTurn: () => void,
): Promise<unknown> {
  const usage: Record<string, number> = {};
  let response = await ctx.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] });
  for (;;) {
    addUsage(usage, obj(obj(response)?.usage));
    const next = !stopped() && CONTINUABLE.has(String(obj(response)?.stopReason)) ? queue.take() : undefined;
    if (next === undefined) break;
    nextTurn();
    response = await ctx.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: next }] });
  }
  return Object.keys(usage).length ? { ...obj(response), usage } : response;
}

function addUsage(total: Record<string, number>, u: Record<string, unknown> | undefined): void {
  for (const k of ['inputTokens', 'outputTokens', 'cachedReadTokens']) {
    const n = num(u?.[k]);
    if (n !== undefined) total[k] = (total[k] ?? 0) + n;
  }
}
