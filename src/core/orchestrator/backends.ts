import type { AgentBackend } from '../agents/agentBackend';
import type { BackendConfig } from '../agents/backendRegistry';
import { BUILTIN_BACKENDS } from '../agents/builtinBackends';

export type { BackendConfig } from '../agents/backendRegistry';

/**
 * Every back-end that runs outside VS Code (the VS Code LM back-end is added by the extension), built from
 * the registry. A back-end whose binary or key is missing is still listed: its probe() says why it cannot
 * run; one not configured at all (no custom command) is left out.
 */
export function createProcessBackends(cfg: BackendConfig): AgentBackend[] {
  return BUILTIN_BACKENDS.list().flatMap((b) => b.create(cfg) ?? []);
}
