import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from './runCli';

const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
const CUSTOM = JSON.stringify([process.execPath, AGENT, '{prompt}']);

// Issue 17 item 10: changes requested on an implementation with `spectask request-changes` are picked up by the
// next `spectask run`. That is the normal way, not an orphan: no "no agent runs for it; resuming" warning.
describe('spectask run after request-changes on an implementation', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('starts the agent on the changes without calling it an orphan', async () => {
    const repo = makeCleanRepo();
    const run = () =>
      cli(repo, 'run', '--until-idle', '--no-sandbox', '--backend', 'custom', '--custom-command', CUSTOM);
    await cli(repo, 'create', 'Greet', '--prompt', 'Say hi');
    await cli(repo, 'start', '1');
    await run();
    await cli(repo, 'approve', '1');
    assert.match((await run()).out, /Code review/);
    assert.match(
      (await cli(repo, 'request-changes', '1', '--comment', 'Shorter, please.')).out,
      /is now implementation/,
    );
    const r = await run();
    assert.doesNotMatch(r.err, /no agent runs for it/);
    assert.match(r.err, /starting its agent on the requested changes/);
  });
});
