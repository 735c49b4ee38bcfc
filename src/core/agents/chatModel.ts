import type { BackendId } from './agentBackend';

/**
 * "A chat model that streams text and tool calls": the narrow seam between the in-house tool loop and a
 * provider. OpenAI-compatible endpoints and `vscode.lm` each implement it; the loop never sees either API.
 */

/** A tool as offered to the model (JSON Schema parameters). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A complete tool call (streamed fragments already assembled). */
export interface ChatToolCall {
  callId: string;
  name: string;
  /** Parsed arguments; `undefined` when the model sent arguments that are not a JSON object. */
  input: Record<string, unknown> | undefined;
  /** The arguments exactly as sent, for replaying the history. */
  rawArguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; callId: string; name: string; content: string };

export type ChatStreamPart =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'tool_call'; call: ChatToolCall }
  /** Usage of this one request. */
  | { type: 'usage'; inputTokens?: number; outputTokens?: number };

/** A provider failure with its HTTP status where there is one. */
export class ChatModelError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChatModelError';
  }
}

/** One model behind the tool loop. */
export interface ChatModel {
  readonly backend: BackendId;
  readonly modelId: string;
  /** Streams one reply; tool calls are yielded complete. Throws `ChatModelError`; honours `signal`. */
  stream(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    signal: AbortSignal,
  ): AsyncIterable<ChatStreamPart>;
}
