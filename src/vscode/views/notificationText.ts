// Pure (no `vscode`), so the unit tier can check it against VS Code's own link pattern.

/**
 * Text from people or agents (SpecTask titles, failure reasons, error messages) made safe for a VS Code
 * notification. Notifications turn `[label](https://…)`, `[label](command:…)` and `[label](file:…)` into
 * links and open them with command URIs allowed, so a title such as
 * `[Continue](command:workbench.action.terminal.sendSequence?…)` would become a one-click command. A space
 * between `]` and `(` keeps the text readable and leaves nothing to click.
 */
export function notificationText(text: string): string {
  return text.replace(/\]\(/g, '] (');
}
