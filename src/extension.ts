import type * as vscode from 'vscode';
import { createExtension, type SpecTaskApi } from './vscode/createExtension';

export function activate(context: vscode.ExtensionContext): SpecTaskApi {
  const { disposable, api } = createExtension(context);
  context.subscriptions.push(disposable); // exactly one root disposable
  return api;
}

export function deactivate(): void {
  // Everything is released through the root disposable pushed in activate().
}
