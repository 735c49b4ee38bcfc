import * as assert from 'node:assert/strict';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { takenOverReason } from '../../../src/core/orchestrator/claimedStart';
import { openOrchestrator, type OpenedOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import { waitForStatus } from '../../support/orchestratorHarness';
import { ReplayBackend, type ReplayScript } from '../../support/replayBackend';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';

const SETTINGS: OrchestratorSettings = {
  ...DEFAULT_SETTINGS,
  planning: { backend: 'custom' },
  implementation: { backend: 'custom' },
  reconcileIntervalMs: 0,
  maxNudges: 0,
  maxRetries: 0,
  // Room for the orchestrator's own scheduler, which an externally scheduled one must not use.
  caps: { planning: 3, implementation: 5 },
  autoStart: true,
};

describe("an externally scheduled orchestrator (a worker's): its scheduler starts nothing, startClaimed does", function () {
  this.timeout(60_000);
  let registry: GitQueueRegistry | undefined;
  let opened: OpenedOrchestrator | undefined;
  const logs: string[] = [];
  afterEach(async () => {
    opened?.dispose();
    if (opened) await registry?.forRepo(opened.docs.repo.root).whenIdle();
    registry?.dispose();
    opened = registry = undefined;
    logs.length = 0;
  });
  after(cleanupTemp);

  async function open(script: ReplayScript): Promise<{ o: OpenedOrchestrator; backend: ReplayBackend }> {
    registry = new GitQueueRegistry();
    const backend = new ReplayBackend(script);
    opened = await openOrchestrator(makeCleanRepo(), {
      registry,
      backends: [backend],
      settings: () => SETTINGS,
      scheduling: { by: 'external', maxAgents: 2 },
      log: (level, m) => logs.push(`${level}: ${m}`),
    });
    await opened.orchestrator.start();
    return { o: opened, backend };
  }

  /** A SpecTask moved into implementation the way a worker's claim moves it (its status commit). */
  async function claimedFromQueue(o: OpenedOrchestrator): Promise<string> {
    const id = await o.orchestrator.create({ title: 'Claimed task', prompt: 'work' }, { skipPlanning: true });
    await o.docs.store.transition(id, 'implementation_slot_free', 'claimed by host:1');
    await o.orchestrator.load();
    return id;
  }

  it('queued and backlog SpecTasks stay where they are, whatever the caps say; the pool has room for maxAgents', async () => {
    const { o, backend } = await open(async () => ({ text: 'done' }));
    const queued = await o.orchestrator.create({ title: 'Queued', prompt: 'work' }, { skipPlanning: true });
    const backlog = await o.orchestrator.create({ title: 'Backlog', prompt: 'work' });
    // A pass of the scheduler has run once it gave the queued task its reason for waiting.
    o.orchestrator.kick();
    const t0 = Date.now();
    while (!o.orchestrator.taskViews().find((t) => t.id === queued)?.queueReason) {
      if (Date.now() - t0 > 20_000) assert.fail(`no scheduler pass gave a queue reason\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await registry!.forRepo(o.docs.repo.root).whenIdle();
    assert.equal(o.orchestrator.task(queued)?.status, 'queued_implementation');
    assert.equal(o.orchestrator.task(backlog)?.status, 'backlog', 'autoStart is off for it');
    assert.equal(backend.calls.length, 0, 'no agent started by its own scheduler');
    assert.equal(o.pool.stats().maxConcurrent, 2);
  });

  it('a SpecTask claimed from the queue starts the way the scheduler starts it: the first prompt', async () => {
    let reason: string | undefined = 'unseen';
    const { o, backend } = await open(async (ctx) => {
      reason = opened!.orchestrator.fleet.state.runs.get(ctx.req.taskId)?.restartReason;
      return { text: 'done' };
    });
    const id = await claimedFromQueue(o);
    await o.orchestrator.startClaimed(id, { takenOver: false });
    await waitForStatus({ orchestrator: o.orchestrator, logs }, id, ['implementation_review', 'implementation_failed']);
    assert.equal(backend.calls.length, 1);
    assert.match(backend.calls[0].prompt, /You are the implementation agent for SpecTask #000001/);
    assert.equal(reason, undefined, 'a first run has no restart reason on its card');
  });

  it('a takeover resumes from what was pushed: the prompt a reload uses, a new session, whose it was on the card', async () => {
    let reason: string | undefined;
    const { o, backend } = await open(async (ctx) => {
      reason = opened!.orchestrator.fleet.state.runs.get(ctx.req.taskId)?.restartReason;
      return { text: 'done' };
    });
    const id = await claimedFromQueue(o);
    await o.orchestrator.startClaimed(id, { takenOver: true, from: 'build-7:4242' });
    await waitForStatus({ orchestrator: o.orchestrator, logs }, id, ['implementation_review', 'implementation_failed']);
    assert.equal(backend.calls.length, 1);
    const prompt = backend.calls[0].prompt;
    assert.match(prompt, /your previous run was interrupted/);
    assert.match(prompt, /continue with the first item that is not \[x\]/);
    assert.doesNotMatch(prompt, /You are the implementation agent/);
    assert.equal(backend.calls[0].resumeSessionId, undefined, 'a new agent session');
    assert.equal(reason, takenOverReason('build-7:4242'));
  });

  it('startClaimed does nothing for a SpecTask no agent works on in its status', async () => {
    const { o, backend } = await open(async () => ({ text: 'done' }));
    const id = await o.orchestrator.create({ title: 'Still queued', prompt: 'work' }, { skipPlanning: true });
    await o.orchestrator.startClaimed(id, { takenOver: true });
    assert.equal(backend.calls.length, 0);
    assert.equal(o.orchestrator.task(id)?.status, 'queued_implementation');
  });
});
