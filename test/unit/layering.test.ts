import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// DESIGN.md §3: src/core, src/protocol, src/cli and webview/ never import 'vscode'. The unit bundle also
// refuses such an import at build time (esbuild.mjs forbidVscode); this test names the offending file.
const VSCODE_FREE = ['src/core', 'src/protocol', 'src/cli', 'webview'];
const IMPORT_OF_VSCODE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]vscode['"]/;

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

/** Finds an import of `vscode` that is code, not text inside a comment. */
export function importsVscode(source: string): boolean {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return IMPORT_OF_VSCODE.test(withoutComments);
}

/** The modules a source file imports (static, dynamic, re-exports and `require`), comments left out. */
export function importedModules(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
  return [...code.matchAll(specifiers)].map((m) => m[1]);
}

describe('layering', () => {
  it('recognises every form of importing vscode', () => {
    for (const s of [
      `import * as vscode from 'vscode';`,
      `import type { Uri } from "vscode";`,
      `const v = require('vscode');`,
      `await import('vscode')`,
      `import 'vscode';`,
    ]) {
      assert.equal(importsVscode(s), true, s);
    }
    assert.equal(importsVscode(`// import * as vscode from 'vscode'`), false);
    assert.equal(importsVscode(`import { x } from './vscode-free';`), false);
  });

  for (const dir of VSCODE_FREE) {
    it(`${dir} does not import vscode`, () => {
      const offenders = sourceFiles(dir).filter((f) => importsVscode(fs.readFileSync(f, 'utf8')));
      assert.deepEqual(offenders, [], `these files import 'vscode' but ${dir} must stay VS Code-free (DESIGN.md §3)`);
    });
  }

  it('src/vscode takes the API at run time from vscodeApi.ts alone (type-only imports aside)', () => {
    // Each value import of the external 'vscode' module becomes a copy of the whole API object in the bundle;
    // one import keeps the extension's module evaluation at activation shorter (docs/performance.md, single VS Code API import).
    const valueImport = (source: string) => importsVscode(source.replace(/^\s*import\s+type\b[^;]*;/gm, ''));
    const offenders = sourceFiles('src').filter(
      (f) => valueImport(fs.readFileSync(f, 'utf8')) && !f.endsWith(path.join('src', 'vscode', 'vscodeApi.ts')),
    );
    assert.deepEqual(offenders, [], "import { vscode } from '…/vscodeApi' instead");
  });

  it('recognises every form of importing a module', () => {
    assert.deepEqual(
      importedModules(
        [
          `import type { A } from '../core/a';`,
          `export { B } from "./b";`,
          `const c = require('../c');`,
          `await import('./d')`,
          `import './e';`,
          `// import { x } from '../core/x';`,
          `/* import { y } from '../core/y'; */`,
        ].join('\n'),
      ),
      ['../core/a', './b', '../c', './d', './e'],
    );
  });

  it('src/protocol is a leaf: it imports only itself (no core, no node, no packages)', () => {
    // DESIGN.md §3: the webview reads protocol alone, and the host maps core onto it in one place (fleetView.ts).
    const root = path.resolve('src/protocol');
    const offenders = sourceFiles('src/protocol').flatMap((f) =>
      importedModules(fs.readFileSync(f, 'utf8'))
        .filter((m) => !m.startsWith('.') || !path.resolve(path.dirname(f), m).startsWith(root + path.sep))
        .map((m) => `${f} imports ${m}`),
    );
    assert.deepEqual(offenders, []);
  });
});
