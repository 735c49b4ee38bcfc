/**
 * A scripted ACP agent built with the SDK's agent side, started as a child process by the ACP back-end's
 * unit tests. `ACP_SCENARIO` picks what its one prompt turn does; everything the client sent or answered is
 * appended to `ACP_SCRIPT_LOG` as JSON lines, for the tests to check.
 */
import * as acp from '@agentclientprotocol/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';

const scenario = process.env.ACP_SCENARIO ?? 'basic';
const logFile = process.env.ACP_SCRIPT_LOG;
const log = (entry: Record<string, unknown>) => {
  if (logFile) fs.appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
};
/** A line written around the SDK, for what the SDK itself would never send. */
const raw = (line: string) => process.stdout.write(`${line}\n`);

let cancelled: () => void = () => undefined;
let cancelSeen = new Promise<void>((r) => (cancelled = r));

type Ctx = { client: acp.AgentContext };
const update = (ctx: Ctx, sessionId: string, u: Record<string, unknown>) =>
  ctx.client.notify('session/update', { sessionId, update: u as acp.SessionUpdate });
const ask = async (ctx: Ctx, sessionId: string, toolCall: Record<string, unknown>) => {
  const r = await ctx.client.request('session/request_permission', {
    sessionId,
    toolCall: toolCall as acp.ToolCallUpdate,
    options: [
      { optionId: 'yes', name: 'Allow', kind: 'allow_once' },
      { optionId: 'always', name: 'Always', kind: 'allow_always' },
      { optionId: 'no', name: 'Reject', kind: 'reject_once' },
    ],
  });
  log({ permission: toolCall.toolCallId, outcome: r.outcome });
  return r.outcome.outcome === 'selected' && r.outcome.optionId === 'yes';
};
const text = (t: string) => ({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: t } });

async function prompt(ctx: Ctx, sessionId: string, cwd: string): Promise<acp.StopReason> {
  switch (scenario) {
    case 'unknown-session':
      await update(ctx, sessionId, text('a fresh start'));
      return 'end_turn';
    case 'basic': {
      await update(ctx, sessionId, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } });
      raw('this is not json');
      raw(
        JSON.stringify({
          jsonrpc: '2.0',
          method: 'session/update',
          params: { sessionId, update: { sessionUpdate: 'from_the_future', x: 1 } },
        }),
      );
      try {
        await ctx.client.request('fs/read_text_file', { sessionId, path: path.join(cwd, 'x') });
        log({ fsRead: 'answered' });
      } catch (err) {
        log({ fsRead: (err as { code?: number }).code });
      }
      const call = {
        toolCallId: 'w1',
        title: 'Write hello.txt',
        kind: 'edit',
        status: 'pending',
        locations: [{ path: path.join(cwd, 'hello.txt') }],
        rawInput: { file_path: 'hello.txt' },
      };
      await update(ctx, sessionId, { sessionUpdate: 'tool_call', ...call });
      if (await ask(ctx, sessionId, call)) {
        fs.writeFileSync(path.join(cwd, 'hello.txt'), 'hello\n');
        await update(ctx, sessionId, {
          sessionUpdate: 'tool_call_update',
          toolCallId: 'w1',
          status: 'completed',
          content: [{ type: 'diff', path: path.join(cwd, 'hello.txt'), oldText: null, newText: 'hello\n' }],
        });
      }
      const outside = {
        toolCallId: 'w2',
        title: 'Write /etc/x',
        kind: 'edit',
        locations: [{ path: '/etc/spectask-x' }],
      };
      await update(ctx, sessionId, { sessionUpdate: 'tool_call', ...outside, status: 'pending' });
      await ask(ctx, sessionId, outside);
      await update(ctx, sessionId, { sessionUpdate: 'tool_call_update', toolCallId: 'w2', status: 'failed' });
      await update(ctx, sessionId, {
        sessionUpdate: 'plan',
        entries: [
          { content: 'write hello', priority: 'high', status: 'completed' },
          { content: 'tick T1', priority: 'medium', status: 'pending' },
        ],
      });
      await update(ctx, sessionId, {
        sessionUpdate: 'usage_update',
        used: 1200,
        size: 200000,
        cost: { amount: 0.25, currency: 'USD' },
      });
      await update(ctx, sessionId, text('Done.'));
      return 'end_turn';
    }
    case 'commands': {
      for (const [id, command] of [
        ['c1', 'git status'],
        ['c2', 'rm -rf build'],
        ['c3', 'git status; rm -rf ~'],
      ]) {
        const call = { toolCallId: id, title: command, kind: 'execute', rawInput: { command } };
        await update(ctx, sessionId, { sessionUpdate: 'tool_call', ...call, status: 'pending' });
        await ask(ctx, sessionId, call);
      }
      await update(ctx, sessionId, {
        sessionUpdate: 'tool_call',
        toolCallId: 'f1',
        title: 'fetch',
        kind: 'fetch',
        status: 'pending',
      });
      await ask(ctx, sessionId, { toolCallId: 'f1' });
      return 'end_turn';
    }
    case 'person': {
      // Two fetches the permission level cannot decide: a person answers; the second one repeats the first.
      for (const id of ['q1', 'q2']) {
        const call = { toolCallId: id, title: 'Fetch https://example.com', kind: 'fetch' };
        await update(ctx, sessionId, { sessionUpdate: 'tool_call', ...call, status: 'pending' });
        if (!(await ask(ctx, sessionId, call))) continue;
        fs.appendFileSync(path.join(cwd, 'fetched.txt'), `${id}\n`);
        await update(ctx, sessionId, { sessionUpdate: 'tool_call_update', toolCallId: id, status: 'completed' });
      }
      await update(ctx, sessionId, text('fetched'));
      return 'end_turn';
    }
    case 'huge': {
      await update(ctx, sessionId, {
        sessionUpdate: 'tool_call',
        toolCallId: 'h1',
        title: 'cat big',
        kind: 'read',
        status: 'in_progress',
      });
      const big = 'x'.repeat(2 * 1024 * 1024);
      await update(ctx, sessionId, {
        sessionUpdate: 'tool_call_update',
        toolCallId: 'h1',
        status: 'completed',
        content: [{ type: 'content', content: { type: 'text', text: big } }],
      });
      await update(ctx, sessionId, text('read it'));
      return 'end_turn';
    }
    case 'crash': {
      await update(ctx, sessionId, text('working'));
      process.stderr.write('scripted agent: boom\n');
      process.exit(3);
    }
    // falls through (never reached)
    case 'cancel': {
      // A permission request left pending, answered `cancelled` on Stop; then one more after the cancel.
      const call = { toolCallId: 'p1', title: 'fetch something', kind: 'fetch' };
      await update(ctx, sessionId, { sessionUpdate: 'tool_call', ...call, status: 'pending' });
      const first = ask(ctx, sessionId, call);
      await cancelSeen;
      await first;
      await ask(ctx, sessionId, {
        toolCallId: 'p2',
        title: 'after cancel',
        kind: 'edit',
        locations: [{ path: path.join(cwd, 'late.txt') }],
      });
      return 'cancelled';
    }
    case 'ignore-cancel': {
      await update(ctx, sessionId, text('busy'));
      await new Promise(() => undefined);
      return 'end_turn';
    }
    default:
      return 'refusal';
  }
}

acp
  .agent({ name: 'scripted' })
  .onRequest('initialize', (ctx) => {
    log({ initialize: ctx.params });
    return {
      protocolVersion: acp.PROTOCOL_VERSION,
      agentCapabilities: {
        loadSession: scenario === 'load',
        sessionCapabilities: { additionalDirectories: {}, ...(scenario === 'load' ? {} : { resume: {} }) },
      },
      agentInfo: { name: 'scripted', version: '9.9.9' },
    };
  })
  .onRequest('session/new', (ctx) => {
    log({ new: ctx.params });
    if (scenario === 'auth') throw new acp.RequestError(-32000, 'Authentication required');
    return { sessionId: 'sess-1' };
  })
  .onRequest('session/resume', (ctx) => {
    log({ resume: ctx.params });
    // The agent never saved that session (a run killed before its first answer): claude-agent-acp's answer.
    if (scenario === 'unknown-session') throw new acp.RequestError(-32002, 'Resource not found');
    return {};
  })
  .onRequest('session/load', async (ctx) => {
    log({ load: ctx.params });
    await update(ctx, ctx.params.sessionId, text('old history'));
    return {};
  })
  .onRequest('session/prompt', async (ctx) => {
    log({ prompt: ctx.params });
    const stopReason = await prompt(ctx, ctx.params.sessionId, process.cwd());
    return { stopReason };
  })
  .onNotification('session/cancel', (ctx) => {
    log({ cancel: ctx.params });
    cancelled();
    cancelSeen = Promise.resolve();
  })
  .connect(
    acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>),
  );
