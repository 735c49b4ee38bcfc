import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from './runCli';

// Issue 17, prompts: a review comment from the command line without --quote still reaches the agent with the
// text of the line it is about (the revision prompt quotes it), read from the document.
describe('spectask request-changes without --quote', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('quotes the commented line of the document', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'create', 'Greet', '--prompt', 'Say hi')).code, 0);
    const folder = path.join(repo, '.git-worktrees/helix-design-docs/design/tasks/000001_greet');
    fs.writeFileSync(path.join(folder, 'design.md'), '# Design: Greet\n\n  One module, greet.js.  \n');
    // Spec review: the status a spec comment is made in.
    const record = path.join(folder, 'spectask.json');
    const json = JSON.parse(fs.readFileSync(record, 'utf8'));
    fs.writeFileSync(record, JSON.stringify({ ...json, status: 'spec_review' }, null, 2));
    const r = await cli(
      repo,
      'request-changes',
      '1',
      '--comment',
      'Say what it exports.',
      '--document',
      'design.md',
      '--line',
      '3',
    );
    assert.equal(r.code, 0, r.err);
    const comments = JSON.parse(fs.readFileSync(record, 'utf8')).reviewComments as { quote: string; line: number }[];
    assert.deepEqual(
      comments.map((c) => [c.line, c.quote]),
      [[3, 'One module, greet.js.']],
    );
  });
});
