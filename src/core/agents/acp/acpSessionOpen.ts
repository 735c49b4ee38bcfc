import type * as acp from '@agentclientprotocol/sdk';
import { obj, str } from '../cliAdapter';
import { assertSafeSessionId } from '../sessionId';

/** What the run needs from the agent's `initialize` answer to open a session. */
interface SessionCaps {
  loadSession?: boolean;
  sessionCapabilities?: { resume?: unknown } | null;
}

/** How the run opens its session; `replaying` brackets `session/load`, whose history updates are not this run's. */
export interface SessionOpening {
  ctx: acp.ClientContext;
  caps: SessionCaps | undefined;
  cwd: string;
  extra: { additionalDirectories?: readonly string[] };
  resumeId: string | undefined;
  replaying(on: boolean): void;
  notice(level: 'info' | 'warn', message: string): void;
}

/**
 * Resumes the ledger's session where the agent offers it (`session/resume`, else `session/load`), or opens a new
 * one. A session the agent no longer has (never saved: the run was killed before its first answer; removed; made
 * on another machine) is refused by the agent (−32002 "Resource not found", gemini's "No previous sessions found"):
 * the run then starts a new session with a notice, instead of failing, and every retry with it.
 */
export async function openAcpSession(o: SessionOpening): Promise<{ sessionId: string; opened: unknown }> {
  const { ctx, caps, cwd, extra, resumeId } = o;
  const base = { cwd, mcpServers: [], ...extra };
  if (resumeId !== undefined && (caps?.sessionCapabilities?.resume || caps?.loadSession)) {
    const sessionId = assertSafeSessionId(resumeId);
    try {
      if (caps?.sessionCapabilities?.resume)
        return { sessionId, opened: await ctx.request('session/resume', { sessionId, ...base }) };
      o.replaying(true);
      try {
        return { sessionId, opened: await ctx.request('session/load', { sessionId, ...base }) };
      } finally {
        o.replaying(false);
      }
    } catch (e) {
      const why = rpcError(e) ?? (e as Error).message;
      o.notice('warn', `the agent could not resume session ${sessionId} (${why}): this run starts a new one`);
    }
  } else if (resumeId !== undefined) o.notice('warn', 'the agent cannot resume sessions: this run starts a new one');
  const opened = await ctx.request('session/new', base);
  return { sessionId: (opened as { sessionId: string }).sessionId, opened };
}

/** A JSON-RPC error the agent answered, in one line with its details (`Internal error [-32603]: No previous…`). */
export function rpcError(error: unknown): string | undefined {
  const e = obj(error);
  if (!e || typeof e.code !== 'number') return undefined;
  const data = obj(e.data);
  const detail = str(data?.details) ?? str(data?.message) ?? str(data?.startupFailureReason);
  const auth = e.code === -32000 ? ' (authentication required: sign the agent in once on this machine)' : '';
  return `${str(e.message) ?? 'error'} [${e.code}]${detail ? `: ${detail}` : ''}${auth}`;
}
