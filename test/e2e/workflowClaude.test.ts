import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { RunLedger } from '../../src/core/orchestrator/ledger';
import { openOrchestrator, type OpenedOrchestrator } from '../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../src/core/orchestrator/settings';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import type { FleetSnapshot } from '../../src/protocol/fleet';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer, ScriptTurn } from './fakes/fakeServer';
import { agentCli } from './support/agentClis';

// The whole SpecTask workflow with the REAL Claude Code CLI (pinned) against a local fake Anthropic
// server: create → plan → request changes → revise → approve → implement → accept → done. One agent
// session carries all phases (resumed each time), as DESIGN.md §2 asks.
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();

describe('the whole workflow with the real claude CLI', function () {
  this.timeout(180_000);
  let repo: string;
  let scratch: string;
  let fake: FakeServer;
  let opened: OpenedOrchestrator;
  let registry: GitQueueRegistry;
  const snapshots: FleetSnapshot[] = [];

  before(async () => {
    const bin = agentCli('claude');
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-flow-')));
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-flow-home-')));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'Dev');
    git(repo, 'config', 'user.email', 'dev@example.invalid');
    fs.writeFileSync(path.join(repo, 'README.md'), '# greeter\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'init');
    fake = await startAnthropicFake(path.join(scratch, 'fake'));
    const settings: OrchestratorSettings = {
      ...DEFAULT_SETTINGS,
      planning: { backend: 'claude-cli', model: 'fake-claude' },
      implementation: { backend: 'claude-cli', model: 'fake-claude' },
      reconcileIntervalMs: 0,
      maxNudges: 0,
      maxRetries: 0,
      allowedCommands: ['git status'],
    };
    registry = new GitQueueRegistry();
    const backend = createClaudeBackend({
      binary: bin,
      graceMs: 3000,
      defaultEndpoint: { baseUrl: fake.url, apiKey: 'sk-ant-flow-test' },
      sourceEnv: { ...process.env, HOME: scratch },
    });
    opened = await openOrchestrator(repo, { registry, backends: [backend], settings: () => settings });
    opened.orchestrator.onDidChange(() => snapshots.push(opened.orchestrator.fleetSnapshot()));
    await opened.orchestrator.start();
  });
  after(async () => {
    opened?.dispose();
    await fake?.close();
    registry?.dispose();
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  async function waitFor(id: string, status: SpecTaskStatus, timeoutMs = 90_000): Promise<void> {
    for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
      const t = opened.orchestrator.task(id);
      if (t?.status === status) return;
      if (t?.status.endsWith('failed'))
        throw new Error(
          `${id} failed: ${t.error}\nmodel requests: ${JSON.stringify(
            fake.modelRequests().map((r) => r.last?.slice(0, 300)),
            null,
            1,
          )}`,
        );
      if (Date.now() - t0 > timeoutMs) throw new Error(`${id} is ${t?.status}, not ${status}`);
    }
  }

  it('goes from a goal to merged code, decided from git at every step', async () => {
    const folder = path.join(repo, '.git-worktrees/helix-design-docs/design/tasks/000001_add-a-greeting');
    const wt = path.join(repo, '.git-worktrees/000001_add-a-greeting');
    const tasks = path.join(folder, 'tasks.md');
    const doc = (f: string) => path.join(folder, f);
    const plan: ScriptTurn[] = [
      { tool: { name: 'Read', input: { file_path: doc('requirements.md') } } },
      {
        tool: {
          name: 'Write',
          input: {
            file_path: doc('requirements.md'),
            content:
              '# Requirements: Add a greeting\n\n- WHEN the program runs THE SYSTEM SHALL print a greeting.\n\n## Open Questions\n\nNone.\n',
          },
        },
      },
      { tool: { name: 'Read', input: { file_path: doc('design.md') } } },
      {
        tool: {
          name: 'Write',
          input: { file_path: doc('design.md'), content: '# Design: Add a greeting\n\nOne module, greet.js.\n' },
        },
      },
      { tool: { name: 'Read', input: { file_path: tasks } } },
      {
        tool: {
          name: 'Write',
          input: {
            file_path: tasks,
            content:
              '# Implementation Tasks: Add a greeting\n\n- [ ] T1: write greet.js\n- [ ] T2: document it in README.md\n',
          },
        },
      },
      { text: 'The spec is written.' },
    ];
    const revise: ScriptTurn[] = [
      {
        tool: {
          name: 'Edit',
          input: {
            file_path: doc('design.md'),
            old_string: 'One module, greet.js.',
            new_string: 'One module, greet.js, exporting greet(name).',
          },
        },
      },
      { text: 'Revised the design.' },
    ];
    const step = (id: string, from: string, to: string): ScriptTurn => ({
      tool: {
        name: 'Edit',
        input: { file_path: tasks, old_string: `- [${from}] ${id}:`, new_string: `- [${to}] ${id}:` },
      },
    });
    const implement: ScriptTurn[] = [
      step('T1', ' ', '~'),
      {
        tool: {
          name: 'Write',
          input: { file_path: path.join(wt, 'greet.js'), content: 'exports.greet = (name) => `Hello, ${name}!`;\n' },
        },
      },
      // The agent writes and ticks; the orchestrator commits each item as it is ticked.
      step('T1', '~', 'x'),
      step('T2', ' ', '~'),
      { tool: { name: 'Read', input: { file_path: path.join(wt, 'README.md') } } },
      {
        tool: {
          name: 'Edit',
          input: {
            file_path: path.join(wt, 'README.md'),
            old_string: '# greeter\n',
            new_string: '# greeter\n\n`greet(name)` says hello.\n',
          },
        },
      },
      step('T2', '~', 'x'),
      { text: 'Both items are done.' },
    ];
    fake.setScript([...plan, ...revise, ...implement]);

    const o = opened.orchestrator;
    const id = await o.create(
      { title: 'Add a greeting', prompt: 'Print a friendly greeting.' },
      { startPlanning: true },
    );
    await waitFor(id, 'spec_review');
    assert.match(fs.readFileSync(doc('requirements.md'), 'utf8'), /WHEN the program runs/);
    assert.equal(o.task(id)!.items.length, 2);
    const firstSession = opened.pool.agent(id)?.sessionId;
    assert.ok(firstSession, 'the agent has a session');
    assert.deepEqual(o.task(id)!.record!.agentSessions, {}, 'session ids stay on this machine, not in spectask.json');

    await o.requestSpecChanges(id, [
      { document: 'design.md', line: 3, quote: 'One module, greet.js.', comment: 'Say what it exports.' },
    ]);
    await waitFor(id, 'spec_review');
    assert.match(fs.readFileSync(doc('design.md'), 'utf8'), /exporting greet\(name\)/);
    const revisionRequest = fake.modelRequests().find((r) => /Say what it exports\./.test(r.last ?? ''));
    assert.ok(revisionRequest, 'the review comment reached the model');

    await o.approve(id);
    await waitFor(id, 'implementation_review');
    assert.equal(
      opened.pool.agent(id)?.sessionId,
      firstSession,
      'one session across planning, revision and implementation',
    );
    const runs = (await new RunLedger(path.join(repo, '.git')).runs()).filter((r) => r.taskId === id);
    assert.ok(runs.length >= 3);
    assert.ok(
      runs.every((r) => r.sessionId === firstSession),
      'the machine-local run ledger records the session of every run',
    );
    // One commit per item, made by the orchestrator as the user, with the task's trailer.
    assert.deepEqual(
      git(repo, 'log', '--format=%s|%an|%(trailers:only,unfold)', 'main..spectask/000001-add-a-greeting')
        .split('\n')
        .filter(Boolean),
      ['T2: document it in README.md|Dev|SpecTask: 000001', 'T1: write greet.js|Dev|SpecTask: 000001'],
    );
    const phases = new Set(
      snapshots.flatMap((s) => s.cards.map((c) => `${c.phase}:${c.progress.done}/${c.progress.total}`)),
    );
    for (const p of [
      'planning:0/0',
      'spec_review:0/2',
      'implementing:0/2',
      'implementing:1/2',
      'implementation_review:2/2',
    ])
      assert.ok(phases.has(p), `the dashboard saw ${p} (saw ${[...phases].join(' ')})`);

    await o.accept(id);
    assert.equal(o.task(id)!.status, 'done');
    assert.match(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), /greet\(name\)/);
    assert.equal(require(path.join(repo, 'greet.js')).greet('you'), 'Hello, you!');
    const history = o
      .task(id)!
      .record!.history.map((h) => h.to)
      .join(' → ');
    assert.equal(
      history,
      'backlog → queued_spec_generation → spec_generation → spec_review → spec_revision → spec_generation → spec_review → spec_approved → queued_implementation → implementation → implementation_review → queued_integration → integrating → done',
    );
    // Full messages: changes that arrive together are coalesced into one commit listing each of them.
    const docsLog = git(path.join(repo, '.git-worktrees/helix-design-docs'), 'log', '--format=%B');
    assert.match(docsLog, /status implementation_review → queued_integration/);
    assert.match(docsLog, /status integrating → done/);
  });
});
