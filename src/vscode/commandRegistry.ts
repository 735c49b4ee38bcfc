import { vscode } from './vscodeApi';
import { CommandArgumentError, parseCommandArgs, type HandlerArgs } from './commandArgs';
import type { CommandArgs, CommandId } from './commandIds';

/**
 * Register a command through the typed map. What arrives (from a menu, the palette, a keybinding, another
 * extension) is validated first (commandArgs.ts); the handler gets the typed, validated arguments, and a
 * garbage argument gets a clear error message instead of reaching it.
 */
export function registerCommand<K extends CommandId>(
  id: K,
  handler: (...args: HandlerArgs<K>) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...raw: unknown[]) => {
    let args: HandlerArgs<K>;
    try {
      args = parseCommandArgs(id, raw);
    } catch (e) {
      if (!(e instanceof CommandArgumentError)) throw e;
      // Not awaited: the caller (a menu, another extension) must not wait for the message to be dismissed.
      void vscode.window.showErrorMessage(e.message);
      return undefined;
    }
    return handler(...args);
  });
}

/** Run one of our own commands with typed arguments. */
export function executeCommand<K extends CommandId>(id: K, ...args: CommandArgs[K]): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
