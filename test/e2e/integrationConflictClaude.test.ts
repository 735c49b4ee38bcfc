import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { openOrchestrator, type OpenedOrchestrator } from '../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_INTEGRATION, DEFAULT_SETTINGS, type OrchestratorSettings } from '../../src/core/orchestrator/settings';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import type { FakeServer, ScriptTurn } from './fakes/fakeServer';
import { startPhasedAnthropicFake } from './fakes/phasedAnthropicFake';
import { agentCli } from './support/agentClis';

// Issue 21: two SpecTasks edit the same line; the second conflicts in the integration queue, goes back to the
// REAL claude CLI (pinned) on its session, which is shown the conflict (the prompt and the markers in the file),
// resolves it, and the queue merges the resolution. The model is a local fake Anthropic server.
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();

describe('a conflict resolved by the real claude CLI (integration queue)', function () {
  this.timeout(180_000);
  let repo: string;
  let scratch: string;
  let fake: FakeServer;
  let opened: OpenedOrchestrator;
  let registry: GitQueueRegistry;

  before(async () => {
    const bin = agentCli('claude');
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-conflict-')));
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-conflict-home-')));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'Dev');
    git(repo, 'config', 'user.email', 'dev@example.invalid');
    fs.writeFileSync(path.join(repo, 'README.md'), '# greeter\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'init');
    const readme = (wt: string) => path.join(wt, 'README.md');
    const numberIn = (prompt: string) => /SpecTask #(\d{6})/.exec(prompt)?.[1] ?? '?';
    fake = await startPhasedAnthropicFake(path.join(scratch, 'fake'), [
      {
        match: /could not be integrated/,
        turns: (v): ScriptTurn[] => {
          const wt = /into your branch in (\/\S+?):/.exec(v.prompt)?.[1] ?? '';
          return [
            { tool: { name: 'Read', input: { file_path: readme(wt) } } },
            { tool: { name: 'Write', input: { file_path: readme(wt), content: '# greeter by both\n' } } },
            { text: 'Resolved the conflict in README.md.' },
          ];
        },
      },
      {
        match: /implementation agent for SpecTask/,
        turns: (v): ScriptTurn[] => {
          // Without a spec the prompt says "The checklist <file>", which the phased fake does not read.
          const tasksFile = /(\/\S+\/tasks\.md)/.exec(v.prompt)?.[1] ?? '';
          const mark = (from: string, to: string): ScriptTurn => ({
            tool: {
              name: 'Edit',
              input: { file_path: tasksFile, old_string: `- [${from}] T1:`, new_string: `- [${to}] T1:` },
            },
          });
          return [
            { tool: { name: 'Read', input: { file_path: tasksFile } } },
            mark(' ', '~'),
            { tool: { name: 'Read', input: { file_path: readme(v.worktree) } } },
            {
              tool: {
                name: 'Write',
                input: { file_path: readme(v.worktree), content: `# greeter by ${numberIn(v.prompt)}\n` },
              },
            },
            mark('~', 'x'),
            { text: 'Done.' },
          ];
        },
      },
    ]);
    const settings: OrchestratorSettings = {
      ...DEFAULT_SETTINGS,
      planning: { backend: 'claude-cli', model: 'fake-claude' },
      implementation: { backend: 'claude-cli', model: 'fake-claude' },
      caps: { planning: 1, implementation: 1 },
      reconcileIntervalMs: 0,
      maxNudges: 0,
      maxRetries: 0,
      allowedCommands: ['git status'],
      integration: { ...DEFAULT_INTEGRATION, testCommand: 'none' },
    };
    registry = new GitQueueRegistry();
    const backend = createClaudeBackend({
      binary: bin,
      graceMs: 3000,
      defaultEndpoint: { baseUrl: fake.url, apiKey: 'sk-ant-conflict-test' },
      sourceEnv: { ...process.env, HOME: scratch },
    });
    opened = await openOrchestrator(repo, { registry, backends: [backend], settings: () => settings });
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
      if (t?.status.endsWith('failed') || Date.now() - t0 > timeoutMs)
        throw new Error(
          `${id} is ${t?.status}, not ${status}: ${t?.error ?? ''}\nmodel saw: ${JSON.stringify(
            fake.modelRequests().map((r) => r.last?.slice(0, 300)),
            null,
            1,
          )}`,
        );
    }
  }

  it('sends the conflicting task back to claude, which resolves what it is shown, and merges it', async () => {
    const o = opened.orchestrator;
    const ids: string[] = [];
    for (const title of ['First greeter', 'Second greeter']) {
      const id = await o.create({ title });
      fs.writeFileSync(
        path.join(o.task(id)!.path, 'tasks.md'),
        `# Implementation Tasks: ${title}\n\n- [ ] T1: sign README.md\n`,
      );
      ids.push(id);
    }
    for (const id of ids) await o.skipPlanning(id);
    for (const id of ids) await waitFor(id, 'implementation_review');
    await o.accept(ids[0]!);
    assert.equal(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), '# greeter by 000001\n');

    await assert.rejects(o.accept(ids[1]!), /conflicts with #000001 in README\.md/);
    await waitFor(ids[1]!, 'done');
    // What claude was shown: the fake answers with the resolution only to a prompt saying the task "could not be
    // integrated" (the prompt itself is past the part of a resumed request the fake logs), and the file it read
    // held both sides in conflict markers.
    const seen = fake.modelRequests().map((r) => r.last ?? '');
    assert.ok(
      seen.some((s) => /<<<<<<<[\s\S]*greeter by 000002[\s\S]*greeter by 000001[\s\S]*>>>>>>>/.test(s)),
      'the markers',
    );
    assert.equal(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), '# greeter by both\n');
    assert.doesNotMatch(git(repo, 'log', '-p', 'main', '--', 'README.md'), /^\+(<{7}|>{7})/m, 'no markers on main');
    assert.equal(o.task(ids[1]!)!.record!.history.filter((h) => h.trigger === 'integration_bounced').length, 1);
  });
});
