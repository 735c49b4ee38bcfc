import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  EndpointConfig,
  ProbeResult,
  StartRequest,
} from './agentBackend';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { urlOrigin } from './keyOrigin';
import { OpenAiChatModel } from './openAiChatModel';
import { startToolLoopRun, TOOL_LOOP_CAPABILITIES, type ToolLoopOptions } from './toolLoopRun';

export interface OpenAiCompatBackendOptions extends ToolLoopOptions {
  /** Default endpoint (a request's `endpoint` fields win). */
  endpoint?: EndpointConfig;
  /** Default model name. */
  model?: string;
  fetch?: typeof fetch;
}

/** What every surface shows of the OpenAI-compatible back-end. */
export const OPENAI_COMPAT_BACKEND_INFO: BackendInfo = {
  id: 'openai-compat',
  label: 'OpenAI-compatible endpoint',
  description: "An OpenAI-compatible chat-completions endpoint with SpecTask's own tool loop",
  capabilities: TOOL_LOOP_CAPABILITIES,
  order: 40,
};

/**
 * Any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, OpenRouter, Helix) driven by the in-house
 * tool loop: our tools, our permission policy, our worktree boundary.
 */
export class OpenAiCompatBackend implements AgentBackend {
  readonly id = OPENAI_COMPAT_BACKEND_INFO.id;
  readonly label = OPENAI_COMPAT_BACKEND_INFO.label;
  readonly capabilities: BackendCapabilities = OPENAI_COMPAT_BACKEND_INFO.capabilities;

  constructor(private readonly opts: OpenAiCompatBackendOptions = {}) {}

  async probe(): Promise<ProbeResult> {
    const ep = this.opts.endpoint;
    if (!ep?.baseUrl)
      return {
        available: false,
        problem: 'OpenAI-compatible endpoint: no base URL configured (e.g. http://localhost:11434/v1 for Ollama).',
      };
    if (!this.opts.model) return { available: false, problem: 'OpenAI-compatible endpoint: no model name configured.' };
    try {
      // Availability only: no Authorization and no configured headers, so the probe never sends a credential
      // (a probe runs on activation and on every settings change, before the user has looked at the URL).
      await (this.opts.fetch ?? fetch)(`${ep.baseUrl.replace(/\/+$/, '')}/models`, {
        signal: AbortSignal.timeout(5000),
      });
      return { available: true, binary: ep.baseUrl };
    } catch (err) {
      return {
        available: false,
        problem: `OpenAI-compatible endpoint ${ep.baseUrl} is not reachable: ${(err as Error).message}`,
      };
    }
  }

  start(req: StartRequest): AgentRun {
    const ep = { ...this.opts.endpoint, ...req.endpoint };
    // The configured key belongs to the configured endpoint: a request naming another origin gets only its own.
    if (
      req.endpoint?.apiKey === undefined &&
      urlOrigin(ep.baseUrl ?? '') !== urlOrigin(this.opts.endpoint?.baseUrl ?? '')
    )
      ep.apiKey = undefined;
    const model = req.model ?? this.opts.model;
    if (!ep.baseUrl || !model) throw new Error('OpenAI-compatible back-end: a base URL and a model are required');
    const chat = new OpenAiChatModel({
      baseUrl: ep.baseUrl,
      apiKey: ep.apiKey,
      headers: ep.headers,
      model,
      fetch: this.opts.fetch,
    });
    return startToolLoopRun(this.id, chat, req, this.opts);
  }

  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
}

/** The OpenAI-compatible back-end in the registry. */
export const OPENAI_COMPAT_BACKEND: BackendRegistration = {
  ...OPENAI_COMPAT_BACKEND_INFO,
  create: (cfg) =>
    new OpenAiCompatBackend({
      endpoint: { baseUrl: cfg.openai?.baseUrl, apiKey: cfg.openai?.apiKey },
      model: cfg.openai?.model,
      ...runEnvironment(cfg),
    }),
};
