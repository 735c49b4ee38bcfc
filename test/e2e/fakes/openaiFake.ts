import type * as http from 'node:http';
import {
  FakeServer,
  jsonReply,
  sse,
  startSse,
  textOf,
  type FakeApi,
  type FakeContext,
  type ScriptTurn,
} from './fakeServer';

interface ResponsesBody {
  model?: string;
  stream?: boolean;
  tools?: { name?: string; type?: string }[];
  input?: { type?: string; role?: string; content?: unknown; output?: unknown }[];
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  tools?: { function?: { name?: string } }[];
  messages?: { role: string; content?: unknown }[];
}

function auth(req: http.IncomingMessage): 'bearer' | 'none' {
  return req.headers.authorization ? 'bearer' : 'none';
}

/**
 * OpenAI fake serving both shapes: the Responses API for Codex (turn index = number of `*_call_output` input
 * items) and Chat Completions for the in-house tool loop (turn index = number of `role:"tool"` messages).
 */
export const openaiApi: FakeApi = {
  handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx: FakeContext) {
    const url = (req.url ?? '').replace(/\?.*$/, '');
    if (req.method === 'POST' && url.endsWith('/responses'))
      return responses(req, (body ?? {}) as ResponsesBody, res, ctx);
    if (req.method === 'POST' && url.endsWith('/chat/completions'))
      return chat(req, (body ?? {}) as ChatBody, res, ctx);
    if (req.method === 'GET' && url.endsWith('/models'))
      return jsonReply(res, 200, { object: 'list', data: [], models: [] });
    return jsonReply(res, 404, { error: { message: `no route ${req.method} ${url}` } });
  },
};

function responses(req: http.IncomingMessage, b: ResponsesBody, res: http.ServerResponse, ctx: FakeContext): void {
  const input = b.input ?? [];
  const tools = (b.tools ?? []).map((t) => t.name ?? t.type ?? '?');
  const side = tools.length === 0;
  const turnIndex = input.filter((i) => typeof i.type === 'string' && i.type.endsWith('_call_output')).length;
  const lastItem = input.at(-1);
  ctx.log({
    turn: turnIndex,
    side,
    model: b.model,
    tools,
    auth: auth(req),
    last: textOf(lastItem?.output ?? lastItem?.content).slice(0, 2000),
    stream: !!b.stream,
  });
  const turn: ScriptTurn = side ? { text: 'Fake title' } : (ctx.turn(turnIndex) ?? { text: 'Script finished.' });
  if (turn.hang) return;
  if (turn.error)
    return jsonReply(res, turn.error.status, {
      error: { type: turn.error.type ?? 'invalid_request_error', message: turn.error.message, code: null },
    });
  const id = `resp_fake_${turnIndex}_${Date.now()}`;
  const output: Record<string, unknown>[] = [];
  if (turn.text)
    output.push({
      type: 'message',
      id: `msg_${id}`,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: turn.text, annotations: [] }],
    });
  if (turn.tool)
    output.push({
      type: 'function_call',
      id: `fc_${id}`,
      call_id: `call_fake_${turnIndex}`,
      name: turn.tool.name,
      arguments: JSON.stringify(turn.tool.input),
      status: 'completed',
    });
  const usage = {
    input_tokens: 200 + turnIndex,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 30,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 230 + turnIndex,
  };
  const response = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: b.model,
    output,
    usage,
  };
  if (!b.stream) return jsonReply(res, 200, response);
  startSse(res);
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => sse(res, { type, sequence_number: seq++, ...data }, type);
  ev('response.created', { response: { ...response, status: 'in_progress', output: [] } });
  output.forEach((item, output_index) => {
    if (item.type === 'message') {
      ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      ev('response.content_part.added', {
        output_index,
        item_id: item.id,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
      ev('response.output_text.delta', { output_index, item_id: item.id, content_index: 0, delta: turn.text });
      ev('response.output_text.done', { output_index, item_id: item.id, content_index: 0, text: turn.text });
      ev('response.content_part.done', {
        output_index,
        item_id: item.id,
        content_index: 0,
        part: { type: 'output_text', text: turn.text, annotations: [] },
      });
    } else {
      ev('response.output_item.added', { output_index, item: { ...item, arguments: '', status: 'in_progress' } });
      ev('response.function_call_arguments.delta', { output_index, item_id: item.id, delta: item.arguments });
      ev('response.function_call_arguments.done', { output_index, item_id: item.id, arguments: item.arguments });
    }
    ev('response.output_item.done', { output_index, item });
  });
  ev('response.completed', { response });
  res.end();
}

function chat(req: http.IncomingMessage, b: ChatBody, res: http.ServerResponse, ctx: FakeContext): void {
  const messages = b.messages ?? [];
  const tools = (b.tools ?? []).map((t) => t.function?.name ?? '?');
  const turnIndex = messages.filter((m) => m.role === 'tool').length;
  ctx.log({
    turn: turnIndex,
    side: false,
    model: b.model,
    tools,
    auth: auth(req),
    last: textOf(messages.at(-1)?.content).slice(0, 2000),
    stream: !!b.stream,
  });
  const turn: ScriptTurn = ctx.turn(turnIndex) ?? { text: 'Script finished.' };
  if (turn.hang) return;
  if (turn.error)
    return jsonReply(res, turn.error.status, {
      error: { type: turn.error.type ?? 'invalid_request_error', message: turn.error.message },
    });
  const id = `chatcmpl_fake_${turnIndex}`;
  const created = Math.floor(Date.now() / 1000);
  const finish_reason = turn.tool ? 'tool_calls' : 'stop';
  const toolCall = turn.tool
    ? {
        id: `call_fake_${turnIndex}`,
        type: 'function',
        function: { name: turn.tool.name, arguments: JSON.stringify(turn.tool.input) },
      }
    : undefined;
  const usage = { prompt_tokens: 300 + turnIndex, completion_tokens: 40, total_tokens: 340 + turnIndex };
  if (!b.stream) {
    return jsonReply(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: b.model,
      choices: [
        {
          index: 0,
          finish_reason,
          message: { role: 'assistant', content: turn.text ?? null, tool_calls: toolCall ? [toolCall] : undefined },
        },
      ],
      usage,
    });
  }
  startSse(res);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    sse(res, {
      id,
      object: 'chat.completion.chunk',
      created,
      model: b.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
  chunk({ role: 'assistant', content: '' });
  if (turn.text) {
    // Two pieces, so the client's delta assembly is exercised.
    const mid = Math.floor(turn.text.length / 2);
    chunk({ content: turn.text.slice(0, mid) });
    chunk({ content: turn.text.slice(mid) });
  }
  if (toolCall) {
    const args = toolCall.function.arguments;
    const mid = Math.floor(args.length / 2);
    chunk({
      tool_calls: [
        {
          index: 0,
          id: toolCall.id,
          type: 'function',
          function: { name: toolCall.function.name, arguments: args.slice(0, mid) },
        },
      ],
    });
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(mid) } }] });
  }
  chunk({}, finish_reason);
  sse(res, { id, object: 'chat.completion.chunk', created, model: b.model, choices: [], usage });
  sse(res, '[DONE]');
  res.end();
}

/** Starts the OpenAI fake (Responses + Chat Completions) in `dir`. */
export function startOpenAiFake(dir: string): Promise<FakeServer> {
  return FakeServer.start(openaiApi, dir, 'openai');
}
