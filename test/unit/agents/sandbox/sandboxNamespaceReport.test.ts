import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { AgentInvocation } from '../../../../src/core/agents/agentHost';
import { namespaceInitFromReport } from '../../../../src/core/agents/sandbox/namespaceInit';
import { SandboxedAgentHost, SandboxedAgentProcess } from '../../../../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox } from '../../../../src/core/agents/sandbox/sandboxProbe';
import { cleanupTemp, makeCleanRepo, tempDir } from '../../../support/tempRepo';

// A CI run of the faults-free unit tier saw 150 orphans of a sandbox alive after `killLeftovers`: the stop waits
// for the sandbox's PID namespace to empty through its init, and the init was looked for by scanning /proc, one
// scan taking up to 113 ms under load; a sandbox that ended between two scans was never known. bwrap now reports
// the init itself (`--info-fd`), and the report is checked before it is believed.
describe("the sandbox's namespace init, as bwrap reports it (real bwrap)", function () {
  this.timeout(60_000);
  const crowd: ChildProcess[] = [];

  before(async function () {
    const status = await probeSandbox();
    if (!status.available) {
      console.log(`    skipped: the bubblewrap sandbox cannot run here: ${status.reason}`);
      this.skip();
    }
  });
  after(() => {
    for (const c of crowd) c.kill('SIGKILL');
    cleanupTemp();
  });

  it('is known for a sandbox whose agent exits at once, with /proc crowded so that a scan is slow', async () => {
    // 400 idle processes: every scan of /proc reads their stat files too.
    for (let i = 0; i < 400; i++) crowd.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
    const worktree = path.join(makeCleanRepo(), 'wt');
    fs.mkdirSync(worktree);
    const home = tempDir('spectask-home-');
    const inv: AgentInvocation = {
      command: 'true',
      args: [],
      cwd: worktree,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      stdin: 'ignore',
      sandbox: { writable: [worktree], stateDirs: [] },
    };
    const host = new SandboxedAgentHost({ userHome: home });
    const unknown: number[] = [];
    for (let round = 0; round < 10; round++) {
      const p = host.launch(inv) as SandboxedAgentProcess;
      assert.equal((await p.exited).code, 0);
      if (!(await p.namespaceInit())) unknown.push(round);
      await p.killLeftovers();
    }
    assert.deepEqual(unknown, [], 'rounds whose namespace init was never known');
  });

  it('believes a report only for a process in the namespace it names, never one of ours', async () => {
    const report = (text: string) => Readable.from([Buffer.from(text)]);
    const own = await fs.promises.readlink('/proc/self/ns/pid');
    const ownNs = /\d+/.exec(own)![0];
    const child = spawn('sleep', ['600'], { stdio: 'ignore' });
    crowd.push(child);
    await new Promise((r) => child.once('spawn', r));
    // A process of this namespace (what a recycled pid would be), named with this namespace or another one.
    assert.equal(
      await namespaceInitFromReport(report(`{"child-pid": ${child.pid}, "pid-namespace": ${ownNs}}`), 1),
      undefined,
    );
    assert.equal(
      await namespaceInitFromReport(report(`{"child-pid": ${child.pid}, "pid-namespace": 1}`), 1),
      undefined,
    );
    assert.equal(await namespaceInitFromReport(report(`{"child-pid": ${process.pid}}`), 1), undefined);
    assert.equal(await namespaceInitFromReport(report('{"child-pid": 1}'), 1), undefined);
    assert.equal(await namespaceInitFromReport(report('{"child-pid": 99999999999}'), 1), undefined);
    assert.equal(await namespaceInitFromReport(report('not json at all'), 1), undefined);
    assert.equal(await namespaceInitFromReport(report(`{"child-pid": 5${' '.repeat(10_000)}}`), 1), undefined);

    // bwrap's own report, from a sandbox that is still running: believed.
    const bwrap = spawn(
      'bwrap',
      ['--info-fd', '3', '--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', 'sleep', '600'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
    );
    crowd.push(bwrap);
    const init = await namespaceInitFromReport(bwrap.stdio[3] as Readable, bwrap.pid!);
    assert.ok(init, 'the init bwrap reported');
    assert.notEqual(await fs.promises.readlink(`/proc/${init.pid}/ns/pid`), own);
  });
});
