import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { prepareCandidate, publishCandidate } from '../../../src/core/orchestrator/integration/branchIntegration';
import { failureCount } from '../../../src/core/orchestrator/integration/runTests';
import { detectTestCommand, resolveTestCommand } from '../../../src/core/orchestrator/integration/testCommand';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

/** A repository with a task branch of one commit, and the base checked out nowhere (the user is elsewhere). */
function repoWithBranch(): { repo: string; wt: { path: string; branch: string; baseBranch: string } } {
  const repo = makeCleanRepo();
  git(repo, 'checkout', '-qb', 'spectask/000001-x');
  fs.writeFileSync(path.join(repo, 'x.txt'), 'x\n');
  git(repo, 'add', 'x.txt');
  git(repo, 'commit', '-qm', 'x\n\nSpecTask: 000001');
  git(repo, 'checkout', '-qb', 'elsewhere', 'main');
  return { repo, wt: { path: repo, branch: 'spectask/000001-x', baseBranch: 'main' } };
}

describe('integration steps (real git)', () => {
  after(cleanupTemp);

  it('publishes only by compare-and-swap: a base that moved after the candidate was built stays as it is', async () => {
    const { repo, wt } = repoWithBranch();
    const g = new GitRunner(repo);
    const scratch = path.join(tempDir('spectask-scratch-'), 's');
    const prepared = await prepareCandidate(g, wt, 'rebase', scratch, '000001', repo);
    assert.equal(prepared.kind, 'ready');
    if (prepared.kind !== 'ready') return;
    // Someone else moves main while the tests run.
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'teammate');
    git(repo, 'branch', '-f', 'main', 'HEAD');
    const moved = git(repo, 'rev-parse', 'main');
    const r = await publishCandidate(g, wt, prepared.base, prepared.candidate, 'integrate', false);
    assert.equal(r.kind, 'base-moved');
    assert.equal(git(repo, 'rev-parse', 'main'), moved, 'never forced over the other writer');
    const ok = await publishCandidate(g, wt, moved.trim(), prepared.candidate, 'integrate', false);
    assert.equal(ok.kind, 'base-moved', 'the candidate must descend from the base it is compared with');
  });

  it('fast-forwards an unchecked-out base to the tested candidate', async () => {
    const { repo, wt } = repoWithBranch();
    const g = new GitRunner(repo);
    const scratch = path.join(tempDir('spectask-scratch-'), 's');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'base moved');
    git(repo, 'branch', '-f', 'main', 'HEAD');
    const prepared = await prepareCandidate(g, wt, 'rebase', scratch, '000001', repo);
    assert.equal(prepared.kind, 'ready');
    if (prepared.kind !== 'ready') return;
    assert.ok(prepared.rebased);
    const r = await publishCandidate(g, wt, prepared.base, prepared.candidate, 'integrate', false);
    assert.deepEqual(r, { kind: 'moved', sha: prepared.candidate });
    assert.equal(git(repo, 'rev-parse', 'main'), prepared.candidate);
    assert.equal(git(repo, 'rev-parse', `${prepared.candidate}~1`), prepared.base, 'linear on the moved base');
  });

  it('detects the test command, and takes "none" and a command line from the setting', async () => {
    const dir = tempDir('spectask-detect-');
    assert.equal((await detectTestCommand(dir)).kind, 'none');
    fs.writeFileSync(path.join(dir, 'Makefile'), 'test:\n\ttrue\n');
    assert.deepEqual((await detectTestCommand(dir)).label, 'make test');
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module x\n');
    assert.equal((await detectTestCommand(dir)).label, 'go test ./...');
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}',
    );
    assert.equal((await detectTestCommand(dir)).label, 'go test ./...', "npm's placeholder is not a test script");
    fs.writeFileSync(path.join(dir, 'package.json'), '{"scripts":{"test":"mocha"}}');
    assert.deepEqual(await detectTestCommand(dir), { kind: 'argv', argv: ['npm', 'test'], label: 'npm test' });
    assert.equal((await resolveTestCommand(' none ', dir)).kind, 'none');
    const own = await resolveTestCommand('make check', dir);
    assert.equal(own.kind === 'argv' && own.argv.at(-1), 'make check');
  });

  it('reads the failure count the common runners print', () => {
    assert.equal(failureCount('  12 passing\n  2 failing\n'), '2 failing');
    assert.equal(failureCount('=== 3 failed, 10 passed in 1.2s ==='), '3 failed');
    assert.equal(failureCount('ok'), undefined);
  });
});
