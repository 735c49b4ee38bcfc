import type * as http from 'node:http';
import { FakeServer, jsonReply, sse, startSse, textOf, type FakeApi, type FakeContext } from './fakeServer';

interface MessagesBody {
  model?: string;
  stream?: boolean;
  tools?: { name: string }[];
  messages?: { role: string; content: unknown }[];
}

/** Anthropic Messages API (SSE and JSON) for Claude Code. Turn index = number of assistant messages. */
export const anthropicApi: FakeApi = {
  handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx: FakeContext) {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith('/v1/messages'))
      return jsonReply(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'not found' } });
    if (url.startsWith('/v1/messages/count_tokens')) return jsonReply(res, 200, { input_tokens: 42 });
    const b = (body ?? {}) as MessagesBody;
    const messages = b.messages ?? [];
    const auth = req.headers['x-api-key'] ? 'x-api-key' : req.headers.authorization ? 'bearer' : 'none';
    const tools = (b.tools ?? []).map((t) => t.name);
    const side = tools.length === 0;
    const turnIndex = messages.filter((m) => m.role === 'assistant').length;
    const last = textOf(messages.at(-1)?.content);
    ctx.log({ turn: turnIndex, side, model: b.model, tools, auth, last: last.slice(0, 2000), stream: !!b.stream });
    const turn = side ? { text: 'Fake title' } : (ctx.turn(turnIndex) ?? { text: 'Script finished.' });
    if (turn.hang) return; // never answer
    if (turn.error)
      return jsonReply(res, turn.error.status, {
        type: 'error',
        error: { type: turn.error.type ?? 'invalid_request_error', message: turn.error.message },
      });
    const id = `msg_fake_${turnIndex}_${Date.now()}`;
    const content: Record<string, unknown>[] = [];
    if (turn.text) content.push({ type: 'text', text: turn.text });
    if (turn.tool)
      content.push({ type: 'tool_use', id: `toolu_fake_${turnIndex}`, name: turn.tool.name, input: turn.tool.input });
    const stop_reason = turn.tool ? 'tool_use' : 'end_turn';
    const usage = {
      input_tokens: 100 + turnIndex,
      output_tokens: 20,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    };
    if (!b.stream)
      return jsonReply(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model: b.model,
        content,
        stop_reason,
        stop_sequence: null,
        usage,
      });
    startSse(res);
    sse(
      res,
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: b.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
      'message_start',
    );
    content.forEach((block, index) => {
      if (block.type === 'text') {
        sse(
          res,
          { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
          'content_block_start',
        );
        sse(
          res,
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } },
          'content_block_delta',
        );
      } else {
        sse(
          res,
          {
            type: 'content_block_start',
            index,
            content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
          },
          'content_block_start',
        );
        const json = JSON.stringify(block.input);
        const mid = Math.floor(json.length / 2); // split like the real API does, so partial-JSON assembly is exercised
        sse(
          res,
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, mid) } },
          'content_block_delta',
        );
        sse(
          res,
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(mid) } },
          'content_block_delta',
        );
      }
      sse(res, { type: 'content_block_stop', index }, 'content_block_stop');
    });
    sse(
      res,
      {
        type: 'message_delta',
        delta: { stop_reason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      },
      'message_delta',
    );
    sse(res, { type: 'message_stop' }, 'message_stop');
    res.end();
  },
};

/** Starts the Anthropic fake in `dir`. */
export function startAnthropicFake(dir: string): Promise<FakeServer> {
  return FakeServer.start(anthropicApi, dir, 'anthropic');
}
