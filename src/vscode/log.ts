import { vscode } from './vscodeApi';

/** The extension's one output channel. Created by the composition root and passed to whoever logs. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('SpecTask Orchestrator', { log: true });
}
