import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '../../src/core/agents/processTree';

// DESIGN.md §10 "nothing is lost": the orchestrator (the CLI) is SIGKILLed in the middle of an
// implementation; started again, it stops the orphaned agent, resumes, and finishes with every tick.
const CLI = path.resolve('dist/cli.js');
const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
// The fixture agent commits its own work, which the sandbox's read-only git directories refuse: the CLIs this test
// starts run agents outside it until the orchestrator makes the commits itself (issue 18).
process.env.SPECTASK_SANDBOX ??= 'off';
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();
const cli = (cwd: string, ...a: string[]) => execFileSync(process.execPath, [CLI, ...a], { cwd, encoding: 'utf8' });

describe('orchestrator crash and resume (spectask run killed with SIGKILL)', function () {
  this.timeout(120_000);
  let repo: string;
  let child: ChildProcess | undefined;
  before(() => {
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-crash-')));
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'README.md'), '# app\n');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'init');
  });
  after(() => {
    child?.kill('SIGKILL');
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('finishes the task after a restart, with every tick present and no orphan left', async () => {
    const slowAgent = JSON.stringify([process.execPath, AGENT, '{prompt}', '700']);
    cli(repo, 'create', 'Crash me', '--prompt', 'Survive a crash');
    fs.writeFileSync(
      path.join(repo, '.git-worktrees/helix-design-docs/design/tasks/000001_crash-me/tasks.md'),
      '# Implementation Tasks: Crash me\n\n' +
        [1, 2, 3, 4, 5, 6].map((i) => `- [ ] T${i}: step ${i}`).join('\n') +
        '\n',
    );
    cli(repo, 'skip-planning', '1');
    child = spawn(process.execPath, [CLI, 'run', '--backend', 'custom', '--custom-command', slowAgent], {
      cwd: repo,
      stdio: 'ignore',
    });
    const tasksFile = path.join(repo, '.git-worktrees/helix-design-docs/design/tasks/000001_crash-me/tasks.md');
    const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
    // Wait until at least two ticks are committed on the design-docs branch, then kill the orchestrator.
    for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
      const committed =
        git(docsWt, 'show', 'HEAD:design/tasks/000001_crash-me/tasks.md').match(/- \[x\]/g)?.length ?? 0;
      if (committed >= 2) break;
      if (Date.now() - t0 > 60_000) throw new Error('no ticks were committed');
    }
    const ledger = fs
      .readFileSync(path.join(repo, '.git/spectask/ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const attached = ledger.find((e) => e.kind === 'run-attached' && e.pid);
    assert.ok(attached, 'the run was attached with its pid before the kill');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const ticksAtKill = (fs.readFileSync(tasksFile, 'utf8').match(/- \[x\]/g) ?? []).length;
    assert.ok(ticksAtKill < 6, `the agent had not finished before the kill (${ticksAtKill}/6)`);

    const out = execFileSync(
      process.execPath,
      [
        CLI,
        'run',
        '--until-idle',
        '--backend',
        'custom',
        '--custom-command',
        JSON.stringify([process.execPath, AGENT, '{prompt}']),
      ],
      { cwd: repo, encoding: 'utf8', timeout: 90_000 },
    );
    assert.match(out, /Code review {5}6\/6/);
    assert.equal(
      isProcessAlive({ pid: attached.pid, startTime: attached.processStartTime ?? '' }),
      false,
      'the orphaned agent was stopped',
    );
    const head = git(docsWt, 'show', 'HEAD:design/tasks/000001_crash-me/tasks.md');
    assert.equal(head.match(/- \[x\]/g)?.length, 6, head);
    const history = git(docsWt, 'log', '-p', '--format=%s', '--', 'design/tasks/000001_crash-me/tasks.md');
    for (let i = 1; i <= 6; i++)
      assert.match(history, new RegExp(`^\\+- \\[x\\] T${i}: step ${i}`, 'm'), `tick T${i} is in the history`);
    const after = fs.readFileSync(path.join(repo, '.git/spectask/ledger.jsonl'), 'utf8');
    assert.match(after, /"outcome":"interrupted"/);
    assert.equal(git(repo, 'status', '--porcelain'), '', "the user's checkout is untouched");
  });
});
