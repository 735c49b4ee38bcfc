/**
 * The `spectask.*` settings that decide what runs on this machine, with which rights, and where the API key
 * goes. package.json gives them `"scope": "machine"` and lists them under `restrictedConfigurations`, so
 * VS Code ignores a repository's `.vscode/settings.json` for them; the extension still reads them through
 * {@link userLevelValue} so that a workspace or folder value can never win, whatever VS Code passes on.
 */
export const MACHINE_SCOPED_SETTINGS = [
  'agents.claudePath',
  'agents.codexPath',
  'agents.geminiPath',
  'customCommand.template',
  'customCommand.promptOnStdin',
  'agents.permissionLevel',
  'agents.allowedCommands',
  'agents.cpuPriority',
  'openaiCompatible.baseUrl',
  // The integration queue runs the test command on this machine, and hooks are programs too.
  'integration.testCommand',
  'integration.runHooks',
  'agents.acp.agent',
  'agents.acp.agents',
  'agents.sandbox',
  // How long a run may wait on a permission request: a workspace must not make questions wait for ever.
  'agents.permissionTimeoutSeconds',
] as const;

export type MachineScopedSetting = (typeof MACHINE_SCOPED_SETTINGS)[number];

const MACHINE_SCOPED: ReadonlySet<string> = new Set(MACHINE_SCOPED_SETTINGS);

/** True for a key (without the `spectask.` prefix) that only the user's own settings may set. */
export function isMachineScoped(key: string): boolean {
  return MACHINE_SCOPED.has(key);
}

/** The part of VS Code's `WorkspaceConfiguration.inspect()` result this module looks at. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  defaultLanguageValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

/**
 * The user's own value (user settings, or the remote machine's settings, which VS Code reports as the global
 * value there), else the default: every workspace, folder and language-specific value is ignored.
 */
export function userLevelValue<T>(inspected: InspectedSetting<T> | undefined): T | undefined {
  if (!inspected) return undefined;
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}
