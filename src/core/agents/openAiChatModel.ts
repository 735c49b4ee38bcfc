import type { BackendId } from './agentBackend';
import {
  ChatModelError,
  type ChatMessage,
  type ChatModel,
  type ChatStreamPart,
  type ChatToolCall,
  type ToolSpec,
} from './chatModel';
import { plainHttpProblem } from './keyOrigin';
import { readSseData } from './sseReader';

/** Where an OpenAI-compatible server is and how to call it. */
export interface OpenAiChatModelOptions {
  /** e.g. `http://localhost:11434/v1` (Ollama); `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as Bearer; Ollama ignores it but wants it non-empty. */
  apiKey?: string;
  model: string;
  headers?: Record<string, string>;
  /** Injectable for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

function toWire(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content || null,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.callId,
                type: 'function',
                function: { name: c.name, arguments: c.rawArguments },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.callId, content: m.content };
  }
}

/** Parses assembled tool-call arguments; `undefined` unless they are a JSON object. */
export function parseToolArguments(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Chat Completions with streaming (`stream: true`, `stream_options.include_usage`): assembles `delta.content`
 * and the `delta.tool_calls[index]` argument fragments into complete tool calls (agent-backends.md §2.7).
 */
export class OpenAiChatModel implements ChatModel {
  readonly backend: BackendId = 'openai-compat';
  readonly modelId: string;

  constructor(private readonly opts: OpenAiChatModelOptions) {
    this.modelId = opts.model;
  }

  async *stream(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    signal: AbortSignal,
  ): AsyncGenerator<ChatStreamPart> {
    const doFetch = this.opts.fetch ?? fetch;
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    // Refused before any byte is sent: a key over plain http to another machine can be read on the way.
    const insecure = this.opts.apiKey ? plainHttpProblem(url) : undefined;
    if (insecure) throw new ChatModelError(`OpenAI-compatible endpoint ${this.opts.baseUrl}: ${insecure}`);
    const res = await doFetch(url, {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${this.opts.apiKey || 'none'}`,
        ...this.opts.headers,
      },
      body: JSON.stringify({
        model: this.opts.model,
        messages: messages.map(toWire),
        ...(tools.length ? { tools: tools.map((t) => ({ type: 'function', function: t })), tool_choice: 'auto' } : {}),
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 500);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON; keep the text
      }
      throw new ChatModelError(`HTTP ${res.status} from ${url}: ${message}`, res.status);
    }
    const pending = new Map<number, { id: string; name: string; args: string }>();
    for await (const data of readSseData(res.body)) {
      if (data === '[DONE]') break;
      let chunk: {
        choices?: {
          delta?: {
            content?: string | null;
            reasoning_content?: string | null;
            tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
          };
        }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      };
      try {
        chunk = JSON.parse(data);
      } catch {
        continue; // a keep-alive or a provider's odd line; never fatal
      }
      const delta = chunk.choices?.[0]?.delta;
      if (delta?.content) yield { type: 'text', text: delta.content };
      if (delta?.reasoning_content) yield { type: 'thinking', text: delta.reasoning_content };
      for (const tc of delta?.tool_calls ?? []) {
        const i = tc.index ?? 0;
        const cur = pending.get(i) ?? { id: '', name: '', args: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.args += tc.function.arguments;
        pending.set(i, cur);
      }
      if (chunk.usage)
        yield { type: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
    }
    for (const [i, c] of [...pending].sort((a, b) => a[0] - b[0])) {
      const call: ChatToolCall = {
        callId: c.id || `call_${i}`,
        name: c.name,
        input: parseToolArguments(c.args),
        rawArguments: c.args,
      };
      yield { type: 'tool_call', call };
    }
  }
}
