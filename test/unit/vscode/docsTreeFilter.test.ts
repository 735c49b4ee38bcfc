import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { shownInDocsTree } from '../../../src/vscode/views/docsTreeFilter';

// Issue 22 item 17: bookkeeping stays out of sight — the number counter and nested worktrees are not shown in
// the Design Docs view, and the Explorer hides .git-worktrees through the extension's files.exclude default.
describe('what the Design Docs view and the Explorer leave out', () => {
  it('the Design Docs view shows documents, not the counter or git entries', () => {
    for (const name of ['spectask-counter.json', '.git', '.git-worktrees'])
      assert.equal(shownInDocsTree(name), false, name);
    for (const name of ['design', 'tasks', 'requirements.md', 'spectask.json', 'README.md'])
      assert.equal(shownInDocsTree(name), true, name);
  });

  it('the Explorer hides .git-worktrees by default (configurationDefaults, merged with VS Code’s own files.exclude)', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    assert.equal(pkg.contributes.configurationDefaults?.['files.exclude']?.['**/.git-worktrees'], true);
  });
});
