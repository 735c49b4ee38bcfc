// The only file that knows which @vscode-elements components the dashboard uses (style.md §6: swapping
// the library touches webview/ui only). Each import registers one custom element; nothing else is
// pulled in. All of them style themselves with constructable stylesheets, which our CSP allows.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { HTMLAttributes } from 'preact';

type Base = HTMLAttributes<HTMLElement>;

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'vscode-button': Base & { secondary?: boolean; icon?: string; iconOnly?: boolean; disabled?: boolean };
      'vscode-textfield': Base & { value?: string; placeholder?: string; label?: string; type?: string };
      'vscode-single-select': Base & { value?: string; label?: string };
      'vscode-option': Base & { value?: string; selected?: boolean; description?: string };
      'vscode-badge': Base & { variant?: 'default' | 'counter' | 'activity-bar-counter' | 'tab-header-counter' };
    }
  }
}
