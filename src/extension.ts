import type * as vscode from 'vscode';
import { activationTiming, markModuleEvaluated, type ActivationTiming } from './vscode/activationTiming';
import { createExtension, type SpecTaskApi } from './vscode/createExtension';

markModuleEvaluated(); // every module of the bundle has been evaluated by now

export function activate(context: vscode.ExtensionContext): SpecTaskApi & { readonly timing: ActivationTiming } {
  const started = performance.now();
  const { disposable, api } = createExtension(context);
  context.subscriptions.push(disposable); // exactly one root disposable
  return Object.assign(api, { timing: activationTiming(started, performance.now()) });
}

export function deactivate(): void {
  // Everything is released through the root disposable pushed in activate().
}
