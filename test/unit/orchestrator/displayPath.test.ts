import * as assert from 'node:assert/strict';
import { displayPath } from '../../../src/core/orchestrator/displayPath';

describe('displayPath', () => {
  const wt = '/tmp/r/.git-worktrees/000003_foo';
  const docs = '/tmp/r/.git-worktrees/helix-design-docs';

  it('shows a path inside the working directory relative to it', () => {
    assert.equal(displayPath(`${wt}/src/auth.ts`, [wt]), 'src/auth.ts');
    assert.equal(displayPath(`${wt}/src/./lib/../auth.ts`, [wt]), 'src/auth.ts');
    assert.equal(displayPath(`${wt}/`, [wt]), '.');
    assert.equal(
      displayPath(`${wt}/..hidden/x`, [wt]),
      '..hidden/x',
      'a name that starts with two dots is still inside',
    );
  });

  it("shows the agent's SpecTask folder relative to the design-docs worktree, the run's other folder", () => {
    assert.equal(
      displayPath(`${docs}/design/tasks/000003_foo/tasks.md`, [wt, docs]),
      'design/tasks/000003_foo/tasks.md',
    );
  });

  it('takes the deepest folder that holds the path', () => {
    assert.equal(displayPath('/a/b/c/d.ts', ['/a', '/a/b/c']), 'd.ts');
    assert.equal(displayPath('/a/b/c/d.ts', ['/a/b/c', '/a']), 'd.ts');
  });

  it('resolves a relative path against the working directory', () => {
    assert.equal(displayPath('src/auth.ts', [wt, docs]), 'src/auth.ts');
    assert.equal(displayPath('./src/../README.md', [wt]), 'README.md');
  });

  it('keeps a path outside every folder whole', () => {
    assert.equal(displayPath('/etc/hosts', [wt, docs]), '/etc/hosts');
    assert.equal(displayPath('/tmp/r/src/main.ts', [wt, docs]), '/tmp/r/src/main.ts');
  });

  it('never lets ".." or a sibling folder pass for a path inside the worktree', () => {
    assert.equal(displayPath(`${wt}/../000004_bar/src/x.ts`, [wt]), '/tmp/r/.git-worktrees/000004_bar/src/x.ts');
    assert.equal(displayPath(`${wt}/src/../../../../etc/passwd`, [wt]), '/tmp/etc/passwd');
    assert.equal(displayPath(`${wt}-evil/src/x.ts`, [wt]), `${wt}-evil/src/x.ts`);
    assert.equal(displayPath(`${wt}/..`, [wt]), '/tmp/r/.git-worktrees');
    // A relative path that climbs out reads as inside ("src/…") unless shown where it leads.
    assert.equal(displayPath('src/../../../etc/passwd', [wt]), '/tmp/r/etc/passwd');
    assert.equal(displayPath('../000004_bar/x', [wt]), '/tmp/r/.git-worktrees/000004_bar/x');
  });

  it('handles Windows paths: either separator, any letter case, another drive', () => {
    const win = 'C:\\Users\\dev\\app\\.git-worktrees\\000003_foo';
    assert.equal(displayPath(`${win}\\src\\auth.ts`, [win]), 'src\\auth.ts');
    assert.equal(displayPath('C:/Users/dev/app/.git-worktrees/000003_foo/src/auth.ts', [win]), 'src\\auth.ts');
    assert.equal(displayPath('c:\\users\\DEV\\app\\.git-worktrees\\000003_FOO\\src\\auth.ts', [win]), 'src\\auth.ts');
    assert.equal(displayPath('src/auth.ts', [win]), 'src\\auth.ts');
    assert.equal(displayPath('D:\\other\\x.ts', [win]), 'D:\\other\\x.ts');
    assert.equal(displayPath(`${win}\\..\\..\\secrets.txt`, [win]), 'C:\\Users\\dev\\app\\secrets.txt');
    assert.equal(displayPath('\\\\server\\share\\wt\\src\\a.ts', ['\\\\server\\share\\wt']), 'src\\a.ts');
  });

  it('returns the path as given when the run has no folders, or no path', () => {
    assert.equal(displayPath('/x/../y', []), '/x/../y');
    assert.equal(displayPath('', [wt]), '');
  });
});
