import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentPool } from '../../../src/core/agents/agentPool';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../../src/core/agents/codexAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { WorkspaceTools } from '../../../src/core/agents/workspaceTools';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { ReplayBackend } from '../../support/replayBackend';
import { baseRequest, ctx } from './fixtureReplay';

// The implementation agent ticks its tasks.md in the design-docs worktree, outside its own cwd
// (DESIGN.md §6): every back-end must be granted that one folder, and nothing more.
describe('extra writable folders (the SpecTask folder)', () => {
  const folder = '/repo/.git-worktrees/helix-design-docs/design/tasks/000007_login';

  it('are passed to claude as --add-dir', () => {
    const inv = new ClaudeAdapter({}).buildInvocation(
      baseRequest({ extraDirs: [folder], permissions: { mode: 'edit' } }),
      ctx(),
    );
    assert.equal(inv.args[inv.args.indexOf('--add-dir') + 1], folder);
  });

  it('are passed to codex as --add-dir, but not in read-only mode', () => {
    const a = new CodexAdapter({});
    const edit = a.buildInvocation(baseRequest({ extraDirs: [folder], permissions: { mode: 'edit' } }), ctx());
    assert.ok(edit.args.includes(folder));
    assert.equal(edit.args[edit.args.indexOf(folder) - 1], '--add-dir');
    assert.ok(
      !a
        .buildInvocation(baseRequest({ extraDirs: [folder], permissions: { mode: 'read-only' } }), ctx())
        .args.includes(folder),
    );
  });

  it('are passed to gemini as --include-directories=<dir>, one per folder', () => {
    const inv = new GeminiAdapter({}).buildInvocation(
      baseRequest({ extraDirs: [folder, '/b'], permissions: { mode: 'edit' } }),
      ctx(),
    );
    assert.deepEqual(
      inv.args.filter((x) => x.startsWith('--include-directories')),
      [`--include-directories=${folder}`, '--include-directories=/b'],
    );
  });

  describe('in the own tool loop', () => {
    let base: string;
    let wt: string;
    let extra: string;
    before(() => {
      base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'extra-')));
      wt = path.join(base, 'wt');
      extra = path.join(base, 'docs', 'task');
      fs.mkdirSync(wt, { recursive: true });
      fs.mkdirSync(path.join(base, 'docs', '.git'), { recursive: true });
      fs.mkdirSync(extra, { recursive: true });
      fs.writeFileSync(path.join(extra, 'tasks.md'), '- [ ] T1: a\n');
      fs.writeFileSync(path.join(base, 'docs', 'other.md'), 'not granted\n');
      fs.symlinkSync(path.join(base, 'docs'), path.join(extra, 'up'));
    });
    after(() => fs.rmSync(base, { recursive: true, force: true }));
    const tools = () => new WorkspaceTools({ worktree: wt, policy: { mode: 'edit' }, extraRoots: [extra] });
    const call = (name: string, input: Record<string, unknown>) => ({
      callId: 'c',
      name,
      input,
      rawArguments: JSON.stringify(input),
    });
    const signal = new AbortController().signal;

    it('may write the granted folder by absolute path', async () => {
      const r = await tools().execute(
        call('edit_file', { path: path.join(extra, 'tasks.md'), old_string: '- [ ]', new_string: '- [x]' }),
        signal,
      );
      assert.equal(r.ok, true, r.output);
      assert.equal(fs.readFileSync(path.join(extra, 'tasks.md'), 'utf8'), '- [x] T1: a\n');
    });

    it('may not leave it by .. or by a symlink', async () => {
      for (const p of [
        path.join(extra, '..', 'other.md'),
        path.join(extra, 'up', 'other.md'),
        path.join(base, 'docs', '.git', 'HEAD'),
      ]) {
        const r = await tools().execute(call('write_file', { path: p, content: 'x' }), signal);
        assert.ok(r.denied, `${p} should be refused`);
      }
      assert.equal(fs.readFileSync(path.join(base, 'docs', 'other.md'), 'utf8'), 'not granted\n');
    });
  });
});

describe('AgentPool.adoptSession', () => {
  const track = disposeAfterEach();

  it('makes the next phase resume a session known from an earlier process', async () => {
    const backend = new ReplayBackend(async () => undefined);
    const pool = track(new AgentPool({ backends: [backend], maxConcurrent: 2, sweepIntervalMs: 0 }));
    pool.adoptSession('t1', 'custom', 'session-from-yesterday');
    const ticket = pool.runPhase('t1', {
      backend: 'custom',
      phase: 'implementation',
      worktree: '/w',
      prompt: 'continue',
      permissions: { mode: 'edit' },
    });
    await ticket.finished;
    assert.equal(backend.calls[0].resumeSessionId, 'session-from-yesterday');
  });
});
