import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import { EXTENSION_BACKENDS } from '../agents/extensionBackends';
import type { BackendCatalog } from '../services/backends';
import { notificationText } from '../views/notificationText';
import { backendRefusalText } from '../views/backendStatusText';

/** The button that opens Configure Agent Back-ends (the command `spectask.backends.configure`). */
export const CONFIGURE_BACKENDS_LABEL = 'Configure Agent Back-ends';

/**
 * Why `id` cannot run now, in one sentence, or `undefined` when its probe says it is available. Asked
 * before a SpecTask is created or started, so the user never sees an agent "working" that cannot start.
 * One sentence per cause, whatever was attempted ("Claude Code cannot run: …", the same words the path-change
 * confirmation uses): VS Code replaces a notification with the same message and buttons instead of adding
 * one, so a bad path and the Start it then refuses leave one notification, not two saying the same thing.
 */
export async function backendRefusal(catalog: BackendCatalog, id: BackendId): Promise<string | undefined> {
  if (!EXTENSION_BACKENDS.has(id)) return `There is no agent back-end '${id}'.`;
  await catalog.searchReady();
  const result = await catalog
    .get(id)
    .probe()
    .catch((e: unknown) => ({ available: false, problem: e instanceof Error ? e.message : String(e) }));
  return result.available ? undefined : backendRefusalText(EXTENSION_BACKENDS.label(id), 'run', result.problem);
}

/** Shows a refusal with the button that leads to the fix; not awaited by callers. */
export function showBackendRefusal(text: string): void {
  void vscode.window.showWarningMessage(notificationText(text), CONFIGURE_BACKENDS_LABEL).then((choice) => {
    if (choice === CONFIGURE_BACKENDS_LABEL) void vscode.commands.executeCommand('spectask.backends.configure');
  });
}

/** True (after telling the user why, with the Configure button) when `id` cannot run now. */
export async function refuseUnavailableBackend(catalog: BackendCatalog, id: BackendId): Promise<boolean> {
  const refusal = await backendRefusal(catalog, id);
  if (refusal) showBackendRefusal(refusal);
  return !!refusal;
}
