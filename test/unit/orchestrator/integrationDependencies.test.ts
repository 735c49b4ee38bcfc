import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dependencyProposal, proposedDependencies } from '../../../src/core/orchestrator/dependencyProposals';
import { setDependsOn } from '../../../src/core/orchestrator/dependencies';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { replay } from '../../support/replayBackend';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';
import { runCli as cli } from '../cli/runCli';

describe('dependencies proposed in design.md (issue 21)', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('reads "Depends on:" lines, bounded, and nothing else', () => {
    const design = [
      '# Design: x',
      'Depends on: #000003, #4',
      '- **Depends on:** #3 #000012',
      'This depends on #9 in prose, which is not a proposal.',
      'Depends on: #0 #1234567',
      `Depends on: ${'#5 '.repeat(10_000)}`,
    ].join('\n');
    assert.deepEqual(proposedDependencies(design), ['000003', '000004', '000012', '000005']);
    const many = Array.from({ length: 50 }, (_, i) => `Depends on: #${i + 1}`).join('\n');
    assert.equal(proposedDependencies(many).length, 20, 'at most 20 proposals');
  });

  it('offers only what may be added: not current ones, not missing tasks, no cycle (with its path)', () => {
    const graph = new Map([
      ['000001', []],
      ['000002', ['000001']],
      ['000003', ['000002']],
      ['000004', []],
    ]);
    const p = dependencyProposal('Depends on: #2 #4 #9', '000001', graph);
    assert.deepEqual(p.add, ['000004']);
    assert.deepEqual(p.refused, [
      {
        id: '000002',
        problem: 'that would make a cycle (#000001 → #000002 → #000001); every task on it would wait forever',
      },
      { id: '000009', problem: 'no SpecTask #000009' },
    ]);
    assert.deepEqual(dependencyProposal('Depends on: #1', '000002', graph), { add: [], refused: [] }, 'already');
  });

  it('spectask approve prints the proposal and applies nothing; depends-on adds it', async () => {
    const repo = makeCleanRepo();
    for (const title of ['First', 'Second']) assert.equal((await cli(repo, 'create', title)).code, 0);
    const registry = new GitQueueRegistry();
    const dd = await openDesignDocs(repo, { registry, createBranch: false });
    try {
      await dd.store.update('000002', 'as if planned', (r) => {
        r.status = 'spec_review';
        r.history.push({ at: new Date().toISOString(), to: 'spec_review', trigger: 'planning_succeeded' });
      });
      const t = await dd.store.get('000002');
      fs.writeFileSync(path.join(t.path, 'design.md'), '# Design: Second\n\nDepends on: #000001\n');
      await assert.rejects(
        setDependsOn(
          dd.store,
          new Map([
            ['000001', ['000002']],
            ['000002', []],
          ]),
          '000002',
          ['000001'],
        ),
        /cycle \(#000002 → #000001 → #000002\)/,
      );
    } finally {
      dd.store.dispose();
      registry.dispose();
    }
    const approved = await cli(repo, 'approve', '2');
    assert.equal(approved.code, 0, approved.err);
    assert.match(
      approved.out,
      /design\.md of #000002 proposes depending on #000001\nadd it with: spectask depends-on 2 1/,
    );
    assert.deepEqual(JSON.parse((await cli(repo, 'show', '2', '--json')).out).record.dependsOn, [], 'not applied');
    assert.equal((await cli(repo, 'depends-on', '2', '1')).code, 0);
    assert.deepEqual(JSON.parse((await cli(repo, 'show', '2', '--json')).out).record.dependsOn, ['000001']);
  });
});

describe('a dependency chain of three with caps (orchestrator, real git)', function () {
  this.timeout(90_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('runs #1, then #2, then #3 in order, beside an independent task, never over the cap', async () => {
    h = await makeHarness(
      async (ctx) => {
        await replay.implement(ctx, /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1]);
      },
      { caps: { planning: 3, implementation: 2 } },
    );
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push(await h.orchestrator.create({ title: `Chain ${n}` }));
    for (const id of ids) {
      const t = h.orchestrator.task(id)!;
      fs.writeFileSync(path.join(t.path, 'tasks.md'), `# Implementation Tasks: ${t.title}\n\n- [ ] T1: one\n`);
    }
    const graph = () => new Map(ids.map((id) => [id, h!.orchestrator.task(id)!.record?.dependsOn ?? []]));
    await setDependsOn(h.docs.store, graph(), ids[1], [ids[0]]);
    await setDependsOn(h.docs.store, graph(), ids[2], [ids[1]]);
    await h.orchestrator.reconcile();
    // The chain cannot be closed into a cycle.
    await assert.rejects(
      setDependsOn(h.docs.store, graph(), ids[0], [ids[2]]),
      /#000001 → #000003 → #000002 → #000001/,
    );
    for (const id of ids) await h.orchestrator.skipPlanning(id);
    const reason = (id: string) => h!.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id)!.queueReason;
    await waitForStatus(h, ids[0], 'implementation_review');
    await waitForStatus(h, ids[3], 'implementation_review');
    for (let t0 = Date.now(); reason(ids[1]) !== 'waiting for #000001 (code review)' && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(reason(ids[1]), 'waiting for #000001 (code review)');
    assert.equal(reason(ids[2]), 'waiting for #000002 (queued)');
    await h.orchestrator.accept(ids[0]);
    await waitForStatus(h, ids[1], 'implementation_review');
    assert.equal(h.orchestrator.task(ids[2])!.status, 'queued_implementation');
    await h.orchestrator.accept(ids[1]);
    await waitForStatus(h, ids[2], 'implementation_review');
    const order = h.backend.calls.map((c) => /SpecTask #(\d{6})/.exec(c.prompt)![1]);
    assert.ok(order.indexOf('000002') > order.indexOf('000001') && order.indexOf('000003') > order.indexOf('000002'));
    assert.ok(h.backend.maxLive <= 2, `never more than two implementation agents (${h.backend.maxLive})`);
  });
});
