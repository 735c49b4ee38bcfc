import * as assert from 'node:assert/strict';
import type { AgentInfo } from '../../../src/core/agents/agentPool';
import type { SpecTaskTransition } from '../../../src/core/docs/specTaskSchema';
import {
  boardColumnOf,
  boardMovesOf,
  isRunLive,
  landingOf,
  runFactsOf,
} from '../../../src/core/orchestrator/fleetCardFacts';
import { buildFleetSnapshot, type TaskView } from '../../../src/core/orchestrator/fleetView';
import { SPECTASK_STATUSES, statusesAllowing } from '../../../src/core/orchestrator/statusMachine';

const agent = (over: Partial<AgentInfo> = {}): AgentInfo => ({
  agentId: 'agent-1',
  taskId: '1',
  backend: 'claude-cli',
  status: 'working',
  createdAt: 0,
  lastActivityAt: 0,
  history: [],
  usage: {},
  ...over,
});

describe('fleet card facts (issue 22: the card tells the truth; the Board)', () => {
  it('puts every status but archived in a Board column: queued, failed and stopped ones in the column of their step', () => {
    const columns = Object.fromEntries(SPECTASK_STATUSES.map((s) => [s, boardColumnOf(s)]));
    assert.deepEqual(columns, {
      backlog: 'backlog',
      queued_spec_generation: 'planning',
      spec_generation: 'planning',
      spec_review: 'spec_review',
      spec_revision: 'planning',
      spec_approved: 'implementing',
      queued_implementation: 'implementing',
      implementation: 'implementing',
      implementation_review: 'implementation_review',
      queued_integration: 'integration',
      integrating: 'integration',
      done: 'done',
      spec_failed: 'planning',
      implementation_failed: 'implementing',
      spec_stopped: 'planning',
      implementation_stopped: 'implementing',
      archived: undefined,
    });
  });

  it("offers exactly the status table's Start, Approve, Accept, Retry and Archive, with where each lands", () => {
    assert.deepEqual(boardMovesOf('backlog'), [
      { move: 'start', to: 'planning' },
      { move: 'archive', to: 'archived' },
    ]);
    assert.deepEqual(boardMovesOf('spec_review'), [
      { move: 'approve', to: 'implementing' },
      { move: 'archive', to: 'archived' },
    ]);
    assert.deepEqual(boardMovesOf('implementation_review'), [
      { move: 'accept', to: 'integration' },
      { move: 'archive', to: 'archived' },
    ]);
    assert.deepEqual(boardMovesOf('implementation_failed'), [
      { move: 'retry', to: 'implementing' },
      { move: 'archive', to: 'archived' },
    ]);
    assert.deepEqual(boardMovesOf('done'), [], 'reopening is not a Board move');
    assert.deepEqual(boardMovesOf('archived'), []);
    // Every status the table lets a person archive can be archived from the Board, and no other.
    for (const s of SPECTASK_STATUSES)
      assert.equal(
        boardMovesOf(s).some((m) => m.move === 'archive'),
        statusesAllowing('archive').has(s),
        s,
      );
  });

  it('reads where a Done SpecTask landed from the note the integrator recorded', () => {
    const h = (note: string): { history: SpecTaskTransition[] } => ({
      history: [
        { at: '2026-01-01T00:00:00Z', to: 'backlog', trigger: 'created' },
        { at: '2026-01-01T00:01:00Z', from: 'integrating', to: 'done', trigger: 'integration_succeeded', note },
      ],
    });
    assert.deepEqual(landingOf(h('merged into main at 0123456789ab (rebased, 3 passing)')), {
      landedCommit: '0123456',
    });
    assert.deepEqual(landingOf(h('already in main at abcdef012345')), { landedCommit: 'abcdef0' });
    assert.deepEqual(landingOf(h('pull request https://github.com/acme/app/pull/7')), {
      pullRequestUrl: 'https://github.com/acme/app/pull/7',
    });
    assert.deepEqual(
      landingOf(h('pull request https://github.com/acme/app/pull/8 opened (2 passing; checks: 1 pending)')),
      { pullRequestUrl: 'https://github.com/acme/app/pull/8' },
      'the note the queue writes in pull-request mode',
    );
    assert.deepEqual(landingOf(h('pull request javascript:alert(1)')), {}, 'only an https link');
    assert.deepEqual(landingOf(undefined), {});
  });

  it("never shows the previous run's activity on a new run", () => {
    const run = { startedAt: 100, lastActivity: 'Edit old.ts', lastActivityAt: 90 };
    assert.equal(runFactsOf(run, agent(), true).lastActivity, undefined);
    const older = agent({
      status: 'idle',
      history: [{ runId: 'r', phase: 'p', resumed: false, startedAt: 101, endedAt: 130 }],
    });
    assert.equal(runFactsOf(run, older, false).lastActivity, undefined, 'nor once the new run ended');
    assert.equal(runFactsOf({ ...run, lastActivityAt: 120 }, agent(), true).lastActivity, 'Edit old.ts');
  });

  it('stops the clock when the run ended: its end from the pool, and no time when unknown', () => {
    const run = { startedAt: 100, lastActivity: 'Edit a.ts', lastActivityAt: 150 };
    const ended = agent({
      status: 'idle',
      history: [{ runId: 'r', phase: 'p', resumed: false, startedAt: 101, endedAt: 163 }],
    });
    assert.deepEqual(runFactsOf(run, ended, false), {
      runLive: false,
      startedAt: 100,
      endedAt: 163,
      lastActivity: 'Edit a.ts',
      tokens: undefined,
      costUsd: undefined,
    });
    // The pool's last record is an older run's: the end of this one is unknown.
    const older = agent({
      status: 'stopped',
      history: [{ runId: 'r', phase: 'p', resumed: false, startedAt: 50, endedAt: 60 }],
    });
    assert.equal(runFactsOf(run, older, false).startedAt, undefined);
  });

  it("counts the live run's usage so far, not only finished runs'", () => {
    const live = agent({
      usage: { inputTokens: 1000, outputTokens: 200, costUsd: 0.01 },
      history: [
        {
          runId: 'r',
          phase: 'p',
          resumed: false,
          startedAt: 1,
          usage: { inputTokens: 500, outputTokens: 100, costUsd: 0.02 },
        },
      ],
    });
    const facts = runFactsOf({ startedAt: 1 }, live, true);
    assert.equal(facts.tokens, 1800);
    assert.ok(Math.abs(facts.costUsd! - 0.03) < 1e-9);
  });

  it("takes liveness from the store's working set when given, else from the agent", () => {
    assert.equal(isRunLive('1', agent({ status: 'idle' }), new Set(['1'])), true);
    assert.equal(isRunLive('1', agent({ status: 'working' }), new Set()), false);
    assert.equal(isRunLive('1', agent({ status: 'working' })), true);
    assert.equal(isRunLive('1', agent({ status: 'idle' })), false);
    assert.equal(isRunLive('1', undefined), false);
  });

  it('fills the card: column, moves, liveness and landing', () => {
    const task = (id: string, status: TaskView['status']): TaskView => ({
      id,
      number: id.padStart(6, '0'),
      title: id,
      status,
      items: [],
      hasWorktree: true,
      updatedAt: 1,
    });
    const snap = buildFleetSnapshot({
      tasks: [
        task('1', 'spec_review'),
        {
          ...task('2', 'done'),
          record: {
            history: [
              { at: 'x', to: 'done', trigger: 'integration_succeeded', note: 'merged into main at 00aa11bb22cc (ok)' },
            ],
          },
        },
      ],
      agents: new Map(),
      runs: new Map([['1', { startedAt: 5, lastActivity: 'Edit a.ts', lastActivityAt: 6 }]]),
      queueReasons: new Map(),
      working: new Set(),
      contextItems: 2,
      now: 10,
    });
    const [a, b] = snap.cards;
    assert.equal(a.column, 'spec_review');
    assert.equal(a.runLive, false);
    assert.equal(a.lastActivity, 'Edit a.ts', "the run's last activity stays; the card hides it (not live)");
    assert.deepEqual(
      a.moves?.map((m) => m.move),
      ['approve', 'archive'],
    );
    assert.equal(b.landedCommit, '00aa11b');
  });
});
