import type { AgentBackend } from '../agents/agentBackend';
import { createClaudeBackend } from '../agents/claudeBackend';
import { createCodexBackend } from '../agents/codexBackend';
import { CustomCommandBackend } from '../agents/customCommandBackend';
import type { CustomCommandTemplate } from '../agents/customCommandAdapter';
import { createGeminiBackend } from '../agents/geminiBackend';
import { OpenAiCompatBackend } from '../agents/openAiCompatBackend';

/** Where each process-based back-end is and how it authenticates; shared by the CLI and the extension. */
export interface BackendConfig {
  claudePath?: string;
  codexPath?: string;
  geminiPath?: string;
  openai?: { baseUrl?: string; model?: string; apiKey?: string };
  custom?: CustomCommandTemplate;
  /** The environment agents' allow-lists copy from (default process.env). */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * Every back-end that runs outside VS Code (the VS Code LM back-end is added by the extension). A back-end
 * whose binary or key is missing is still listed: its probe() says why it cannot run.
 */
export function createProcessBackends(cfg: BackendConfig): AgentBackend[] {
  const env = cfg.sourceEnv ? { sourceEnv: cfg.sourceEnv } : {};
  const list: AgentBackend[] = [
    createClaudeBackend({ binary: cfg.claudePath || undefined, ...env }),
    createCodexBackend({ binary: cfg.codexPath || undefined, ...env }),
    createGeminiBackend({ binary: cfg.geminiPath || undefined, ...env }),
    new OpenAiCompatBackend({
      endpoint: { baseUrl: cfg.openai?.baseUrl, apiKey: cfg.openai?.apiKey },
      model: cfg.openai?.model,
      ...env,
    }),
  ];
  if (cfg.custom) list.push(new CustomCommandBackend('Custom command', cfg.custom, env));
  return list;
}
