// The VS Code API for every module of the extension, imported once. esbuild turns each
// `import * as vscode from 'vscode'` of an external CommonJS module into its own copy of the API object (a
// property getter for each of its ~400 members), so 28 modules importing it made 28 copies while the bundle
// loaded; importing it from here makes one. Types work the same: `vscode.TreeItem`, `vscode.Uri`, ….
import * as vscode from 'vscode';

export { vscode };
