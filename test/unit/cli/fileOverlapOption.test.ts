import * as assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/cliArgs';
import { settingsFromArgs } from '../../../src/cli/orchestratorSettings';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { runCli } from './runCli';

// `--file-overlap off|warn|hold`: the CLI's way to the scheduler's file-overlap mode (the extension's
// spectask.scheduler.fileOverlap); before it, `spectask run` always held overlapping implementations back.
describe('spectask --file-overlap', () => {
  after(() => cleanupTemp());
  const args = (...a: string[]) => parseArgs(a, new Set(['file-overlap']));

  it('sets the scheduler mode, hold by default, and refuses anything else with the choices', () => {
    assert.equal(settingsFromArgs(args(), {}).fileOverlap, 'hold');
    for (const mode of ['off', 'warn', 'hold'] as const)
      assert.equal(settingsFromArgs(args('--file-overlap', mode), {}).fileOverlap, mode);
    assert.throws(() => settingsFromArgs(args('--file-overlap', 'sometimes'), {}), /must be one of off, warn, hold/);
  });

  it('is an option of the command line that takes a value', async () => {
    const r = await runCli(makeCleanRepo(), 'run', '--until-idle', '--file-overlap', 'sometimes');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--file-overlap must be one of off, warn, hold/);
  });
});
