import * as assert from 'node:assert/strict';
import { runCli as cli } from './runCli';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';

describe('spectask run --until-idle: the exit code says whether a SpecTask failed', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('exits 1 and names the SpecTask when its agent failed during the run', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'create', 'Add a greeting', '--prompt', 'Say hello')).code, 0);
    assert.equal((await cli(repo, 'start', '1')).code, 0);
    const failing = JSON.stringify([
      process.execPath,
      '-e',
      'process.stderr.write("model unreachable\\n"); process.exit(3)',
    ]);
    const r = await cli(
      repo,
      'run',
      '--until-idle',
      '--backend',
      'custom',
      '--custom-command',
      failing,
      '--max-retries',
      '0',
    );
    assert.equal(r.code, 1, `${r.out}\n${r.err}`);
    assert.match(r.err, /SpecTask 000001 failed: .*model unreachable/);
    // A second run changes nothing: the failure is not new, so it is not reported again.
    const again = await cli(repo, 'run', '--until-idle', '--backend', 'custom', '--custom-command', failing);
    assert.equal(again.code, 0, again.err);
  });
});
