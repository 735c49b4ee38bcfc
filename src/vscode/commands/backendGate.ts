import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import { EXTENSION_BACKENDS } from '../agents/extensionBackends';
import type { BackendCatalog } from '../services/backends';
import { notificationText } from '../views/notificationText';
import { backendRefusalText } from '../views/backendStatusText';

/** The button that opens Configure Agent Back-ends (the command `spectask.backends.configure`). */
export const CONFIGURE_BACKENDS_LABEL = 'Configure Agent Back-ends';

/**
 * Why `id` cannot `verb` now, in one sentence, or `undefined` when its probe says it is available. Asked
 * before a SpecTask is created or started, so the user never sees an agent "working" that cannot start.
 */
export async function backendRefusal(
  catalog: BackendCatalog,
  id: BackendId,
  verb: string,
): Promise<string | undefined> {
  if (!EXTENSION_BACKENDS.has(id)) return `There is no agent back-end '${id}'.`;
  await catalog.searchReady();
  const result = await catalog
    .get(id)
    .probe()
    .catch((e: unknown) => ({ available: false, problem: e instanceof Error ? e.message : String(e) }));
  return result.available ? undefined : backendRefusalText(EXTENSION_BACKENDS.label(id), verb, result.problem);
}

/** Shows a refusal with the button that leads to the fix; not awaited by callers. */
export function showBackendRefusal(text: string): void {
  void vscode.window.showWarningMessage(notificationText(text), CONFIGURE_BACKENDS_LABEL).then((choice) => {
    if (choice === CONFIGURE_BACKENDS_LABEL) void vscode.commands.executeCommand('spectask.backends.configure');
  });
}

/** True (after telling the user why, with the Configure button) when `id` cannot `verb` now. */
export async function refuseUnavailableBackend(catalog: BackendCatalog, id: BackendId, verb: string): Promise<boolean> {
  const refusal = await backendRefusal(catalog, id, verb);
  if (refusal) showBackendRefusal(refusal);
  return !!refusal;
}
