import { vscode } from '../vscodeApi';
import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  ProbeResult,
  StartRequest,
} from '../../core/agents/agentBackend';
import {
  ChatModelError,
  type ChatMessage,
  type ChatModel,
  type ChatStreamPart,
  type ToolSpec,
} from '../../core/agents/chatModel';
import type { BackendRegistration } from '../../core/agents/backendRegistry';
import { startToolLoopRun, type ToolLoopOptions } from '../../core/agents/toolLoopRun';
import { VSCODE_LM_BACKEND_INFO } from './vscodeLmInfo';

/** Which `vscode.lm` model to use (any subset; the first match wins). */
export type VsCodeLmSelector = vscode.LanguageModelChatSelector;

/** Converts the loop's history to `vscode.lm` messages (the API has no system role: it goes first as a user turn). */
function toLmMessages(messages: readonly ChatMessage[]): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'user':
        out.push(vscode.LanguageModelChatMessage.User(m.content));
        break;
      case 'assistant': {
        const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
        if (m.content) parts.push(new vscode.LanguageModelTextPart(m.content));
        for (const c of m.toolCalls ?? [])
          parts.push(new vscode.LanguageModelToolCallPart(c.callId, c.name, c.input ?? {}));
        out.push(vscode.LanguageModelChatMessage.Assistant(parts));
        break;
      }
      case 'tool':
        out.push(
          vscode.LanguageModelChatMessage.User([
            new vscode.LanguageModelToolResultPart(m.callId, [new vscode.LanguageModelTextPart(m.content)]),
          ]),
        );
        break;
    }
  }
  return out;
}

/**
 * A `vscode.lm` chat model behind the core's `ChatModel` seam, so the shared tool loop drives it exactly like
 * an OpenAI-compatible endpoint (agent-backends.md §2.6). Cancellation maps the loop's AbortSignal onto a
 * CancellationToken.
 */
export class VsCodeLmChatModel implements ChatModel {
  readonly backend = VSCODE_LM_BACKEND_INFO.id;
  readonly modelId: string;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.modelId = model.id;
  }

  async *stream(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    signal: AbortSignal,
  ): AsyncGenerator<ChatStreamPart> {
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await this.model.sendRequest(
          toLmMessages(messages),
          {
            tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters })),
            toolMode: vscode.LanguageModelChatToolMode.Auto,
            justification: 'SpecTask runs a coding agent on your task.',
          },
          cts.token,
        );
      } catch (err) {
        const code = err instanceof vscode.LanguageModelError ? ` (${err.code})` : '';
        throw new ChatModelError(`VS Code language model request failed${code}: ${(err as Error).message}`);
      }
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) yield { type: 'text', text: part.value };
        else if (part instanceof vscode.LanguageModelToolCallPart) {
          const input =
            part.input && typeof part.input === 'object' && !Array.isArray(part.input)
              ? (part.input as Record<string, unknown>)
              : undefined;
          yield {
            type: 'tool_call',
            call: { callId: part.callId, name: part.name, input, rawArguments: JSON.stringify(part.input ?? null) },
          };
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      cts.dispose();
    }
  }
}

/**
 * The VS Code Language Model API back-end: any model the user has in VS Code (Copilot, bring-your-own-key
 * providers), driven by the same in-house tool loop, permission policy and worktree boundary as the
 * OpenAI-compatible back-end. No sessions on the provider side: resume replays the saved history.
 */
export class VsCodeLmBackend implements AgentBackend {
  readonly id = VSCODE_LM_BACKEND_INFO.id;
  readonly label = VSCODE_LM_BACKEND_INFO.label;
  readonly capabilities: BackendCapabilities = VSCODE_LM_BACKEND_INFO.capabilities;

  constructor(
    private readonly selector: VsCodeLmSelector = {},
    private readonly loopOptions: ToolLoopOptions = {},
  ) {}

  async probe(): Promise<ProbeResult> {
    const models = await vscode.lm.selectChatModels(this.selector);
    if (!models.length)
      return {
        available: false,
        problem: `No VS Code language model matches ${JSON.stringify(this.selector)}. Install and sign in to a model provider (for example GitHub Copilot).`,
      };
    return { available: true, binary: `${models[0]!.vendor}/${models[0]!.id}`, version: models[0]!.version };
  }

  start(req: StartRequest): AgentRun {
    // Model selection is async but `start` returns a run at once: the model is resolved on the first request.
    const selector = req.model ? { ...this.selector, id: req.model } : this.selector;
    return startToolLoopRun(this.id, new LazyLmModel(selector), req, this.loopOptions);
  }

  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
}

/** Selects the model on first use, then delegates. */
class LazyLmModel implements ChatModel {
  readonly backend = VSCODE_LM_BACKEND_INFO.id;
  private inner: VsCodeLmChatModel | undefined;

  constructor(private readonly selector: VsCodeLmSelector) {}

  get modelId(): string {
    return this.inner?.modelId ?? this.selector.id ?? this.selector.family ?? VSCODE_LM_BACKEND_INFO.id;
  }

  async *stream(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    signal: AbortSignal,
  ): AsyncGenerator<ChatStreamPart> {
    if (!this.inner) {
      const [model] = await vscode.lm.selectChatModels(this.selector);
      if (!model) throw new ChatModelError(`no VS Code language model matches ${JSON.stringify(this.selector)}`);
      this.inner = new VsCodeLmChatModel(model);
    }
    yield* this.inner.stream(messages, tools, signal);
  }
}

/** The VS Code LM back-end in the registry (the extension's registry only: it needs VS Code). */
export const VSCODE_LM_BACKEND: BackendRegistration = {
  ...VSCODE_LM_BACKEND_INFO,
  create: (cfg) => new VsCodeLmBackend({}, cfg.host ? { host: cfg.host } : {}),
};
