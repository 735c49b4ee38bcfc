// The --vscode-* variables the dashboard (and vscode-elements) read, with the values of VS Code's default
// themes: Dark Modern, Light Modern and Dark High Contrast. VS Code injects these into every webview;
// the harness serves them as a stylesheet so the page is styled as it is inside VS Code.
export type ThemeName = 'light' | 'dark' | 'high-contrast';

const common = {
  'font-family': `-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif`,
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': `"Droid Sans Mono", "monospace", monospace`,
};

export const THEMES: Record<ThemeName, Record<string, string>> = {
  dark: {
    ...common,
    foreground: '#cccccc', descriptionForeground: '#9d9d9d', disabledForeground: 'rgba(204, 204, 204, 0.5)', errorForeground: '#f85149', focusBorder: '#0078d4',
    'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', 'sideBar-background': '#181818',
    'editorWidget-background': '#202020', 'editorWidget-foreground': '#cccccc', 'widget-border': '#313131', 'widget-shadow': 'rgba(0, 0, 0, 0.36)',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': 'rgba(255, 255, 255, 0.07)',
    'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'progressBar-background': '#0078d4', 'scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
    'list-inactiveSelectionBackground': '#37373d', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff',
    'textLink-foreground': '#4daafc', 'textCodeBlock-background': '#2b2b2b',
    'charts-blue': '#3794ff', 'charts-purple': '#b180d7', 'charts-yellow': '#cca700', 'charts-green': '#89d185', 'charts-red': '#f14c4c', 'charts-orange': '#d18616',
    'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'input-placeholderForeground': '#989898',
    'settings-textInputBackground': '#313131', 'settings-textInputForeground': '#cccccc', 'settings-textInputBorder': '#3c3c3c',
    'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', 'dropdown-listBackground': '#1f1f1f',
    'settings-dropdownBackground': '#313131', 'settings-dropdownForeground': '#cccccc', 'settings-dropdownBorder': '#3c3c3c', 'settings-dropdownListBorder': '#454545',
    'icon-foreground': '#cccccc', 'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)', 'list-focusOutline': '#0078d4',
  },
  light: {
    ...common,
    foreground: '#3b3b3b', descriptionForeground: '#3b3b3b', disabledForeground: 'rgba(97, 97, 97, 0.5)', errorForeground: '#f85149', focusBorder: '#005fb8',
    'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', 'sideBar-background': '#f8f8f8',
    'editorWidget-background': '#f8f8f8', 'editorWidget-foreground': '#3b3b3b', 'widget-border': '#e5e5e5', 'widget-shadow': 'rgba(0, 0, 0, 0.16)',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': 'rgba(0, 0, 0, 0.1)',
    'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'progressBar-background': '#005fb8', 'scrollbarSlider-background': 'rgba(100, 100, 100, 0.4)',
    'list-inactiveSelectionBackground': '#e4e6f1', 'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000',
    'textLink-foreground': '#005fb8', 'textCodeBlock-background': '#f8f8f8',
    'charts-blue': '#1a85ff', 'charts-purple': '#652d90', 'charts-yellow': '#bf8803', 'charts-green': '#388a34', 'charts-red': '#e51400', 'charts-orange': '#d18616',
    'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'input-placeholderForeground': '#767676',
    'settings-textInputBackground': '#ffffff', 'settings-textInputForeground': '#3b3b3b', 'settings-textInputBorder': '#cecece',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'dropdown-listBackground': '#ffffff',
    'settings-dropdownBackground': '#ffffff', 'settings-dropdownForeground': '#3b3b3b', 'settings-dropdownBorder': '#cecece', 'settings-dropdownListBorder': '#c8c8c8',
    'icon-foreground': '#3b3b3b', 'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)', 'list-focusOutline': '#005fb8',
  },
  'high-contrast': {
    ...common,
    foreground: '#ffffff', descriptionForeground: 'rgba(255, 255, 255, 0.7)', disabledForeground: '#a5a5a5', errorForeground: '#f48771', focusBorder: '#f38518',
    contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518',
    'editor-background': '#000000', 'editor-foreground': '#ffffff', 'sideBar-background': '#000000',
    'editorWidget-background': '#0c141f', 'editorWidget-foreground': '#ffffff', 'widget-border': '#6fc3df',
    'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryForeground': '#ffffff',
    'badge-background': '#000000', 'badge-foreground': '#ffffff', 'progressBar-background': '#6fc3df', 'scrollbarSlider-background': 'rgba(111, 195, 223, 0.6)',
    'textLink-foreground': '#21a6ff', 'textCodeBlock-background': '#000000',
    'charts-blue': '#3794ff', 'charts-purple': '#b180d7', 'charts-yellow': '#ffd370', 'charts-green': '#89d185', 'charts-red': '#f14c4c', 'charts-orange': '#d18616',
    'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'input-placeholderForeground': 'rgba(255, 255, 255, 0.7)',
    'settings-textInputBackground': '#000000', 'settings-textInputForeground': '#ffffff', 'settings-textInputBorder': '#6fc3df',
    'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'dropdown-listBackground': '#000000',
    'settings-dropdownBackground': '#000000', 'settings-dropdownForeground': '#ffffff', 'settings-dropdownBorder': '#6fc3df', 'settings-dropdownListBorder': '#6fc3df',
    'icon-foreground': '#ffffff', 'list-focusOutline': '#f38518',
  },
};

const BODY_CLASS: Record<ThemeName, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

/** A stylesheet that sets a theme's variables on the page, as VS Code does for a webview. */
export function themeCss(name: ThemeName): string {
  const vars = Object.entries(THEMES[name]).map(([k, v]) => `  --vscode-${k}: ${v};`).join('\n');
  // The page background stands in for the editor area the webview sits in.
  return `html {\n${vars}\n  background: var(--vscode-editor-background);\n}\n/* ${BODY_CLASS[name]} */\n`;
}

export const bodyClassOf = (name: ThemeName): string => BODY_CLASS[name];
