import { ACP_BACKEND } from './acp/acpBackend';
import { BackendRegistry } from './backendRegistry';
import { CLAUDE_BACKEND } from './claudeBackend';
import { CODEX_BACKEND } from './codexBackend';
import { CUSTOM_BACKEND } from './customCommandBackend';
import { GEMINI_BACKEND } from './geminiBackend';
import { OPENAI_COMPAT_BACKEND } from './openAiCompatBackend';

/**
 * The back-ends that run without VS Code, the CLI's whole list. The extension adds the VS Code LM back-end
 * (src/vscode/agents/extensionBackends.ts); a new back-end registers here or in its own layer, nowhere else.
 */
export const BUILTIN_BACKENDS = new BackendRegistry([
  CLAUDE_BACKEND,
  CODEX_BACKEND,
  GEMINI_BACKEND,
  OPENAI_COMPAT_BACKEND,
  ACP_BACKEND,
  CUSTOM_BACKEND,
]);
