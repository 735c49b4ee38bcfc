import * as assert from 'node:assert/strict';
import { GitCommandRunner } from '../../src/core/git/gitCommand';
import { GitRunner } from '../../src/core/git/gitRunner';
import { ClaimClient, newWorkerIdentity } from '../../src/core/workers/claimClient';
import { claimRefOf } from '../../src/core/workers/claimRefs';
import { RemoteRefs } from '../../src/core/workers/remoteRefs';
import { git, GIT_ENV } from '../support/tempRepo';
import { recordFault } from './counters';
import { cloneOf, useWorkersWorld } from './workersWorld';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../support/tempRepo';

const AREA = 'workers: two workers racing for one claim';
const RACES = Number(process.env.FAULTS_CLAIM_RACES || 1000);
/** Races run at once (each on its own claim ref), to keep the suite short on two cores. */
const PARALLEL = 6;

function client(clone: string, host: string): ClaimClient {
  const runner = new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner());
  return new ClaimClient(new RemoteRefs(runner, 'origin'), newWorkerIdentity(host), 60_000);
}

describe(`faults: ${RACES} claim races between two workers over git daemon`, function () {
  this.timeout(900_000);
  const world = useWorkersWorld();

  it('exactly one worker wins each race, and the remote holds the winner’s claim', async () => {
    const bare = path.join(tempDir('spectask-remote-'), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
    const seed = cloneOf(bare);
    git(seed, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(seed, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    const server = await world.serveBare(bare);
    const a = client(cloneOf(server.url()), 'host-a');
    const b = client(cloneOf(server.url()), 'host-b');
    const v: string[] = [];
    const wins = { a: 0, b: 0 };
    let next = 1;
    const race = async (): Promise<void> => {
      for (let n = next++; n <= RACES; n = next++) {
        const task = String(n).padStart(6, '0');
        // Alternate who starts first, so neither side is always a few microseconds ahead.
        const [ca, cb] =
          n % 2
            ? await Promise.all([a.claim(task), b.claim(task)])
            : (await Promise.all([b.claim(task), a.claim(task)])).reverse();
        const won = [ca, cb].filter(Boolean);
        if (won.length !== 1) v.push(`race ${task}: ${won.length} winners`);
        else {
          if (ca) wins.a++;
          else wins.b++;
          const onRemote = execFileSync('git', ['--git-dir', bare, 'rev-parse', '--verify', '-q', claimRefOf(task)], {
            encoding: 'utf8',
          }).trim();
          if (onRemote !== won[0]!.sha) v.push(`race ${task}: the remote holds ${onRemote}, not the winner's claim`);
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, race));
    recordFault(AREA, `${RACES} races (a won ${wins.a}, b won ${wins.b})`, v);
    assert.deepEqual(v, []);
    assert.equal(wins.a + wins.b, RACES);
  });
});
