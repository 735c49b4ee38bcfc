/**
 * Every command the extension contributes, in one typed map (house rule 4). This file does not import
 * `vscode` so the unit tier can check that package.json `contributes.commands` stays in sync with it.
 */
export const COMMANDS = {
  'spectask.tasks.refresh': { title: 'Refresh SpecTasks', icon: '$(refresh)' },
  'spectask.fleet.open': { title: 'Open Fleet Dashboard', icon: '$(dashboard)' },
  'spectask.log.show': { title: 'Show Log', icon: '$(output)' },
} as const satisfies Record<string, { title: string; icon?: string }>;

export type CommandId = keyof typeof COMMANDS;

/** The argument tuple each command accepts. Palette invocations pass nothing, so every argument is optional. */
export interface CommandArgs {
  'spectask.tasks.refresh': [];
  'spectask.fleet.open': [];
  'spectask.log.show': [];
}

/** Compile-time check: CommandArgs names exactly the commands in COMMANDS. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const commandArgsCoverCommands: Exact<keyof CommandArgs, CommandId> = true;

export const COMMAND_CATEGORY = 'SpecTask';
