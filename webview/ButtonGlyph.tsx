/**
 * A codicon drawn in the button's own light DOM, styled by the codicon stylesheet the page already loads.
 * Why not vscode-button's `icon`: that renders a `<vscode-icon>` which fetches codicon.css again inside its
 * shadow root, and in a real VS Code webview that second load can come up empty, leaving a blank square.
 * `label` puts the glyph before the button's text (the `content-before` slot); without it, the glyph is the
 * whole content of an icon-only button.
 */
export function ButtonGlyph({ name, label = false }: { name: string; label?: boolean }) {
  return (
    <span
      class={`button-glyph codicon codicon-${name}`}
      slot={label ? 'content-before' : undefined}
      aria-hidden="true"
    />
  );
}
