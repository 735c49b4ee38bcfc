import * as assert from 'node:assert/strict';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from './runCli';

// Issue 17 item 10: titles come from the shared branch; `list` and `create` printed bidi controls raw, so a title
// could read differently on the terminal from what it is.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

describe('the command line never prints bidi controls raw', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  it('create, list and show, as text and as JSON', async () => {
    const repo = makeCleanRepo();
    const title = 'Fix login \u202eexe.txt\u202c and \u2066more\u2069';
    const created = await cli(repo, 'create', title);
    assert.equal(created.code, 0, created.err);
    assert.doesNotMatch(created.out, BIDI);
    for (const argv of [['list'], ['show', '1']]) {
      const r = await cli(repo, ...argv);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Fix login \?exe\.txt\?/, `${argv.join(' ')}: shown, marked`);
      assert.doesNotMatch(r.out, BIDI, argv.join(' '));
    }
    const json = await cli(repo, 'list', '--json');
    assert.doesNotMatch(json.out, BIDI);
    // The same value for a program: the escapes parse back to the title as stored.
    const [t] = (JSON.parse(json.out) as { tasks: { title: string }[] }).tasks;
    assert.ok(t!.title.startsWith('Fix login '), t!.title);
  });
});
