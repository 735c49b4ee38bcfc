import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENT_CPU_PRIORITIES, lowerProcessPriority, LOWER_NICENESS } from '../../../src/core/agents/agentPriority';
import { DEFAULT_SETTINGS } from '../../../src/core/orchestrator/settings';

/** The nice value of one thread, from /proc (field 19 of its stat line). */
function threadNice(pid: number, tid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** "/autogroup-42 nice 0" → { name, nice }; undefined where the kernel has no autogroups. */
function autogroup(pid: number | 'self'): { name: string; nice: number } | undefined {
  try {
    const m = /^(\S+) nice (-?\d+)/.exec(fs.readFileSync(`/proc/${pid}/autogroup`, 'utf8'));
    return m ? { name: m[1], nice: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Node process that says "ready" once it runs, and on a line of input starts a command and prints the
 * command's nice value (what an agent's tool command would inherit).
 */
function startAgentLike(detached: boolean): Promise<ChildProcess> {
  const script = `
    const { execFileSync } = require('child_process');
    process.stdin.on('data', () => console.log('child nice ' + execFileSync(process.execPath, ['-e', 'console.log(require("os").getPriority())']).toString().trim()));
    console.log('ready');`;
  const child = spawn(process.execPath, ['-e', script], { detached, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve(child));
  });
}

function nextLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
}

describe('agent CPU priority (lowerProcessPriority)', function () {
  const linux = process.platform === 'linux';
  let children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    children = [];
  });

  it('lowers a process in its own session: its nice, every thread it has, its session group and what it starts later', async function () {
    if (!linux) {
      console.log(
        '    skipped: threads and session groups are Linux scheduling; elsewhere setpriority is per process (the third test covers it)',
      );
      this.skip();
    }
    const child = await startAgentLike(true);
    children.push(child);
    const pid = child.pid!;
    const ourGroup = autogroup('self');
    const outcome = await lowerProcessPriority(pid);
    assert.equal(os.getPriority(pid), LOWER_NICENESS);
    const threads = fs.readdirSync(`/proc/${pid}/task`).map(Number);
    assert.ok(threads.length > 1, 'a Node process has helper threads');
    assert.deepEqual(
      threads.map((tid) => threadNice(pid, tid)),
      threads.map(() => LOWER_NICENESS),
    );
    assert.equal(outcome.threads, threads.length);
    if (!ourGroup) console.log('    (this kernel has no autogroups: the session-group part was not exercised)');
    else {
      assert.equal(outcome.autogroup, true);
      assert.deepEqual(autogroup(pid)?.nice, LOWER_NICENESS);
      assert.notEqual(autogroup(pid)?.name, ourGroup.name);
      assert.deepEqual(autogroup('self'), ourGroup, 'the editor’s own group keeps its priority');
    }
    child.stdin!.write('go\n');
    assert.equal(await nextLine(child), `child nice ${LOWER_NICENESS}`);
  });

  it('leaves the session group alone when the process still shares ours', async function () {
    if (!linux) {
      console.log('    skipped: session groups (autogroups) exist on Linux only');
      this.skip();
    }
    const ourGroup = autogroup('self');
    const child = await startAgentLike(false);
    children.push(child);
    const outcome = await lowerProcessPriority(child.pid!);
    assert.equal(outcome.autogroup, false);
    assert.deepEqual(autogroup('self'), ourGroup);
    assert.equal(os.getPriority(child.pid!), LOWER_NICENESS, 'the process itself is still lowered');
    assert.equal(os.getPriority(), 0, 'this process is not');
  });

  it('never raises a process someone set lower already, and never throws for one that is gone', async () => {
    const child = await startAgentLike(true);
    children.push(child);
    os.setPriority(child.pid!, 15);
    await lowerProcessPriority(child.pid!);
    assert.equal(os.getPriority(child.pid!), 15);
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    assert.deepEqual(await lowerProcessPriority(gone.pid!), { threads: 0, autogroup: false });
  });

  it('lowers what the process started before the priority was set (a shell that forked its command first), threads too', async function () {
    if (!linux) {
      console.log('    skipped: /proc/<pid>/task/<tid>/children is Linux; elsewhere a child inherits at its start');
      this.skip();
    }
    // `; true` keeps the shell as the parent of its command (no exec of the last command).
    const command = `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)"; true`;
    const shell = spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'ignore' });
    children.push(shell);
    const pid = shell.pid!;
    let started: number[] = [];
    for (let i = 0; i < 500 && !started.length; i++) {
      started = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      if (!started.length) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(started.length, 1, 'the shell started its command');
    const [node] = started;
    try {
      assert.equal(os.getPriority(node), os.getPriority(), 'the command started at our priority');
      await lowerProcessPriority(pid);
      const threads = fs.readdirSync(`/proc/${node}/task`).map(Number);
      assert.deepEqual(
        threads.map((tid) => threadNice(node, tid)),
        threads.map(() => Math.max(LOWER_NICENESS, os.getPriority())),
      );
    } finally {
      process.kill(node, 'SIGKILL');
    }
  });

  it('is offered as the setting spectask.agents.cpuPriority with the same values and default', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: unknown }> } };
    };
    const setting = pkg.contributes.configuration.properties['spectask.agents.cpuPriority'];
    assert.deepEqual(setting?.enum, [...AGENT_CPU_PRIORITIES]);
    assert.equal(setting?.default, DEFAULT_SETTINGS.agentCpuPriority);
    assert.equal(DEFAULT_SETTINGS.agentCpuPriority, 'lower');
  });
});
