// VS Code-free on purpose: the webview tests serve exactly this page, CSP included, to real Chromium.

/** The URLs and origin the dashboard page is built from. */
export interface FleetHtmlParts {
  /** A fresh random nonce for the one script. */
  nonce: string;
  /** The origin webview assets come from (`webview.cspSource` in VS Code). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** Where the page lives: the sidebar's Fleet view (`view`, a compact list) or an editor panel (the default). */
  surface?: 'view' | 'panel';
}

/** The strict CSP of the dashboard: nothing but our nonce'd script, our stylesheets and the codicon font. */
export function fleetCsp(p: Pick<FleetHtmlParts, 'nonce' | 'cspSource'>): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${p.nonce}'`,
    `style-src ${p.cspSource}`,
    `font-src ${p.cspSource}`,
    `img-src ${p.cspSource} data:`,
  ].join('; ');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The dashboard's HTML (house rule 8): one nonce'd bundled script, stylesheets only from the asset
 * origin, no inline script or style, no `on*` attributes. Every glyph, buttons' included, is a `.codicon`
 * span in the light DOM styled by this one codicon stylesheet (see webview/ButtonGlyph.tsx); the id is the one
 * vscode-elements looks for, kept so a component that still draws a `<vscode-icon>` finds the font.
 */
export function fleetHtml(p: FleetHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(fleetCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(p.codiconUri)}">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>SpecTask Fleet</title>
</head>
<body>
<div id="root" data-surface="${p.surface === 'view' ? 'view' : 'panel'}"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}
