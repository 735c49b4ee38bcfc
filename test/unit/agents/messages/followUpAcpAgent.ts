/**
 * A scripted ACP agent (the SDK's agent side) for the messages tests: its first prompt turn says "first" and
 * waits until the file `ACP_GO_FILE` exists (the test sends its message meanwhile); every later turn answers
 * "got: <prompt>". Each prompt the client sent is appended to `ACP_SCRIPT_LOG` as a JSON line.
 */
import * as acp from '@agentclientprotocol/sdk';
import * as fs from 'node:fs';
import { Readable, Writable } from 'node:stream';

const logFile = process.env.ACP_SCRIPT_LOG ?? '';
const goFile = process.env.ACP_GO_FILE ?? '';
let turns = 0;

const say = (ctx: { client: acp.AgentContext }, sessionId: string, text: string) =>
  ctx.client.notify('session/update', {
    sessionId,
    update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } },
  });

acp
  .agent({ name: 'follow-up' })
  .onRequest('initialize', () => ({
    protocolVersion: acp.PROTOCOL_VERSION,
    agentCapabilities: { sessionCapabilities: { additionalDirectories: {} } },
    agentInfo: { name: 'follow-up', version: '1.0.0' },
  }))
  .onRequest('session/new', () => ({ sessionId: 'sess-msg' }))
  .onRequest('session/prompt', async (ctx) => {
    fs.appendFileSync(logFile, `${JSON.stringify({ prompt: ctx.params })}\n`);
    const text = ctx.params.prompt.map((p) => (p.type === 'text' ? p.text : '')).join('');
    if (turns++ === 0) {
      await say(ctx, ctx.params.sessionId, 'first');
      while (!fs.existsSync(goFile)) await new Promise((r) => setTimeout(r, 20));
    } else await say(ctx, ctx.params.sessionId, `got: ${text}`);
    return { stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 1, totalTokens: 11 } };
  })
  .onNotification('session/cancel', () => process.exit(0))
  .connect(
    acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>),
  );
