import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { replay } from '../../support/replayBackend';
import { cleanupTemp } from '../docs/gitFixture';
import { makeHarness, waitForStatus, type Harness } from './orchestratorHarness';

// What a dashboard card says about the run of its SpecTask: what the agent did last, with paths relative to
// the run's folders. Real orchestrator, repository and git; the agent is a scripted replay.
describe('Orchestrator: the run as its card shows it', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });
  after(cleanupTemp);

  /** A SpecTask straight to implementation, with a checklist of `items` items. */
  async function implementTask(harness: Harness, items = 3): Promise<string> {
    const id = await harness.orchestrator.create({ title: 'Reasons' });
    const list = Array.from({ length: items }, (_, i) => `- [ ] T${i + 1}: step ${i + 1}`).join('\n');
    fs.writeFileSync(path.join(harness.orchestrator.task(id)!.path, 'tasks.md'), `# Implementation Tasks: Reasons\n\n${list}\n`);
    await harness.orchestrator.skipPlanning(id);
    return id;
  }

  it("names files relative to the run's worktree or the design-docs worktree, others in full", async () => {
    const seen = new Set<string>();
    const edit = (p: string, kind = 'edit') => ({ t: 'tool_call', callId: p, name: 'Edit', kind, input: {}, paths: [p] }) as Omit<AgentEvent, 'runId'>;
    h = await makeHarness(async (ctx) => {
      ctx.emit(edit(path.join(ctx.req.worktree, 'src', 'auth.ts')));
      ctx.emit(edit(path.join(ctx.taskFolder, 'tasks.md')));
      ctx.emit(edit('/etc/hosts', 'read'));
      ctx.emit(edit(path.join(ctx.req.worktree, '..', 'elsewhere.ts')));
      await replay.implement(ctx, '000001');
    });
    h.orchestrator.onDidChange(() => {
      const a = h!.orchestrator.fleetSnapshot().cards[0]?.lastActivity;
      if (a) seen.add(a);
    });
    const id = await implementTask(h);
    await waitForStatus(h, id, 'implementation_review');
    const wt = h.orchestrator.worktreeOf(id)!.path;
    const all = [...seen].join('\n');
    assert.ok(seen.has('Edit src/auth.ts'), all);
    assert.ok([...seen].some((a) => /^Edit design\/tasks\/000001_[^/]+\/tasks\.md$/.test(a)), all);
    assert.ok(seen.has('Read /etc/hosts'), all);
    assert.ok(seen.has(`Edit ${path.join(path.dirname(wt), 'elsewhere.ts')}`), all);
    assert.ok(![...seen].some((a) => a.includes(wt)), `no line names the worktree in full:\n${all}`);
  });
});
