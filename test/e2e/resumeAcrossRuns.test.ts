import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { RunLedger } from '../../src/core/orchestrator/ledger';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer, ScriptTurn } from './fakes/fakeServer';
import { agentCli } from './support/agentClis';

// Issue 17 item 5: plan, revise and implement in THREE separate `spectask run` invocations, with the real Claude
// Code CLI against its fake. The fake answers turn i of a conversation with script entry i (i = the assistant
// messages so far), so only a resumed session (`--resume`) continues the script where the last run ended: a fresh
// one would replay the planning turns. One session id, from the machine-local ledger, carries all three runs.
const CLI = path.resolve('dist/cli.js');
const execFileAsync = promisify(execFile);
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();

describe('sessions resume across separate `spectask run` invocations (real claude CLI)', function () {
  this.timeout(180_000);
  let repo: string;
  let home: string;
  let fake: FakeServer;

  beforeEach(async () => {
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-resume-')));
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-resume-home-')));
    fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Dev\n\temail = dev@example.invalid\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo, env: { ...process.env, HOME: home } });
    fs.writeFileSync(path.join(repo, 'README.md'), '# greeter\n');
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync('git', ['commit', '-qm', 'init'], { cwd: repo, env: { ...process.env, HOME: home } });
    fake = await startAnthropicFake(path.join(home, '..', path.basename(home) + '-fake'));
  });
  afterEach(async () => {
    await fake?.close();
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(path.join(home, '..', path.basename(home) + '-fake'), { recursive: true, force: true });
  });

  it('plan, revise (new run) and implement (new run) continue one session, resumed with --resume', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      SPECTASK_CLAUDE_PATH: agentCli('claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-resume-test',
    };
    // Asynchronous: the fake model server answers from this process, which a synchronous spawn would block.
    const spectask = async (...args: string[]) => {
      try {
        return (await execFileAsync(process.execPath, [CLI, ...args], { cwd: repo, env, timeout: 150_000 })).stdout;
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`spectask ${args.join(' ')}: ${x.message}\n${x.stdout ?? ''}\n${x.stderr ?? ''}`);
      }
    };
    const run = () => spectask('run', '--until-idle', '--backend', 'claude-cli', '--model', 'fake-claude');
    const folder = path.join(repo, '.git-worktrees/helix-design-docs/design/tasks/000001_add-a-greeting');
    const wt = path.join(repo, '.git-worktrees/000001_add-a-greeting');
    const doc = (f: string) => path.join(folder, f);
    const write = (file: string, content: string): ScriptTurn => ({
      tool: { name: 'Write', input: { file_path: file, content } },
    });
    const edit = (file: string, from: string, to: string): ScriptTurn => ({
      tool: { name: 'Edit', input: { file_path: file, old_string: from, new_string: to } },
    });
    fake.setScript([
      // planning (run 1)
      { tool: { name: 'Read', input: { file_path: doc('requirements.md') } } },
      write(
        doc('requirements.md'),
        '# Requirements: Add a greeting\n\n- WHEN the program runs THE SYSTEM SHALL print a greeting.\n\n## Open Questions\n\nNone.\n',
      ),
      { tool: { name: 'Read', input: { file_path: doc('design.md') } } },
      write(doc('design.md'), '# Design: Add a greeting\n\nOne module, greet.js.\n'),
      { tool: { name: 'Read', input: { file_path: doc('tasks.md') } } },
      write(doc('tasks.md'), '# Implementation Tasks: Add a greeting\n\n- [ ] T1: write greet.js\n'),
      { text: 'The spec is written.' },
      // revision (run 2): only a resumed conversation is at this index
      edit(doc('design.md'), 'One module, greet.js.', 'One module, greet.js, exporting greet(name).'),
      { text: 'Revised the design.' },
      // implementation (run 3)
      edit(doc('tasks.md'), '- [ ] T1:', '- [~] T1:'),
      write(path.join(wt, 'greet.js'), 'exports.greet = (name) => `Hello, ${name}!`;\n'),
      edit(doc('tasks.md'), '- [~] T1:', '- [x] T1:'),
      { text: 'Done.' },
    ]);
    await spectask('create', 'Add a greeting', '--prompt', 'Print a friendly greeting.');
    await spectask('start', '1');
    const status = async () => JSON.parse(await spectask('show', '1', '--json')).status as string;
    await run();
    assert.equal(await status(), 'spec_review', 'planned in the first run');
    // No --quote: the revision prompt quotes the commented line itself.
    await spectask(
      'request-changes',
      '1',
      '--comment',
      'Say what it exports.',
      '--document',
      'design.md',
      '--line',
      '3',
    );
    await run();
    assert.equal(await status(), 'spec_review', 'revised in the second run');
    assert.match(fs.readFileSync(doc('design.md'), 'utf8'), /exporting greet\(name\)/);
    await spectask('approve', '1');
    await run();
    assert.equal(await status(), 'implementation_review', 'implemented in the third run');
    assert.match(fs.readFileSync(path.join(wt, 'greet.js'), 'utf8'), /Hello/);

    const runs = (await new RunLedger(path.join(repo, '.git')).runs()).filter((r) => r.taskId.endsWith('000001'));
    const sessions = new Set(runs.map((r) => r.sessionId));
    assert.equal(runs.length, 3, `three runs: ${JSON.stringify(runs)}`);
    assert.equal(sessions.size, 1, `one session id across the three runs: ${[...sessions].join(', ')}`);
    // The run-started entry of runs 2 and 3 names the session the run resumed (the ledger records it before the
    // process starts): the CLI was given --resume with it.
    const started = fs
      .readFileSync(path.join(repo, '.git/spectask/ledger.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; sessionId?: string })
      .filter((e) => e.kind === 'run-started');
    assert.deepEqual(
      started.map((e) => e.sessionId),
      [undefined, ...sessions, ...sessions],
    );
    assert.ok(
      fake.modelRequests().some((r) => /Say what it exports\./.test(r.last ?? '')),
      'the review comment reached the model',
    );
    assert.equal(git(repo, 'status', '--porcelain'), '', "the user's checkout is untouched");
  });
});
