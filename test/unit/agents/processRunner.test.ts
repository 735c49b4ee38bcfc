import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CustomCommandBackend } from '../../../src/core/agents/customCommandBackend';
import { expandTemplateArg } from '../../../src/core/agents/customCommandAdapter';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { baseRequest } from './fixtureReplay';

/** Live, non-zombie processes whose command line contains `marker`. */
function alive(marker: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((n) => {
      try {
        const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
        const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
        return cmd.includes(marker) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' ? [Number(n)] : [];
      } catch {
        return [];
      }
    });
}

const node = (script: string, env: Record<string, string> = {}) =>
  new CustomCommandBackend(
    'node script',
    { command: process.execPath, args: ['-e', script, '{prompt}'], env },
    { graceMs: 500, sourceEnv: { ...process.env, PLANTED_SECRET: 'leak-me' } },
  );

describe('shared process runner (through the custom-command back-end)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runner-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps plain output lines to text and exit 0 to success, ending with exactly one result', async () => {
    const run = node(`console.log('one'); console.log(process.argv[1]);`).start(
      baseRequest({ worktree: dir, prompt: 'two; $(rm -rf /)' }),
    );
    const events: AgentEvent[] = [];
    for await (const e of run.events) events.push(e);
    assert.deepEqual(
      events.filter((e) => e.t === 'text').map((e) => e.t === 'text' && e.text),
      ['one', 'two; $(rm -rf /)'],
    );
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.equal(events.at(-1)?.t, 'result');
    assert.equal((await run.finished).status, 'success');
  });

  it('never substitutes inside a placeholder value', () => {
    assert.equal(expandTemplateArg('--msg={prompt}', baseRequest({ prompt: '{cwd} x' })), '--msg={cwd} x');
  });

  it('passes only the allow-listed environment', async () => {
    const run = node(`console.log(JSON.stringify(Object.keys(process.env)))`, { OWN: '1' }).start(
      baseRequest({ worktree: dir }),
    );
    const r = await run.finished;
    const keys = JSON.parse(r.text ?? '[]') as string[];
    assert.ok(keys.includes('PATH') && keys.includes('OWN'));
    assert.ok(!keys.includes('PLANTED_SECRET'));
  });

  it('a non-zero exit is an error carrying stderr; a missing binary says so', async () => {
    const r = await node(`console.error('bad thing'); process.exit(3)`).start(baseRequest({ worktree: dir })).finished;
    assert.equal(r.status, 'error');
    assert.equal(r.exitCode, 3);
    assert.match(r.errorMessage ?? '', /bad thing/);
    const missing = new CustomCommandBackend('x', { command: '/nonexistent/agent', args: [] });
    const m = await missing.start(baseRequest({ worktree: dir })).finished;
    assert.equal(m.status, 'crashed');
    assert.match(m.errorMessage ?? '', /not found/);
    assert.match((await missing.probe()).problem ?? '', /was not found/);
  });

  it('cancel kills the recorded tree, including a grandchild in its own session that ignores SIGINT', async () => {
    const id = randomUUID();
    const marker = `runner-test-${id}`;
    // The marker is assembled at run time, so only the grandchild's command line contains it.
    const script = `
      process.on('SIGINT', () => {});
      const c = require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGINT",()=>{}); setInterval(()=>{},1000)', 'runner-test-' + process.argv[1]], { detached: true, stdio: 'ignore' });
      console.log('started ' + c.pid);
      setInterval(() => {}, 1000);`;
    const run = node(script).start(baseRequest({ worktree: dir, prompt: id }));
    try {
      for await (const e of run.events) if (e.t === 'text') break;
      assert.equal(alive(marker).length, 1);
      await run.cancel({ graceMs: 300, reason: 'test' });
      const r = await run.finished;
      assert.equal(r.status, 'cancelled');
      assert.equal(r.errorMessage, 'test');
      await new Promise((res) => setTimeout(res, 100));
      assert.deepEqual(alive(marker), []);
    } finally {
      // Even when an assertion fails, nothing may outlive the test (a live child would keep mocha running).
      await run.cancel({ graceMs: 0 });
      for (const pid of alive(marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('stops a silent process at the idle timeout and a busy one at the wall clock', async () => {
    const idle = await node(`setInterval(() => {}, 1000)`).start(
      baseRequest({ worktree: dir, limits: { idleMs: 200, wallClockMs: 10_000 } }),
    ).finished;
    assert.equal(idle.status, 'timeout');
    assert.match(idle.errorMessage ?? '', /idle/);
    const wall = await node(`setInterval(() => console.log('tick'), 20)`).start(
      baseRequest({ worktree: dir, limits: { wallClockMs: 300, idleMs: 1000 } }),
    ).finished;
    assert.equal(wall.status, 'timeout');
    assert.match(wall.errorMessage ?? '', /wall-clock/);
  });

  it('a process killed from outside ends with a synthesized crashed result', async () => {
    const run = node(`console.log('up'); setInterval(() => {}, 1000)`).start(
      baseRequest({ worktree: dir, limits: { wallClockMs: 10_000 } }),
    );
    for await (const e of run.events) if (e.t === 'text') break;
    process.kill(run.pid!, 'SIGKILL');
    const r = await run.finished;
    assert.equal(r.status, 'crashed');
    assert.equal(r.signal, 'SIGKILL');
  });
  it('starts the agent at lower CPU priority unless normal was chosen, and its commands inherit it', async () => {
    // The agent reports its nice value once it changed (or after a second), then that of a command it starts.
    const own = os.getPriority();
    const script = `
      const os = require('os');
      const t0 = Date.now();
      const report = () => console.log(os.getPriority() + ' ' + require('child_process').execFileSync(process.execPath, ['-e', 'console.log(require("os").getPriority())']).toString().trim());
      const wait = () => (os.getPriority() !== ${own} || Date.now() - t0 > 1000 ? report() : setTimeout(wait, 10));
      wait();`;
    const lower = await node(script).start(baseRequest({ worktree: dir })).finished;
    const lowered = Math.max(own, 10);
    assert.equal(lower.text?.trim(), `${lowered} ${lowered}`);
    const normal = await node(script).start(baseRequest({ worktree: dir, cpuPriority: 'normal' })).finished;
    assert.equal(normal.text?.trim(), `${own} ${own}`);
  });
});
