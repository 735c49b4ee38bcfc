import { buildExports } from './api/apiExports';
import { activationTiming, markModuleEvaluated, type ActivationTiming } from './vscode/activationTiming';
import { createExtension, type SpecTaskApi } from './vscode/createExtension';
import type { SpecTaskExtensionExports } from './api/spectaskApi';
import { vscode } from './vscode/vscodeApi';

markModuleEvaluated(); // every module of the bundle has been evaluated by now

/**
 * Other extensions get `{ getApi(1) }` (src/api/spectaskApi.ts). The test hooks (SpecTaskApi) and the activation
 * timing join it only while VS Code runs the extension's tests (ExtensionMode.Test).
 */
export function activate(
  context: vscode.ExtensionContext,
): SpecTaskExtensionExports | (SpecTaskExtensionExports & SpecTaskApi & { readonly timing: ActivationTiming }) {
  const started = performance.now();
  const { disposable, api: hooks, service, onDidChangeFleet } = createExtension(context);
  context.subscriptions.push(disposable); // exactly one root disposable
  const timing = activationTiming(started, performance.now());
  return buildExports({
    service,
    onDidChangeFleet,
    testMode: context.extensionMode === vscode.ExtensionMode.Test,
    testHooks: () => Object.assign(hooks, { timing }),
  });
}

export function deactivate(): void {
  // Everything is released through the root disposable pushed in activate().
}
