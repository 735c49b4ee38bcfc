import { vscode } from './vscodeApi';
import type { CommandArgs, CommandId } from './commandIds';

/** Register a command through the typed map; the handler's parameters are checked against CommandArgs. */
export function registerCommand<K extends CommandId>(
  id: K,
  handler: (...args: Partial<CommandArgs[K]>) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) => handler(...(args as Partial<CommandArgs[K]>)));
}

/** Run one of our own commands with typed arguments. */
export function executeCommand<K extends CommandId>(id: K, ...args: CommandArgs[K]): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
