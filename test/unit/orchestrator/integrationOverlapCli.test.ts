import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import type { SpecTaskStatus } from '../../../src/core/orchestrator/statusMachine';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, git, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from '../cli/runCli';

/** Sets a SpecTask's status and design.md as a planning agent and the orchestrator would have left them. */
async function arrange(repo: string, id: string, status: SpecTaskStatus, files: string[]): Promise<string> {
  const registry = new GitQueueRegistry();
  const dd = await openDesignDocs(repo, { registry, createBranch: false });
  try {
    await dd.store.update(id, `as if ${status}`, (r) => {
      r.status = status;
      r.history.push({ at: new Date().toISOString(), to: status, trigger: 'test' as never });
    });
    const t = await dd.store.get(id);
    const list = files.map((f) => `- \`${f}\``).join('\n');
    fs.writeFileSync(path.join(t.path, 'design.md'), `# Design: ${t.title}\n\n## Files\n\n${list}\n`);
    return path.basename(t.path);
  } finally {
    dd.store.dispose();
    registry.dispose();
  }
}

describe('spectask show: what a task waits for and how its file prediction did (issue 21)', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('names the running task whose files overlap, and compares a finished run with its diff', async () => {
    const repo = makeCleanRepo();
    for (const title of ['First', 'Second', 'Third']) assert.equal((await cli(repo, 'create', title)).code, 0);
    await arrange(repo, '000001', 'implementation', ['src/app.js']);
    await arrange(repo, '000002', 'queued_implementation', ['src/*.js']);
    const folder = await arrange(repo, '000003', 'implementation_review', ['lib/x.js', 'docs/*.md']);

    const second = JSON.parse((await cli(repo, 'show', '2', '--json')).out);
    assert.equal(second.waitingFor, 'waiting for #000001 (implementing): both touch src/app.js');
    assert.equal(second.filePrediction, null);
    assert.match(
      (await cli(repo, 'show', '2')).out,
      /waiting: {2}for #000001 \(implementing\): both touch src\/app\.js/,
    );

    // #000003's branch changed lib/x.js and lib/y.js, while the base moved on in between.
    const branch = `spectask/${folder.replace('_', '-')}`;
    git(repo, 'checkout', '-q', '-b', branch);
    fs.mkdirSync(path.join(repo, 'lib'));
    for (const f of ['x.js', 'y.js']) fs.writeFileSync(path.join(repo, 'lib', f), f);
    git(repo, 'add', 'lib');
    git(repo, 'commit', '-q', '-m', 'work');
    git(repo, 'checkout', '-q', 'main');
    fs.writeFileSync(path.join(repo, 'base.txt'), 'moved\n');
    git(repo, 'add', 'base.txt');
    git(repo, 'commit', '-q', '-m', 'base moved');
    const third = JSON.parse((await cli(repo, 'show', '3', '--json')).out);
    assert.equal(third.waitingFor, null);
    assert.deepEqual(third.filePrediction, {
      predicted: ['lib/x.js', 'docs/*.md'],
      changed: ['lib/x.js', 'lib/y.js'],
      unpredicted: ['lib/y.js'],
      untouched: ['docs/*.md'],
    });
  });
});
