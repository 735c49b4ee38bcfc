// Pure (no `vscode`), so the unit tier can check it.

/**
 * Text from people or agents (SpecTask titles, comment bodies) made safe for a quick-pick label, description or
 * detail: those render `$(name)` as an icon, so a title could dress itself up as a status. VS Code's own escape
 * for that syntax is a backslash before the `$`, which is not shown.
 */
export function withoutIconSyntax(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
