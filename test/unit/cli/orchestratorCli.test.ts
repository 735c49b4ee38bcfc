import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as cli } from './runCli';
import { cleanupTemp, git, makeCleanRepo } from '../../support/tempRepo';

const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
const CUSTOM = JSON.stringify([process.execPath, AGENT, '{prompt}']);

describe('spectask run and the lifecycle commands', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('plans, reviews, implements and merges a SpecTask with a custom agent CLI', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'create', 'Add a greeting', '--prompt', 'Say hello')).code, 0);
    assert.match((await cli(repo, 'start', '1')).out, /is now queued spec generation/);
    const plan = await cli(repo, 'run', '--until-idle', '--backend', 'custom', '--custom-command', CUSTOM);
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /Spec review {5}0\/3 {2}Add a greeting/);
    assert.match(plan.out, /ready for review/);

    const changes = await cli(
      repo,
      'request-changes',
      '1',
      '--comment',
      'Use a friendlier greeting',
      '--document',
      'design.md',
      '--line',
      '3',
    );
    assert.match(changes.out, /is now spec revision/);
    assert.equal((await cli(repo, 'run', '--until-idle', '--backend', 'custom', '--custom-command', CUSTOM)).code, 0);
    assert.match((await cli(repo, 'approve', '1')).out, /is now queued implementation/);
    const impl = await cli(repo, 'run', '--until-idle', '--backend', 'custom', '--custom-command', CUSTOM);
    assert.match(impl.out, /Code review {5}3\/3/);

    const fleet = JSON.parse((await cli(repo, 'fleet', '--json')).out);
    assert.equal(fleet.cards[0].phase, 'implementation_review');
    assert.deepEqual(fleet.cards[0].progress, { done: 3, total: 3 });

    // Accept only enqueues; `spectask run` integrates (rebase, tests, fast-forward).
    assert.match(
      (await cli(repo, 'accept', '1')).out,
      /queued for integration \(place 1\)[\s\S]*is now queued integration/,
    );
    const queue = JSON.parse((await cli(repo, 'queue', '--json')).out);
    assert.deepEqual(
      queue.queue.map((r: { number: string; position: number }) => [r.number, r.position]),
      [['000001', 1]],
    );
    assert.match(
      (await cli(repo, 'queue')).out,
      /^1 {2}#000001 {2}Add a greeting {2}— integration queue: 1 of 1, next/m,
    );
    assert.match((await cli(repo, 'fleet')).out, /#000001 {2}Integration .*— integration queue: 1/);
    assert.equal(fs.existsSync(path.join(repo, 'src')), false, 'nothing is merged before `run`');
    assert.equal((await cli(repo, 'run', '--until-idle', '--backend', 'custom', '--custom-command', CUSTOM)).code, 0);
    assert.match((await cli(repo, 'show', '1')).out, /status: {3}done/);
    assert.ok(fs.existsSync(path.join(repo, 'src')));
    assert.match(git(repo, 'log', '-1', '--format=%B', 'main'), /SpecTask: 000001/);
  });

  it('explains usage errors and unknown SpecTasks with the right exit codes', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'approve')).code, 2);
    assert.equal((await cli(repo, 'run', '--backend', 'vscode-lm')).code, 2);
    assert.equal((await cli(repo, 'run', '--custom-command', 'not json')).code, 2);
    await cli(repo, 'init');
    const r = await cli(repo, 'approve', '42');
    assert.equal(r.code, 1);
    assert.match(r.err, /no SpecTask '42'/);
    const illegal = await cli(repo, 'create', 'x');
    assert.equal(illegal.code, 0);
    const bad = await cli(repo, 'approve', '1');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Cannot approve spec a SpecTask that is in the backlog/);
  });
});
